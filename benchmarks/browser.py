"""How fast a widget answers in the browser: from a key press on a slider to the painted picture.

A private JupyterLab server (see tests/browser_support.py) serves one notebook with every app of
the course, with a learner's JupyterLab settings (cells out of view are not painted); Chromium
(Debian's, driven by Playwright) runs it at 1440×900. For each app a slider
handle gets the focus and ArrowRight / ArrowLeft is pressed MEASURED times; each time the page
measures, from the keydown event's time stamp, until the picture's new PNG has been decoded and
the next frame painted (requestAnimationFrame after img.decode()). Reported: the median and the
slowest of the presses, per app, in milliseconds.

Target: median ≤ 60 ms per app on 2 cores. (benchmarks/widgets.py measures the kernel's share.)

The first row is a reference: a bare slider that swaps two ready-made PNGs of the same size as an
app's picture, shown the apps' way (a `data:` URL), with nothing computed or drawn in the kernel.
Its time is what JupyterLab, the kernel's messages and Chromium take on this machine for any
widget; the last column is each app's
median over the reference's, the part its own code adds.

A last line measures the same swap without JupyterLab: a bare page with a range input, whose
value goes over a WebSocket to a small Python (tornado) server that answers with the other PNG.
It is what Chromium, a round trip to Python and the decoding and painting of the picture cost
on this machine; the reference's excess over it is JupyterLab's and the kernel's share.

Run: .venv/bin/python benchmarks/browser.py
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser_support import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, KERNEL_READY_JS, STEP_TIMEOUT_MS, free_port, running_jupyterlab,
)

TARGET_MS = 60.0
MEASURED = 10
WARM_UP = 2

REFERENCE = "reference (PNG swap)"
# The two pictures every reference swaps: run in the kernel for the JupyterLab reference, and in
# this process for the bare page, so that both swap the same bytes.
PICTURES_CODE = """
import io as _io

from matplotlib.backends.backend_agg import FigureCanvasAgg as _Canvas
from matplotlib.figure import Figure as _Figure

from nncourse.widgets.base import png_url as _png_url


def two_png_urls():
    \"\"\"Two ready-made 600 × 400 PNGs (a line of slope 1, then 2) as data: URLs.\"\"\"
    urls = []
    for slope in (1, 2):
        figure = _Figure(figsize=(6, 4), dpi=100)
        _Canvas(figure)
        figure.add_subplot().plot([0, 1], [0, slope])
        buffer = _io.BytesIO()
        figure.savefig(buffer, format="png")
        urls.append(_png_url(buffer.getvalue()))
    return urls
"""
REFERENCE_CODE = PICTURES_CODE + """
import ipywidgets as _widgets

from nncourse.widgets.accessibility import APP_CLASS as _APP_CLASS, ControlNames as _Names


def reference_app():
    \"\"\"A slider that swaps two ready-made 600 × 400 PNGs: the floor of any app's latency.\"\"\"
    pictures = two_png_urls()
    slider = _widgets.FloatSlider(description="x", min=0, max=1, step=0.01)
    image = _widgets.Image(format="url", value=pictures[0])
    slider.observe(lambda change: setattr(image, "value", pictures[round(change.new * 100) % 2]),
                   names="value")
    picture = _widgets.Box([image])
    picture.add_class("nncourse-picture")
    app = _widgets.VBox([slider, picture, _Names()])
    app.add_class(_APP_CLASS)
    return app
"""

APPS = {
    REFERENCE: "reference_app()",
    "neuron_explorer": "neuron_explorer(weights=(0.5, -1.0), bias=0.0, activation='sigmoid')",
    "activation_explorer": "activation_explorer(['sigmoid', 'tanh', 'relu'], x=1.0)",
    "loss_explorer (binary)": "loss_explorer('binary', p=0.5, target=1)",
    "loss_explorer (multiclass)": "loss_explorer('multiclass')",
    "descent_explorer (50 steps)": "descent_explorer(function='bowl', lr=0.1, steps=50)",
    "training_playground": "training_playground(dataset='spirals', hidden=(8, 8), seed=0)",
    "sgd_stepper": "sgd_stepper()",
}
# which slider each app's presses move (its accessible name)
SLIDERS = {
    REFERENCE: "x",
    "neuron_explorer": "weight w₁", "activation_explorer": "input z",
    "loss_explorer (binary)": "prediction p", "loss_explorer (multiclass)": "logit s (Cat)",
    "descent_explorer (50 steps)": "start p₁", "training_playground": "noise",
    "sgd_stepper": "step",
}

MEASURE_JS = """([handle, img]) => new Promise(resolve => {
    let pressed = null;
    const onKey = event => { pressed = event.timeStamp; };
    handle.addEventListener('keydown', onKey, { capture: true, once: true });
    const observer = new MutationObserver(() => {
        observer.disconnect();
        img.decode().catch(() => null).then(() => requestAnimationFrame(
            () => resolve(performance.now() - pressed)));
    });
    observer.observe(img, { attributes: true, attributeFilter: ['src'] });
    window.__nncourse_armed = true;
})"""


def cells() -> list:
    head = ("from nncourse.widgets import activation_explorer, descent_explorer, loss_explorer, "
            "neuron_explorer, sgd_stepper, training_playground")
    return [head + "\n" + REFERENCE_CODE] + list(APPS.values())


def measure(page, app, slider_name) -> list:
    handle = app.get_by_role("slider", name=slider_name)
    img = app.locator(".nncourse-picture img").first
    handle.scroll_into_view_if_needed()
    times = []
    for k in range(WARM_UP + MEASURED):
        key = "ArrowRight" if (k // 3) % 2 == 0 else "ArrowLeft"
        handle.focus()
        pending = page.evaluate_handle("([h, i]) => { window.__t = (" + MEASURE_JS + ")([h, i]); }",
                                       [handle.element_handle(), img.element_handle()])
        pending.dispose()
        page.keyboard.press(key)
        elapsed = page.evaluate("() => window.__t")
        page.wait_for_function(KERNEL_READY_JS)
        if k >= WARM_UP:
            times.append(float(elapsed))
    return times


BARE_PAGE = """<!doctype html><html><body>
<input id="slider" type="range" min="0" max="100" value="0" style="width: 400px"><br>
<img id="picture" src="{first}">
<script>
const socket = new WebSocket(`ws://${{location.host}}/swap`);
const slider = document.getElementById("slider"), picture = document.getElementById("picture");
slider.addEventListener("input", () => socket.send(slider.value));
socket.onmessage = event => {{ picture.src = event.data; }};
</script></body></html>"""


def two_png_urls() -> list:
    """The reference's two pictures, made by the same code as in the kernel, as text."""
    namespace: dict = {}
    exec(PICTURES_CODE, namespace)
    return [url.decode("ascii") for url in namespace["two_png_urls"]()]


def serve_bare_page(port: int) -> None:
    """The bare page and its WebSocket, served by tornado in this thread until the end."""
    import tornado.ioloop
    import tornado.web
    import tornado.websocket

    urls = two_png_urls()

    class Page(tornado.web.RequestHandler):
        def get(self):
            self.write(BARE_PAGE.format(first=urls[0]))

    class Swap(tornado.websocket.WebSocketHandler):
        def on_message(self, message):
            self.write_message(urls[int(message) % 2])

    asyncio.set_event_loop(asyncio.new_event_loop())
    tornado.web.Application([("/", Page), ("/swap", Swap)]).listen(port, "127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


def measure_bare_page(browser) -> list:
    port = free_port()
    threading.Thread(target=serve_bare_page, args=(port,), daemon=True).start()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    for _ in range(50):  # the server thread starts listening
        try:
            page.goto(f"http://127.0.0.1:{port}/")
            break
        except Exception:
            time.sleep(0.1)
    page.wait_for_function("() => document.getElementById('picture').complete")
    handle, img = page.locator("#slider"), page.locator("#picture")
    times = []
    for k in range(WARM_UP + MEASURED):
        handle.focus()
        page.evaluate_handle("([h, i]) => { window.__t = (" + MEASURE_JS + ")([h, i]); }",
                            [handle.element_handle(), img.element_handle()]).dispose()
        page.keyboard.press("ArrowRight" if (k // 3) % 2 == 0 else "ArrowLeft")
        elapsed = page.evaluate("() => window.__t")
        time.sleep(0.1)
        if k >= WARM_UP:
            times.append(float(elapsed))
    page.close()
    return times


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}")
        return 1
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        with running_jupyterlab(Path(folder), "bench.ipynb", cells(),
                                every_cell_rendered=False) as (base, token, _log):
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(STEP_TIMEOUT_MS * 4)
                page.goto(f"{base}/lab/tree/bench.ipynb?reset&token={token}")
                page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
                page.wait_for_function(KERNEL_READY_JS)
                page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
                page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
                page.wait_for_function(
                    f"() => document.querySelectorAll('.nncourse-app img').length >= {len(APPS)}")
                page.wait_for_function(KERNEL_READY_JS)
                apps = page.locator(".nncourse-app")
                for k, name in enumerate(APPS):
                    results[name] = measure(page, apps.nth(k), SLIDERS[name])
                bare = measure_bare_page(browser)
                browser.close()
    print(f"key press → painted picture in Chromium, {MEASURED} presses per app "
          f"(target: median ≤ {TARGET_MS:.0f} ms)")
    print(f"{'app':<30} {'median ms':>10} {'slowest ms':>11} {'over reference':>15}")
    floor = statistics.median(results[REFERENCE])
    worst = 0.0
    for name, times in results.items():
        median = statistics.median(times)
        extra = "" if name == REFERENCE else f"{median - floor:+15.1f}"
        if name != REFERENCE:
            worst = max(worst, median)
        print(f"{name:<30} {median:>10.1f} {max(times):>11.1f} {extra}")
    print(f"{'the same swap without JupyterLab':<30} {statistics.median(bare):>10.1f} "
          f"{max(bare):>11.1f} {statistics.median(bare) - floor:+15.1f}")
    print(f"slowest median: {worst:.1f} ms ({'within' if worst <= TARGET_MS else 'over'} "
          f"the target); the reference alone takes {floor:.1f} ms here "
          f"({'within' if floor <= TARGET_MS else 'over'} the target), of which "
          f"{floor - statistics.median(bare):.1f} ms are JupyterLab's and the kernel's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

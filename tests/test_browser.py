"""A widget driven in a real browser: JupyterLab in Chromium, a slider moved with the keyboard.

The test starts its own JupyterLab server on 127.0.0.1 (free port, random token, private config,
runtime, data, settings and workspace directories), opens a notebook showing the neuron explorer
with Playwright in Debian's Chromium, runs all cells from the Run menu, presses ArrowRight on a
weight slider's handle, and checks that the readout shows the new value, that the kernel computed
with it, and that the picture was redrawn. It skips, with the reason, when Chromium or the playwright package is missing.

Pitfalls this set-up avoids:
- JupyterLab restores the tabs of an earlier session: the URL carries ``?reset`` and the
  workspaces directory is new for every run.
- The kernel can report "idle" before its websocket is connected: the test waits until the
  kernel object in the page says both ``connected`` and ``idle``.
- The "official Jupyter news" pop-up can cover the page: news and update checks are off.
- `playwright install` cannot download here: the browser is the system's Chromium.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from secrets import token_hex

import nbformat
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("NNCOURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK_NAME = "slider_widget.ipynb"

# The notebook under test: a lesson-like cell showing the course's neuron explorer. The test
# moves the slider SLIDER_LABEL with the keyboard; the texts below are what the page must show.
NOTEBOOK_CODE = """\
from nncourse.widgets import neuron_explorer

app = neuron_explorer(weights=(0.5, -1.0), bias=0.0, activation="sigmoid", inputs=(1.0, 1.0))
app
"""
SLIDER_LABEL = "weight w₁"
ARROW_PRESSES = 3
READOUT_BEFORE = "0.50"
READOUT_AFTER = "0.65"  # 0.50 + 3 steps of 0.05, as the slider's readout_format writes it
# What the kernel writes for w₁ = 0.65, x = (1, 1), w₂ = −1, b = 0: z = −0.35, a = σ(−0.35).
KERNEL_TEXT_AFTER = f"a = sigmoid(z) = sigmoid(\u22120.35) = {1 / (1 + math.exp(0.35)):.4f}"
KERNEL_TEXT_SELECTOR = ".widget-html-content"
IMAGE_SELECTOR = "img.widget-image"

SERVER_START_SECONDS = 60
STEP_TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python",
    }
    nbformat.write(nb, path)


def lab_settings(settings_dir: Path) -> None:
    """User settings that keep the news and update pop-ups away."""
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


@pytest.fixture
def browser_executable():
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (install it with: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server serving a fresh copy of the notebook; yields (base_url, token, log)."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / NOTEBOOK_NAME, NOTEBOOK_CODE)

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    # Private state; the venv's share/jupyter (ipywidgets' lab extension, the kernel spec)
    # is still found through sys.prefix.
    for variable, name in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_DATA_DIR", "data"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ]:
        env[variable] = str(tmp_path / name)
        (tmp_path / name).mkdir()
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    # Server extensions the test does not use (language servers, terminals) stay off.
    (tmp_path / "config" / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"jupyter_lsp": False,
                                               "jupyter_server_terminals": False}}}
    ))
    lab_settings(tmp_path / "settings")

    port, token = free_port(), token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{tail(log_path)}")
            try:
                urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in {SERVER_START_SECONDS} s:\n"
                                f"{tail(log_path)}")
                time.sleep(0.2)
        yield base_url, token, log_path
    finally:
        stop_process_group(server)


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (it shuts its kernels down), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def tail(path: Path, n: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


KERNEL_READY_JS = """() => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    const kernel = session && session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# The bytes of the picture the page shows (the Image widget's src is a blob: URL), as a data URL.
IMAGE_BYTES_JS = """async (selector) => {
    const img = document.querySelector(selector);
    if (!img || !img.getAttribute('src')) return null;
    const blob = await (await fetch(img.src)).blob();
    return await new Promise(resolve => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.readAsDataURL(blob);
    });
}"""

TEXT_SHOWN_JS = """([selector, expected]) => [...document.querySelectorAll(selector)]
    .some(element => element.textContent.includes(expected))"""


def settled_image_src(page, timeout_s: float = 15.0) -> str:
    """The picture's src once it has not changed for half a second."""
    deadline = time.monotonic() + timeout_s
    src = page.get_attribute(IMAGE_SELECTOR, "src")
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        newer = page.get_attribute(IMAGE_SELECTOR, "src")
        if newer == src:
            return src
        src = newer
    raise AssertionError(f"the picture kept changing for {timeout_s} s")


def test_slider_moved_with_keyboard_redraws_plot(browser_executable, jupyterlab, tmp_path):
    from playwright.sync_api import sync_playwright

    base_url, token, log_path = jupyterlab
    screenshot = tmp_path / "failure.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(browser_executable), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STEP_TIMEOUT_MS)
        try:
            page.goto(f"{base_url}/lab/tree/{NOTEBOOK_NAME}?reset&token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
            page.wait_for_function(KERNEL_READY_JS)

            page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()

            slider = page.locator(
                ".widget-slider", has=page.locator("label.widget-label", has_text=SLIDER_LABEL)
            ).first
            handle = slider.locator(".noUi-handle")
            readout = slider.locator(".widget-readout")
            handle.wait_for(state="visible")
            page.wait_for_selector(IMAGE_SELECTOR)
            page.wait_for_function(KERNEL_READY_JS)
            assert readout.inner_text().strip() == READOUT_BEFORE
            settled_image_src(page)
            before_bytes = page.evaluate(IMAGE_BYTES_JS, IMAGE_SELECTOR)
            assert before_bytes.startswith("data:image/png;base64,")

            handle.focus()
            for _ in range(ARROW_PRESSES):
                page.keyboard.press("ArrowRight")

            page.wait_for_function(
                "([r, expected]) => r.textContent.trim() === expected",
                arg=[readout.element_handle(), READOUT_AFTER],
            )
            page.wait_for_function(TEXT_SHOWN_JS, arg=[KERNEL_TEXT_SELECTOR, KERNEL_TEXT_AFTER])
            page.wait_for_function(KERNEL_READY_JS)
            settled_image_src(page)
            after_bytes = page.evaluate(IMAGE_BYTES_JS, IMAGE_SELECTOR)

            assert readout.inner_text().strip() == READOUT_AFTER
            assert after_bytes.startswith("data:image/png;base64,")
            assert after_bytes != before_bytes, "the picture did not change"
        except Exception as error:
            page.screenshot(path=str(screenshot), full_page=True)
            pytest.fail(
                f"{type(error).__name__}: {error}\nscreenshot of the page: {screenshot}\n"
                f"JupyterLab log (end):\n{tail(log_path, 15)}"
            )
        finally:
            browser.close()

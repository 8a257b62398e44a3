"""A widget driven in a real browser: JupyterLab in Chromium, a slider moved with the keyboard.

The test starts its own JupyterLab server on 127.0.0.1 (free port, random token, private config,
runtime, data, settings and workspace directories), opens a notebook with Playwright in Debian's
Chromium, runs all cells from the Run menu, presses ArrowRight on the slider handle, and checks
that the readout shows the new value, that the kernel computed with it, and that the plot image
was redrawn. It skips, with the reason, when Chromium or the playwright package is missing.

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
import os
import re
import shutil
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

# The notebook under test: one cell that shows a slider, a kernel-computed label and a plot.
# To drive a course widget instead, replace this code (and the expected texts below).
NOTEBOOK_CODE = '''\
%matplotlib inline
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

weight = widgets.FloatSlider(
    value=1.0, min=0.0, max=3.0, step=0.25, description="weight", readout_format=".2f"
)
result = widgets.Label()
plot = widgets.Output()


def redraw(change=None):
    w = weight.value
    with plot:
        plot.clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(4, 3))
        z = np.linspace(-4, 4, 200)
        ax.plot(z, 1 / (1 + np.exp(-w * z)))
        ax.set_title(f"sigmoid(weight * z), weight = {w:.2f}")
        ax.set_xlabel("z")
        plt.show()
    result.value = f"output for input 1: {1 / (1 + np.exp(-w)):.4f}"


weight.observe(redraw, names="value")
redraw()
widgets.VBox([weight, result, plot])
'''
ARROW_PRESSES = 3
READOUT_BEFORE = "1.00"
READOUT_AFTER = "1.75"  # 1.00 + 3 steps of 0.25, formatted with readout_format
LABEL_AFTER = "output for input 1: 0.8520"  # sigmoid(1.75), computed by the kernel

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

IMAGE_SRC_JS = """() => {
    const img = document.querySelector('.widget-output img');
    return img ? img.getAttribute('src') : null;
}"""


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

            handle = page.locator(".widget-slider .noUi-handle").first
            handle.wait_for(state="visible")
            readout = page.locator(".widget-slider .widget-readout").first
            label = page.locator("div.widget-label", has_text="output for input 1")
            page.wait_for_function(IMAGE_SRC_JS)
            assert readout.inner_text().strip() == READOUT_BEFORE
            label.wait_for()
            before_src = page.evaluate(IMAGE_SRC_JS)

            handle.focus()
            for _ in range(ARROW_PRESSES):
                page.keyboard.press("ArrowRight")

            page.wait_for_function(
                "expected => { const r = document.querySelector('.widget-slider .widget-readout');"
                " return r && r.textContent.trim() === expected; }",
                arg=READOUT_AFTER,
            )
            page.wait_for_function(
                "expected => [...document.querySelectorAll('div.widget-label')]"
                ".some(el => el.textContent.trim() === expected)",
                arg=LABEL_AFTER,
            )
            page.wait_for_function(
                "before => { const img = document.querySelector('.widget-output img');"
                " return img && img.getAttribute('src') !== before; }",
                arg=before_src,
            )
            after_src = page.evaluate(IMAGE_SRC_JS)
            assert readout.inner_text().strip() == READOUT_AFTER
            assert after_src.startswith("data:image/png;base64,")
            assert after_src != before_src
        except Exception as error:
            page.screenshot(path=str(screenshot), full_page=True)
            pytest.fail(
                f"{type(error).__name__}: {error}\nscreenshot of the page: {screenshot}\n"
                f"JupyterLab log (end):\n{tail(log_path, 15)}"
            )
        finally:
            browser.close()

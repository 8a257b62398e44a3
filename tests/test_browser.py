"""A widget driven in a real browser: JupyterLab in Chromium, a slider moved with the keyboard.

The test starts its own JupyterLab server on 127.0.0.1 (free port, random token, private config,
runtime, data, settings and workspace directories), opens a notebook showing the neuron explorer
with Playwright in Debian's Chromium, runs all cells from the Run menu, presses ArrowRight on a
weight slider's handle, and checks that the readout shows the new value, that the kernel computed
with it, and that the picture was redrawn. It skips, with the reason, when Chromium or the
playwright package is missing.

Pitfalls this set-up avoids:
- JupyterLab restores the tabs of an earlier session: the URL carries ``?reset`` and the
  workspaces directory is new for every run.
- The kernel can report "idle" before its websocket is connected: the test waits until the
  kernel object in the page says both ``connected`` and ``idle``.
- The "official Jupyter news" pop-up can cover the page: news and update checks are off.
- `playwright install` cannot download here: the browser is the system's Chromium.
"""

from __future__ import annotations

import math
import re
import time

import pytest
from browser_support import (
    CHROMIUM_ARGS, KERNEL_READY_JS, STEP_TIMEOUT_MS, browser_executable, running_jupyterlab, tail,
)

pytestmark = pytest.mark.browser

__all__ = ["browser_executable"]  # a fixture, imported so that pytest finds it here

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


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server serving the widget notebook; yields (base_url, token, log)."""
    with running_jupyterlab(tmp_path, NOTEBOOK_NAME, NOTEBOOK_CODE) as server:
        yield server


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

"""Every widget of every lesson, driven in a real browser: JupyterLab in Chromium, by keyboard.

One JupyterLab server (private directories, free port, system Chromium; see `browser_support.py`)
serves a notebook made of every lesson cell that shows a widget of `nncourse.widgets`, found by
reading the lessons, so a widget added to a lesson is tested without editing this file. The
notebook is opened at 1440×900 and at 1024×768 (JupyterLab's default layout, file browser open).

At each size, for every app:
- its picture, its readout and its first control are inside the viewport together;
- every slider and every button has an accessible name in Chromium's accessibility tree
  (`get_by_role("slider", name=...)`), every icon button a tooltip;
and at 1440×900, every control (slider, drop-down, check box, toggle button, number box) is moved
with the keyboard and the picture or the readout must change. No console error may appear.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import time
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM_ARGS, KERNEL_READY_JS, STEP_TIMEOUT_MS, browser_executable, running_jupyterlab, tail,
)

pytestmark = pytest.mark.browser

__all__ = ["browser_executable"]  # a fixture, imported so that pytest finds it here

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
WIDGET_CALL = re.compile(r"\b(neuron_explorer|activation_explorer|loss_explorer|descent_explorer|"
                         r"training_playground|sgd_stepper|depth_explorer)\(")
NOTEBOOK_NAME = "lesson_widgets.ipynb"
SIZES = ((1440, 900), (1024, 768))
APP = ".nncourse-app"


def shows_a_widget(source: str) -> bool:
    """True when the cell's last statement is a call of a widget function (what it displays)."""
    try:
        statements = ast.parse(source).body
    except SyntaxError:
        return False
    if not statements or not isinstance(statements[-1], ast.Expr):
        return False
    call = statements[-1].value
    while isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        call = call.func.value  # training_playground(...).run(10)
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and WIDGET_CALL.match(call.func.id + "(") is not None)


def lesson_widget_cells() -> list:
    """The source of every lesson cell that shows a widget, each made to run on its own."""
    cells = []
    for path in sorted(LESSONS.glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and shows_a_widget(source):
                names = [name for name in sorted(set(WIDGET_CALL.findall(source)))
                         if f"import {name}" not in source]
                imports = f"from nncourse.widgets import {', '.join(names)}\n" if names else ""
                cells.append(f"# {path.name}\n{imports}{source}")
    return cells


@pytest.fixture(scope="module")
def lesson_lab(tmp_path_factory):
    cells = lesson_widget_cells()
    assert len(cells) >= 7, "the lessons show fewer widgets than expected"
    with running_jupyterlab(tmp_path_factory.mktemp("lab"), NOTEBOOK_NAME, cells) as server:
        yield server, len(cells)


# --------------------------------------------------------------------------- page helpers

IN_VIEW_JS = """([element, width, height]) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0
        && box.bottom <= height && box.right <= width;
}"""

UNNAMED_JS = """(app) => {
    const unnamed = [];
    for (const handle of app.querySelectorAll('[role="slider"]')) {
        if (!(handle.getAttribute('aria-label') || '').trim()) unnamed.push('slider');
    }
    for (const button of app.querySelectorAll('button')) {
        if (!button.offsetParent) continue;  // not displayed (a Play's hidden repeat button)
        const name = (button.getAttribute('aria-label') || button.textContent || '').trim();
        if (!name) unnamed.push('button ' + button.innerHTML.slice(0, 60));
        if (!button.textContent.trim() && !button.getAttribute('title'))
            unnamed.push('icon button without tooltip');
    }
    return unnamed;
}"""

SNAPSHOT_JS = """(app) => {
    const img = app.querySelector('.nncourse-picture img');
    const readout = app.querySelector('.nncourse-picture .widget-html-content');
    return [img ? img.src : '', readout ? readout.textContent : ''];
}"""


# JupyterLab asks the language-server extension for its status; the private server runs without
# that extension, so the request answers 404: JupyterLab's own request, not a widget's error.
ALLOWED_404 = ("/lsp/status",)


def record_console_error(message, errors):
    if message.type != "error":
        return
    url = (message.location or {}).get("url", "")
    if "Failed to load resource" in message.text and any(part in url for part in ALLOWED_404):
        return
    errors.append(f"{message.text} ({url})")


def open_notebook(browser, base_url, token, width, height, errors):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.on("console", lambda message: record_console_error(message, errors))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/lab/tree/{NOTEBOOK_NAME}?reset&token={token}")
    # opening JupyterLab and starting a kernel take long on a loaded machine
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=4 * STEP_TIMEOUT_MS)
    page.wait_for_function(KERNEL_READY_JS, timeout=4 * STEP_TIMEOUT_MS)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
    return page


def wait_for_apps(page, count, timeout_s=240.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        shown = page.locator(f"{APP} .nncourse-picture img").count()
        if shown >= count and page.evaluate(KERNEL_READY_JS):
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"only {page.locator(APP).count()} of {count} widgets appeared")


def wait_for_change(page, app, before, what, timeout_s=20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if app.evaluate(SNAPSHOT_JS) != before:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{what}: neither the picture nor the readout changed")


def controls_of(app):
    """(kind, locator, name) for every control an app shows."""
    found = []
    for handle in app.locator('[role="slider"]').all():
        found.append(("slider", handle, handle.get_attribute("aria-label")))
    for select in app.locator("select").all():
        found.append(("select", select, select.evaluate(
            "s => (s.labels && s.labels[0] && s.labels[0].textContent) || s.id")))
    for box in app.locator('input[type="checkbox"]').all():
        found.append(("checkbox", box, box.evaluate("b => b.parentElement.textContent.trim()")))
    for group in app.locator(".widget-toggle-buttons").all():
        found.append(("toggle", group, group.locator(".widget-label").inner_text()))
    for number in app.locator('input[type="number"]').all():
        found.append(("number", number, "number box"))
    return found


def move(page, kind, control):
    """Change one control with the keyboard, the way a learner without a mouse would."""
    if kind == "slider":
        control.focus()
        at_max = control.get_attribute("aria-valuenow") == control.get_attribute("aria-valuemax")
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    elif kind == "select":  # a closed drop-down: the arrow keys choose the next option
        control.focus()
        last = control.evaluate("s => s.selectedIndex === s.options.length - 1")
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
    elif kind == "checkbox":
        control.focus()
        page.keyboard.press("Space")
    elif kind == "toggle":
        target = control.locator("button:not(.mod-active)").first
        target.focus()
        page.keyboard.press("Space")
    elif kind == "number":
        control.focus()
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")


def check_layout_and_names(page, app, width, height, where):
    app.scroll_into_view_if_needed()
    app.locator(".nncourse-picture img").first.scroll_into_view_if_needed()
    page.wait_for_timeout(150)
    parts = {"picture": app.locator(".nncourse-picture img").first,
             "readout": app.locator(".nncourse-picture .widget-html-content").first}
    first_control = app.locator('[role="slider"], select, input, button').first
    parts["first control"] = first_control
    for part, locator in parts.items():
        inside = page.evaluate(IN_VIEW_JS, [locator.element_handle(), width, height])
        assert inside, f"{where}: the {part} is not inside the {width}×{height} viewport"
    unnamed = app.evaluate(UNNAMED_JS)
    assert not unnamed, f"{where}: controls without an accessible name: {unnamed}"


def test_every_lesson_widget_in_chromium(browser_executable, lesson_lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    (base_url, token, log_path), count = lesson_lab
    errors: list = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_executable),
                                             args=CHROMIUM_ARGS)
        try:
            for width, height in SIZES:
                page = open_notebook(browser, base_url, token, width, height, errors)
                try:
                    wait_for_apps(page, count)
                    apps = page.locator(APP)
                    assert apps.count() == count
                    for k in range(count):
                        app = apps.nth(k)
                        where = f"widget {k + 1} of {count} at {width}×{height}"
                        check_layout_and_names(page, app, width, height, where)
                        page.screenshot(path=str(tmp_path / f"widget{k + 1}-{width}x{height}.png"))
                        for kind, control, name in controls_of(app):
                            if kind == "slider":  # the name a screen reader announces
                                expect(app.get_by_role("slider", name=name)).to_have_count(1)
                            if (width, height) != SIZES[0]:
                                continue
                            before = app.evaluate(SNAPSHOT_JS)
                            move(page, kind, control)
                            wait_for_change(page, app, before, f"{where}, {kind} {name!r}")
                            page.wait_for_function(KERNEL_READY_JS)
                    page.screenshot(path=str(tmp_path / f"lessons-{width}x{height}.png"))
                except Exception as error:
                    shot = tmp_path / f"failure-{width}x{height}.png"
                    page.screenshot(path=str(shot))
                    pytest.fail(f"{type(error).__name__}: {error}\nscreenshot: {shot}\n"
                                f"JupyterLab log (end):\n{tail(log_path, 15)}")
                finally:
                    page.close()
        finally:
            browser.close()
    assert not errors, "console errors:\n" + "\n".join(errors)


def test_the_lessons_show_every_kind_of_widget():
    """The browser test covers every app the course has: each is shown by some lesson."""
    shown = " ".join(lesson_widget_cells())
    for name in ("neuron_explorer", "activation_explorer", "loss_explorer", "descent_explorer",
                 "training_playground", "sgd_stepper", "depth_explorer"):
        assert f"{name}(" in shown, f"no lesson shows {name}"



STORED_PICTURES_JS = """() => {
    const images = [...document.querySelectorAll('.jp-OutputArea-output img')];
    return {
        shown: images.filter(img => img.complete && img.naturalWidth > 0).length,
        broken: images.filter(img => img.complete && img.naturalWidth === 0).length,
        text: document.querySelector('.jp-Notebook').innerText,
    };
}"""
WIDGET_ERRORS = ("model not found", "Error displaying widget")


@contextlib.contextmanager
def chromium(browser_executable):
    """A Chromium whose pages open at 1440×900 with a patient default timeout."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_executable),
                                             args=CHROMIUM_ARGS)

        def new_page():
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(4 * STEP_TIMEOUT_MS)
            return page

        try:
            yield new_page
        finally:
            browser.close()


def pictures_shown(page, at_least: int) -> dict:
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-OutputArea-output")
    page.wait_for_function(
        "n => [...document.querySelectorAll('.jp-OutputArea-output img')]"
        ".filter(img => img.complete && img.naturalWidth > 0).length >= n", arg=at_least)
    return page.evaluate(STORED_PICTURES_JS)


def test_an_unrun_lesson_shows_its_pictures(browser_executable, lesson_lab):
    """Opened as stored, before anything runs (as a learner first sees it), a lesson shows each
    app's picture and each quiz's question."""
    (base_url, token, log_path), _ = lesson_lab
    lesson = LESSONS / "07_training.ipynb"
    (log_path.parent / "notebooks" / lesson.name).write_text(lesson.read_text())
    expected = sum("image/png" in output.get("data", {})
                   for cell in json.loads(lesson.read_text())["cells"]
                   for output in cell.get("outputs", []))
    with chromium(browser_executable) as new_page:
        page = new_page()
        page.goto(f"{base_url}/lab/tree/{lesson.name}?reset&token={token}")
        seen = pictures_shown(page, expected)
    assert seen["broken"] == 0 and seen["shown"] >= expected > 0
    assert not [error for error in WIDGET_ERRORS if error in seen["text"]]


def test_a_saved_notebook_reopened_without_its_kernel_shows_its_apps(browser_executable,
                                                                       tmp_path):
    """A learner runs an app, saves, and comes back another day (no kernel holds the widgets any
    more): the app's last picture is shown, not "Error displaying widget: model not found" (the
    course's JupyterLab defaults save the widgets' state with the notebook)."""
    cells = ["from nncourse.widgets import neuron_explorer\nneuron_explorer()"]
    with running_jupyterlab(tmp_path, "saved.ipynb", cells) as (base_url, token, log_path):
        with chromium(browser_executable) as new_page:
            page = new_page()
            page.goto(f"{base_url}/lab/tree/saved.ipynb?reset&token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
            page.wait_for_function(KERNEL_READY_JS)
            page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
            wait_for_apps(page, 1)
            page.wait_for_function(KERNEL_READY_JS)
            page.keyboard.press("Control+s")
            saved = tmp_path / "notebooks" / "saved.ipynb"
            deadline = time.monotonic() + 30
            while "widgets" not in json.loads(saved.read_text())["metadata"]:
                assert time.monotonic() < deadline, "saving stored no widget state"
                time.sleep(0.2)
            shut_down_kernels(base_url, token)
            page.reload()
            seen = pictures_shown(page, 1)
    assert not [error for error in WIDGET_ERRORS if error in seen["text"]], seen["text"][:500]


def shut_down_kernels(base_url: str, token: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/api/kernels?token={token}") as answer:
        kernels = json.loads(answer.read())
    for kernel in kernels:
        request = urllib.request.Request(f"{base_url}/api/kernels/{kernel['id']}?token={token}",
                                         method="DELETE")
        urllib.request.urlopen(request).close()


def test_figures_follow_the_dark_theme(browser_executable, tmp_path):
    """In JupyterLab's dark theme a lesson's figures are shown dark (the course's custom.css),
    not as white rectangles; in the light theme they are shown as drawn."""
    lesson = LESSONS / "07_training.ipynb"
    with running_jupyterlab(tmp_path, "x.ipynb", ["1 + 1"]) as (base_url, token, log_path):
        (tmp_path / "notebooks" / lesson.name).write_text(lesson.read_text())
        themes = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
        filters = {}
        with chromium(browser_executable) as new_page:
            for theme in ("JupyterLab Dark", "JupyterLab Light"):
                (themes / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
                page = new_page()
                page.goto(f"{base_url}/lab/tree/{lesson.name}?reset&token={token}")
                pictures_shown(page, 1)
                light = "true" if theme.endswith("Light") else "false"
                page.wait_for_selector(f'body[data-jp-theme-light="{light}"]', state="attached")
                figure = page.locator(".jp-RenderedImage img").first
                figure.scroll_into_view_if_needed()
                filters[theme] = figure.evaluate("img => getComputedStyle(img).filter")
                page.screenshot(path=str(tmp_path / f"{theme.split()[-1].lower()}.png"))
                page.close()
    assert "invert" in filters["JupyterLab Dark"], filters
    assert filters["JupyterLab Light"] == "none", filters

"""The static site: `make site` renders every lesson and exercise with its stored outputs, with
navigation, and every internal link and image resolves; one page opens in Chromium."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, browser_executable

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
__all__ = ["browser_executable"]  # a fixture, imported so that pytest finds it here


def load_site_builder():
    spec = importlib.util.spec_from_file_location("site_build", REPO / "site" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    builder = load_site_builder()
    work = tmp_path_factory.mktemp("site")
    return builder.build(work / "html", workdir=work)


def test_every_notebook_has_a_page_in_the_navigation(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "00_start_here.html" in home
    lesson = (site / "lessons" / "01_neuron.html").read_text(encoding="utf-8")
    for folder in ("lessons", "exercises"):
        for notebook in sorted((REPO / folder).glob("*.ipynb")):
            page = site / folder / f"{notebook.stem}.html"
            assert page.is_file(), page
            if notebook.stem != "00_start_here":
                assert f"{notebook.stem}.html" in lesson  # in the side navigation of every page


def test_no_broken_internal_links(site):
    assert load_site_builder().broken_links(site) == []


def stored_pictures(notebook: Path) -> int:
    """How many outputs of a notebook carry a PNG picture (figures, and widgets' pictures)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum("image/png" in output.get("data", {})
               for cell in cells for output in cell.get("outputs", []))


def test_every_stored_figure_is_on_its_page(site):
    for notebook in sorted((REPO / "lessons").glob("*.ipynb")):
        page = (site / "lessons" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        images = [src for src in re.findall(r'<img[^>]*src="([^"]+)"', page)
                  if "_images/" in src]
        assert len(images) >= stored_pictures(notebook), notebook.name


def test_a_lesson_page_opens_in_chromium(site, browser_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_executable),
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto((site / "lessons" / "02_activations.html").as_uri())
            assert "Activation" in page.title()
            heading = page.get_by_role("heading", level=1).first
            assert heading.is_visible()
            navigation = page.get_by_role("link", name="03", exact=False).first
            assert navigation.count() == 1
            figure = page.locator("img").first
            figure.scroll_into_view_if_needed()
            assert figure.evaluate("img => img.complete && img.naturalWidth > 100")
            assert errors == []
        finally:
            browser.close()

"""A self-test question answered in a real browser: JupyterLab in Chromium, clicked like a learner.

The notebook shows one multiple-choice and one numeric question. The test runs all cells, clicks a
wrong option and Check, reads the ✗ verdict with its hint, clicks the right option and Check, reads
the ✓ verdict with its explanation, then types a number into the numeric question and presses
Enter. The JupyterLab server and Chromium are set up by `browser_support.py` (private
directories, free port, system Chromium); it skips when Chromium or playwright is missing.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    CHROMIUM_ARGS, KERNEL_READY_JS, STEP_TIMEOUT_MS, browser_executable, running_jupyterlab, tail,
)

pytestmark = pytest.mark.browser

__all__ = ["browser_executable"]  # a fixture, imported so that pytest finds it here

NOTEBOOK_NAME = "quiz.ipynb"
NOTEBOOK_CODE = """\
from nncourse.quiz import MultipleChoice, NumericAnswer, SelfTest

SelfTest([
    MultipleChoice("What does the bias let a neuron do?",
                   ["Nothing at all", "Fire even when every input is zero"],
                   answer=1, explanation="The bias is added to the weighted sum.",
                   hint="Think of an all-zero input."),
    NumericAnswer("What is 0.5 + 0.25?", answer=0.75, tolerance=1e-6,
                  explanation="Add the two numbers."),
])
"""


@pytest.fixture
def quiz_lab(tmp_path):
    """A JupyterLab server serving the quiz notebook; yields (base_url, token, log)."""
    with running_jupyterlab(tmp_path, NOTEBOOK_NAME, NOTEBOOK_CODE) as server:
        yield server


def test_a_learner_clicks_options_and_check_and_reads_the_verdicts(browser_executable, quiz_lab,
                                                                   tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base_url, token, log_path = quiz_lab
    screenshot = tmp_path / "failure.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_executable),
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(STEP_TIMEOUT_MS)
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        try:
            page.goto(f"{base_url}/lab/tree/{NOTEBOOK_NAME}?reset&token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
            page.wait_for_function(KERNEL_READY_JS)
            page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()

            # no score before the first check; then right answers and how many were answered
            expect(page.get_by_text("Your score appears here once you check an answer "
                                    "(2 questions).")).to_have_count(1)
            score = page.get_by_text(re.compile(r"Score: \d of 2 correct"))
            check_buttons = page.locator("button.jupyter-button", has_text="Check")
            expect(check_buttons).to_have_count(2)

            page.get_by_label("Nothing at all").check()
            check_buttons.nth(0).click()
            verdict = page.locator("[role=status]", has_text="Not quite")
            expect(verdict).to_contain_text("✗")
            expect(verdict).to_contain_text("Think of an all-zero input.")

            page.get_by_label("Fire even when every input is zero").check()
            check_buttons.nth(0).click()
            expect(page.locator("[role=status]", has_text="✓ Correct")).to_contain_text(
                "✓ Correct. The bias is added to the weighted sum.")
            expect(score).to_have_text("Score: 1 of 2 correct (1 of 2 answered).")

            answer_box = page.locator(".widget-text input")
            answer_box.fill("0.8")
            answer_box.press("Enter")
            expect(page.locator("[role=status]", has_text="0.8")).to_contain_text(
                "✗ 0.8 is too large.")
            expect(score).to_have_text("Score: 1 of 2 correct.")  # both answered, one right
            answer_box.fill("3/4")
            check_buttons.nth(1).click()
            expect(score).to_have_text("Score: 2 of 2 correct.")
        except Exception as error:
            page.screenshot(path=str(screenshot), full_page=True)
            pytest.fail(f"{type(error).__name__}: {error}\nscreenshot of the page: {screenshot}\n"
                        f"JupyterLab log (end):\n{tail(log_path, 15)}")
        finally:
            browser.close()

"""Self-test questions with instant feedback, for the lessons.

Two kinds of question, each a small ipywidgets app that a lesson displays by leaving it as the
last expression of a cell:

- `MultipleChoice(question, options, answer, explanation, hint=None, why_not=None)`:
  radio buttons, a **Check** button and a **Show answer** button. `answer` is the index of the
  right option (or its text). A wrong choice gets the hint, or the reason that particular option
  is wrong when `why_not={index: reason}` gives one; a right choice gets the explanation.
- `NumericAnswer(question, answer, tolerance, explanation, unit=None, hint=None, directional=True)`:
  a text box for a number. An answer is right when ``|value − answer| ≤ tolerance``. A wrong
  number is told whether it is too large or too small (unless ``directional=False``, for
  questions where the direction would give the answer away), then the hint.

`SelfTest([q1, q2, ...], title="Self-test")` shows several questions together, numbered, with a
score line that appears with the first check ("Score: 1 of 3 correct (2 of 3 answered).") and
updates after every check.

In a lesson, the cell that builds the questions contains their answers: fold its code away (cell
metadata ``"jupyter": {"source_hidden": true}``) so the answers are not in sight, and tag it
``nbval-ignore-output`` like every widget cell.

Every question can also be answered from Python, without a browser, which is how the tests drive
it and how a learner can use it in a plain terminal:

>>> q = NumericAnswer("What is 0.5 + 0.25?", answer=0.75, tolerance=1e-3,
...                   explanation="Add the two numbers.")
>>> print(q.check(0.8))
✗ 0.8 is too large. Try again.
>>> q.check("0.75").correct
True
>>> mc = MultipleChoice("Which activation outputs values between 0 and 1?",
...                     ["ReLU", "sigmoid", "tanh"], answer=1,
...                     explanation="sigmoid squashes any number into (0, 1).")
>>> print(mc.check("sigmoid"))
✓ Correct. sigmoid squashes any number into (0, 1).

`check(value)` returns a `Verdict`: ``verdict.correct`` (bool), ``verdict.message`` (the text the
learner sees; ``str(verdict)`` gives it too). Called without a value, `check()` reads what is
selected or typed in the widget, exactly as the Check button does. The same text appears in the
widget's feedback line, so ``q.feedback_text`` always shows the last verdict.

Feedback never relies on colour alone: each verdict starts with the symbol ✓ or ✗ and says in
words whether the answer is right, and the feedback line is announced to screen readers.
"""

from __future__ import annotations

import html
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import ipywidgets as widgets

from nncourse.errors import CourseError

RIGHT = "✓"
WRONG = "✗"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: whether the answer is right, and what the learner is told."""

    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.correct


class _Question(ABC):
    """What both kinds of question share: the layout, the feedback line and the buttons."""

    kind = "question"

    def __init__(self, question: str, explanation: str, hint: str | None):
        if not str(question).strip():
            raise CourseError("A self-test question needs the text of the question.")
        if not str(explanation).strip():
            raise CourseError("A self-test question needs an explanation of its answer.")
        self.question = str(question)
        self.explanation = str(explanation)
        self.hint = hint
        self.last_verdict: Verdict | None = None
        self._listeners = []

        self.prompt = widgets.HTML(f"<b>{html.escape(self.question)}</b>")
        self.check_button = widgets.Button(
            description="Check", button_style="primary", tooltip="Check your answer",
            icon="check",
        )
        self.reveal_button = widgets.Button(
            description="Show answer", tooltip="Show the right answer and why"
        )
        self.feedback = widgets.HTML("")
        self.check_button.on_click(lambda _button: self.check())
        self.reveal_button.on_click(lambda _button: self.reveal())

    # ----- what each kind of question defines -------------------------------------------------
    @abstractmethod
    def _input_widget(self) -> widgets.Widget:
        """The widget the learner answers with."""

    @abstractmethod
    def _current_value(self):
        """What the input widget holds now."""

    @abstractmethod
    def _put(self, value) -> None:
        """Show `value` in the input widget (when an answer is given from Python)."""

    @abstractmethod
    def _judge(self, value) -> Verdict:
        """The verdict on `value`."""

    @abstractmethod
    def answer_text(self) -> str:
        """The right answer, written out."""

    @abstractmethod
    def _plain_text(self) -> str:
        """The question as plain text, for places that cannot show widgets."""

    # ----- checking -----------------------------------------------------------------------------
    def check(self, value=None) -> Verdict:
        """Judge `value` (None: what the widget holds now) and show the verdict."""
        if value is None:
            value = self._current_value()
        else:
            self._put(value)
        verdict = self._judge(value)
        self._show(verdict)
        return verdict

    def reveal(self) -> str:
        """Show the right answer with its explanation (the Show answer button)."""
        text = f"The answer is {self.answer_text()}. {self.explanation}"
        self.feedback.value = _feedback_html(text, tone="info")
        return text

    @property
    def feedback_text(self) -> str:
        """The feedback line as plain text (empty before the first check)."""
        return "" if self.last_verdict is None else self.last_verdict.message

    @property
    def correct(self) -> bool:
        """True when the last check was right."""
        return bool(self.last_verdict and self.last_verdict.correct)

    def on_check(self, callback) -> None:
        """Call `callback(question, verdict)` after every check (`SelfTest` keeps score so)."""
        self._listeners.append(callback)

    def _show(self, verdict: Verdict) -> None:
        self.last_verdict = verdict
        tone = "right" if verdict.correct else "wrong"
        self.feedback.value = _feedback_html(verdict.message, tone)
        for callback in self._listeners:
            callback(self, verdict)

    def _right(self) -> Verdict:
        return Verdict(True, f"{RIGHT} Correct. {self.explanation}")

    def _wrong(self, what: str, advice: str | None = None) -> Verdict:
        advice = advice or self.hint or "Try again."
        return Verdict(False, f"{WRONG} {what} {advice}")

    # ----- display --------------------------------------------------------------------------------
    @property
    def widget(self) -> widgets.VBox:
        """The whole question as one ipywidgets box (built once)."""
        if not hasattr(self, "_box"):
            buttons = widgets.HBox([self.check_button, self.reveal_button])
            self._box = widgets.VBox(
                [self.prompt, self._input_widget(), buttons, self.feedback],
                layout=widgets.Layout(margin="0.5em 0 1em 0"),
            )
        return self._box

    def _ipython_display_(self):
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_() or {}
        bundle["text/plain"] = self._plain_text()
        display(bundle, raw=True)

    def __repr__(self) -> str:
        return self._plain_text()


class MultipleChoice(_Question):
    """A question with one right option among several.

    MultipleChoice(question, options, answer, explanation, hint=None, why_not=None)

    - `options`: the texts of the options, in the order shown;
    - `answer`: the index of the right option (0 for the first), or its exact text;
    - `explanation`: why the right answer is right (shown when it is chosen, or on Show answer);
    - `hint`: what a learner who chose wrong should think about (shown on a wrong choice);
    - `why_not`: optional ``{index: reason}`` for tempting wrong options, shown instead of the hint
      when that option is chosen.
    """

    kind = "multiple choice"

    def __init__(self, question, options, answer, explanation, hint=None, why_not=None):
        super().__init__(question, explanation, hint)
        self.options = [str(option) for option in options]
        if len(self.options) < 2:
            raise CourseError("A multiple-choice question needs at least two options.")
        if len(set(self.options)) != len(self.options):
            raise CourseError("The options of a multiple-choice question must all be different.")
        self.answer = self._index_of(answer)
        self.why_not = {self._index_of(key): str(reason) for key, reason in (why_not or {}).items()}
        if self.answer in self.why_not:
            raise CourseError("`why_not` explains wrong options; it cannot include the right one.")
        self.choices = widgets.RadioButtons(
            options=self.options, value=None, layout=widgets.Layout(width="auto")
        )
        self.choices.add_class(_WRAPPING_CLASS)

    def _index_of(self, value) -> int:
        """An option given by index or by text, as its index."""
        if isinstance(value, str):
            if value not in self.options:
                raise CourseError(
                    f"{value!r} is not one of the options; the options are: {self.options}."
                )
            return self.options.index(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CourseError(
                "Give an option by its index (0 for the first option) or by its exact text."
            )
        if not 0 <= value < len(self.options):
            raise CourseError(
                f"Option index {value} does not exist; use 0 to {len(self.options) - 1}."
            )
        return value

    def _input_widget(self):
        # ipywidgets keeps each option on one line; the style lets long options wrap instead of
        # being cut off at the edge of the notebook.
        style = widgets.HTML(_WRAPPING_STYLE, layout=widgets.Layout(display="none"))
        return widgets.VBox([style, self.choices])

    def _current_value(self):
        return self.choices.value

    def _put(self, value) -> None:
        self.choices.value = self.options[self._index_of(value)]

    def _judge(self, value) -> Verdict:
        if value is None:
            return Verdict(False, f"{WRONG} No option is selected yet. Choose one, then check.")
        index = self._index_of(value)
        if index == self.answer:
            return self._right()
        return self._wrong(f"Not quite: “{self.options[index]}” is not the best answer.",
                           self.why_not.get(index))

    def answer_text(self) -> str:
        return f"“{self.options[self.answer]}”"

    def _plain_text(self) -> str:
        lines = [self.question]
        lines += [f"  ({chr(ord('a') + i)}) {option}" for i, option in enumerate(self.options)]
        lines.append("Run the cell in JupyterLab to choose an option and check it.")
        return "\n".join(lines)


class NumericAnswer(_Question):
    """A question whose answer is a number.

    NumericAnswer(question, answer, tolerance, explanation, unit=None, hint=None, directional=True)

    - an answer counts as right when ``|value − answer| ≤ tolerance``;
    - `unit` is shown next to the text box (and in the feedback);
    - `directional`: tell a wrong answer whether it is too large or too small;
    - `hint`: shown after a wrong answer.
    The box accepts numbers such as ``0.25``, ``-1e-3``, ``0,25`` or a fraction ``1/4``.
    """

    kind = "numeric"

    def __init__(self, question, answer, tolerance, explanation, unit=None, hint=None,
                 directional=True):
        super().__init__(question, explanation, hint)
        self.answer = float(answer)
        self.tolerance = float(tolerance)
        if not math.isfinite(self.answer):
            raise CourseError("The answer of a numeric question must be a finite number.")
        if not (math.isfinite(self.tolerance) and self.tolerance >= 0):
            raise CourseError(
                "The tolerance must be a number ≥ 0 (how far from the answer still counts)."
            )
        self.unit = unit
        self.directional = directional
        self.entry = widgets.Text(
            value="", placeholder="type a number", description="Answer:",
            continuous_update=False, layout=widgets.Layout(width="16em"),
        )
        # continuous_update=False: the value arrives when the learner presses Enter (or leaves
        # the box), and that checks it, just like the Check button.
        self._putting = False
        self.entry.observe(self._on_entry_committed, names="value")
        self.unit_label = widgets.Label(unit or "")

    def _input_widget(self):
        return widgets.HBox([self.entry, self.unit_label])

    def _current_value(self):
        return self.entry.value

    def _put(self, value) -> None:
        self._putting = True
        try:
            self.entry.value = value if isinstance(value, str) else _format(value)
        finally:
            self._putting = False

    def _on_entry_committed(self, change) -> None:
        if not self._putting and str(change["new"]).strip():
            self.check()

    def _judge(self, value) -> Verdict:
        number = parse_number(value)
        if number is None:
            return Verdict(
                False, f"{WRONG} “{value}” is not a number. Type a number such as 0.25 or 1/4."
            )
        shown = str(value).strip() if isinstance(value, str) else _format(number)
        if abs(number - self.answer) <= self.tolerance:
            return self._right()
        if self.directional:
            size = "too large" if number > self.answer else "too small"
            return self._wrong(f"{shown}{self._unit_suffix()} is {size}.")
        return self._wrong(f"{shown}{self._unit_suffix()} is not right.")

    def _unit_suffix(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def answer_text(self) -> str:
        return f"{self.answer:g}{self._unit_suffix()}"

    def _plain_text(self) -> str:
        return (f"{self.question}\nRun the cell in JupyterLab to type your answer and check it "
                f"(within ±{self.tolerance:g}).")


def _format(value) -> str:
    """A number as a learner would type it (up to 10 significant digits)."""
    try:
        return f"{float(value):.10g}"
    except (TypeError, ValueError):
        return str(value)


def parse_number(value) -> float | None:
    """`value` as a float, or None when it is not a number (``"0,5"`` and ``"1/4"`` work)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    text = str(value).strip().replace(" ", "").replace("−", "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        if text.count("/") == 1:
            top, bottom = (float(part) for part in text.split("/"))
            number = top / bottom
        else:
            number = float(text)
    except (ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


class SelfTest:
    """Several questions shown together, numbered, under a title, with a running score.

    >>> test = SelfTest([NumericAnswer("2 + 2?", 4, 0, "Count."),
    ...                  MultipleChoice("Pick b.", ["a", "b"], 1, "b is b.")])
    >>> test.questions[0].check(4).correct
    True
    >>> test.score_line
    'Score: 1 of 2 correct (1 of 2 answered).'
    """

    def __init__(self, questions, title: str = "Self-test"):
        self.questions = list(questions)
        if not self.questions:
            raise CourseError("A self-test needs at least one question.")
        for question in self.questions:
            if not isinstance(question, _Question):
                raise CourseError(
                    "A self-test holds MultipleChoice and NumericAnswer questions only."
                )
            question.on_check(lambda _question, _verdict: self._update_score())
        self.title = title
        self.score_label = widgets.HTML(self._score_html())

    @property
    def score(self) -> tuple[int, int]:
        """(questions whose last check was right, number of questions)."""
        return sum(question.correct for question in self.questions), len(self.questions)

    @property
    def score_line(self) -> str:
        """Nothing to score before the first check; then right answers out of all questions."""
        right, total = self.score
        answered = sum(question.last_verdict is not None for question in self.questions)
        if answered == 0:
            return f"Your score appears here once you check an answer ({total} questions)."
        if answered < total:
            return f"Score: {right} of {total} correct ({answered} of {total} answered)."
        return f"Score: {right} of {total} correct."

    def _score_html(self) -> str:
        return f'<div role="status" aria-live="polite"><b>{html.escape(self.score_line)}</b></div>'

    def _update_score(self) -> None:
        self.score_label.value = self._score_html()

    @property
    def widget(self) -> widgets.VBox:
        if not hasattr(self, "_box"):
            parts = [widgets.HTML(f"<h3>{html.escape(self.title)}</h3>")]
            for number, question in enumerate(self.questions, start=1):
                parts.append(widgets.HTML(f"<b>Question {number} of {len(self.questions)}</b>"))
                parts.append(question.widget)
            parts.append(self.score_label)
            self._box = widgets.VBox(parts)
        return self._box

    def _plain_text(self) -> str:
        blocks = [self.title]
        for number, question in enumerate(self.questions, start=1):
            blocks.append(f"{number}. {question._plain_text()}")
        return "\n\n".join(blocks)

    def _ipython_display_(self):
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_() or {}
        bundle["text/plain"] = self._plain_text()
        display(bundle, raw=True)

    def __repr__(self) -> str:
        return self._plain_text()


_WRAPPING_CLASS = "nncourse-quiz-choices"
_WRAPPING_STYLE = (
    f"<style>.{_WRAPPING_CLASS} label {{ display: flex !important; flex-direction: row; "
    f"align-items: flex-start; white-space: normal !important; height: auto !important; "
    f"line-height: 1.35 !important; margin: 0.2em 0; }}"
    f".{_WRAPPING_CLASS} label input {{ order: -1; flex: none; margin: 0.2em 0.5em 0 0; }}"
    f".{_WRAPPING_CLASS} {{ width: auto !important; max-width: 100%; }}</style>"
)

_TONES = {
    # border colours that read on light and dark themes; words and symbols carry the meaning
    "right": "#1a7f37",
    "wrong": "#b35900",
    "info": "#5a6acf",
}


def _feedback_html(text: str, tone: str) -> str:
    colour = _TONES[tone]
    return (
        f'<div role="status" aria-live="polite" style="border-left: 4px solid {colour}; '
        f'padding: 0.2em 0.6em; margin-top: 0.3em;">{html.escape(text)}</div>'
    )

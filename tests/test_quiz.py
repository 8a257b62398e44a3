"""Self-test questions: driven from Python as a learner drives them in the browser."""

import pytest

from nncourse.errors import CourseError
from nncourse.quiz import MultipleChoice, NumericAnswer, SelfTest, Verdict, parse_number


def bias_question(**extra):
    return MultipleChoice(
        "What does the bias let a neuron do?",
        ["Nothing", "Fire even when every input is zero", "Skip its activation"],
        answer=1,
        explanation="The bias is added to the weighted sum, so it shifts where the neuron fires.",
        hint="Think of a neuron whose inputs are all zero.",
        **extra,
    )


def sigmoid_question():
    return NumericAnswer(
        "What is sigmoid(2), to 4 decimals?", answer=0.8808, tolerance=5e-5,
        explanation="1 / (1 + e^-2) = 0.8808.", hint="Use 1 / (1 + e^-z).",
    )


# ----- multiple choice -------------------------------------------------------------------------

def test_choosing_the_right_option_and_clicking_check_says_correct_with_the_explanation():
    q = bias_question()
    q.choices.value = "Fire even when every input is zero"
    q.check_button.click()
    assert q.correct
    assert q.feedback_text.startswith("✓ Correct.")
    assert "shifts where the neuron fires" in q.feedback_text
    assert "✓ Correct." in q.feedback.value


def test_a_wrong_option_says_so_in_words_and_symbol_and_gives_the_hint():
    q = bias_question()
    q.choices.value = "Nothing"
    q.check_button.click()
    assert not q.correct
    assert q.feedback_text.startswith("✗ Not quite")
    assert "Nothing" in q.feedback_text
    assert "Think of a neuron whose inputs are all zero." in q.feedback_text
    assert "shifts where" not in q.feedback_text  # the explanation is kept for the right answer


def test_why_not_explains_a_tempting_wrong_option_instead_of_the_hint():
    q = bias_question(why_not={2: "The activation is always applied; the bias is added before it."})
    verdict = q.check(2)
    assert "always applied" in verdict.message
    assert "Think of" not in verdict.message
    assert "Think of" in q.check(0).message


def test_check_accepts_index_or_text_and_puts_the_choice_in_the_widget():
    q = bias_question()
    assert q.check(1).correct
    assert q.check("Fire even when every input is zero").correct
    q.check(0)
    assert q.choices.value == "Nothing"


def test_checking_with_nothing_selected_asks_for_a_choice():
    verdict = bias_question().check()
    assert not verdict.correct
    assert "No option is selected" in verdict.message


def test_show_answer_reveals_the_right_option_and_why():
    q = bias_question()
    q.reveal_button.click()
    assert "Fire even when every input is zero" in q.feedback.value
    assert "shifts where the neuron fires" in q.feedback.value


@pytest.mark.parametrize(
    "options, answer",
    [(["only one"], 0), (["same", "same"], 0), (["a", "b"], 2), (["a", "b"], "c"),
     (["a", "b"], True)],
)
def test_malformed_multiple_choice_questions_are_refused_in_plain_words(options, answer):
    with pytest.raises(CourseError):
        MultipleChoice("Q?", options, answer=answer, explanation="E.")


def test_why_not_cannot_describe_the_right_option():
    with pytest.raises(CourseError, match="wrong options"):
        bias_question(why_not={1: "oops"})


# ----- numeric -----------------------------------------------------------------------------------

def test_typing_the_right_number_and_clicking_check_says_correct():
    q = sigmoid_question()
    q.entry.value = "0.8808"
    q.check_button.click()
    assert q.correct
    assert q.feedback_text == "✓ Correct. 1 / (1 + e^-2) = 0.8808."


def test_an_answer_within_the_tolerance_counts_and_one_outside_does_not():
    q = sigmoid_question()
    assert q.check(0.88084).correct
    assert not q.check(0.8810).correct


def test_wrong_numbers_are_told_their_direction_and_get_the_hint():
    q = sigmoid_question()
    high = q.check(0.95)
    assert high.message == "✗ 0.95 is too large. Use 1 / (1 + e^-z)."
    low = q.check("0.5")
    assert low.message == "✗ 0.5 is too small. Use 1 / (1 + e^-z)."
    assert q.entry.value == "0.5"


def test_direction_can_be_withheld():
    q = NumericAnswer("Q?", answer=3, tolerance=0, explanation="E.", directional=False)
    message = q.check(4).message
    assert "too" not in message
    assert message.startswith("✗ 4 is not right.")


def test_the_unit_appears_in_the_feedback_and_the_answer():
    q = NumericAnswer("How many weights?", answer=64, tolerance=0, explanation="E.", unit="weights")
    assert q.check(60).message.startswith("✗ 60 weights is too small.")
    assert "The answer is 64 weights." in q.reveal()


def test_text_that_is_not_a_number_is_explained_not_judged():
    q = sigmoid_question()
    verdict = q.check("zero point eight")
    assert not verdict.correct
    assert "is not a number" in verdict.message


def test_pressing_enter_in_the_text_box_checks_like_the_button():
    q = sigmoid_question()
    q.entry.value = "0.95"  # what the browser sends when the learner presses Enter
    assert q.feedback_text.startswith("✗ 0.95 is too large.")
    q.entry.value = "0.8808"
    assert q.correct


def test_an_answer_given_from_python_is_checked_once():
    q = sigmoid_question()
    seen = []
    q.on_check(lambda question, verdict: seen.append(verdict.correct))
    q.check(0.8808)
    assert seen == [True]


@pytest.mark.parametrize(
    "text, number",
    [("0.25", 0.25), (" -1e-3 ", -0.001), ("0,25", 0.25), ("1/4", 0.25), ("−2", -2.0), (3, 3.0)],
)
def test_numbers_are_read_as_learners_type_them(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["", "abc", "1/0", "nan", "inf", True, "1,000.5"])
def test_things_that_are_not_usable_numbers_are_rejected(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("tolerance", [-1, float("nan")])
def test_a_negative_or_missing_tolerance_is_refused(tolerance):
    with pytest.raises(CourseError, match="tolerance"):
        NumericAnswer("Q?", answer=1, tolerance=tolerance, explanation="E.")


def test_a_question_without_explanation_is_refused():
    with pytest.raises(CourseError, match="explanation"):
        NumericAnswer("Q?", answer=1, tolerance=0, explanation=" ")


# ----- verdicts, self-tests and display ---------------------------------------------------------

def test_a_verdict_reads_as_its_message_and_is_truthy_only_when_right():
    assert str(Verdict(True, "✓ Correct. x")) == "✓ Correct. x"
    assert Verdict(True, "m") and not Verdict(False, "m")


def test_the_self_test_score_follows_the_latest_check_of_each_question():
    q1, q2 = bias_question(), sigmoid_question()
    test = SelfTest([q1, q2], title="Lesson check")
    assert test.score_line == "Your score appears here once you check an answer (2 questions)."
    assert "Score" not in test.score_label.value  # no "0 of 2" before any attempt
    q1.choices.value = q1.options[1]
    q1.check_button.click()
    assert test.score == (1, 2)
    assert "Score: 1 of 2 correct (1 of 2 answered)." in test.score_label.value
    q2.check(0.8808)
    assert test.score_line == "Score: 2 of 2 correct."
    q1.check(0)  # changing to a wrong answer lowers the score again
    assert test.score_line == "Score: 1 of 2 correct."


def test_a_self_test_holds_questions_only():
    with pytest.raises(CourseError):
        SelfTest([])
    with pytest.raises(CourseError):
        SelfTest(["not a question"])


def test_the_widget_contains_the_question_the_input_the_buttons_and_the_feedback():
    q = bias_question()
    box = q.widget
    assert box is q.widget  # built once
    assert box.children[0] is q.prompt and q.choices in box.children[1].children
    assert q.check_button in box.children[2].children
    assert box.children[3] is q.feedback
    test = SelfTest([q, sigmoid_question()])
    assert "Question 2 of 2" in test.widget.children[3].value
    assert test.widget.children[-1] is test.score_label


def test_without_widgets_a_question_reads_as_plain_text():
    text = repr(bias_question())
    assert "What does the bias let a neuron do?" in text
    assert "(b) Fire even when every input is zero" in text
    test_text = repr(SelfTest([bias_question(), sigmoid_question()], title="Check"))
    assert test_text.startswith("Check")
    assert "2. What is sigmoid(2)" in test_text


def test_display_sends_the_widget_view_with_a_readable_text_fallback(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    sigmoid_question()._ipython_display_()
    bundle, raw = shown[0]
    assert raw
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("What is sigmoid(2)")


def test_the_examples_in_the_module_docstring_are_true():
    import doctest

    import nncourse.quiz

    failures, tried = doctest.testmod(nncourse.quiz, verbose=False)
    assert tried > 0 and failures == 0

"""The words of a verdict: the same text in the notebook, in results.json and in the feedback page.

A passed exercise is one line. A failed one names the first failing case, its input, the expected
value and what came back (with its type and shape), the reason, and a hint when the case has one:

    01-weighted_sum (The weighted sum): 4 of 9 tests passed. First failure, case "bias only":
      input:    inputs=[0, 0, 0], weights=[0.5, -1, 2], bias=0.7
      expected: 0.7
      got:      0 (an int)
      problem:  expected 0.7, got 0
      hint:     With every input 0, only the bias is left.

For an exercise whose answer is a value (`Exercise.reveals_expected` is False), the expected value
is never shown; every failing case is listed with what was given and which way it is off:

    05-find_errors (Find the errors in a worked solution): 8 of 11 tests passed. What is wrong
    (the right values are not shown: finding them is the exercise):
      line delta5 (the classmate wrote 0.0013): you gave 0.0013: wrong sign
        hint: δ5 = o5·(1 − o5)·δ6·w56 with w56 = −0.2 ...
"""

from __future__ import annotations

from nncourse.grading.evaluate import ExerciseResult


def format_result(result: ExerciseResult, *, offer_hint: bool = False) -> str:
    """The verdict as text. `offer_hint` adds the line that points to `hint(...)` on failure."""
    head = f"{result.exercise_id} ({result.title})"
    if result.status == "passed":
        count = result.n_cases
        return f"{head}: {'the test' if count == 1 else f'all {count} tests'} passed."
    if result.status in ("missing", "not written", "error") or result.failure is None:
        text = f"{head}: {result.detail or 'failed'}"
        return text + (_hint_line(result) if offer_hint and result.status != "error" else "")
    failure = result.failure
    if not failure.expected_shown:
        return _without_expected(result) + (_hint_line(result) if offer_hint else "")
    lines = [
        f"{head}: {result.n_passed} of {result.n_cases} tests passed. "
        f"First failure, case \"{failure.case}\":"
    ]
    if failure.inputs:
        lines.append(f"  input:    {failure.inputs}")
    lines.append(f"  expected: {failure.expected}")
    lines.append(f"  got:      {failure.got}")
    lines.append(f"  problem:  {failure.reason}")
    if failure.hint:
        lines.append(f"  hint:     {failure.hint}")
    if result.note:
        lines.append(f"  note:     {result.note}")
    text = "\n".join(lines)
    return text + (_hint_line(result) if offer_hint else "")


def _without_expected(result: ExerciseResult) -> str:
    """Every failing case, with what was given and which way it is off, but no expected value."""
    failures = [result.failure, *result.more_failures]
    lines = [f"{result.exercise_id} ({result.title}): {result.n_passed} of {result.n_cases} tests "
             f"passed. What is wrong (the right values are not shown: finding them is the "
             f"exercise):"]
    for failure in failures:
        lines.append(f"  {failure.case}: {failure.reason}")
        if failure.hint:
            lines.append(f"    hint: {failure.hint}")
    if result.note:
        lines.append(f"  note: {result.note}")
    return "\n".join(lines)


def _hint_line(result: ExerciseResult) -> str:
    return f"\n  More help: hint(\"{result.exercise_id}\")"


def status_word(result: ExerciseResult) -> str:
    """One word for a summary table."""
    return {"passed": "passed", "not written": "not written", "missing": "missing"}.get(
        result.status, "FAILED"
    )

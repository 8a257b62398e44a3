"""The classic mistakes, recognised by what they produce, and named in the verdict.

A wrong answer is rarely random. A learner who writes `dZ @ W` where `dZ @ W.T` belongs, who
forgets the bias, drops the 1/N of a mean, steps up the gradient instead of down or draws weights
with the variance where the standard deviation belongs, gets exactly the numbers that mistake
produces. An exercise lists those mistakes as data,

    Mistake("the update goes uphill",
            "A step of gradient descent moves against the gradient: a positive gradient must "
            "make the parameter smaller.",
            produce=lambda w, grad, lr: w + lr * grad)

where `produce` takes the case's arguments (like the exercise's `reference`) and returns what
that mistake gives, in the reference's form. For a reference that returns a dict, `produce` may
return only the keys the mistake changes (`{"db": dZ}`): only those are compared. It returns None
(or raises) where the mistake cannot happen on that case, e.g. a transposed W that does not fit.

`recognise` runs after a case has failed: the first mistake whose output agrees with the
learner's (to the case's tolerances) and differs from the right answer is the one named. The
inline check and the grader both call it from `evaluate.judge`, in the process that judges: a
mistake's `produce` is the course's code, run on the case's own inputs, never on anything the
learner's code made except the value being judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nncourse.grading.compare import compare
from nncourse.grading.spec import Mistake


def _agrees(produced: Any, got: Any, expected: Any, rtol: float, atol: float) -> bool:
    """Whether `got` is what the mistake produced (on the keys it produced), while the right
    answer is something else there."""
    if isinstance(produced, dict) and isinstance(expected, dict):
        if not isinstance(got, dict) or any(k not in got or k not in expected for k in produced):
            return False
        got = {k: got[k] for k in produced}
        expected = {k: expected[k] for k in produced}
    try:
        return (compare(produced, got, rtol=rtol, atol=atol) is None and
                compare(produced, expected, rtol=rtol, atol=atol) is not None)
    except TypeError:  # a form compare does not know: not this mistake
        return False


def recognise(mistakes: Sequence[Mistake], args: tuple, got: Any, expected: Any,
              rtol: float, atol: float) -> Mistake | None:
    """The first of `mistakes` that produces `got` on `args` (and not the right answer)."""
    for mistake in mistakes:
        try:
            produced = mistake.produce(*args)
        except Exception:  # the mistake cannot happen with these inputs (shapes that do not fit)
            continue
        if produced is not None and _agrees(produced, got, expected, rtol, atol):
            return mistake
    return None


def explain(mistake: Mistake, reason: str) -> str:
    """The verdict's problem line with the mistake named first."""
    return f"this is what {mistake.name} gives. {mistake.advice} (In detail: {reason}.)"


def name_the_mistake(exercise, case, got: Any, expected: Any, reason: str) -> str:
    """`reason`, with the mistake that explains it named first when one of the exercise's
    mistakes produces `got` (the one call `evaluate.judge` makes)."""
    mistakes = getattr(exercise, "mistakes", ())
    if not mistakes:
        return reason
    rtol = exercise.rtol if case.rtol is None else case.rtol
    atol = exercise.atol if case.atol is None else case.atol
    mistake = recognise(mistakes, case.fresh_args(), got, expected, rtol, atol)
    return reason if mistake is None else explain(mistake, reason)


__all__ = ["Mistake", "recognise", "explain", "name_the_mistake"]

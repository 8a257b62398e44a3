"""The checks a learner runs in the notebook: `check`, `hint`, `summary`.

    from nncourse.grading import check, hint, summary

    check("01-weighted_sum")     # runs every case on your weighted_sum and prints the verdict
    hint("01-weighted_sum")      # the next hint (first call: hint 1, then hint 2, ...)
    summary("01")                # one line per exercise of topic 01

`check` finds the learner's names in the notebook's globals (so a missing function is reported,
not a NameError), or takes them explicitly: `check("01-weighted_sum", weighted_sum)`.
None of the three ever raises: a broken answer, an unknown id, even a bug in a check is printed,
so "Run All" goes on to the end of the notebook. They depend on nothing but the exercise
registry, so they work the same in a renamed or moved notebook.

These checks are for learning. The grade comes from `nncourse grade`, which runs the same cases
(and possibly more) in a separate process that the notebook's code cannot reach.

A verdict that passes is printed to standard output; any other verdict (a failed case, an answer
not written yet, a check that could not run) is written to standard error. JupyterLab shows both
and goes on with "Run All"; nbgrader's autograde scores a grade cell that wrote to standard error
as 0 (`nbgrader.utils.determine_grade`), so the same check cells grade under nbgrader with nothing
to configure. The released check cell imports `check` afresh before calling it, so a `check`
redefined earlier in the notebook cannot stand in for this one, and a failing verdict goes to
the kernel's own standard error even if the notebook replaced `sys.stderr`. Everything else a
hostile notebook could do to these checks (patching this module, say) happens in the learner's
own kernel, where nbgrader runs them: see "Grading with nbgrader" in the README.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from nncourse.grading.evaluate import ExerciseResult, run_inline
from nncourse.grading.messages import format_result, status_word
from nncourse.grading.catalog import exercises_of_topic, get_exercise

# In a Jupyter kernel, the kernel's own standard error, kept from when the notebook's setup cell
# imported this module: a notebook that later sets `sys.stderr = io.StringIO()` does not silence
# a failing check (nbgrader would otherwise see nothing and give full points).
_KERNEL_STDERR = sys.stderr if type(sys.stderr).__module__.startswith("ipykernel") else None
_hints_shown: dict[str, int] = {}
_topics_checked: list[str] = []


def _caller_globals(depth: int = 2) -> dict[str, Any]:
    return sys._getframe(depth).f_globals


def evaluate(exercise_id: str, *objects: Any, namespace: Mapping[str, Any] | None = None
             ) -> ExerciseResult:
    """The verdict as an object (what `check` prints); raises CourseError for an unknown id."""
    exercise = get_exercise(exercise_id)
    if objects:
        namespace = dict(zip(exercise.names, objects))
    elif namespace is None:
        namespace = _caller_globals()
    if exercise.topic not in _topics_checked:
        _topics_checked.append(exercise.topic)
    return run_inline(exercise, namespace)


def check(exercise_id: str, *objects: Any, namespace: Mapping[str, Any] | None = None) -> None:
    """Run every case of an exercise on your answer and print the verdict: to standard output
    when it passes, to standard error otherwise (see the module docstring). Never raises."""
    if namespace is None and not objects:
        namespace = _caller_globals()
    try:
        result = evaluate(exercise_id, *objects, namespace=namespace)
        text, passed = format_result(result, offer_hint=not result.passed), result.passed
    except Exception as error:  # a check must never stop "Run All"
        text, passed = f"{exercise_id}: the check could not run: {error}", False
    stream = sys.stdout if passed else _failure_stream()
    stream.write(text + "\n")
    stream.flush()


def _failure_stream():
    """sys.stderr, or the kernel's own standard error if the notebook replaced sys.stderr (told
    which cell is running, since the kernel now only tells the replacement)."""
    if _KERNEL_STDERR is None or sys.stderr is _KERNEL_STDERR:
        return sys.stderr
    try:
        from IPython import get_ipython

        _KERNEL_STDERR.set_parent(get_ipython().parent_header)
    except Exception:  # not the kernel we know: write where the notebook says
        return sys.stderr
    return _KERNEL_STDERR


def hint(exercise_id: str) -> None:
    """Print the next hint for an exercise (each call reveals one more)."""
    try:
        exercise = get_exercise(exercise_id)
    except Exception as error:
        print(f"{exercise_id}: {error}")
        return
    if not exercise.hints:
        print(f"{exercise_id}: there are no hints for this exercise.")
        return
    shown = min(_hints_shown.get(exercise_id, 0) + 1, len(exercise.hints))
    _hints_shown[exercise_id] = shown
    text = exercise.hints[shown - 1]
    more = "" if shown == len(exercise.hints) else " Call hint again for the next one."
    print(f"{exercise_id}, hint {shown} of {len(exercise.hints)}: {text}{more}")


def summary(topic: str | None = None, namespace: Mapping[str, Any] | None = None) -> None:
    """Print one line per exercise of a topic ("01"); by default the topics checked so far."""
    if namespace is None:
        namespace = _caller_globals()
    try:
        topics = [topic] if topic else list(_topics_checked)
        if not topics:
            print("No exercise has been checked yet: give a topic, e.g. summary(\"01\").")
            return
        for name in topics:
            _print_topic(name, namespace)
    except Exception as error:
        print(f"The summary could not run: {error}")


def _print_topic(topic: str, namespace: Mapping[str, Any]) -> None:
    exercises = exercises_of_topic(topic)
    if not exercises:
        print(f"Topic {topic} has no exercises.")
        return
    results = [run_inline(e, namespace) for e in exercises]
    points = sum(e.points for e, r in zip(exercises, results) if r.passed)
    total = sum(e.points for e in exercises)
    n_passed = sum(r.passed for r in results)
    print(f"Topic {topic}: {n_passed} of {len(results)} exercises passed "
          f"({points} of {total} points).")
    width = max(len(e.id) for e in exercises)
    for exercise, result in zip(exercises, results):
        print(f"  {status_word(result):<12} {exercise.id:<{width}}  {exercise.title}")

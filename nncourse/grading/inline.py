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

An instructor who grades with nbgrader instead sets the environment variable
`NNCOURSE_CHECKS_RAISE=1` for its autograde step: a failing `check` then raises AssertionError
after printing its verdict, which is how nbgrader recognises a failed test cell.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from nncourse.grading.evaluate import ExerciseResult, run_inline
from nncourse.grading.messages import format_result, status_word
from nncourse.grading.catalog import exercises_of_topic, get_exercise

RAISE_VARIABLE = "NNCOURSE_CHECKS_RAISE"
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
    """Run every case of an exercise on your answer and print the verdict. Never raises
    (unless NNCOURSE_CHECKS_RAISE=1, for nbgrader: see the module docstring)."""
    if namespace is None and not objects:
        namespace = _caller_globals()
    try:
        result = evaluate(exercise_id, *objects, namespace=namespace)
        print(format_result(result, offer_hint=not result.passed))
    except Exception as error:  # a check must never stop "Run All"
        print(f"{exercise_id}: the check could not run: {error}")
        result = None
    if os.environ.get(RAISE_VARIABLE) == "1" and (result is None or not result.passed):
        raise AssertionError(f"{exercise_id}: the check did not pass")


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

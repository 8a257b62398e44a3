"""Where the grading code finds exercises: the catalogs installed with the course.

A catalog is a function, named in a package's metadata under the entry point group
"nncourse.catalogs", that returns a dict {exercise id: Exercise}. The course names its own
(`nncourse.exercises:registry`, in pyproject.toml); another package of exercises can add one the
same way. `check("01-weighted_sum")`, `summary("01")`, `nncourse release` and the grader all look
exercises up here, so `grading` never imports the exercises themselves (a test holds this).

The catalogs are read once, on the first look-up; exercises registered later (a test's own) are
seen too, because a catalog returns its live registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points

from nncourse.errors import CourseError
from nncourse.grading.spec import Exercise

GROUP = "nncourse.catalogs"
_catalogs: list[Mapping[str, Exercise]] | None = None


def catalogs() -> list[Mapping[str, Exercise]]:
    """Every installed catalog's exercises (loaded on first use)."""
    global _catalogs
    if _catalogs is None:
        found = [entry.load()() for entry in sorted(entry_points(group=GROUP),
                                                    key=lambda e: e.name)]
        if not found:
            raise CourseError("No exercises are installed: install the course (pip install -e .) "
                              "so that its exercise catalog is found.")
        _catalogs = found
    return _catalogs


def all_exercises() -> list[Exercise]:
    """Every exercise of every catalog."""
    return [exercise for catalog in catalogs() for exercise in catalog.values()]


def get_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id."""
    for catalog in catalogs():
        if exercise_id in catalog:
            return catalog[exercise_id]
    known = sorted(e.id for e in all_exercises())
    written_with_dot = exercise_id.replace(".", "-", 1)
    if written_with_dot in known:
        raise CourseError(f"There is no exercise {exercise_id!r}: exercise ids are written "
                          f"with '-', as in {written_with_dot!r}.")
    raise CourseError(f"There is no exercise {exercise_id!r}. Known exercises: "
                      f"{', '.join(known) or 'none'}.")


def exercises_of_topic(topic: str) -> list[Exercise]:
    """Every exercise of a topic ("01"), in the order its catalog registered them."""
    return [e for e in all_exercises() if e.topic == topic]

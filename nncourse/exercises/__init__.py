"""The exercise specifications, one module per topic (`topic01_neuron.py`, ...), and their registry.

Each topic module registers its exercises with `register` when imported. `load_all()` imports
every module of this package whose name starts with "topic", so adding a topic is adding a file.
How to write one: see the docstring of `nncourse.grading`.

The grading code never imports this package: the package metadata names `registry` as the
course's catalog (the entry point group "nncourse.catalogs" in pyproject.toml), and
`nncourse.grading.catalog` asks every catalog installed. So the grader and `check(...)` work
with any set of exercises installed the same way, and this package depends on `grading` only
for the form of an exercise (`nncourse.grading.spec`).
"""

from __future__ import annotations

import importlib
import pkgutil

from nncourse.errors import CourseError
from nncourse.grading.spec import Exercise

_REGISTRY: dict[str, Exercise] = {}
_loaded = False


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (a topic module calls this for each of its exercises)."""
    known = _REGISTRY.get(exercise.id)
    if known is not None and known.reference.__module__ != exercise.reference.__module__:
        raise CourseError(
            f"Two exercises have the id {exercise.id!r} "
            f"({known.reference.__module__} and {exercise.reference.__module__})."
        )
    _REGISTRY[exercise.id] = exercise
    return exercise


def topic_modules() -> list[str]:
    """The names of the topic modules, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("topic"))


def load_all() -> None:
    """Import every topic module (once), which registers all exercises."""
    global _loaded
    if _loaded:
        return
    for name in topic_modules():
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True


def registry() -> dict[str, Exercise]:
    """Every exercise of the course by id, in the order registered (the catalog's entry point)."""
    load_all()
    return _REGISTRY

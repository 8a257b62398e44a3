"""Is the answer the learner's own? What an exercise's answer may not use, read from its syntax.

An exercise that asks for the sigmoid is not answered by `nncourse.activations.sigmoid`. Its
specification names what the answer may not use (`Exercise.may_not_use`: dotted names of
modules, functions or classes, e.g. "nncourse.activations" or "nncourse.losses.mse") and says
what it may use instead (`Exercise.allowed`). Every exercise also forbids the grading machinery
itself: the catalog of exercises and their reference answers (`get_exercise(...).reference`,
`nncourse.exercises.topic01_neuron.reference_weighted_sum`); what an exercise module hands to
learners on purpose (a broken network to diagnose, say) stays usable.

`answer_problem(exercise, code)` reads the answer's syntax tree: imports (`import nncourse.
activations as act`, `from nncourse.activations import sigmoid as s`), the dotted names the code
uses through them (`act.sigmoid`, `nncourse.losses.mse`), `__import__`/`importlib` calls with
a string naming a forbidden module, and attributes named `reference`. It returns a sentence that
names what was used and what is allowed, or None. The grader calls it on the exercise's answer
cells, and the inline check on the source of the learner's function: both say the same.

It reads code, it does not run it, so it catches what a learner writes, not every trick a
determined one could play; the point is that an honest answer is never the engine's.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

from nncourse.grading import syntax
from nncourse.grading.spec import Exercise

ALWAYS_FORBIDDEN = ("nncourse.grading.catalog", "nncourse.grading.spec",
                    "nncourse.grading.evaluate", "nncourse.grading.get_exercise",
                    "nncourse.grading.all_exercises", "nncourse.grading.exercises_of_topic",
                    "nncourse.exercises.registry", "nncourse.exercises.register",
                    "nncourse.exercises.load_all")
REFERENCE_PREFIX = "reference"  # the exercise modules' reference answers: reference_weighted_sum
FORBIDDEN_NAMES = ("get_exercise", "all_exercises", "exercises_of_topic")
FORBIDDEN_ATTRIBUTES = ("reference",)


def answer_problem(exercise: Exercise, code: str, known: Mapping[str, str] | None = None
                   ) -> str | None:
    """A sentence naming what the answer uses that it may not, and what it may; or None.
    `known`: what names the answer did not import stand for (the setup cells' imports, say:
    {"sigmoid": "nncourse.activations.sigmoid"})."""
    try:
        tree = syntax.parse(code)
    except (SyntaxError, ValueError):
        return None  # reported as a syntax error where the code runs
    used = first_forbidden(tree, (*exercise.may_not_use, *ALWAYS_FORBIDDEN), known or {})
    if used is None:
        return None
    if any(used == n or used.startswith(f"{n}.") for n in exercise.may_not_use):
        why = "the course's own version of what this exercise asks you to write"
    else:
        why = "the grading machinery, which holds the reference answers"
    return (f"your answer uses {used}, {why}: an answer must be your own work. "
            f"You may use {exercise.allowed}.")


def imported_names(code: str) -> dict[str, str]:
    """What the names a piece of code imports stand for: {"act": "nncourse.activations",
    "sigmoid": "nncourse.activations.sigmoid"} (code that does not parse imports nothing)."""
    try:
        return _imports(syntax.parse(code))
    except (SyntaxError, ValueError):
        return {}


def source_problem(exercise: Exercise, namespace: Mapping[str, Any]) -> str | None:
    """`answer_problem` on the source of the learner's functions and classes in a namespace (the
    inline check: the notebook keeps each cell's source, so `inspect` finds it); the names the
    source uses stand for what they are in the namespace."""
    sources = []
    for name in exercise.names:
        value = namespace.get(name)
        if inspect.isfunction(value) or inspect.isclass(value):
            try:
                sources.append(textwrap.dedent(inspect.getsource(value)))
            except (OSError, TypeError):
                continue
    if not sources:
        return None
    known = {}
    for name, value in namespace.items():
        dotted = _dotted_name_of(value)
        if dotted is not None and isinstance(name, str) and name not in exercise.names:
            known[name] = dotted
    return answer_problem(exercise, "\n".join(sources), known)


def _dotted_name_of(value: Any) -> str | None:
    if inspect.ismodule(value):
        return value.__name__
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if isinstance(module, str) and isinstance(name, str) and module.startswith("nncourse"):
        return f"{module}.{name}"
    return None


def _imports(tree: ast.AST) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[(alias.asname or alias.name).split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def first_forbidden(tree: ast.AST, forbidden: Iterable[str],
                    known: Mapping[str, str]) -> str | None:
    """The first dotted name the code uses that is (or lies inside) one of `forbidden`."""
    forbidden = tuple(forbidden)

    def hit(dotted: str) -> bool:
        if dotted.startswith("nncourse.exercises.") and any(
                part.startswith(REFERENCE_PREFIX) for part in dotted.split(".")[2:]):
            return True
        return any(dotted == f or dotted.startswith(f"{f}.") for f in forbidden)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if hit(alias.name):
                    return alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if hit(node.module) or hit(f"{node.module}.{alias.name}"):
                    return node.module if hit(node.module) else f"{node.module}.{alias.name}"
    aliases = {**known, **_imports(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name):
            dotted = _dotted(node, aliases)
            if dotted is not None and hit(dotted):
                return dotted
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            return f".{node.attr}"
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES and node.id not in aliases:
            return node.id
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and hit(node.value):
            return node.value
    return None


def _dotted(node: ast.AST, aliases: Mapping[str, str]) -> str | None:
    """`act.sigmoid` -> "nncourse.activations.sigmoid" when `act` was imported as that module."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])

"""What an exercise is: its cases, its reference answer, its hints.

An `Exercise` says what the learner defines (`names`), how to call it (`call`), on which inputs
(`cases` plus `random_cases` drawn from a seeded generator), what the right answer is
(`reference`, normally built on the nncourse engine), how close is close enough (`rtol`, `atol`),
and what to tell a learner who is stuck (`hints`, and a `hint` per case). The same specification
drives the inline check in the notebook and the grader.

Exercise ids are "<topic>.<name>", e.g. "01-weighted_sum"; the topic is the notebook's number.
Specifications live in `nncourse/exercises/topicNN_*.py` and register themselves there, in the
registry of `nncourse.exercises`; the grading code finds them through `catalog`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nncourse.errors import CourseError

# "<topic>-<name>": also a valid nbgrader grade_id (^[a-zA-Z0-9_\-]*$).
EXERCISE_ID = re.compile(r"[0-9]{2}-[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Case:
    """One input on which the learner's answer is compared with the reference.

    `args` are passed positionally to the learner's function (and to the reference); for an
    exercise of kind "value" they are usually empty. `hint` is shown when this case fails.
    `rtol`/`atol` override the exercise's tolerances for this case.
    """

    name: str
    args: tuple = ()
    hint: str | None = None
    rtol: float | None = None
    atol: float | None = None

    def fresh_args(self) -> tuple:
        """A deep copy of the arguments, so that a function that changes its inputs in place
        cannot change what the next call (or the reference) sees."""
        return copy.deepcopy(self.args)


@dataclass(frozen=True)
class GradientCheck:
    """Compare a learner's gradient with central differences of a scalar function.

    For every case, with `x = args[wrt]` (a float64 array):
        analytic  = gradient(functions, *args)           (normally the learner's backward)
        numerical = ∂ scalar(functions, *args) / ∂x      (central differences, x nudged in place)
    and the check passes when the relative error of the whole gradient (as `nncourse.gradcheck`
    measures it),
        ‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖)  ≤ tol,
    or when the difference is below an absolute floor, ‖analytic − numerical‖ ≤ atol. Central
    differences carry a rounding error of about 1e-16·|scalar| / eps per entry, so a correct
    gradient whose entries are all tiny (a sigmoid's slope far from 0) has a large relative
    error; the floor lets it pass, while a missing factor or a transposed array still fails.
    `functions` maps the exercise's names to what the learner defined, so either side may use
    the learner's code or the engine.

    Example, for an exercise whose learner writes `sigmoid_derivative(z)`:
        GradientCheck(scalar=lambda f, z: float(np.sum(sigmoid(z))),
                      gradient=lambda f, z: f["sigmoid_derivative"](z))
    """

    scalar: Callable[..., float]
    gradient: Callable[..., Any]
    wrt: int = 0
    eps: float = 1e-6
    tol: float = 1e-6
    atol: float = 1e-8


@dataclass(frozen=True)
class Mistake:
    """A classic mistake of an exercise: its name, what to think instead, what it produces.

    `name`: a few words, as a learner would say it ("the bias forgotten").
    `advice`: one or two sentences on the right thinking, without the line of code.
    `produce(*args)`: what this mistake returns on a case's arguments, in the form of the
    exercise's reference (for a dict, only the keys it changes), or None where it cannot happen.
    `nncourse.grading.mistakes` recognises it in a failing answer and names it in the verdict."""

    name: str
    advice: str
    produce: Callable[..., Any]


@dataclass(frozen=True)
class Exercise:
    """The specification of one exercise (see the package docstring of `nncourse.grading`).

    kind "function": the learner defines the function(s) in `names`; each case calls
        `call(functions, *args)` (default: the first name with `*args`).
    kind "value": the learner assigns the variable(s) in `names`; `call(functions)` (default:
        the value of the first name) is compared with `reference()`.

    `mistakes`: the classic mistakes (`nncourse.grading.mistakes.Mistake`), each with what it
    produces; a failing case whose answer is what one of them produces names that mistake.

    `reveal_expected`: whether a failure shows the expected value. By default it does for
    functions (the expected output for a given input is a lesson) and does not for values (there
    the expected value is the answer): the verdict then names the wrong entries, what was given
    and which way it is off. Set it to True for a value exercise where showing it is fine.
    """

    id: str
    title: str
    names: tuple[str, ...]
    reference: Callable[..., Any]
    cases: tuple[Case, ...] = ()
    random_cases: Callable[[np.random.Generator], Sequence[Case]] | None = None
    arg_names: tuple[str, ...] = ()
    kind: str = "function"
    call: Callable[..., Any] | None = None
    hints: tuple[str, ...] = ()
    rtol: float = 1e-7
    atol: float = 1e-9
    gradient: GradientCheck | None = None
    points: int = 1
    seed: int = 0
    reveal_expected: bool | None = None
    may_not_use: tuple[str, ...] = ()
    allowed: str = "numpy and plain Python"
    # the classic mistakes of this exercise, each recognised by what it produces and named in
    # the verdict (see `nncourse.grading.mistakes`)
    mistakes: tuple[Mistake, ...] = ()

    def __post_init__(self):
        if not EXERCISE_ID.fullmatch(self.id):
            raise CourseError(f"Exercise id {self.id!r} must look like '01-weighted_sum': the "
                              "notebook's two-digit number, '-', then letters, digits and '_'.")
        if self.kind not in ("function", "value"):
            raise CourseError(f"Exercise {self.id}: kind must be 'function' or 'value'.")
        if not self.names:
            raise CourseError(f"Exercise {self.id}: give the name(s) the learner defines.")
        if not self.cases and self.random_cases is None and self.kind == "function":
            raise CourseError(f"Exercise {self.id}: give at least one case.")

    @property
    def reveals_expected(self) -> bool:
        """Whether a failure may show the expected value (see `reveal_expected`)."""
        if self.reveal_expected is None:
            return self.kind != "value"
        return self.reveal_expected

    @property
    def topic(self) -> str:
        """The topic number, e.g. "01" for "01-weighted_sum"."""
        return self.id.split("-", 1)[0]

    def all_cases(self) -> list[Case]:
        """The fixed cases, then the random ones (the same on every run: the rng is seeded)."""
        cases = list(self.cases)
        if self.random_cases is not None:
            cases.extend(self.random_cases(np.random.default_rng(self.seed)))
        if self.kind == "value" and not cases:
            cases = [Case("the value")]
        return cases

    def expected(self, case: Case) -> Any:
        """The right answer for a case, computed by the reference implementation."""
        return self.reference(*case.fresh_args())

    def invoke(self, functions: Mapping[str, Any], case: Case) -> Any:
        """Run the learner's answer on one case (this is the only place learner code is called)."""
        if self.call is not None:
            return self.call(functions, *case.fresh_args())
        first = functions[self.names[0]]
        if self.kind == "value":
            return first
        return first(*case.fresh_args())

    def describe_args(self, case: Case) -> str:
        """`inputs=[1, 2], weights=[0.5, -1], bias=0.5`: the case's inputs, named."""
        from nncourse.grading.compare import format_value

        parts = []
        for index, value in enumerate(case.args):
            name = self.arg_names[index] if index < len(self.arg_names) else f"arg{index}"
            parts.append(f"{name}={format_value(value)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class HiddenCheck:
    """Extra cases for an exercise, kept by the instructor outside the released material.

    A hidden-checks folder holds .py files; each defines a list `HIDDEN_CHECKS` of these. They are
    graded like the public cases, reported by `name` with the reason of a failure, never with
    their inputs or code.
    """

    exercise_id: str
    name: str
    cases: tuple[Case, ...]
    points: int = 1


__all__ = ["Case", "Exercise", "GradientCheck", "HiddenCheck", "Mistake"]

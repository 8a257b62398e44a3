"""Running an exercise's cases, and judging the answers against the reference.

The work is split in two halves so that the grader can keep them in different processes:

- `collect_outcomes` calls the learner's code on every case and records what came back (a value,
  or the exception it raised) and, for a gradient check, the analytic and numerical gradients.
  In a notebook this runs in the learner's kernel; when grading, in a throw-away child process.
- `judge` computes the expected values with the reference implementation and compares them with
  the outcomes, case by case. When grading, it runs in the grader's own process, which never
  executes learner code.

Both the inline check and the grader use these two functions, so a notebook and the grader always
agree on what "passed" means.
"""

from __future__ import annotations

import difflib
import dis
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nncourse.grading.compare import (
    compare, compare_without_answer, describe, format_value, gradient_distance, gradient_gap,
)
from nncourse.grading.mistakes import name_the_mistake
from nncourse.grading.own_work import source_problem
from nncourse.grading.spec import Case, Exercise

MAX_ERROR_LENGTH = 300
Status = Literal["passed", "failed", "missing", "not written", "error"]


@dataclass
class Outcome:
    """What the learner's code did on one case."""

    value: Any = None
    error: str | None = None
    gradient: tuple[Any, Any] | None = None  # (analytic, numerical)
    gradient_error: str | None = None


@dataclass
class Presence:
    """Whether the names an exercise needs are defined, and usable."""

    missing: list[str] = field(default_factory=list)
    not_callable: list[tuple[str, str]] = field(default_factory=list)  # (name, description)
    defined: list[str] = field(default_factory=list)  # every public name, for "did you mean"
    # the exercise's names that are still the released placeholder (None: not looked at)
    placeholders: list[str] | None = None
    # the notebook's other functions that the exercise's functions use (directly or not) and
    # that are still placeholders, in the order the notebook defined them
    unwritten: list[str] = field(default_factory=list)


@dataclass
class ChildReport:
    """What the grader's child sends back (`dataclasses.asdict` there, `transport.from_plain`
    here): whether the names exist, and the outcome of every case, values still encoded."""

    presence: Presence
    outcomes: list[Outcome]
    own_errors: list[str]  # errors of this exercise's own answer cells, "<answer cell 3>: ..."


@dataclass
class CaseFailure:
    """The first case that went wrong, with everything a learner needs to see it."""

    case: str
    inputs: str
    expected: str
    got: str
    reason: str
    hint: str | None = None
    expected_shown: bool = True  # False for an exercise whose answer is the value itself


@dataclass
class ExerciseResult:
    """The verdict on one exercise (or on one group of hidden cases of it)."""

    exercise_id: str
    title: str
    status: Status
    n_cases: int = 0
    n_passed: int = 0
    failure: CaseFailure | None = None
    detail: str | None = None  # a sentence for "missing", "not written", "error"
    note: str | None = None  # e.g. the answer cell raised an exception (the function still ran)
    # when expected values are not shown: every failing case after the first one too, so that a
    # learner sees all the wrong entries at once
    more_failures: list[CaseFailure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def error_text(error: BaseException) -> str:
    """`ZeroDivisionError: division by zero`, shortened to a readable length."""
    text = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 3] + "..."


def check_presence(exercise: Exercise, namespace: Mapping[str, Any]) -> Presence:
    """Which of the exercise's names are missing (or, for functions, not callable), which are
    still the released placeholder, and which other functions of the notebook are."""
    presence = Presence(defined=sorted(k for k in namespace if not k.startswith("_")),
                        placeholders=[])
    for name in exercise.names:
        if name not in namespace:
            presence.missing.append(name)
        elif exercise.kind == "function" and not callable(namespace[name]):
            presence.not_callable.append((name, describe(namespace[name])))
        elif exercise.kind == "function" and unwritten_parts(namespace[name], name):
            presence.placeholders.append(name)
    try:
        presence.unwritten = unwritten_callees(exercise.names,
                                               _with_own_globals(exercise, namespace))
    except Exception:  # an object that will not say what it is: name nothing rather than fail
        presence.unwritten = []
    return presence


def _with_own_globals(exercise: Exercise, namespace: Mapping[str, Any]) -> Mapping[str, Any]:
    """The namespace, completed by the globals the learner's function was defined in (when
    `check` was given the function itself, the notebook's other functions are found there)."""
    for name in exercise.names:
        own = getattr(namespace.get(name), "__globals__", None)
        if isinstance(own, dict) and own is not namespace:
            return {**own, **namespace}
    return namespace


def unwritten_callees(names: Sequence[str], namespace: Mapping[str, Any]) -> list[str]:
    """The notebook's functions (and methods) that the functions `names` use, directly or
    through other functions of the notebook, and that are still placeholders; in the order
    the notebook defined them."""
    module = namespace.get("__name__", "__main__")
    seen = set(names)
    to_read = [namespace[name] for name in names if name in namespace]
    found: dict[str, list[str]] = {}
    while to_read:
        for name in global_names_used(to_read.pop()):
            if name in seen or name not in namespace:
                continue
            seen.add(name)
            value = namespace[name]
            if getattr(value, "__module__", None) != module:  # numpy, the engine, ...
                continue
            parts = unwritten_parts(value, name)
            if parts:
                found[name] = parts
            else:
                to_read.append(value)  # written: what it uses may not be
    order = {name: index for index, name in enumerate(namespace)}
    return [part for name in sorted(found, key=order.get) for part in found[name]]


def global_names_used(value: Any) -> set[str]:
    """The global names a function's code (with its inner functions and comprehensions), or
    the code of a class's own methods, refers to."""
    if isinstance(value, type):
        codes = [m.__code__ for m in vars(value).values() if isinstance(m, types.FunctionType)]
    elif isinstance(value, types.FunctionType):
        codes = [value.__code__]
    else:
        return set()
    used: set[str] = set()
    while codes:
        code = codes.pop()
        used.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return used


_PLACEHOLDER_OPERATIONS = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST"}


def is_placeholder_function(function: Any) -> bool:
    """True for a function whose body, after its docstring, only returns None: the released
    `return None  # replace with your answer` (or a bare `pass`). Read from the bytecode, which
    exists wherever the function came from (a notebook cell, the grader's child)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    try:
        instructions = list(dis.get_instructions(code))
    except Exception:  # not a code object dis can read: assume the learner wrote it
        return False
    return all(i.opname in _PLACEHOLDER_OPERATIONS and
               (i.opname not in ("LOAD_CONST", "RETURN_CONST") or i.argval is None)
               for i in instructions)


def unwritten_parts(value: Any, name: str) -> list[str]:
    """`[name]` for a placeholder function; `["Class.method", ...]` for the placeholder methods
    a class defines itself; `[]` for anything else."""
    if isinstance(value, types.FunctionType):
        return [name] if is_placeholder_function(value) else []
    if isinstance(value, type):
        return [f"{name}.{method}" for method, member in vars(value).items()
                if isinstance(member, types.FunctionType) and is_placeholder_function(member)]
    return []


def collect_outcomes(exercise: Exercise, namespace: Mapping[str, Any], cases: Sequence[Case],
                     catch: type[BaseException] = Exception) -> list[Outcome]:
    """Call the learner's answer on every case; an exception becomes the outcome.

    The grader's child passes `catch=BaseException`, so that even `sys.exit()` inside a learner's
    function is just a failed case; in a notebook, Ctrl-C (KeyboardInterrupt) still interrupts."""
    functions = {name: namespace[name] for name in exercise.names if name in namespace}
    outcomes = []
    for case in cases:
        outcome = Outcome()
        try:
            outcome.value = exercise.invoke(functions, case)
        except catch as error:  # the learner's code may raise anything
            outcome.error = error_text(error)
        if exercise.gradient is not None and outcome.error is None:
            try:
                outcome.gradient = _gradients(exercise, functions, case)
            except catch as error:
                outcome.gradient_error = error_text(error)
        outcomes.append(outcome)
    return outcomes


def _gradients(exercise: Exercise, functions, case: Case) -> tuple[Any, Any]:
    from nncourse.gradcheck import numerical_gradient

    check = exercise.gradient
    analytic = check.gradient(functions, *case.fresh_args())
    args = list(case.fresh_args())
    numerical = numerical_gradient(
        lambda: check.scalar(functions, *args), args[check.wrt], eps=check.eps
    )
    return analytic, numerical


def judge(exercise: Exercise, cases: Sequence[Case], outcomes: Sequence[Outcome],
          presence: Presence, *, expected: Sequence[Any] | None = None,
          show_inputs: bool = True, title: str | None = None) -> ExerciseResult:
    """Compare the outcomes with the reference, case by case, and give the verdict.

    `expected` may be given when the caller computed the reference values already (the grader
    computes them once for the whole class); otherwise they are computed here.
    """
    result = ExerciseResult(exercise.id, title or exercise.title, "failed", n_cases=len(cases))
    if presence.missing:
        result.status = "missing"
        result.detail = _missing_sentence(exercise, presence)
        return result
    if presence.not_callable:
        name, what = presence.not_callable[0]
        result.detail = f"{name} should be a function (a `def`), but it is {what}."
        return result
    if expected is None:
        expected = [exercise.expected(case) for case in cases]
    if outcomes and all(o.error is None and o.value is None for o in outcomes) and \
            not all(e is None for e in expected):
        if exercise.kind == "value" or presence.placeholders is None or presence.placeholders:
            result.status = "not written"
            result.detail = _not_written_sentence(exercise, presence)
        else:  # written, yet None every time: often a function it calls is not written yet
            result.detail = _returned_none_sentence(exercise, presence)
        return result
    shown = exercise.reveals_expected
    for case, outcome, want in zip(cases, outcomes, expected):
        reason = _case_problem(exercise, case, outcome, want)
        if reason is None:
            result.n_passed += 1
        elif result.failure is None or not shown:
            failure = CaseFailure(
                case=case.name,
                inputs=exercise.describe_args(case) if show_inputs else "",
                expected=format_value(want) if shown else "",
                got="(an exception)" if outcome.error else
                    f"{format_value(outcome.value)} ({describe(outcome.value)})",
                reason=reason,
                hint=case.hint,
                expected_shown=shown,
            )
            if result.failure is None:
                result.failure = failure
            else:
                result.more_failures.append(failure)
    result.status = "passed" if result.n_passed == len(cases) else "failed"
    return result


def _case_problem(exercise: Exercise, case: Case, outcome: Outcome, want: Any) -> str | None:
    if outcome.error is not None:
        return f"your code raised {outcome.error}"
    rtol = exercise.rtol if case.rtol is None else case.rtol
    atol = exercise.atol if case.atol is None else case.atol
    judge_values = compare if exercise.reveals_expected else compare_without_answer
    reason = judge_values(want, outcome.value, rtol=rtol, atol=atol)
    if reason is not None:
        return name_the_mistake(exercise, case, outcome.value, want, reason)
    if exercise.gradient is not None:
        if outcome.gradient_error is not None:
            return f"the gradient check raised {outcome.gradient_error}"
        if outcome.gradient is None:
            return "the gradient check did not run"
        check = exercise.gradient
        gap = gradient_gap(*outcome.gradient)
        if isinstance(gap, str):
            return gap
        if gap > check.tol and gradient_distance(*outcome.gradient) > check.atol:
            return (f"the gradient disagrees with the numerical slope (relative error of the "
                    f"whole gradient {gap:.2g}, allowed {check.tol:.0e})")
    return None


def _missing_sentence(exercise: Exercise, presence: Presence) -> str:
    name = presence.missing[0]
    sentence = f"{name} is not defined: run the cell that defines it first."
    candidates = [d for d in presence.defined if d not in exercise.names]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        sentence += f" (Did you rename it? {close[0]} is defined; the name must be {name}.)"
    return sentence


def _not_written_sentence(exercise: Exercise, presence: Presence | None = None) -> str:
    name = presence.placeholders[0] if presence and presence.placeholders else exercise.names[0]
    if exercise.kind == "value":
        return f"not written yet: {name} is still None. Give it your answer, then run this check."
    return (f"not written yet: {name} returned None. Replace `return None` with your code, "
            f"run that cell, then this one.")


def _returned_none_sentence(exercise: Exercise, presence: Presence) -> str:
    name = exercise.names[0]
    sentence = f"{name} returned None on every test, although you wrote it."
    if presence.unwritten:
        others = presence.unwritten
        listed = ", ".join(others[:-1]) + " and " + others[-1] if len(others) > 1 else others[0]
        several = len(others) > 1
        return (f"{sentence} A function it calls may be what returns None: {listed} "
                f"{'are' if several else 'is'} not written yet (still `return None`). "
                f"Write {'them' if several else 'it'}, "
                f"run {'their cells' if several else 'its cell'}, then this check again.")
    return (f"{sentence} Check that every path through it ends with `return` and a value, and "
            f"that the functions it calls return theirs.")


def run_inline(exercise: Exercise, namespace: Mapping[str, Any]) -> ExerciseResult:
    """Both halves in one process: what `check(...)` does in a notebook."""
    cases = exercise.all_cases()
    presence = check_presence(exercise, namespace)
    if presence.missing or presence.not_callable:
        return judge(exercise, cases, [], presence)
    not_own = source_problem(exercise, namespace)
    if not_own:
        return ExerciseResult(exercise.id, exercise.title, "failed", len(cases), detail=not_own)
    outcomes = collect_outcomes(exercise, namespace, cases)
    return judge(exercise, cases, outcomes, presence)

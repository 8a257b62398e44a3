"""Is a learner's answer equal to the expected one? And if not, why not, in plain words?

`compare(expected, got, rtol, atol)` returns `None` when the two agree and otherwise one sentence
that says what differs: the type ("expected a number, got a list of strings"), the shape
("expected shape (3,), got shape (3, 1)"), a NaN, or the values (how many differ, where the
largest difference is, expected and got there).

Numbers agree when `|got − expected| ≤ atol + rtol·|expected|` element by element (the rule of
`numpy.isclose`). Tuples and lists are compared item by item, dicts key by key.

`compare_without_answer` judges the same way but never shows an expected value: it names the wrong
keys, items or indices, what was given there, and the direction ("too large", "wrong sign"). It is
for exercises whose answer is a value ("what does this neuron output?", "find the errors"), where
printing the expected value would give the answer away.

The numpy functions used here are captured when this module is imported. The grader imports it
before any learner code exists, in a process that never runs learner code, so a learner who
replaces `np.isclose` or `np.allclose` in their notebook changes nothing about their grade.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

_asarray = np.asarray
_isclose = np.isclose
_isnan = np.isnan
_isfinite = np.isfinite
_abs = np.abs
_argmax = np.argmax
_unravel_index = np.unravel_index
_array2string = np.array2string
_count_nonzero = np.count_nonzero
_ndarray = np.ndarray
_generic = np.generic
_where = np.where
_errstate = np.errstate
_norm = np.linalg.norm

NUMERIC_KINDS = "biuf"  # bool, signed int, unsigned int, float


def is_numeric(value: Any) -> bool:
    """True for Python numbers, numpy scalars and arrays of numbers (not strings, not None)."""
    if isinstance(value, bool | numbers.Real):
        return True
    if isinstance(value, _ndarray | _generic):
        return value.dtype.kind in NUMERIC_KINDS
    return False


def describe(value: Any) -> str:
    """A short description of what a value is: 'a float64 array of shape (3,)', 'None', ..."""
    if value is None:
        return "None"
    if hasattr(value, "course_description"):  # a value that could not leave the child process
        return value.course_description
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, numbers.Integral) and not isinstance(value, _generic):
        return "an int"
    if isinstance(value, numbers.Real) and not isinstance(value, _generic):
        return "a float"
    if isinstance(value, _generic):
        return f"a numpy {value.dtype} number"
    if isinstance(value, _ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__}"


def format_value(value: Any, max_items: int = 8) -> str:
    """A compact, deterministic text form of a value (numbers to 6 significant digits)."""
    if isinstance(value, float | _generic) and not isinstance(value, bool | np.bool_):
        if isinstance(value, _generic) and value.dtype.kind not in "f":
            return str(value.item())
        return f"{float(value):.6g}"
    if isinstance(value, _ndarray):
        formatter = {"float_kind": lambda x: f"{x:.6g}"}
        text = _array2string(value, separator=", ", threshold=max_items, edgeitems=3,
                             max_line_width=10**6, formatter=formatter)
        return " ".join(part.strip() for part in text.splitlines())
    if isinstance(value, tuple):
        inner = ", ".join(format_value(v, max_items) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        if len(value) > max_items:
            shown = [format_value(v, max_items) for v in value[:3]]
            return "[" + ", ".join(shown) + f", ... ({len(value)} items)]"
        return "[" + ", ".join(format_value(v, max_items) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k!r}: {format_value(v, max_items)}" for k, v in value.items())
        return "{" + inner + "}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def compare(expected: Any, got: Any, rtol: float = 1e-7, atol: float = 1e-9) -> str | None:
    """`None` if `got` agrees with `expected`, otherwise the reason in one sentence."""
    return _walk(expected, got, rtol, atol, reveal=True)


def compare_without_answer(expected: Any, got: Any, rtol: float = 1e-7,
                           atol: float = 1e-9) -> str | None:
    """Like `compare`, but the sentence never shows an expected value: it says which entries
    are wrong (keys, items, indices), what was given there, and in which direction it is off
    ("too large", "wrong sign", ...). For exercises whose answer is the value itself."""
    return _walk(expected, got, rtol, atol, reveal=False)


def _walk(expected: Any, got: Any, rtol: float, atol: float, reveal: bool) -> str | None:
    """The one comparison behind both: containers item by item (the first wrong one when the
    expected value may be shown, every wrong one when it may not), then plain values."""
    if isinstance(expected, tuple | list | dict):
        problem = _container_form_problem(expected, got)
        if problem is not None:
            return problem
        is_dict = isinstance(expected, dict)
        keys = list(expected) if is_dict else range(len(expected))
        wrong = []
        for key in keys:
            reason = _walk(expected[key], got[key], rtol, atol, reveal)
            if reason is None:
                continue
            if reveal:
                return f"at key {key!r}: {reason}" if is_dict else f"item {key}: {reason}"
            wrong.append((f"{key!r}" if is_dict else f"item {key}", reason))
        return _list_wrong(wrong, "keys" if is_dict else "items")
    if expected is None or isinstance(expected, str | bool):
        if type(got) is type(expected) and got == expected:
            return None
        if reveal:
            return f"expected {format_value(expected)}, got {format_value(got)} ({describe(got)})"
        return f"you gave {format_value(got)} ({describe(got)}): that is not it"
    if is_numeric(expected):
        return _compare_numbers(expected, got, rtol, atol, reveal)
    raise TypeError(f"cannot compare expected values of type {type(expected).__name__}")


def _container_form_problem(expected, got) -> str | None:
    """What is wrong with the form of `got` (its type, length or keys) when `expected` is a
    tuple, list or dict; the sentence shows no expected value."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected {describe(expected)}, got {describe(got)}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"the key{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} " \
                   f"{'are' if len(missing) > 1 else 'is'} missing"
        return None
    if not isinstance(got, tuple | list):
        return f"expected {describe(expected)}, got {describe(got)}"
    if len(got) != len(expected):
        return f"expected {len(expected)} items, got {len(got)}"
    return None


def _as_number_array(value):
    """The value as a numeric array, or None when it is not made of numbers."""
    if isinstance(value, str | bytes | dict) or value is None:
        return None
    try:
        array = _asarray(value)
    except (TypeError, ValueError):
        return None
    if array.dtype.kind not in NUMERIC_KINDS:
        return None
    return array


def _number_form_problem(e, got):
    """(sentence, None) when `got` is not numbers of the expected shape, or has NaN where a
    number belongs; otherwise (None, got as a float array). The sentence shows no expected value."""
    if got is None:
        return "got None (the function returned nothing: is a `return` missing?)", None
    g = _as_number_array(got)
    if g is None:
        what = "a number" if e.ndim == 0 else f"an array of numbers of shape {e.shape}"
        return f"expected {what}, got {describe(got)}", None
    if e.shape != g.shape:
        if e.ndim == 0:
            return f"expected a single number, got {describe(got)}", None
        return f"expected shape {e.shape}, got shape {g.shape}", None
    g = g.astype(float)
    nan_in_got = ~_isnan(e) & _isnan(g)
    if _count_nonzero(nan_in_got):
        return "the answer contains NaN (not a number) where a number was expected", None
    return None, g


def _wrong_numbers(e, g, rtol, atol):
    """None when every number is close enough; else (how many are wrong, the index of the
    largest difference, that index as text)."""
    with _errstate(invalid="ignore", over="ignore"):
        close = _isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if bool(close.all()):
        return None
    with _errstate(invalid="ignore", over="ignore"):
        gap = _abs(g - e)
    gap = _where(_isfinite(gap), gap, np.inf)
    gap = _where(close, -1.0, gap)
    worst = _unravel_index(int(_argmax(gap)), e.shape)
    where = worst[0] if len(worst) == 1 else tuple(int(i) for i in worst)
    return int(_count_nonzero(~close)), worst, where


def _compare_numbers(expected, got, rtol, atol, reveal: bool) -> str | None:
    e = _asarray(expected, dtype=float)
    problem, g = _number_form_problem(e, got)
    if problem is not None:
        return problem
    wrong = _wrong_numbers(e, g, rtol, atol)
    if wrong is None:
        return None
    if e.ndim == 0:
        if reveal:
            return f"expected {format_value(float(e))}, got {format_value(float(g))}"
        return f"you gave {format_value(float(g))}: {direction(float(g), float(e))}"
    n_wrong, worst, where = wrong
    if reveal:
        return (f"{n_wrong} of {e.size} values differ; at index {where}: "
                f"expected {format_value(float(e[worst]))}, got {format_value(float(g[worst]))}")
    return (f"{n_wrong} of {e.size} values are wrong; at index {where} you gave "
            f"{format_value(float(g[worst]))}: {direction(float(g[worst]), float(e[worst]))}")


def _list_wrong(wrong: list[tuple[str, str | None]], what: str) -> str | None:
    wrong = [(label, reason) for label, reason in wrong if reason is not None]
    if not wrong:
        return None
    if len(wrong) == 1:
        label, reason = wrong[0]
        return f"at {'key' if what == 'keys' else 'item'} {label.removeprefix('item ')}: {reason}"
    listed = "; ".join(f"{label}: {reason}" for label, reason in wrong)
    return f"{len(wrong)} {what} are wrong: {listed}"


def direction(got: float, expected: float) -> str:
    """How a number is off, without saying the right one: "wrong sign", "too large",
    "much too small (off by a factor of about 10 or more)", "slightly too large (close: keep
    more significant digits)"."""
    if not (_isfinite(got) and _isfinite(expected)):
        return "not a finite number" if not _isfinite(got) else "not the right number"
    if expected == 0.0:
        return "too large" if got > 0 else "too small"
    if got == 0.0:
        return "it should not be 0"
    if (got > 0) != (expected > 0):
        return "wrong sign"
    ratio = abs(got) / abs(expected)
    bigger = ratio > 1
    if expected > 0:
        words = "too large" if bigger else "too small"
    else:
        words = "too negative" if bigger else "too close to 0"
    if ratio > 9.5 or ratio < 1 / 9.5:
        return f"much {words} (off by a factor of about 10 or more)"
    if abs(ratio - 1) < 0.01:
        return f"slightly {words} (close: keep more significant digits)"
    return words


def gradient_gap(analytic: Any, numerical: Any) -> float | str:
    """The relative error of the whole gradient, ‖a − n‖ / (‖a‖ + ‖n‖) (0 when both are all
    zeros), as `nncourse.gradcheck.relative_error` computes it; or a sentence when the two cannot
    be compared (not numbers, different shapes, NaN).

    The whole array, not element by element: a derivative of 1e-6 next to derivatives near 1 is
    measured against the size of the gradient, not against its own rounding noise."""
    a, n = _as_number_array(analytic), _as_number_array(numerical)
    if a is None:
        return f"the gradient should be an array of numbers, got {describe(analytic)}"
    if n is None or a.shape != n.shape:
        shape = None if n is None else n.shape
        return f"the gradient should have shape {shape}, got shape {a.shape}"
    a, n = a.astype(float), n.astype(float)
    if a.size == 0:
        return 0.0
    if not (bool(_isfinite(a).all()) and bool(_isfinite(n).all())):
        return "the gradient contains NaN or infinity"
    with _errstate(invalid="ignore", over="ignore"):
        scale = float(_norm(a) + _norm(n))
        if scale == 0.0:
            return 0.0
        gap = float(_norm(a - n)) / scale
    if not bool(_isfinite(gap)):
        return "the gradient contains NaN or infinity"
    return gap


def gradient_distance(analytic: Any, numerical: Any) -> float:
    """‖a − n‖, the absolute size of the difference of two gradients of one shape."""
    a = _asarray(analytic, dtype=float)
    n = _asarray(numerical, dtype=float)
    with _errstate(invalid="ignore", over="ignore"):
        return float(_norm(a - n))

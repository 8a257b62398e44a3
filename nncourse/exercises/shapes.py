"""A shape error in a learner's code, explained in words instead of numpy's gufunc text.

numpy reports a matrix product that does not fit as

    matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature
    (n?,k),(k,m?)->(n?,m?) (size 3 is different from 2)

which says nothing about which product of the learner's code failed or what to do. The exercises
call the learner's function through `call_explaining_shapes`; when numpy raises a shape error it
finds the product in the learner's own code (the frame where it happened, its source line when
there is one, its bytecode otherwise), reads the shapes of the two factors, and raises a
`ShapeError` that says:

    In `dX = dZ @ W` (line 6 of dense_backward), dZ has shape (1, 2) and W has shape (3, 2): A @ B
    needs as many columns in A as rows in B (2 and 3). W.T has shape (2, 3), and dZ @ W.T fits.

The rule of a product: (n, k) @ (k, m) gives (n, m); a transpose swaps the two numbers of a shape.
Broadcasting errors (`X @ W + b` with a b of the wrong length) are explained the same way.
"""

from __future__ import annotations

import ast
import dis
import linecache
import re
import types
from pathlib import Path

import numpy as np

from nncourse.errors import CourseError

_NUMPY_FOLDER = str(Path(np.__file__).resolve().parent)
_COURSE_FOLDER = str(Path(__file__).resolve().parent.parent)

_MATMUL = re.compile(r"matmul: Input operand 1 has a mismatch in its core dimension 0.*"
                     r"\(size (\d+) is different from (\d+)\)", re.S)
_DOT = re.compile(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned")
_BROADCAST = re.compile(r"operands could not be broadcast together with shapes ((?:\([\d,]*\) ?)+)")


class ShapeError(CourseError, ValueError):
    """Two arrays whose shapes do not fit, named and explained."""


def call_explaining_shapes(function, *args, **kwargs):
    """`function(*args, **kwargs)`, with a numpy shape error turned into a ShapeError in words."""
    try:
        return function(*args, **kwargs)
    except ValueError as error:
        if isinstance(error, CourseError):
            raise
        sentence = explain_shape_error(error)
        if sentence is None:
            raise
        raise ShapeError(sentence) from None


def explain_shape_error(error: ValueError) -> str | None:
    """The sentence for a numpy shape error raised in a learner's code; None for other errors."""
    text = str(error)
    kind = ("matmul" if _MATMUL.search(text) else "dot" if _DOT.search(text) else
            "broadcast" if _BROADCAST.search(text) else None)
    if kind is None:
        return None
    frame, lineno, lasti = _learner_frame(error.__traceback__)
    where = _place(frame, lineno)
    if kind == "broadcast":
        shapes = _BROADCAST.search(text).group(1).split()
        return (f"{where}arrays of shapes {' and '.join(shapes)} are combined element by element, "
                f"and they do not fit: numpy lines shapes up from the right, and each pair of "
                f"sizes must be equal or 1. Check which of them has the wrong shape.")
    operands = _product_operands(frame, lineno, lasti) if frame is not None else None
    if operands is not None:
        (left, a), (right, b) = operands
        if np.ndim(a) == 2 and np.ndim(b) == 2 or kind == "dot":
            return where + _product_sentence(left, np.shape(a), right, np.shape(b))
    if kind == "dot":
        a_shape, b_shape = (_shape(group) for group in _DOT.search(text).groups())
        return where + _product_sentence("A", a_shape, "B", b_shape)
    rows, columns = _MATMUL.search(text).groups()
    return (f"{where}a product A @ B does not fit: A has {columns} columns and B has {rows} "
            f"rows, and they must be equal ((n, k) @ (k, m) gives (n, m)). Print the shapes of "
            f"the two factors and decide which one to transpose.")


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


def _product_sentence(left: str, a: tuple, right: str, b: tuple) -> str:
    sentence = f"{left} @ {right} does not fit: {left} has shape {a} and {right} {b}"
    if len(a) != 2 or len(b) != 2:
        return sentence + ", and A @ B needs A's last size to equal B's first."
    sentence += f", and A @ B needs A's columns to match B's rows ({a[1]} ≠ {b[0]})."
    fits = []
    if a[0] == b[0]:
        fits.append(f"{_transposed(left)} @ {right}")
    if a[1] == b[1]:
        fits.append(f"{left} @ {_transposed(right)}")
    if b[1] == a[0]:
        fits.append(f"{right} @ {left}")
    if fits:
        return sentence + f" {' or '.join(fits)} would fit: the result's shape decides."
    return sentence + " No transpose makes them fit: one is not the array you meant."


def _transposed(expression: str) -> str:
    if expression.endswith(".T"):
        return expression[:-2]
    return f"{expression}.T" if expression.isidentifier() or "." in expression else \
        f"({expression}).T"


def _learner_frame(traceback) -> tuple[types.FrameType | None, int, int]:
    """(frame, line, instruction offset) of the innermost frame of the traceback that is
    neither numpy's nor the course's: where the learner's code called the failing operation."""
    found, lineno, lasti = None, 0, -1
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if not (filename.startswith(_NUMPY_FOLDER) or filename.startswith(_COURSE_FOLDER)
                or filename.startswith("<__array_function__")):
            found, lineno, lasti = traceback.tb_frame, traceback.tb_lineno, traceback.tb_lasti
        traceback = traceback.tb_next
    return found, lineno, lasti


def _place(frame, lineno: int) -> str:
    if frame is None:
        return ""
    name = frame.f_code.co_name
    owner = "the cell" if name == "<module>" else name
    line = linecache.getline(frame.f_code.co_filename, lineno).strip()
    if line:
        return f"In `{line}` (line {lineno - frame.f_code.co_firstlineno + 1} of {owner}), "
    return f"In {owner}, "


def _product_operands(frame, lineno: int, lasti: int):
    """((text, value), (text, value)) of the failing product, or None when they cannot be read."""
    found = _from_source(frame, lineno)
    if found is None:
        found = _from_bytecode(frame, lasti)
    if found is None:
        return None
    values = []
    for text in found:
        value = _value_of(text, frame)
        if value is None:
            return None
        values.append((text, value))
    return tuple(values)


def _from_source(frame, lineno: int):
    """The two factors of the one product on the failing line whose shapes do not fit."""
    line = linecache.getline(frame.f_code.co_filename, lineno).strip()
    if not line:
        return None
    for candidate in (line, line.removeprefix("return "), line.rstrip(":") + " pass"):
        try:
            tree = ast.parse(candidate)
            break
        except SyntaxError:
            continue
    else:
        return None
    for node in ast.walk(tree):
        pair = None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            pair = (node.left, node.right)
        elif isinstance(node, ast.Call) and len(node.args) == 2 and \
                ast.unparse(node.func) in ("np.dot", "np.matmul", "numpy.dot", "numpy.matmul"):
            pair = tuple(node.args)
        if pair is None:
            continue
        texts = tuple(ast.unparse(part) for part in pair)
        values = [_value_of(text, frame) for text in texts]
        if all(v is not None for v in values) and not _fits(*values):
            return texts
    return None


def _fits(a, b) -> bool:
    a_shape, b_shape = np.shape(a), np.shape(b)
    if not a_shape or not b_shape:
        return True
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    return a_shape[-1] == inner_b


_LOADS = {"LOAD_FAST", "LOAD_NAME", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_CLOSURE"}


def _from_bytecode(frame, lasti: int):
    """The two factors of a failing `A @ B`, read back from the instructions before it."""
    instructions = list(dis.get_instructions(frame.f_code))
    index = next((i for i, ins in enumerate(instructions) if ins.offset == lasti), None)
    if index is None:
        return None
    failing = instructions[index]
    end = index - 1
    if failing.opname == "CALL" and failing.arg == 2:  # np.dot(A, B), np.matmul(A, B)
        if end >= 0 and instructions[end].opname == "PRECALL":
            end -= 1
    elif failing.opname != "BINARY_OP" or failing.argrepr not in ("@", "@="):
        return None
    right = _expression_ending(instructions, end)
    if right is None:
        return None
    left = _expression_ending(instructions, right[1] - 1)
    if left is None:
        return None
    if failing.opname == "CALL":
        callee = instructions[left[1] - 1] if left[1] > 0 else None
        if callee is None or callee.argval not in ("dot", "matmul"):
            return None
    return left[0], right[0]


def _expression_ending(instructions, end: int):
    """(text, first index) of the simple expression (names, attributes) ending at `end`."""
    if end < 0:
        return None
    ins = instructions[end]
    if ins.opname in _LOADS:
        return str(ins.argval), end
    if ins.opname in ("LOAD_ATTR", "LOAD_METHOD"):
        inner = _expression_ending(instructions, end - 1)
        return None if inner is None else (f"{inner[0]}.{ins.argval}", inner[1])
    return None


def _value_of(text: str, frame):
    """The value of `name` or `name.attr...` in the frame, without running any code (only
    plain instance attributes and an array's .T are followed); None if it cannot be read."""
    parts = text.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    scope = {**frame.f_globals, **frame.f_locals}
    if parts[0] not in scope:
        return None
    value = scope[parts[0]]
    for part in parts[1:]:
        if isinstance(value, np.ndarray) and part == "T":
            value = value.T
        elif isinstance(getattr(value, "__dict__", None), dict) and part in vars(value):
            value = vars(value)[part]
        else:
            return None
    return value if isinstance(value, np.ndarray) else None


__all__ = ["ShapeError", "call_explaining_shapes", "explain_shape_error"]

"""Passing values between the grader and its child processes: no pickle, no compression, bounded.

The child process runs learner code, so whatever it sends is untrusted: unpickling it could run
arbitrary code in the grader, a compressed archive could unpack to gigabytes, a deeply nested
JSON could exhaust the stack. So a message is one byte string made of

    <length of the header>\\n<header: JSON>{<array bytes>...}

where the header is `{"document": <JSON skeleton>, "arrays": [{"dtype": "<f8", "shape": [3]},
...]}` and the raw bytes of the arrays follow in order. `unpack` checks everything before it
allocates anything: the header's length and nesting depth, each array's dtype (plain numbers only)
and shape, and that the sizes declared add up to exactly the bytes received. Arrays are views of
the received bytes, never copies.

Values travel as a JSON skeleton: None, bool, int, float, str, numpy arrays and scalars of numbers,
and tuples, lists and dicts (with string keys) of these. Anything else is replaced by a marker
that says what it was, so the comparison can report "expected an array, got a generator".

Dataclasses cross the boundary as `dataclasses.asdict` on one side and `from_plain` on the other,
which checks every field against its annotation: a forged or malformed result raises
`Interference`, never a TypeError deep inside the grader.

The functions used to build a message are bound when this module is imported: the child imports
it before any learner code runs, so a learner who replaces `json.dumps` or `np.ndarray` in a cell
does not change how the child reports.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from typing import Any, Union

import numpy as np

MAX_DEPTH = 20
MAX_ITEMS = 10_000
MAX_HEADER_BYTES = 8_000_000
MAX_ARRAYS = 10_000
MAX_DIMENSIONS = 32
ARRAY_DTYPES = frozenset(
    f"{order}{kind}{size}" for order in "<|" for kind, sizes in
    (("b", (1,)), ("i", (1, 2, 4, 8)), ("u", (1, 2, 4, 8)), ("f", (2, 4, 8)))
    for size in sizes
)

_dumps = json.dumps
_loads = json.loads
_ndarray, _generic, _asarray = np.ndarray, np.generic, np.asarray
_frombuffer, _tobytes = np.frombuffer, np.ndarray.tobytes
_isfinite = math.isfinite
_isinstance, _len, _type, _abs, _float = isinstance, len, type, abs, float


class Interference(ValueError):
    """What a child sent is not what an honest child sends (too big, malformed, forged)."""


class Unsupported:
    """Stands for a value that cannot travel (an object, a function, ...)."""

    def __init__(self, description: str):
        self.course_description = description

    def __repr__(self) -> str:
        return f"<{self.course_description}>"


def encode(value: Any, arrays: list, depth: int = 0) -> Any:
    """The JSON skeleton of a value; its arrays are appended to `arrays`."""
    if depth > MAX_DEPTH:
        return {"unsupported": "a value nested too deeply"}
    if value is None or _isinstance(value, bool | str):
        return value
    if _isinstance(value, int) and not _isinstance(value, _generic):
        return value if _abs(value) < 2**53 else _float(value)
    if _isinstance(value, float) and not _isinstance(value, _generic):
        return value if _isfinite(value) else {"float": repr(value)}
    if _isinstance(value, _ndarray | _generic):
        if value.dtype.kind not in "biuf" or value.dtype.str not in ARRAY_DTYPES:
            return {"unsupported": f"a numpy array of {value.dtype}"}
        arrays.append(_asarray(value, order="C"))  # (ascontiguousarray would make 0-d 1-d)
        return {"array": _len(arrays) - 1, "scalar": _isinstance(value, _generic)}
    if _isinstance(value, tuple | list):
        if _len(value) > MAX_ITEMS:
            return {"unsupported": f"a {_type(value).__name__} of {_len(value)} items"}
        items = [encode(v, arrays, depth + 1) for v in value]
        return {"tuple" if _isinstance(value, tuple) else "list": items}
    if _isinstance(value, dict):
        if not all(_isinstance(k, str) for k in value) or _len(value) > MAX_ITEMS:
            return {"unsupported": "a dict whose keys are not all strings"}
        return {"dict": {k: encode(v, arrays, depth + 1) for k, v in value.items()}}
    return {"unsupported": f"a {_type(value).__name__}"}


def decode(skeleton: Any, arrays: list[np.ndarray], depth: int = 0) -> Any:
    """The value a skeleton stands for (the inverse of `encode`); raises Interference for a
    skeleton `encode` cannot have written."""
    if depth > MAX_DEPTH + 1:
        raise Interference("a value is nested too deeply")
    if skeleton is None or isinstance(skeleton, bool | int | float | str):
        return skeleton
    if not isinstance(skeleton, dict) or len(skeleton) not in (1, 2):
        raise Interference("a value has an unknown form")
    if "array" in skeleton:
        index = skeleton["array"]
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(arrays):
            raise Interference("a value names an array that was not sent")
        return arrays[index][()] if skeleton.get("scalar") is True else arrays[index]
    if "float" in skeleton and skeleton["float"] in ("nan", "inf", "-inf"):
        return float(skeleton["float"])
    if "tuple" in skeleton or "list" in skeleton:
        items = skeleton.get("tuple", skeleton.get("list"))
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise Interference("a sequence has an unknown form")
        decoded = [decode(v, arrays, depth + 1) for v in items]
        return tuple(decoded) if "tuple" in skeleton else decoded
    if "dict" in skeleton and isinstance(skeleton["dict"], dict):
        if len(skeleton["dict"]) > MAX_ITEMS:
            raise Interference("a dict has too many keys")
        return {k: decode(v, arrays, depth + 1) for k, v in skeleton["dict"].items()}
    if "unsupported" in skeleton and isinstance(skeleton["unsupported"], str):
        return Unsupported(skeleton["unsupported"][:200])
    raise Interference("a value has an unknown form")


def pack(document: Any, arrays: list) -> bytes:
    """One message: the document (JSON) and the arrays (raw bytes), see the module docstring."""
    header = _dumps({"document": document,
                     "arrays": [{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays]},
                    allow_nan=False).encode("utf-8")
    return b"".join([b"%d\n" % _len(header), header, *(_tobytes(a) for a in arrays)])


def unpack(message: bytes | memoryview) -> tuple[Any, list[np.ndarray]]:
    """The document and arrays of a message; raises Interference for anything malformed."""
    view = memoryview(message)
    newline = bytes(view[:16]).find(b"\n")
    if newline <= 0 or not bytes(view[:newline]).isdigit():
        raise Interference("the message does not start with its header's length")
    size = int(bytes(view[:newline]))
    start = newline + 1
    if size > MAX_HEADER_BYTES or start + size > len(view):
        raise Interference("the message's header is too long")
    try:
        header = _loads(bytes(view[start:start + size]).decode("utf-8"))
    except (ValueError, RecursionError):
        raise Interference("the message's header is not valid JSON") from None
    if not isinstance(header, dict) or set(header) != {"document", "arrays"} or \
            not isinstance(header["arrays"], list) or len(header["arrays"]) > MAX_ARRAYS:
        raise Interference("the message's header has an unknown form")
    _check_depth(header["document"])
    offset = start + size
    arrays = []
    for described in header["arrays"]:
        dtype, shape, nbytes = _declared_array(described)
        if offset + nbytes > len(view):
            raise Interference("an array is larger than the bytes sent")
        arrays.append(_frombuffer(view[offset:offset + nbytes], dtype=dtype).reshape(shape))
        offset += nbytes
    if offset != len(view):
        raise Interference("the message has bytes that no array declares")
    return header["document"], arrays


def _declared_array(described: Any) -> tuple[np.dtype, tuple[int, ...], int]:
    """An array's dtype, shape and byte count as declared, checked before any allocation."""
    if not isinstance(described, dict) or set(described) != {"dtype", "shape"}:
        raise Interference("an array is described in an unknown form")
    dtype, shape = described["dtype"], described["shape"]
    if dtype not in ARRAY_DTYPES:
        raise Interference(f"an array has the type {str(dtype)[:20]!r}, not a plain number type")
    if not isinstance(shape, list) or len(shape) > MAX_DIMENSIONS or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise Interference("an array has an impossible shape")
    dtype = np.dtype(dtype)
    return dtype, tuple(shape), math.prod(shape) * dtype.itemsize


def _check_depth(value: Any, limit: int = 2 * MAX_DEPTH + 16) -> None:
    """Raise Interference for JSON nested deeper than `limit` (without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise Interference("the message is nested too deeply")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def to_plain(instance: Any) -> dict:
    """A dataclass as plain data (what `from_plain` reads back)."""
    return dataclasses.asdict(instance)


def from_plain(cls: type, data: Any) -> Any:
    """An instance of the dataclass `cls` from plain data, every field checked against its
    annotation (str, int, float, bool, None, list[...], tuple[...], unions, nested dataclasses;
    `Any` fields are kept as they are). Raises Interference when anything does not fit."""
    return _convert(cls, data, cls.__name__)


@functools.cache
def _field_types(cls: type) -> tuple[dict, frozenset]:
    """A dataclass's field annotations, resolved (the annotations are strings here, so resolving
    them compiles each one: done once per class, not once per report), and its field names."""
    return typing.get_type_hints(cls), frozenset(f.name for f in dataclasses.fields(cls))


def _convert(annotation: Any, data: Any, where: str) -> Any:
    if annotation is Any:
        return data
    if dataclasses.is_dataclass(annotation):
        if not isinstance(data, dict):
            raise Interference(f"{where} should be an object")
        hints, fields = _field_types(annotation)
        if set(data) != fields:
            raise Interference(f"{where} does not have the fields of {annotation.__name__}")
        return annotation(**{name: _convert(hints[name], data[name], f"{where}.{name}")
                             for name in fields})
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(annotation):
            try:
                return _convert(option, data, where)
            except Interference:
                continue
        raise Interference(f"{where} has the wrong type")
    if origin in (list, tuple):
        if not isinstance(data, list) or len(data) > MAX_ITEMS:
            raise Interference(f"{where} should be a list")
        args = typing.get_args(annotation)
        if origin is list:
            return [_convert(args[0], item, where) for item in data]
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], item, where) for item in data)
        if len(data) != len(args):
            raise Interference(f"{where} should have {len(args)} items")
        return tuple(_convert(a, item, where) for a, item in zip(args, data))
    if annotation is type(None):
        if data is not None:
            raise Interference(f"{where} should be null")
        return None
    if annotation is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if annotation in (str, int, bool) and type(data) is annotation:
        if annotation is str and len(data) > 100_000:
            raise Interference(f"{where} is too long")
        return data
    raise Interference(f"{where} has the wrong type")

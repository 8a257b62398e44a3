"""Passing values between the grader and its child processes without pickle.

The child process runs learner code, so whatever it writes is untrusted: unpickling it could run
arbitrary code in the grader. Values therefore travel as a JSON skeleton plus a `.npz` file of
plain numeric arrays, read back with `allow_pickle=False`. Supported: None, bool, int, float, str,
numpy arrays and scalars of numbers, and tuples, lists and dicts (with string keys) of these.
Anything else is replaced by a marker that says what it was, so the comparison can report
"expected an array, got a generator".
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

MAX_DEPTH = 20
MAX_ITEMS = 10_000


class Unsupported:
    """Stands for a value that cannot travel (an object, a function, ...)."""

    def __init__(self, description: str):
        self.course_description = description

    def __repr__(self) -> str:
        return f"<{self.course_description}>"


def encode(value: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    """The JSON skeleton of a value; its arrays are added to `arrays` under generated keys."""
    if depth > MAX_DEPTH:
        return {"unsupported": "a value nested too deeply"}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int) and not isinstance(value, np.generic):
        return value if abs(value) < 2**53 else float(value)
    if isinstance(value, float) and not isinstance(value, np.generic):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind not in "biuf":
            return {"unsupported": f"a numpy array of {value.dtype}"}
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value).copy()
        return {"array": key, "scalar": isinstance(value, np.generic)}
    if isinstance(value, tuple | list):
        if len(value) > MAX_ITEMS:
            return {"unsupported": f"a {type(value).__name__} of {len(value)} items"}
        items = [encode(v, arrays, depth + 1) for v in value]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or len(value) > MAX_ITEMS:
            return {"unsupported": "a dict whose keys are not all strings"}
        return {"dict": {k: encode(v, arrays, depth + 1) for k, v in value.items()}}
    return {"unsupported": f"a {type(value).__name__}"}


def decode(skeleton: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The value a skeleton stands for (the inverse of `encode`)."""
    if skeleton is None or isinstance(skeleton, bool | int | float | str):
        return skeleton
    if isinstance(skeleton, dict):
        if "array" in skeleton:
            array = np.asarray(arrays[skeleton["array"]])
            return array[()] if skeleton.get("scalar") else array
        if "float" in skeleton:
            return float(skeleton["float"])
        if "tuple" in skeleton:
            return tuple(decode(v, arrays) for v in skeleton["tuple"])
        if "list" in skeleton:
            return [decode(v, arrays) for v in skeleton["list"]]
        if "dict" in skeleton:
            return {k: decode(v, arrays) for k, v in skeleton["dict"].items()}
        if "unsupported" in skeleton:
            return Unsupported(str(skeleton["unsupported"]))
    return Unsupported("an unreadable value")


def save(path: Path, document: Any, arrays: dict[str, np.ndarray]) -> None:
    """Write `path.json` (the skeleton) and `path.npz` (the arrays)."""
    np.savez(path.with_suffix(".npz"), **arrays)
    path.with_suffix(".json").write_text(json.dumps(document), encoding="utf-8")


def load(path: Path, max_bytes: int = 200_000_000) -> tuple[Any, dict[str, np.ndarray]]:
    """Read what `save` wrote; never unpickles."""
    json_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
    for p in (json_path, npz_path):
        if p.stat().st_size > max_bytes:
            raise ValueError(f"{p.name} is too large")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    with np.load(npz_path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return document, arrays

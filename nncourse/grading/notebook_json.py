"""Reading a notebook as plain JSON, tolerant of damage.

A submitted notebook may have been edited by hand, merged badly or produced by another tool:
duplicate cell ids, a code cell turned into markdown, a `source` that is a string instead of a
list, missing metadata, cells that are not even objects. `parse_notebook` never raises on such a
notebook; it keeps what it can read. Only a file that is not JSON at all (or is empty) gives a
`NotebookDamage`, whose message says what is wrong in plain words.

This module needs nothing but the standard library, so reading answers stays fast.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_NOTEBOOK_BYTES = 50_000_000


class NotebookDamage(Exception):
    """A file that cannot be read as a notebook at all."""


@dataclass
class Cell:
    """One cell, with the fields the grader looks at, whatever shape the JSON was in."""

    index: int
    cell_type: str
    source: str
    id: str | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def nbgrader(self) -> dict:
        value = self.metadata.get("nbgrader")
        return value if isinstance(value, dict) else {}

    @property
    def grade_id(self) -> str | None:
        value = self.nbgrader.get("grade_id")
        return value if isinstance(value, str) else None

    @property
    def is_answer(self) -> bool:
        """An nbgrader "solution" cell: where the learner writes."""
        return bool(self.nbgrader.get("solution")) and not self.nbgrader.get("grade")

    @property
    def is_check(self) -> bool:
        """An nbgrader "grade" cell: the public check of an exercise."""
        return bool(self.nbgrader.get("grade")) and not self.nbgrader.get("solution")

    @property
    def points(self) -> int | None:
        value = self.nbgrader.get("points")
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return int(value) if is_number else None

    @property
    def tags(self) -> list[str]:
        tags = self.metadata.get("tags")
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


@dataclass
class Notebook:
    """The readable part of a notebook: its cells and its top-level metadata."""

    cells: list[Cell]
    metadata: dict

    @property
    def assignment(self) -> str | None:
        """The assignment name that `nncourse release` writes into the metadata."""
        info = self.metadata.get("nncourse")
        value = info.get("assignment") if isinstance(info, dict) else None
        return value if isinstance(value, str) else None


def source_text(source: Any) -> str:
    """A cell's source as one string, whether it was stored as a string or a list of lines."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""


def parse_notebook(text: str) -> Notebook:
    """The cells of a notebook given as JSON text; raises NotebookDamage only for non-notebooks."""
    if not text.strip():
        raise NotebookDamage("the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookDamage(
            f"the file is not valid notebook JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise NotebookDamage("the file is JSON but not a notebook (no top-level object)")
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        raw_cells = []
    cells = []
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict):
            continue
        metadata = raw.get("metadata")
        cell_id = raw.get("id")
        cell_type = raw.get("cell_type")
        cells.append(Cell(
            index=index,
            cell_type=cell_type if isinstance(cell_type, str) else "code",
            source=source_text(raw.get("source")),
            id=cell_id if isinstance(cell_id, str) else None,
            metadata=metadata if isinstance(metadata, dict) else {},
        ))
    metadata = data.get("metadata")
    return Notebook(cells=cells, metadata=metadata if isinstance(metadata, dict) else {})


def read_notebook(path: str | Path, inside: str | Path | None = None) -> Notebook:
    """Read and parse a notebook file (see `parse_notebook`).

    Only a regular file is read, and at most `MAX_NOTEBOOK_BYTES` of it: a FIFO, a device, a
    socket or a folder is refused (NotebookDamage) without reading or waiting on it, and so is a
    link that points out of the folder `inside` (the submissions folder), if given."""
    path = Path(path)
    if inside is not None:
        target, folder = Path(os.path.realpath(path)), Path(os.path.realpath(inside))
        if folder not in target.parents:
            raise NotebookDamage("it is a link to a file outside the submissions folder: not read")
    try:
        kind = _file_kind(os.stat(path).st_mode)
        if kind is not None:
            raise NotebookDamage(f"it is {kind}, not a regular file: not read")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise NotebookDamage(f"the file cannot be read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        kind = _file_kind(status.st_mode)
        if kind is not None:  # it was swapped for something else after the first look
            raise NotebookDamage(f"it is {kind}, not a regular file: not read")
        if status.st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookDamage(f"the file is too large to be a notebook ({status.st_size} bytes)")
        raw = handle.read(MAX_NOTEBOOK_BYTES + 1)
    if len(raw) > MAX_NOTEBOOK_BYTES:
        raise NotebookDamage("the file is too large to be a notebook")
    return parse_notebook(raw.decode("utf-8", errors="replace"))


def _file_kind(mode: int) -> str | None:
    """None for a regular file; otherwise what it is, in words."""
    if stat.S_ISREG(mode):
        return None
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                        (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                        (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return words
    return "not a file"


def submission_files(folder: Path) -> list[Path]:
    """Every entry named `*.ipynb` under a folder, in name order, without following links to
    folders and without checkpoint folders (whatever the entry is: `read_notebook` decides)."""
    found = []
    for current, folders, names in os.walk(folder, followlinks=False):
        folders[:] = sorted(f for f in folders if f != ".ipynb_checkpoints")
        found.extend(Path(current) / n for n in names if n.endswith(".ipynb"))
        found.extend(Path(current) / f for f in folders
                     if f.endswith(".ipynb") and os.path.islink(Path(current) / f))
    return sorted(found)

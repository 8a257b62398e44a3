"""Who handed in which notebook: the layout of a folder of submissions.

    flat         submissions/alice.ipynb                a learner per file (named by it)
    per-learner  submissions/alice/01_neuron.ipynb      a learner per folder
    nbgrader     submitted/alice/01_neuron/01_neuron.ipynb
                 nbgrader's submitted/<student>/<assignment>/ (the course folder may be given)
    single       submission/01_neuron.ipynb, submission/02_activations.ipynb
                 one learner, several notebooks (Gradescope's /autograder/submission)

`--layout auto` (the default) recognises them from the tree, in this order:

1. a folder named `submitted`, or holding one, is nbgrader's layout; the assignment folder says
   which notebook the student meant to hand in;
2. a folder whose notebooks lie directly in it is one learner's (`single`, named after the folder)
   when the notebooks are named like different notebooks of the course (01_neuron.ipynb,
   02_activations.ipynb); otherwise each file is a learner (`flat`);
3. a folder with notebooks in subfolders is `per-learner`: the first folder below it names the
   learner, however deep the notebook lies (a notebook directly in it is a learner of its own).

Files named on the command line, not folders, are each a learner named by the file, or by its
folder when file names repeat (alice/01_neuron.ipynb, bob/01_neuron.ipynb).

Learners' names keep every letter they were written with (Unicode, normalised to NFC, so "é" typed
either way is one learner); `output_folders` gives each learner a folder of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

LAYOUTS = ("auto", "flat", "per-learner", "nbgrader", "single")
DESCRIPTIONS = {
    "flat": "a flat folder: each notebook is a learner, named after the file",
    "per-learner": "<learner>/<notebook>: each folder is a learner",
    "nbgrader": "nbgrader's submitted/<student>/<assignment>/<notebook>",
    "single": "one learner's folder with several notebooks",
    "files": "notebook files named one by one: each is a learner",
}


@dataclass(frozen=True)
class Submission:
    """One notebook file, whose it is, and which notebook the layout says it should be."""

    path: Path
    learner: str
    layout: str
    intended: str | None = None  # nbgrader's assignment folder name, when there is one


def learner_name(text: str) -> str:
    """A name as the learner wrote it: undecodable bytes replaced, normalised to NFC."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return unicodedata.normalize("NFC", text).strip() or "learner"


def recognise(root: Path, files: Sequence[Path], course_notebooks: Iterable[str]) -> str:
    """The layout of a folder of submissions (see the module docstring)."""
    if root.name == "submitted" or (root / "submitted").is_dir():
        return "nbgrader"
    relative = [f.relative_to(root) for f in files]
    if any(len(r.parts) > 1 for r in relative):
        return "per-learner"
    stems = [r.stem for r in relative]
    known = set(course_notebooks)
    if stems and all(s in known for s in stems) and len(set(stems)) == len(stems):
        return "single"
    return "flat"


def lay_out(root: Path, files: Sequence[Path], layout: str, course_notebooks: Iterable[str],
            learner: str | None = None) -> list[Submission]:
    """The submissions of one folder, each with its learner (`layout` may be "auto")."""
    if layout == "auto":
        layout = recognise(root, files, course_notebooks)
    if layout == "nbgrader" and root.name != "submitted" and (root / "submitted").is_dir():
        root = root / "submitted"
    found = []
    for path in files:
        parts = path.relative_to(root).parts
        intended = None
        if layout == "single":
            name = learner or root.resolve().name
        elif layout == "flat" or len(parts) == 1:
            name = path.stem
        else:
            name = parts[0]
            if layout == "nbgrader" and len(parts) >= 3:
                intended = parts[1]
        found.append(Submission(path, learner_name(name), layout, intended))
    return found


def name_files(files: Sequence[Path]) -> list[Submission]:
    """Files named one by one: a learner per file, by file name, or by folder when names repeat."""
    stems = [p.stem for p in files]
    if len(set(stems)) == len(stems):
        names = stems
    else:
        folders = [p.parent.name or p.stem for p in files]
        counts = Counter(zip(folders, stems))
        names = [n if counts[(n, s)] == 1 else f"{n}-{s}" for n, s in zip(folders, stems)]
    return [Submission(p, learner_name(n), "files") for p, n in zip(files, names)]


_UNSAFE = re.compile(r"[^\w.@+-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def folder_name(learner: str) -> str:
    """A learner's name as a folder name: letters of every script kept, anything else that is
    not a digit, '.', '_', '-', '@' or '+' replaced by '_' (no separators, no leading dot)."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", learner)).lstrip(".")[:100]
    if not cleaned or cleaned.split(".")[0].lower() in _RESERVED:
        cleaned = f"learner_{cleaned}"
    return cleaned


def output_folders(learners: Iterable[str]) -> dict[str, str]:
    """A folder per learner, never shared: two names that clean to the same folder (or differ
    only in case, for case-insensitive disks) get "-2", "-3", ... in the order of their names."""
    folders: dict[str, str] = {}
    taken: set[str] = set()
    for learner in sorted(set(learners)):
        base = folder_name(learner)
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate.casefold())
        folders[learner] = candidate
    return folders

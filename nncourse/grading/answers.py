"""Finding the learner's answers in a submitted notebook, and the instructor's copy they belong to.

The grader takes only answer code from a submission; everything else (the checks, the setup, the
explanations) comes from the instructor's copy. A submission's cells are matched to exercises,
most trusted first:

1. by cell id: the cell has the id of the exercise's answer cell in the instructor's copy;
2. by metadata: the cell's nbgrader `grade_id` is the exercise id;
3. by name: the cell defines (at top level) one of the names the exercise asks for;
4. by position: a cell the learner added right after a matched answer cell (before that
   exercise's check), e.g. the second half of a split cell. Only its definitions are kept
   (def, class, import, assignments), not calls or prints.

So a moved, duplicated, split or retyped cell still counts, and a deleted check cell or a renamed
notebook changes nothing. Matched cells keep their notebook order; running them in that order
gives what "Run All" would have defined. Notebook commands (`%magic`, `!shell`) are dropped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nncourse.grading import syntax
from nncourse.grading.notebook_json import Cell, Notebook, read_notebook

SETUP_TAG = "setup"
SOLUTION_ONLY_TAG = "solution-only"
CHECK_SUFFIX = "-check"


@dataclass
class ExerciseSlot:
    """An exercise as it appears in the instructor's copy of a notebook."""

    exercise_id: str
    points: int
    answer_cell_id: str | None
    check_cell_id: str | None


@dataclass
class Assignment:
    """An instructor's (solution) notebook: its exercises, in order, and its setup code."""

    name: str
    path: Path
    slots: list[ExerciseSlot]
    setup_code: list[str]
    cell_ids: set[str] = field(default_factory=set)

    @property
    def exercise_ids(self) -> list[str]:
        return [slot.exercise_id for slot in self.slots]

    @property
    def max_points(self) -> int:
        return sum(slot.points for slot in self.slots)


@dataclass
class AnswerBlock:
    """Code from one submitted cell, attributed to one exercise."""

    exercise_id: str
    cell_index: int
    code: str
    matched_by: str  # "cell id", "grade_id", "name", "position"


def load_assignment(path: str | Path) -> Assignment:
    """Read an instructor's notebook: answer cells, check cells (with points), setup cells."""
    path = Path(path)
    notebook = read_notebook(path)
    slots: dict[str, ExerciseSlot] = {}
    setup = []
    for cell in notebook.cells:
        if cell.is_answer and cell.grade_id:
            slot = slots.setdefault(cell.grade_id, ExerciseSlot(cell.grade_id, 1, None, None))
            slot.answer_cell_id = cell.id
        elif cell.is_check and cell.grade_id and cell.grade_id.endswith(CHECK_SUFFIX):
            exercise_id = cell.grade_id[: -len(CHECK_SUFFIX)]
            slot = slots.setdefault(exercise_id, ExerciseSlot(exercise_id, 1, None, None))
            slot.check_cell_id = cell.id
            slot.points = cell.points if cell.points is not None else 1
        elif cell.cell_type == "code" and SETUP_TAG in cell.tags:
            setup.append(without_notebook_commands(cell.source))
    return Assignment(
        name=notebook.assignment or path.stem,
        path=path,
        slots=list(slots.values()),
        setup_code=setup,
        cell_ids={c.id for c in notebook.cells if c.id},
    )


_MAGIC_LINE = re.compile(r"^(\s*)[%!]")


def without_notebook_commands(code: str) -> str:
    """The code with IPython-only lines (`%timeit ...`, `!pip ...`) made into `pass`."""
    lines = []
    for line in code.splitlines():
        match = _MAGIC_LINE.match(line)
        lines.append(f"{match.group(1)}pass  # notebook command removed" if match else line)
    return "\n".join(lines) + "\n"


def defined_names(code: str) -> set[str]:
    """Names a piece of code defines at top level (functions, classes, assigned variables).

    Code with a syntax error is scanned line by line for `def name(` and `name =`, so a broken
    answer is still found (and its syntax error reported against the right exercise)."""
    try:
        tree = syntax.parse(code)
    except (SyntaxError, ValueError):
        found = set(re.findall(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)", code, re.MULTILINE))
        found |= set(re.findall(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", code, re.MULTILINE))
        return found
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom,
                ast.Assign, ast.AnnAssign)


def definitions_only(code: str) -> str:
    """Only the top-level definitions of a piece of code (no calls, prints or loops)."""
    try:
        tree = syntax.parse(code)
    except (SyntaxError, ValueError):
        return ""
    kept = [node for node in tree.body if isinstance(node, _DEFINITIONS)]
    return ast.unparse(ast.Module(body=kept, type_ignores=[])) + "\n" if kept else ""


def extract_answers(assignment: Assignment, notebook: Notebook,
                    names: Mapping[str, Iterable[str]]) -> list[AnswerBlock]:
    """The learner's answer code, cell by cell in notebook order, attributed to exercises.

    `names` maps each exercise id to the names it asks the learner to define."""
    by_answer_id = {s.answer_cell_id: s.exercise_id for s in assignment.slots if s.answer_cell_id}
    by_check_id = {s.check_cell_id: s.exercise_id for s in assignment.slots if s.check_cell_id}
    exercise_ids = set(assignment.exercise_ids)
    checks_by_grade_id = {f"{e}{CHECK_SUFFIX}": e for e in exercise_ids}
    wanted = {e: set(names.get(e, ())) for e in exercise_ids}
    blocks: list[AnswerBlock] = []
    open_exercise: str | None = None  # the exercise whose answer cells we are in
    for cell in notebook.cells:
        exercise_id, how = _match(cell, by_answer_id, exercise_ids, wanted, assignment.slots)
        if exercise_id is not None:
            blocks.append(AnswerBlock(exercise_id, cell.index,
                                      without_notebook_commands(cell.source), how))
            open_exercise = exercise_id
            continue
        closes = by_check_id.get(cell.id) or checks_by_grade_id.get(cell.grade_id or "")
        if closes is not None or (cell.id in assignment.cell_ids):
            open_exercise = None
            continue
        if open_exercise is not None and cell.cell_type == "code":
            code = definitions_only(without_notebook_commands(cell.source))
            if code:
                blocks.append(AnswerBlock(open_exercise, cell.index, code, "position"))
    return blocks


def _match(cell: Cell, by_answer_id, exercise_ids, wanted, slots) -> tuple[str | None, str]:
    if cell.cell_type != "code":  # a markdown or raw cell is text, never run (as in Jupyter)
        return None, ""
    if cell.id is not None and cell.id in by_answer_id:
        return by_answer_id[cell.id], "cell id"
    if cell.grade_id in exercise_ids:
        return cell.grade_id, "grade_id"
    defined = defined_names(cell.source)
    for slot in slots:
        if defined & wanted[slot.exercise_id]:
            return slot.exercise_id, "name"
    return None, ""


def identify_assignment(notebook: Notebook | None, path: Path,
                        assignments: list[Assignment],
                        names: Mapping[str, Iterable[str]]) -> Assignment | None:
    """Which instructor notebook a submission answers: by its metadata, then by the grade ids
    and cell ids it contains, then by its file name, then by the names it defines."""
    by_name = {a.name: a for a in assignments}
    if notebook is not None:
        if notebook.assignment in by_name:
            return by_name[notebook.assignment]
        scores = []
        for a in assignments:
            ids = set(a.exercise_ids)
            grade_hits = sum(1 for c in notebook.cells if c.grade_id and
                             c.grade_id.removesuffix(CHECK_SUFFIX) in ids)
            id_hits = sum(1 for c in notebook.cells if c.id in a.cell_ids)
            scores.append((grade_hits, id_hits, a.name))
        best = max(scores, default=(0, 0, ""))
        if best[0] or best[1]:
            return by_name[best[2]]
    for a in assignments:
        if path.stem == a.name or path.stem.startswith(a.name):
            return a
    if notebook is not None:
        defined = set()
        for cell in notebook.cells:
            if cell.cell_type == "code":
                defined |= defined_names(cell.source)
        hits = [(len(defined & {n for e in a.exercise_ids for n in names.get(e, ())}), a.name)
                for a in assignments]
        best_hits = max(hits, default=(0, ""))
        if best_hits[0]:
            return by_name[best_hits[1]]
    return None

"""`nncourse release`: write the learners' notebooks (`exercises/`) from the solutions.

For every `solutions/NN_topic.ipynb` it writes `exercises/NN_topic.ipynb` where

- each region between `### BEGIN SOLUTION` and `### END SOLUTION` becomes `# YOUR CODE HERE`
  plus a line that keeps the notebook runnable: inside a function `return None  # replace with
  your answer` (the check then says "not written yet"); at top level `name = None` for every name
  the region assigns. In a markdown cell the region becomes "YOUR ANSWER HERE";
- a check cell (nbgrader "grade" cell) gets `from nncourse.grading import check` as its first
  line, so that it runs the course's check even if the notebook reused the name `check` above;
- cells tagged `solution-only` are left out;
- outputs and execution counts are cleared, widget state and execution timings dropped;
- the notebook's metadata records the assignment name (`metadata.nncourse.assignment`), which
  lets the grader recognise a renamed submission.

nbgrader's own `generate_assignment` writes the same cells when run with the shipped
`nbgrader_config.py` (see `nbgrader_support`), which calls `released_source` below.

Cell ids and nbgrader metadata are kept, so the grader can match a submission's cells to the
solution's. The output is byte-for-byte deterministic (sorted keys, fixed indentation), so a test
can compare `exercises/` with a fresh release.

Before writing, each solution notebook is checked (`solution_problems`): every answer cell is a
known exercise with both markers, every exercise of the topic has an answer cell and a check cell,
and the check cell's points equal the exercise's.
"""

from __future__ import annotations

import ast
import copy
import json
import textwrap
from pathlib import Path

from nncourse.errors import CourseError
from nncourse.grading import syntax
from nncourse.grading.answers import CHECK_SUFFIX, SOLUTION_ONLY_TAG
from nncourse.grading.notebook_json import source_text

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_PLACEHOLDER = "# YOUR CODE HERE"
MARKDOWN_PLACEHOLDER = "YOUR ANSWER HERE"
CHECK_IMPORT = "from nncourse.grading import check"
NBGRADER_KEYS = ("grade", "grade_id", "locked", "schema_version", "solution", "task")


def notebook_text(notebook: dict) -> str:
    """A notebook as JSON text, the way Jupyter writes it (so saving it again changes nothing)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def source_lines(text: str) -> list[str]:
    """A cell's source as Jupyter stores it: a list of lines, each but the last ending in \\n."""
    return text.splitlines(keepends=True)


def strip_solutions(code: str, markdown: bool = False) -> str:
    """The cell's text with every solution region replaced by a placeholder."""
    lines = code.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() != BEGIN:
            out.append(line)
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != END:
            end += 1
        if end == len(lines):
            raise CourseError(f"A '{BEGIN}' has no matching '{END}'.")
        indent = line[: len(line) - len(line.lstrip())]
        region = "".join(lines[index + 1: end])
        out.extend(_placeholder(indent, region, markdown))
        index = end + 1
    text = "".join(out)
    return text if code.endswith("\n") else text.rstrip("\n")


def _placeholder(indent: str, region: str, markdown: bool) -> list[str]:
    if markdown:
        return [f"{MARKDOWN_PLACEHOLDER}\n"]
    lines = [f"{indent}{CODE_PLACEHOLDER}\n"]
    if indent:
        lines.append(f"{indent}return None  # replace with your answer\n")
        return lines
    try:
        tree = syntax.parse(textwrap.dedent(region))
    except SyntaxError:
        return lines
    assigned = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                if name not in assigned:
                    assigned.append(name)
    lines.extend(f"{name} = None  # replace with your answer\n" for name in assigned)
    return lines


def is_check_cell(cell: dict) -> bool:
    """An nbgrader grade cell that is not also a solution cell: an exercise's check."""
    info = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(info, dict) and bool(info.get("grade")) and not info.get("solution")


def released_source(cell: dict) -> str:
    """What a learner gets in place of a cell's source: solution regions replaced by
    placeholders, and a check cell that imports `check` before it calls it."""
    text = source_text(cell.get("source", ""))
    if BEGIN in text:
        text = strip_solutions(text, markdown=cell.get("cell_type") == "markdown")
    if cell.get("cell_type") == "code" and is_check_cell(cell) and \
            CHECK_IMPORT not in text.splitlines():
        text = f"{CHECK_IMPORT}\n{text}"
    return text


def release_notebook(solution: dict, assignment: str) -> dict:
    """The exercise version of a solution notebook (a new dict; the input is not changed)."""
    notebook = copy.deepcopy(solution)
    cells = []
    for cell in notebook.get("cells", []):
        metadata = cell.setdefault("metadata", {})
        if SOLUTION_ONLY_TAG in metadata.get("tags", []):
            continue
        metadata.pop("execution", None)
        cell["source"] = source_lines(released_source(cell))
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cells.append(cell)
    notebook["cells"] = cells
    metadata = notebook.setdefault("metadata", {})
    metadata.pop("widgets", None)
    metadata["nncourse"] = {"assignment": assignment}
    return notebook


def solution_problems(path: str | Path) -> list[str]:
    """What is wrong with a solution notebook, as sentences (an empty list when all is well)."""
    from nncourse.grading.notebook_json import parse_notebook
    from nncourse.grading.catalog import exercises_of_topic, get_exercise

    path = Path(path)
    notebook = parse_notebook(path.read_text(encoding="utf-8"))
    problems = []
    ids = [c.id for c in notebook.cells]
    if None in ids or len(set(ids)) != len(ids):
        problems.append(f"{path.name}: every cell needs its own id.")
    topic = path.stem.split("_", 1)[0]
    answers, checks = {}, {}
    for cell in notebook.cells:
        info = cell.nbgrader
        if not info:
            continue
        missing = [k for k in NBGRADER_KEYS if k not in info]
        if missing:
            problems.append(
                f"{path.name} cell {cell.index + 1}: nbgrader metadata lacks {missing}.")
        if cell.is_answer:
            answers[cell.grade_id] = cell
            if BEGIN not in cell.source or END not in cell.source:
                problems.append(f"{path.name}: the answer cell {cell.grade_id} needs "
                                f"'{BEGIN}' and '{END}'.")
        elif cell.is_check:
            checks[(cell.grade_id or "").removesuffix(CHECK_SUFFIX)] = cell
    for exercise_id in list(answers) + [c for c in checks if c not in answers]:
        try:
            exercise = get_exercise(exercise_id)
        except CourseError as error:
            problems.append(f"{path.name}: {error}")
            continue
        check = checks.get(exercise_id)
        if exercise_id not in answers:
            problems.append(f"{path.name}: {exercise_id} has a check cell but no answer cell.")
        if check is None:
            problems.append(f"{path.name}: {exercise_id} has no check cell "
                            f"(grade_id '{exercise_id}{CHECK_SUFFIX}').")
        elif check.points != exercise.points:
            problems.append(f"{path.name}: the check cell of {exercise_id} gives {check.points} "
                            f"points, its specification {exercise.points}.")
        elif f'"{exercise_id}"' not in check.source:
            problems.append(f"{path.name}: the check cell of {exercise_id} should call "
                            f"check(\"{exercise_id}\").")
    for exercise in exercises_of_topic(topic):
        if exercise.id not in answers:
            problems.append(f"{path.name}: the exercise {exercise.id} has no answer cell.")
    return problems


def release(solutions: str | Path, exercises: str | Path, *, write: bool = True) -> list[Path]:
    """Release every solution notebook; returns the exercise files that changed (or would)."""
    solutions, exercises = Path(solutions), Path(exercises)
    paths = [solutions] if solutions.is_file() else sorted(solutions.glob("*.ipynb"))
    if not paths:
        raise CourseError(f"No solution notebook (.ipynb) was found in {solutions}.")
    problems = [p for path in paths for p in solution_problems(path)]
    if problems:
        raise CourseError("The solutions are not ready for release:\n  " + "\n  ".join(problems))
    changed = []
    for path in paths:
        solution = json.loads(path.read_text(encoding="utf-8"))
        text = notebook_text(release_notebook(solution, path.stem))
        target = exercises / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(target)
            if write:
                exercises.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed

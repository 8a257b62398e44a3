"""Each map of the course names every lesson there is: the README's table and lesson 00's."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))


def lesson_number(path: Path) -> str:
    return path.name.split("_", 1)[0]  # "00a", "01", …


def test_the_readme_table_links_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [path.name for path in LESSONS if f"(lessons/{path.name})" not in readme]
    assert not missing, f"README.md's table of lessons lacks {missing}"


def test_lesson_00s_map_has_a_row_for_every_later_lesson():
    start = nbformat.read(ROOT / "lessons" / "00_start_here.ipynb", as_version=4)
    map_cell = next(cell.source for cell in start.cells
                    if cell.cell_type == "markdown" and "The map of the course" in cell.source)
    rows = [line for line in map_cell.splitlines() if line.startswith("| **")]
    numbers = {row[len("| **"):].split(" ", 1)[0] for row in rows}
    expected = {lesson_number(path) for path in LESSONS} - {"00"}
    assert numbers == expected, (f"lesson 00's map has rows {sorted(numbers)}; "
                                 f"the lessons are {sorted(expected)}")


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.name)
def test_every_lesson_is_numbered_as_its_file(path):
    notebook = nbformat.read(path, as_version=4)
    title = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert title.startswith(f"# {lesson_number(path)} ·"), title.splitlines()[0]

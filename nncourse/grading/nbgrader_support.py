"""nbgrader's `generate_assignment` writing the same learner notebooks as `nncourse release`.

The course's `nbgrader_config.py` is two lines:

    from nncourse.grading.nbgrader_support import configure
    configure(get_config())

`configure` puts `ReleaseCells` where nbgrader's `ClearSolutions` was in
`GenerateAssignment.preprocessors`. For every cell it writes what `release.released_source`
writes (the same function `nncourse release` uses), so with either tool a learner gets

- `# YOUR CODE HERE` and `return None  # replace with your answer` inside a function, or
  `name = None  # replace with your answer` for each name a top-level answer assigns: never
  nbgrader's default `raise NotImplementedError()`, which would stop "Run All" at the first
  exercise;
- check cells that import `check` before calling it;
- no cell tagged `solution-only`;
- practice cells (solution markers but no nbgrader metadata: the learner writes them, nothing
  grades them) with their solution replaced, as `nncourse release` does.

How nbgrader then grades a check cell (`nbgrader.utils.determine_grade`): 0 points when the cell's
output holds an error or anything written to standard error, full points otherwise. `check` writes
every verdict but "passed" to standard error and never raises (`inline`), so a learner's "Run All"
goes on to the end while nbgrader's autograde sees every failed check.
"""

from __future__ import annotations

from nbgrader.converters import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions

from nncourse.grading.answers import SOLUTION_ONLY_TAG
from nncourse.grading.release import BEGIN, END, released_source


class ReleaseCells(ClearSolutions):
    """nbgrader's ClearSolutions, writing the cells `nncourse release` writes."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if SOLUTION_ONLY_TAG not in c.metadata.get("tags", [])]
        nb, resources = super().preprocess(nb, resources)
        assignment = resources.get("unique_key")
        if assignment:
            nb.metadata["nncourse"] = {"assignment": assignment}
        return nb, resources

    def _replace_solution_region(self, cell, language):
        had_region = BEGIN in cell.source and END in cell.source
        cell.source = released_source(cell)
        # A practice cell (solution markers, no nbgrader metadata: written by the learner, never
        # graded) is released as `nncourse release` releases it, not refused as a solution region
        # outside a solution cell.
        return had_region and "nbgrader" in cell.metadata


def configure(config) -> None:
    """Set up an nbgrader configuration (`get_config()` in nbgrader_config.py) for the course."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    config.GenerateAssignment.preprocessors = [
        ReleaseCells if step is ClearSolutions else step for step in default]

"""Hidden checks: extra cases an instructor keeps outside the released material.

A hidden-checks folder holds Python files. Each file defines a list named `HIDDEN_CHECKS` of
`HiddenCheck` objects, for any exercises:

    # hidden/topic01.py
    import numpy as np
    from nncourse.grading import Case, HiddenCheck

    HIDDEN_CHECKS = [
        HiddenCheck("01-weighted_sum", "many inputs", cases=(
            Case("a thousand inputs", (np.linspace(-1, 1, 1000), np.full(1000, 0.5), -3.0)),
        ), points=1),
    ]

`nncourse grade ... --hidden hidden/` loads every `*.py` file of the folder (in name order) in the
grader's own process, computes the expected values with the exercise's reference, and grades the
learner's answer on these cases in the same child process as the public cases. Each hidden
check is one test in the reports, named "<exercise id> hidden: <name>", with its points and the
reason of a failure; its inputs and code are never shown.
"""

from __future__ import annotations

import runpy
from collections import defaultdict
from pathlib import Path

from nncourse.errors import CourseError
from nncourse.grading.spec import HiddenCheck


def load_hidden_checks(folder: str | Path) -> dict[str, list[HiddenCheck]]:
    """Every hidden check in a folder, grouped by exercise id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"The hidden-checks folder {folder} does not exist.")
    grouped: dict[str, list[HiddenCheck]] = defaultdict(list)
    for path in sorted(folder.glob("*.py")):
        namespace = runpy.run_path(str(path), run_name=f"nncourse_hidden_{path.stem}")
        checks = namespace.get("HIDDEN_CHECKS")
        if not isinstance(checks, list | tuple) or not all(
            isinstance(c, HiddenCheck) for c in checks
        ):
            raise CourseError(
                f"{path} must define HIDDEN_CHECKS, a list of HiddenCheck objects."
            )
        for check in checks:
            if not check.cases:
                raise CourseError(f"{path}: the hidden check {check.name!r} has no cases.")
            grouped[check.exercise_id].append(check)
    return dict(grouped)

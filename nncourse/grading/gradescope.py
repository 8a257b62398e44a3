"""`nncourse autograder`: a Gradescope autograder (a zip) that grades with `nncourse grade`.

    nncourse autograder solutions/01_neuron.ipynb solutions/02_activations.ipynb \\
        --hidden hidden_checks/ -o autograder.zip

The zip holds

    setup.sh          run once by Gradescope when it builds the image: installs bubblewrap
                      (the grader's sandbox) if it is missing, makes a virtual environment in
                      /autograder/env and installs requirements.txt, then the course's wheel
                      (no Docker, nothing downloaded but the pinned packages)
    requirements.txt  what grading needs, pinned to the versions this zip was built with
    nncourse-*.whl    this package, built from its source tree (or given with --wheel)
    run_autograder    run for every submission: grades /autograder/submission as one learner
                      (`--layout single`) into /autograder/results/results.json
    solutions/        the instructor's notebooks named on the command line
    hidden/           the hidden checks, when --hidden is given
    settings.env      the grading options chosen here (timeout, memory, hidden visibility)

Both scripts take the root from $AUTOGRADER_ROOT (default /autograder), so that they can be run
under a temporary folder laid out like Gradescope's. Building fails, loudly and before anything is
written, when a solution notebook has no exercises, the hidden checks do not load, or no wheel
can be built.

Gradescope's visibility of a test (`--hidden-visibility`, for the tests of hidden checks; public
checks are always "visible"):

    visible          the learner sees the test, its verdict and its points at once
    after_due_date   the test appears after the due date (after the late due date, if any)
    after_published  the test appears once the instructor publishes the grades
    hidden           the learner never sees the test
Gradescope hides a learner's total score as long as any test is not shown, so every choice but
"visible" also hides the total until then (and "hidden" keeps it hidden from the learner).
The hidden checks' feedback gives a case's name and verdict only, never its inputs or values, so
"visible" reveals no hidden input.
"""

from __future__ import annotations

import importlib.metadata
import shlex
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from nncourse.errors import CourseError

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
DEFAULT_HIDDEN_VISIBILITY = "visible"
# What `nncourse grade` imports besides the package itself (the solutions' setup cells need only
# numpy and nncourse); each is pinned to the version installed where the zip is built.
GRADING_REQUIREMENTS = ("numpy", "tqdm")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$(cd "$(dirname "$0")" && pwd)"
if ! command -v bwrap > /dev/null && command -v apt-get > /dev/null; then
    # the grader's sandbox; without it nncourse grade still grades, and says so
    apt-get update && apt-get install -y bubblewrap || echo "bubblewrap not installed" >&2
fi
if ! python3 -m venv "$ROOT/env"; then
    echo "python3 -m venv failed; installing python3-venv" >&2
    apt-get update && apt-get install -y python3-venv
    python3 -m venv "$ROOT/env"
fi
"$ROOT/env/bin/python" -m pip install --quiet --disable-pip-version-check \\
    -r "$SOURCE/requirements.txt"
"$ROOT/env/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \\
    "$SOURCE"/nncourse-*.whl
"$ROOT/env/bin/nncourse" grade --help > /dev/null
echo "nncourse autograder installed in $ROOT/env"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: /autograder/submission holds the learner's files.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
. "$SOURCE/settings.env"
HIDDEN=()
if [ -d "$SOURCE/hidden" ]; then HIDDEN=(--hidden "$SOURCE/hidden"); fi
mkdir -p "$ROOT/results"
"$ROOT/env/bin/nncourse" grade "$ROOT/submission" --layout single --learner submission \\
    --solutions "$SOURCE/solutions" "${HIDDEN[@]}" --no-progress \\
    --timeout "$NNCOURSE_TIMEOUT" --memory "$NNCOURSE_MEMORY" \\
    --hidden-visibility "$NNCOURSE_HIDDEN_VISIBILITY" \\
    --results-json "$ROOT/results/results.json"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    # the grader could not even start: say so in Gradescope's format instead of failing silently
    message="The autograder could not grade this submission (exit status $status)."
    printf '{"score": 0, "output": "%s Please tell your instructor.", "tests": []}\\n' \\
        "$message" > "$ROOT/results/results.json"
fi
exit 0
"""


def pinned_requirements() -> list[str]:
    """GRADING_REQUIREMENTS, each as name==installed version."""
    pins = []
    for name in GRADING_REQUIREMENTS:
        try:
            pins.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError as error:
            raise CourseError(f"Cannot pin {name}: it is not installed here.") from error
    return pins


def source_tree() -> Path | None:
    """The folder with pyproject.toml this package was installed from, if there is one."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() and (root / "nncourse").is_dir() else None


def build_wheel(folder: Path) -> Path:
    """This package as a wheel in `folder` (pip wheel of the source tree)."""
    root = source_tree()
    if root is None:
        raise CourseError("Cannot build the nncourse wheel: this installation has no source "
                          "tree (pyproject.toml). Give a wheel with --wheel.")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(folder), str(root)], capture_output=True, text=True)
    wheels = sorted(folder.glob("nncourse-*.whl"))
    if done.returncode != 0 or not wheels:
        raise CourseError(f"Cannot build the nncourse wheel (pip wheel exited "
                          f"{done.returncode}):\n{done.stderr.strip()[-2000:]}")
    return wheels[-1]


def build_autograder(solutions: list[Path], output: Path, *, hidden: Path | None = None,
                     wheel: Path | None = None, hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY,
                     timeout: float = 10.0, memory: str = "1G") -> Path:
    """Write the autograder zip (see the module docstring); raises CourseError when it cannot."""
    from nncourse.grading.grader import load_assignments
    from nncourse.grading.hidden import load_hidden_checks

    if hidden_visibility not in VISIBILITIES:
        raise CourseError(f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}.")
    if not solutions:
        raise CourseError("Name at least one solution notebook (or a folder of them).")
    notebooks = []
    for path in solutions:
        if not path.exists():
            raise CourseError(f"There is no file or folder {path}.")
        found = sorted(path.glob("*.ipynb")) if path.is_dir() else [path]
        for notebook in found:
            load_assignments(notebook)  # raises when the notebook has no exercises
        notebooks.extend(found)
    if not notebooks:
        raise CourseError(f"No solution notebook was found in {', '.join(map(str, solutions))}.")
    names = [n.name for n in notebooks]
    if len(set(names)) != len(names):
        raise CourseError(f"Two solution notebooks have the same name: {names}.")
    hidden_files = []
    if hidden is not None:
        load_hidden_checks(hidden)  # raises when they do not load
        hidden_files = [hidden] if hidden.is_file() else sorted(hidden.glob("*.py"))
    requirements = pinned_requirements()
    settings = (f"NNCOURSE_TIMEOUT={shlex.quote(f'{timeout:g}')}\n"
                f"NNCOURSE_MEMORY={shlex.quote(memory)}\n"
                f"NNCOURSE_HIDDEN_VISIBILITY={shlex.quote(hidden_visibility)}\n")
    with tempfile.TemporaryDirectory(prefix="nncourse-autograder-") as scratch:
        if wheel is None:
            wheel = build_wheel(Path(scratch))
        elif not wheel.is_file() or not wheel.name.startswith("nncourse-"):
            raise CourseError(f"{wheel} is not an nncourse wheel.")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            _add_script(archive, "setup.sh", SETUP_SH)
            _add_script(archive, "run_autograder", RUN_AUTOGRADER)
            archive.writestr("requirements.txt", "\n".join(requirements) + "\n")
            archive.writestr("settings.env", settings)
            archive.write(wheel, wheel.name)
            for notebook in notebooks:
                archive.write(notebook, f"solutions/{notebook.name}")
            for path in hidden_files:
                archive.write(path, f"hidden/{path.name}")
        partial.replace(output)
    return output


def _add_script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)

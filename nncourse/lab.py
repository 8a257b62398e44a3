"""Open the course in JupyterLab: `nncourse lab [FOLDER]`.

In a clone of the course, `nncourse lab` (and `make lab`) opens the notebooks where they are.
Installed from a wheel, `nncourse lab FOLDER` first copies the lessons and exercises into FOLDER
(default: ./nncourse-course), keeping any notebook the learner has changed, then opens JupyterLab
there. Either way the address JupyterLab prints opens lesson 00 itself (not the Launcher),
JupyterLab does not ask about fetching news, and saving a notebook saves its widgets' state too
(so a lesson reopened without a running kernel still shows each app's last picture, marked as
disconnected, instead of "Error displaying widget: model not found"), and in the dark theme the
figures are shown dark too (`custom/custom.css`). The course's defaults for this live in
`nncourse/jupyter_config/`, added to Jupyter's configuration path for this server only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nncourse.course_files import FIRST_LESSON, copy_course, course_root

JUPYTER_DEFAULTS = Path(__file__).resolve().parent / "jupyter_config"
DEFAULT_FOLDER = "nncourse-course"


def is_course_root(folder: Path) -> bool:
    """Whether `folder` is the course itself (the clone or the installed copy), not a copy."""
    try:
        return folder.resolve() == course_root().resolve()
    except Exception:
        return False


def course_lab_options() -> list[str]:
    """JupyterLab options of every course server: load a custom.css (the course's, found through
    `nncourse.jupyter_extension`, unless the learner's own Jupyter configuration has one)."""
    return ["--LabApp.custom_css=True"]


def lab_command(folder: Path, browser: bool = True, port: int | None = None) -> list[str]:
    """The JupyterLab command line that serves `folder` and opens lesson 00."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
               f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}", *course_lab_options()]
    if not browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--port={port}")
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")  # containers often run as root
    return command


def lab_environment() -> dict[str, str]:
    """The environment of the server: the course's JupyterLab defaults added to the config path."""
    env = dict(os.environ)
    extra = [str(JUPYTER_DEFAULTS)]
    if env.get("JUPYTER_CONFIG_PATH"):
        extra.append(env["JUPYTER_CONFIG_PATH"])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(extra)
    return env


def prepare_folder(folder: str | Path | None) -> Path:
    """The folder to serve: the course itself when given it (or nothing, inside a clone), else a
    copy of the course made or refreshed in `folder`; prints what the copy did."""
    if folder is None:
        here = Path.cwd()
        if is_course_root(here):
            return here
        folder = DEFAULT_FOLDER
    folder = Path(folder)
    if is_course_root(folder):
        return folder.resolve()
    report = copy_course(folder)
    print(f"The course is in {folder.resolve()}.")
    for line in report.sentences():
        print(line)
    return folder.resolve()


def run_lab(folder: str | Path | None = None, browser: bool = True,
            port: int | None = None) -> int:
    """Copy the course if needed, then run JupyterLab on lesson 00 until it is stopped."""
    root = prepare_folder(folder)
    print(f"Starting JupyterLab on {FIRST_LESSON}. It prints the address to open, ending in "
          f"/lab/tree/{FIRST_LESSON}?token=…")
    print("To stop the server: press Ctrl-C in this terminal, then answer y (or press Ctrl-C "
          "twice).", flush=True)
    command, env = lab_command(root, browser, port), lab_environment()
    if os.name == "posix":  # JupyterLab takes this process's place: a signal that stops
        sys.stdout.flush()  # `nncourse lab` (the terminal closing, a kill) stops the server
        sys.stderr.flush()
        os.execve(command[0], command, env)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def add_lab_command(subparsers) -> None:
    parser = subparsers.add_parser(
        "lab", help="open the course in JupyterLab (copying it into FOLDER first when installed)",
        description=(
            "Open the course in JupyterLab on lesson 00. Inside a clone of the course, the "
            "notebooks open where they are. Otherwise the lessons and exercises are first copied "
            f"into FOLDER (default ./{DEFAULT_FOLDER}); running it again brings in the course's "
            "newer notebooks but never overwrites one you have changed (it says which it kept)."
        ),
    )
    parser.add_argument("folder", nargs="?", default=None, help="where your copy of the course is")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser; copy the printed address instead")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default 8888)")
    parser.set_defaults(run=lambda args: run_lab(args.folder, not args.no_browser, args.port))

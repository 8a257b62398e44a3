"""Where the course's notebooks are, and copying them into a learner's working folder.

The course is three folders of notebooks: `lessons/`, `exercises/` (what learners fill in) and
`solutions/` (the instructor's source of the exercises). In a clone of the repository they sit next
to the `nncourse` package; an installed wheel carries a copy of them inside the package, in
`nncourse/course/`. `course_root()` finds whichever is there.

`copy_course(folder)` puts lessons and exercises into a folder a learner owns. It records what it
copied (a manifest of content hashes), so that running it again updates a notebook only when the
learner has not changed it: a notebook the learner has worked on is kept, and named.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from nncourse.errors import CourseError

COURSE_FOLDERS = ("lessons", "exercises", "solutions")
LEARNER_FOLDERS = ("lessons", "exercises")
PACKAGED = Path(__file__).resolve().parent / "course"
MANIFEST = ".nncourse-copied.json"
FIRST_LESSON = "lessons/00_start_here.ipynb"


def course_root() -> Path:
    """The folder holding lessons/, exercises/ and solutions/: the installed copy inside the
    package if there is one, else the repository the package was imported from."""
    for candidate in (PACKAGED, Path(__file__).resolve().parents[1]):
        if (candidate / FIRST_LESSON).is_file():
            return candidate
    raise CourseError(
        "The course's notebooks were not found: this nncourse was installed without them. "
        "Install it from the wheel (`pip install nncourse`) or run it from a clone of the course."
    )


def course_folder(name: str) -> Path:
    """One of the course's folders ("lessons", "exercises" or "solutions")."""
    if name not in COURSE_FOLDERS:
        raise CourseError(f"There is no course folder {name!r}; the folders are "
                          f"{', '.join(COURSE_FOLDERS)}.")
    return course_root() / name


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class CopyReport:
    """What `copy_course` did, file by file (paths relative to the working folder)."""

    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        lines = []
        if self.copied:
            lines.append(f"Copied {len(self.copied)} notebooks.")
        if self.updated:
            lines.append(f"Updated {len(self.updated)} notebooks you had not changed: "
                         + ", ".join(self.updated) + ".")
        if self.kept:
            lines.append("Kept your own version of " + ", ".join(self.kept)
                         + " (you changed it; the course's new version was not copied over it).")
        if not lines:
            lines.append("Your copy of the course is up to date.")
        return lines


def copy_course(folder: str | Path, source: Path | None = None) -> CopyReport:
    """Copy the lessons and exercises into `folder`, never overwriting a learner's change.

    A notebook is written when it is missing, or when it is exactly what an earlier copy wrote
    (its hash is in the manifest) and the course's version differs. A notebook whose content is
    neither the course's nor what was copied before is the learner's work, and is kept.
    """
    source = Path(source) if source is not None else course_root()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CourseError(f"{folder} is a file; give a folder to copy the course into.")
    manifest_path = folder / MANIFEST
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    report = CopyReport()
    written: dict[str, str] = {}
    for sub in LEARNER_FOLDERS:
        for original in sorted((source / sub).glob("*.ipynb")):
            relative = f"{sub}/{original.name}"
            target = folder / relative
            new_digest = _digest(original)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(original, target)
                report.copied.append(relative)
                written[relative] = new_digest
                continue
            current = _digest(target)
            if current == new_digest:
                report.unchanged.append(relative)
                written[relative] = new_digest
            elif current == previous.get(relative):
                shutil.copyfile(original, target)
                report.updated.append(relative)
                written[relative] = new_digest
            else:
                report.kept.append(relative)
                if relative in previous:
                    written[relative] = previous[relative]
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return report

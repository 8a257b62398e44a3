"""Build hook: the wheel carries the course's notebooks inside the package (nncourse/course/).

Everything else about the package is in pyproject.toml. In a clone the notebooks stay where they
are (lessons/, exercises/, solutions/); `nncourse.course_files.course_root()` finds either.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

COURSE_FOLDERS = ("lessons", "exercises", "solutions")


class build_py_with_course(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the notebooks from the clone
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "nncourse" / "course"
        for folder in COURSE_FOLDERS:
            destination = target / folder
            shutil.rmtree(destination, ignore_errors=True)
            destination.mkdir(parents=True)
            for notebook in sorted((here / folder).glob("*.ipynb")):
                shutil.copyfile(notebook, destination / notebook.name)


setup(cmdclass={"build_py": build_py_with_course})

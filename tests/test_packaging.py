"""The course from pip: the wheel carries the notebooks, `nncourse lab` copies them and serves
lesson 00, `nncourse grade` finds the packaged solutions.

The wheel is built from this checkout and installed, without its dependencies, into a new virtual
environment in a temporary folder outside the repository; that environment borrows the test
environment's installed packages (numpy, JupyterLab, ...) through a `.pth` line, so that what is
tested is the wheel's own content: nothing of the repository is on its path.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from nncourse.course_files import copy_course

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(out), str(REPO)], check=True, cwd=out)
    (found,) = out.glob("nncourse-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The `bin` folder of a fresh virtual environment holding only the wheel."""
    root = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(root)
    python = root / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, cwd=root)
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip()
    (Path(fresh_site) / "borrowed-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    return root / "bin"


def fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"), JUPYTER_DATA_DIR=str(
                   home / "jupyter-data"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "matplotlib"))
    return env


def test_the_wheel_carries_every_notebook(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("lessons", "exercises", "solutions"):
        for notebook in (REPO / folder).glob("*.ipynb"):
            assert f"nncourse/course/{folder}/{notebook.name}" in names
    for default in ("labconfig/default_setting_overrides.json", "custom/custom.css",
                    "jupyter_server_config.d/nncourse.json"):  # what `nncourse lab` relies on
        assert f"nncourse/jupyter_config/{default}" in names


def test_installed_course_is_found_outside_the_repository(installed, tmp_path):
    out = subprocess.run(
        [str(installed / "python"), "-c",
         "import nncourse, nncourse.course_files as c; print(nncourse.__file__); "
         "print(c.course_root())"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env=fresh_env(tmp_path))
    package_file, root = out.stdout.split()
    assert not Path(package_file).is_relative_to(REPO)
    assert Path(root) == Path(package_file).parent / "course"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, seconds: float = 60) -> int:
    """The status of GET url, retried while the server, which prints its address just before it
    starts listening, still refuses the connection."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=20) as page:
                return page.status
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_nncourse_lab_copies_the_course_and_serves_lesson_00(installed, tmp_path):
    port = free_port()
    env = fresh_env(tmp_path)
    server = subprocess.Popen(
        [str(installed / "nncourse"), "lab", "my-course", "--no-browser", f"--port={port}"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        url = None
        deadline = time.monotonic() + 90
        while url is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "/lab/tree/lessons/00_start_here.ipynb?token=" in line and "http" in line:
                url = line[line.index("http"):].strip()
        assert url, "".join(lines)
        assert url.startswith(f"http://localhost:{port}/lab/tree/lessons/00_start_here.ipynb")
        assert answers(url) == 200
        token = url.split("token=", 1)[1]
        api = f"http://localhost:{port}/api/contents/lessons/00_start_here.ipynb?token={token}"
        with urllib.request.urlopen(api, timeout=20) as reply:
            assert json.load(reply)["type"] == "notebook"
        settings = (f"http://localhost:{port}/lab/api/settings/"
                    f"@jupyterlab/apputils-extension:notification?token={token}")
        with urllib.request.urlopen(settings, timeout=20) as reply:
            schema = json.load(reply)["schema"]["properties"]
        assert schema["fetchNews"]["default"] == "false"  # no "Jupyter news" pop-up
    finally:
        server.terminate()  # as when the terminal closes: `nncourse lab` is told to stop
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    # the JupyterLab server stopped with it: nothing is left listening on the port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "JupyterLab outlived nncourse lab"
    printed = "".join(lines)
    assert "Copied" in printed and "Ctrl-C" in printed
    assert (tmp_path / "my-course/lessons/00_start_here.ipynb").is_file()
    assert (tmp_path / "my-course/exercises/01_neuron.ipynb").is_file()
    assert not (tmp_path / "my-course/solutions").exists()  # learners get no solutions folder


def test_nncourse_grade_uses_the_packaged_solutions(installed, tmp_path):
    env = fresh_env(tmp_path)
    copy_course(tmp_path / "course")
    untouched = tmp_path / "course/exercises/01_neuron.ipynb"
    for learner in ("ada", "grace"):
        folder = tmp_path / "submissions" / learner
        folder.mkdir(parents=True)
        (folder / "01_neuron.ipynb").write_bytes(untouched.read_bytes())
    result = subprocess.run(
        [str(installed / "nncourse"), "grade", str(tmp_path / "submissions"), "-o",
         str(tmp_path / "grades")], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = (tmp_path / "grades/grades.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("learner")
    assert sorted(row.split(",")[0] for row in rows[1:]) == ["ada", "grace"]
    assert list((tmp_path / "grades").glob("*/results.json"))


def test_copying_again_keeps_what_the_learner_changed(tmp_path):
    first = copy_course(tmp_path)
    assert first.copied and not first.kept
    mine = tmp_path / "exercises/01_neuron.ipynb"
    mine.write_text(mine.read_text(encoding="utf-8") + " ", encoding="utf-8")
    stale = tmp_path / "lessons/01_neuron.ipynb"
    stale_text = stale.read_text(encoding="utf-8")
    again = copy_course(tmp_path)
    assert again.kept == ["exercises/01_neuron.ipynb"]
    assert mine.read_text(encoding="utf-8").endswith(" ")
    assert "Kept your own version of exercises/01_neuron.ipynb" in " ".join(again.sentences())
    assert stale.read_text(encoding="utf-8") == stale_text


def test_copying_brings_in_a_newer_notebook_the_learner_left_alone(tmp_path):
    source = tmp_path / "course"
    for folder in ("lessons", "exercises"):
        (source / folder).mkdir(parents=True)
    lesson = source / "lessons/00_start_here.ipynb"
    lesson.write_text("version 1", encoding="utf-8")
    (source / "exercises/01_neuron.ipynb").write_text("exercise", encoding="utf-8")
    work = tmp_path / "work"
    copy_course(work, source)
    lesson.write_text("version 2", encoding="utf-8")
    report = copy_course(work, source)
    assert report.updated == ["lessons/00_start_here.ipynb"]
    assert (work / "lessons/00_start_here.ipynb").read_text(encoding="utf-8") == "version 2"
    assert report.unchanged == ["exercises/01_neuron.ipynb"]

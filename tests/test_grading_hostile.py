"""Hostile submissions, graded in one run under the real sandbox, and once without it.

One class folder holds every attack (each learner is a correct notebook of topic 01 with one
attack added, or a file that is not a notebook at all) plus an honest learner; it is graded once,
through the command line, with hidden checks and two jobs. Every learner must get their true
score and a written result: an attack that the sandbox stops costs nothing, and one that breaks
its own exercise costs that exercise only. After the batch no process a learner started is left,
and nothing outside the learners' own exercises was read or changed.

Without bubblewrap these tests skip with the reason, except under CI (CI=true), where they fail:
CI installs bubblewrap, so a skip there would hide a broken sandbox.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import grading_submissions as subs
from nncourse.grading.sandbox import bubblewrap_problem

SECRET = 0.73129871  # in the hidden inputs only: must never reach a report
DAEMON_SECONDS = "4321.5"  # the argument of the `sleep` a learner leaves behind
HIDDEN_CHECKS = f'''
import numpy as np
from nncourse.grading import Case, HiddenCheck

HIDDEN_CHECKS = [
    HiddenCheck("01-weighted_sum", "long vectors",
                cases=(Case("long", (np.full(100, {SECRET}), np.full(100, 0.5), -3.0)),),
                points=2),
]
'''
POINTS = {"01-weighted_sum": 1, "01-neuron_output": 1, "01-neuron_batch": 2,
          "01-zero_input_output": 1}
FULL = sum(POINTS.values()) + 2  # with the hidden check

_problem = bubblewrap_problem()
if _problem is not None and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI must run the sandbox tests, but the sandbox cannot run: {_problem}")
needs_sandbox = pytest.mark.skipif(_problem is not None, reason=f"no sandbox here: {_problem}")

NEURON_BATCH_OK = "".join(subs.cell(subs.solution(), subs.ANSWER_IDS["neuron_batch"])["source"]
                          ) + "\n"


def spying_cell(paths: dict[str, str]) -> str:
    """A correct weighted_sum that is wrong by 1000 for every secret it could get at."""
    return f'''import os, socket
LEAKS = []
for what, path in {paths!r}.items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").read(10)
        LEAKS.append("read " + what)
    except OSError:
        pass
for what, path in {paths!r}.items():
    try:
        with open(os.path.join(path if os.path.isdir(path) else os.path.dirname(path),
                               "planted.txt"), "w") as handle:
            handle.write("x")
        LEAKS.append("wrote next to " + what)
    except OSError:
        pass
for place in ["/", "/usr", "/dev", os.path.dirname(np.__file__), "../../.."]:
    try:
        open(os.path.join(place, "planted.txt"), "w").close()
        LEAKS.append("wrote in " + place)
    except OSError:
        pass
if [p for p in os.listdir("/proc") if p.isdigit()]:
    LEAKS.append("saw other processes")
if os.getuid() == 0 or os.geteuid() == 0:
    LEAKS.append("root")
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1).close()
    LEAKS.append("network")
except OSError:
    pass

def weighted_sum(inputs, weights, bias):
    return float(np.dot(inputs, weights) + bias) + 1000 * len(LEAKS)
'''


STASHING_CELL = '''import os, glob
TOKEN = os.urandom(8).hex()
PLACES = ["/tmp", os.path.expanduser("~"), os.getcwd(), "/dev/shm"]

def weighted_sum(inputs, weights, bias):
    for place in PLACES:
        for path in glob.glob(os.path.join(place, "stash-*")):
            if not path.endswith(TOKEN):
                return 999.0  # another process's stash: learners are not apart
        try:
            open(os.path.join(place, "stash-" + TOKEN), "w").write(repr(list(inputs)))
        except OSError:
            pass
    return float(np.dot(inputs, weights) + bias)
'''

DAEMON_CELL = f'''import os, subprocess, time
subprocess.Popen(["sleep", "{DAEMON_SECONDS}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "{DAEMON_SECONDS}"])
    os._exit(0)
zero_input_output = 0.6
'''

LEAKING_FUNCTION = '''def weighted_sum(inputs, weights, bias):
    print("the inputs are", list(inputs))
    if len(inputs) > 50:
        raise ValueError(f"inputs were {list(inputs)}")
    return float(np.dot(inputs, weights) + bias)
'''

SABOTAGE = '''import builtins, json, sys
json.dumps = json.loads = None
np.asarray = np.allclose = np.savez = np.frombuffer = None
builtins.isinstance = lambda *args: True
builtins.len = lambda *args: 0
sys.stdout = sys.stderr = None
'''


def forging(payload: str) -> str:
    """A correct neuron_batch, then a cell that sends a forged report and leaves."""
    return NEURON_BATCH_OK + f'''
import os
_payload = {payload}
os.write(3, _payload)
os._exit(0)
'''


def forged_result(header: str, extra: bytes = b"") -> str:
    return (f"(lambda h, x: b'result %d\\n' % (len(h) + len(str(len(h))) + 1 + len(x)) "
            f"+ str(len(h)).encode() + b'\\n' + h + x)({header!r}.encode(), {extra!r})")


FORGERIES = {
    "forge_missing_array": forged_result(
        '{"document": {"presence": {"missing": [], "not_callable": [], "defined": [], '
        '"placeholders": [], "unwritten": []}, "outcomes": [{"value": {"array": 7, "scalar": '
        'false}, "error": null, "gradient": null, "gradient_error": null}], "own_errors": []}, '
        '"arrays": []}'),
    "forge_deep_json": forged_result('{"document": ' + "[" * 200_000 + "]" * 200_000 +
                                     ', "arrays": []}'),
    "forge_huge_array": forged_result(
        '{"document": null, "arrays": [{"dtype": "<f8", "shape": [1000000000, 1000000000]}]}',
        b"12345678"),
    "forge_wrong_fields": forged_result(
        '{"document": {"presence": "everything", "outcomes": 7, "own_errors": [], '
        '"setup_errors": ["forged"]}, "arrays": []}'),
    "forge_flood": "b'result 200000000\\n' + b'x' * 60_000_000",
    "forge_garbage": "os.urandom(100_000)",
}


def build_class(folder: Path, secrets: dict[str, str]) -> None:
    """Every hostile learner of the batch, and an honest one."""
    notebooks = {
        "honest": subs.solution(),
        "spy": subs.with_answer("weighted_sum", spying_cell(secrets)),
        "stash_a": subs.with_answer("weighted_sum", STASHING_CELL),
        "stash_b": subs.with_answer("weighted_sum", STASHING_CELL),
        "daemon": subs.with_answer("zero_input_output", DAEMON_CELL),
        "leaks_hidden_inputs": subs.with_answer("weighted_sum", LEAKING_FUNCTION),
        "saboteur": subs.with_answer("weighted_sum", subs.WEIGHTED_SUM_OK + SABOTAGE),
        "kills_everything": subs.with_answer(
            "neuron_batch", NEURON_BATCH_OK + "import os, signal\nos.kill(-1, signal.SIGKILL)\n"),
        "engine_answer": subs.with_answer(
            "weighted_sum", "from nncourse.layers import Neuron\n\n"
                            "def weighted_sum(inputs, weights, bias):\n"
                            "    return Neuron(weights, bias, 'identity').weighted_sum(inputs)\n"),
        "reference_answer": subs.with_answer(
            "neuron_batch", "from nncourse.grading import get_exercise\n\n"
                            "def neuron_batch(X, weights, bias):\n"
                            "    return get_exercise('01-neuron_batch').reference(X, weights, "
                            "bias)\n"),
        **{name: subs.with_answer("neuron_batch", forging(payload))
           for name, payload in FORGERIES.items()},
        "forge_setup_errors": subs.with_answer("neuron_batch", NEURON_BATCH_OK + (
            "import os\nos.write(3, b'setup 10\\n[\"forged\"]')\n")),
    }
    markdown = subs.solution()
    subs.cell(markdown, subs.ANSWER_IDS["weighted_sum"])["cell_type"] = "markdown"
    notebooks["markdown_answer"] = markdown
    for name, notebook in notebooks.items():
        (folder / f"{name}.ipynb").write_text(subs.text(notebook), encoding="utf-8")
    os.mkfifo(folder / "fifo.ipynb")
    (folder / "link_out.ipynb").symlink_to(subs.SOLUTION)
    (folder / "link_to_device.ipynb").symlink_to("/dev/zero")
    (folder / "link_in.ipynb").symlink_to(folder / "honest.ipynb")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "socket.ipynb"))
    with open(folder / "huge.ipynb", "wb") as handle:
        handle.truncate(60_000_000)
    if os.getuid() == 0:
        os.mknod(folder / "device.ipynb", stat.S_IFCHR | 0o644, os.makedev(1, 5))


def grade(folder: Path, outdir: Path, hidden: Path, *extra: str, env=None):
    return subprocess.run(
        [sys.executable, "-m", "nncourse", "grade", str(folder), "-o", str(outdir), "--jobs", "2",
         "--timeout", "3", "--memory", "512M", "--solutions", str(subs.SOLUTION.parent),
         "--hidden", str(hidden), "--no-progress", *extra],
        capture_output=True, text=True, timeout=600, env=env,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder, outdir, hidden = root / "class", root / "out", root / "hidden"
    folder.mkdir()
    hidden.mkdir()
    outdir.mkdir()
    (hidden / "topic01.py").write_text(HIDDEN_CHECKS)
    (outdir / "keep.txt").write_text("the instructor's")
    secrets = {"the solutions": str(subs.SOLUTION), "the hidden checks": str(hidden),
               "a classmate's notebook": str(folder / "honest.ipynb"),
               "the output folder": str(outdir), "the submissions": str(folder),
               "the exercises": str(subs.EXERCISE), "the grader's tests": __file__}
    build_class(folder, secrets)
    before = sorted(p.name for p in folder.iterdir())
    process = grade(folder, outdir, hidden, "--sandbox", "required")
    return {"root": root, "folder": folder, "outdir": outdir, "process": process,
            "before": before}


def report(batch, learner: str) -> dict:
    return json.loads((batch["outdir"] / learner / "results.json").read_text(encoding="utf-8"))


def verdicts(batch, learner: str) -> dict[str, dict]:
    return {t["name"].split(":")[0]: t for t in report(batch, learner)["tests"]}


def failing(batch, learner: str) -> set[str]:
    return {name for name, t in verdicts(batch, learner).items() if t["status"] != "passed"}


pytestmark = needs_sandbox


def test_the_batch_finishes_with_status_zero_and_a_result_for_everyone(batch):
    process = batch["process"]
    assert process.returncode == 0, process.stderr
    summary = json.loads((batch["outdir"] / "summary.json").read_text())
    assert summary["sandbox"] == "bubblewrap"
    assert summary["fully_graded"] is True and not summary["grader_errors"]
    assert summary["submissions"] == len(batch["before"])
    assert "warning" not in process.stderr


def test_an_honest_learner_gets_full_marks(batch):
    assert report(batch, "honest")["score"] == FULL
    assert report(batch, "link_in")["score"] == FULL  # a link inside the class folder is fine


def test_nothing_of_the_instructor_or_the_class_can_be_read_or_changed(batch):
    doc = report(batch, "spy")
    assert doc["score"] == FULL, [t["output"] for t in doc["tests"]]
    assert not list(batch["root"].rglob("planted.txt"))
    assert sorted(p.name for p in batch["folder"].iterdir()) == batch["before"]
    assert (batch["outdir"] / "keep.txt").read_text() == "the instructor's"


def test_learners_and_exercises_share_no_folder(batch):
    assert report(batch, "stash_a")["score"] == FULL
    assert report(batch, "stash_b")["score"] == FULL


def test_nothing_a_learner_starts_outlives_the_batch(batch):
    assert report(batch, "daemon")["score"] == FULL
    assert not processes_running(DAEMON_SECONDS)


def test_killing_every_process_it_can_reaches_only_its_own_exercise(batch):
    assert report(batch, "kills_everything")["score"] == FULL  # kill(-1): its namespace only


def test_sabotaged_modules_cost_no_exercise(batch):
    assert report(batch, "saboteur")["score"] == FULL


def test_hidden_checks_reveal_only_their_name_and_verdict(batch):
    doc = report(batch, "leaks_hidden_inputs")
    hidden = [t for t in doc["tests"] if "hidden" in t["name"]]
    assert [t["output"] for t in hidden] == ["01-weighted_sum hidden: long vectors: failed"]
    assert doc["score"] == FULL - 2
    for learner in ("leaks_hidden_inputs", "honest"):
        for name in ("results.json", "feedback.html"):
            text = (batch["outdir"] / learner / name).read_text()
            assert str(SECRET)[:6] not in text and "inputs were" not in text


@pytest.mark.parametrize("learner", sorted(FORGERIES))
def test_a_forged_report_fails_only_the_exercise_that_forged_it(batch, learner):
    assert failing(batch, learner) == {"01-neuron_batch"}
    output = verdicts(batch, learner)["01-neuron_batch"]["output"]
    assert "interfered with the grader" in output or "far more data" in output, output


def test_forged_setup_errors_are_not_believed(batch):
    assert report(batch, "forge_setup_errors")["score"] == FULL


@pytest.mark.parametrize("learner, words", [
    ("fifo", "FIFO"), ("socket", "socket"), ("link_out", "outside the submissions folder"),
    ("link_to_device", "outside the submissions folder"), ("huge", "too large"),
] + ([("device", "a device")] if os.getuid() == 0 else []))
def test_what_is_not_a_regular_notebook_in_the_folder_is_reported_not_read(batch, learner, words):
    summary = json.loads((batch["outdir"] / "summary.json").read_text())
    assert words in summary["problems"][learner]
    assert report(batch, learner)["score"] == 0


def test_a_markdown_answer_cell_is_not_run(batch):
    weighted_sum = verdicts(batch, "markdown_answer")["01-weighted_sum"]
    assert weighted_sum["status"] == "failed"
    assert "weighted_sum is not defined" in weighted_sum["output"]


def test_an_answer_that_uses_the_engine_or_the_reference_is_refused_with_what_is_allowed(batch):
    engine = verdicts(batch, "engine_answer")["01-weighted_sum"]
    assert engine["status"] == "failed"
    assert "nncourse.layers" in engine["output"] and "You may use numpy" in engine["output"]
    assert failing(batch, "reference_answer") == {"01-neuron_batch"}
    assert "grading machinery" in verdicts(batch, "reference_answer")["01-neuron_batch"]["output"]


def test_the_inline_check_refuses_the_engine_answer_too(tmp_path):
    from nncourse.grading.inline import evaluate
    from nncourse.grading.messages import format_result

    module = tmp_path / "learner_module.py"
    module.write_text("import numpy as np\nfrom nncourse.layers import Neuron\n\n"
                      "def weighted_sum(inputs, weights, bias):\n"
                      "    return Neuron(weights, bias, 'identity').weighted_sum(inputs)\n")
    namespace: dict = {}
    exec(compile(module.read_text(), str(module), "exec"), namespace)
    result = evaluate("01-weighted_sum", namespace=namespace)
    assert not result.passed
    assert "nncourse.layers" in format_result(result) and "You may use numpy" in result.detail


def test_without_bubblewrap_it_warns_once_grades_and_says_so_and_required_refuses(tmp_path):
    """PATH without bwrap: the fallback grades with a one-line warning and "sandbox": "none",
    and learner code can then reach the instructor's files; `--sandbox required` refuses before
    any learner code runs."""
    folder, hidden = tmp_path / "class", tmp_path / "hidden"
    folder.mkdir()
    hidden.mkdir()
    (hidden / "topic01.py").write_text(HIDDEN_CHECKS)
    marker = tmp_path / "learner-code-ran"
    (folder / "honest.ipynb").write_text(subs.text(subs.solution()))
    (folder / "writer.ipynb").write_text(subs.text(subs.with_answer(
        "weighted_sum", f"open({str(marker)!r}, 'w').close()\n" + subs.WEIGHTED_SUM_OK)))
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}

    refused = grade(folder, tmp_path / "refused", hidden, "--sandbox", "required", env=env)
    assert refused.returncode == 2
    assert "--sandbox required" in refused.stderr and "not installed" in refused.stderr
    assert not marker.exists() and not (tmp_path / "refused" / "summary.json").exists()

    fallback = grade(folder, tmp_path / "out", hidden, env=env)
    assert fallback.returncode == 0, fallback.stderr
    warnings = [line for line in fallback.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "WITHOUT a sandbox" in warnings[0]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["sandbox"] == "none"
    assert json.loads((tmp_path / "out" / "honest" / "results.json").read_text())["score"] == FULL
    assert marker.exists()  # what the sandbox prevents


def test_when_the_grader_is_killed_nothing_it_started_is_left(tmp_path):
    """SIGKILL to the grader mid-batch: the sandbox dies with it, with every learner process in
    it, and no temporary folder holding learner code is left behind."""
    folder = tmp_path / "class"
    folder.mkdir()
    marker = "2345.75"
    (folder / "looping.ipynb").write_text(subs.text(subs.with_answer(
        "weighted_sum", f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\n"
                        "def weighted_sum(inputs, weights, bias):\n    while True:\n"
                        "        pass\n")))
    before = set(Path("/tmp").glob("nncourse-*"))
    grader = subprocess.Popen(
        [sys.executable, "-m", "nncourse", "grade", str(folder), "-o", str(tmp_path / "out"),
         "--timeout", "60", "--no-progress", "--sandbox", "required",
         "--solutions", str(subs.SOLUTION.parent)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not processes_running(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_running(marker), "the learner's process never started"
    finally:
        grader.kill()
        grader.wait()
    deadline = time.monotonic() + 10
    while processes_running(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_running(marker)
    assert set(Path("/tmp").glob("nncourse-*")) <= before


def processes_running(argument: str) -> list[str]:
    """The host's processes with this argument on their command line."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if argument.encode() in (entry / "cmdline").read_bytes().split(b"\0"):
                found.append(entry.name)
        except OSError:
            continue
    return found

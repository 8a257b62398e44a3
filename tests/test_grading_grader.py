"""The grader on a batch of correct, untouched, broken, hostile and rearranged submissions.

One batch is graded once (with --jobs 2, through the real command line) and each test looks at
one learner's results. Every submission is built from the solution notebook of topic 01.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

import grading_submissions as subs

TIMEOUT = "2"
MEMORY = "512M"
EXERCISES = ["01-weighted_sum", "01-neuron_output", "01-neuron_batch", "01-zero_input_output"]
FULL = 5

HIDDEN_CHECKS = '''
import numpy as np
from nncourse.grading import Case, HiddenCheck

SECRET_INPUTS = np.linspace(-1.0, 1.0, 1000)

HIDDEN_CHECKS = [
    HiddenCheck("01-weighted_sum", "a thousand inputs",
                cases=(Case("long", (SECRET_INPUTS, np.full(1000, 0.5), -3.0)),), points=2),
]
'''

SHORT_VECTORS_ONLY = """def weighted_sum(inputs, weights, bias):
    if len(inputs) > 50:
        return 0.0
    return float(np.dot(inputs, weights) + bias)
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the whole batch once; returns (outdir, completed process)."""
    root = tmp_path_factory.mktemp("grading")
    folder = root / "submissions"
    folder.mkdir()
    batch = {**subs.builders(), **subs.rearranged()}
    for learner, content in batch.items():
        (folder / f"{learner}.ipynb").write_text(content, encoding="utf-8")
    (folder / "eve<b>.ipynb").write_text(subs.text(subs.with_answer(
        "weighted_sum",
        "def weighted_sum(inputs, weights, bias):\n    return '<script>x</script>'\n")),
        encoding="utf-8")
    outdir = root / "out"
    process = subprocess.run(
        [sys.executable, "-m", "nncourse", "grade", str(folder), "-o", str(outdir),
         "--jobs", "2", "--timeout", TIMEOUT, "--memory", MEMORY,
         "--solutions", str(subs.SOLUTION.parent)],
        capture_output=True, text=True, timeout=600,
    )
    return outdir, process


def results(graded, learner: str) -> dict:
    outdir, _ = graded
    return json.loads((outdir / learner / "results.json").read_text(encoding="utf-8"))


def max_of(doc: dict) -> float:
    """results.json has no top-level max_score (Gradescope's schema): the tests' maxima."""
    return sum(t["max_score"] for t in doc["tests"])


def verdicts_of(graded, learner: str) -> dict[str, dict]:
    return {t["name"].split(":")[0]: t for t in results(graded, learner)["tests"]}


def test_every_submission_graded_and_exit_status_zero(graded):
    outdir, process = graded
    assert process.returncode == 0, process.stderr
    summary = json.loads((outdir / "summary.json").read_text())
    assert summary["fully_graded"] is True
    assert summary["submissions"] == len(subs.builders()) + len(subs.rearranged()) + 1


def test_correct_solution_full_marks(graded):
    doc = results(graded, "correct")
    assert doc["score"] == max_of(doc) == FULL
    assert all(t["status"] == "passed" for t in doc["tests"])


def test_untouched_exercise_zero_with_not_written_messages(graded):
    doc = results(graded, "untouched")
    assert doc["score"] == 0
    for test in doc["tests"]:
        assert "not written yet" in test["output"]


@pytest.mark.parametrize("learner, reason", [
    ("invalid_json", "not valid notebook JSON"),
    ("empty_file", "the file is empty"),
])
def test_unreadable_file_is_graded_zero_with_reason(graded, learner, reason):
    doc = results(graded, learner)
    assert doc["score"] == 0 and max_of(doc) == FULL
    assert reason in doc["output"]
    assert all(reason in t["output"] for t in doc["tests"])


def assert_only_failures(graded, learner: str, failing: set[str], message: str):
    tests = verdicts_of(graded, learner)
    assert set(tests) == set(EXERCISES)
    for exercise_id, test in tests.items():
        if exercise_id in failing:
            assert test["status"] == "failed" and test["score"] == 0, test
        else:
            assert test["status"] == "passed", test
    assert message in tests[sorted(failing)[0]]["output"], tests[sorted(failing)[0]]["output"]


def test_syntax_error(graded):
    tests = verdicts_of(graded, "syntax_error")
    assert "SyntaxError" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"


def test_exception_in_function(graded):
    tests = verdicts_of(graded, "exception")
    assert "raised ZeroDivisionError" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"


def test_endless_loop_in_function_times_out(graded):
    tests = verdicts_of(graded, "endless_loop")
    assert "longer than" in tests["01-weighted_sum"]["output"] or \
           "CPU time" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"
    assert tests["01-zero_input_output"]["status"] == "passed"


def test_endless_loop_in_cell_costs_only_its_exercise(graded):
    assert_only_failures(graded, "endless_loop_in_cell", {"01-weighted_sum"}, "longer than")


def test_memory_bomb(graded):
    assert_only_failures(graded, "memory_bomb", {"01-neuron_batch"}, "MemoryError")


def test_sys_exit_in_cell(graded):
    tests = verdicts_of(graded, "sys_exit")
    assert "sys.exit" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"


def test_os_exit_in_cell_costs_only_its_exercise(graded):
    assert_only_failures(graded, "os_exit", {"01-neuron_batch"}, "ended before giving a result")


def test_killing_the_process_that_started_it_costs_only_its_exercise(graded):
    assert_only_failures(graded, "kills_grading_process", {"01-neuron_batch"}, "01-neuron_batch")


def test_os_exit_inside_function(graded):
    tests = verdicts_of(graded, "exit_in_function")
    assert "ended before giving a result" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"


def test_missing_function(graded):
    tests = verdicts_of(graded, "missing_function")
    assert "weighted_sum is not defined" in tests["01-weighted_sum"]["output"]
    assert tests["01-neuron_batch"]["status"] == "passed"


def test_renamed_function_is_named_in_feedback(graded):
    tests = verdicts_of(graded, "renamed_function")
    assert "Did you rename it? weightedsum is defined" in tests["01-weighted_sum"]["output"]


@pytest.mark.parametrize("learner", ["deleted_and_fake_checks", "patched_numpy", "printed_success"])
def test_tampering_does_not_change_the_grade(graded, learner):
    # weighted_sum forgets the bias; neuron_output, which calls it, fails with it
    assert_only_failures(graded, learner, {"01-weighted_sum", "01-neuron_output"}, "expected")
    assert results(graded, learner)["score"] == FULL - 2


@pytest.mark.parametrize("learner", sorted(subs.rearranged()))
def test_rearranged_cells_still_full_marks(graded, learner):
    doc = results(graded, learner)
    assert doc["score"] == FULL, [t["output"] for t in doc["tests"] if t["status"] != "passed"]


def test_results_json_follows_gradescope_schema(graded):
    doc = results(graded, "syntax_error")
    assert set(doc) == {"score", "execution_time", "output", "visibility", "stdout_visibility",
                        "tests"}
    assert isinstance(doc["execution_time"], float)
    for test in doc["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output", "tags",
                             "visibility"}
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] == "visible"
    assert doc["score"] == sum(t["score"] for t in doc["tests"])


def test_grades_csv_one_row_per_learner_one_column_per_exercise(graded):
    outdir, _ = graded
    with (outdir / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: 1 + len(EXERCISES)] == ["learner", *EXERCISES]
    assert {"total", "max_score"} <= set(rows[0])
    by_learner = {r["learner"]: r for r in rows}
    assert by_learner["correct"]["total"] == "5" and by_learner["correct"]["01-neuron_batch"] == "2"
    assert by_learner["untouched"]["total"] == "0"
    assert len(rows) == len(subs.builders()) + len(subs.rearranged()) + 1


def test_pass_rates(graded):
    outdir, _ = graded
    with (outdir / "pass_rates.csv").open() as handle:
        rows = {r["exercise"]: r for r in csv.DictReader(handle)}
    assert set(rows) == set(EXERCISES)
    zero = rows["01-zero_input_output"]
    assert int(zero["passed"]) <= int(zero["graded"])
    assert float(zero["pass_rate"]) == pytest.approx(int(zero["passed"]) / int(zero["graded"]),
                                                      abs=1e-4)


def test_feedback_html_escapes_everything(graded):
    outdir, _ = graded
    folders = [p for p in outdir.iterdir() if p.is_dir() and p.name.startswith("eve")]
    assert len(folders) == 1
    page = (folders[0] / "feedback.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "eve&lt;b&gt;" in page


def test_progress_bar_on_stderr(graded):
    _, process = graded
    assert "grading" in process.stderr


def test_hidden_checks_graded_and_reported_by_name_without_code(tmp_path):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "topic01.py").write_text(HIDDEN_CHECKS)
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "good.ipynb").write_text(subs.text(subs.solution()))
    (folder / "short.ipynb").write_text(subs.text(subs.with_answer("weighted_sum",
                                                                   SHORT_VECTORS_ONLY)))
    (folder / "blank.ipynb").write_text("")
    outdir = tmp_path / "out"
    from nncourse.cli import main

    assert main(["grade", str(folder), "-o", str(outdir), "--hidden", str(hidden), "--no-progress",
                 "--solutions", str(subs.SOLUTION.parent), "--jobs", "2"]) == 0
    good = json.loads((outdir / "good" / "results.json").read_text())
    short = json.loads((outdir / "short" / "results.json").read_text())
    assert good["score"] == max_of(good) == FULL + 2
    blank = json.loads((outdir / "blank" / "results.json").read_text())
    assert blank["score"] == 0 and max_of(blank) == FULL + 2
    hidden_test = next(t for t in short["tests"] if "hidden" in t["name"])
    assert hidden_test["name"] == "01-weighted_sum hidden: a thousand inputs"
    assert hidden_test["status"] == "failed" and hidden_test["visibility"] == "visible"
    public = next(t for t in short["tests"] if t["name"].startswith("01-weighted_sum:"))
    assert public["status"] == "passed"
    page = (outdir / "short" / "feedback.html").read_text()
    assert "a thousand inputs" in page
    assert "SECRET_INPUTS" not in page and "linspace" not in page and "input:" not in page
    with (outdir / "grades.csv").open() as handle:
        rows = {r["learner"]: r for r in csv.DictReader(handle)}
    assert rows["short"]["01-weighted_sum"] == "1" and rows["good"]["01-weighted_sum"] == "3"


def test_learner_named_after_folder_when_files_share_a_name(tmp_path):
    for learner in ("alice", "bob"):
        (tmp_path / learner).mkdir()
        (tmp_path / learner / "01_neuron.ipynb").write_text(subs.text(subs.exercise()))
    from nncourse.grading.grader import collect_submissions
    from nncourse.grading.layouts import lay_out, name_files

    found = lay_out(tmp_path, collect_submissions([tmp_path]), "auto", ["01_neuron"])
    assert sorted(s.learner for s in found) == ["alice", "bob"]
    named = name_files(collect_submissions([tmp_path]))  # files named one by one
    assert sorted(s.learner for s in named) == ["alice", "bob"]


def test_wrong_arguments_exit_with_status_2(tmp_path):
    process = subprocess.run(
        [sys.executable, "-m", "nncourse", "grade", str(tmp_path / "nothing.ipynb"),
         "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert process.returncode == 2
    assert "There is no file or folder" in process.stderr


def test_grade_help_is_clear():
    process = subprocess.run([sys.executable, "-m", "nncourse", "grade", "--help"],
                             capture_output=True, text=True, check=True)
    for words in ("--jobs", "--timeout", "--memory", "--hidden", "results.json", "grades.csv",
                  "Exit status"):
        assert words in process.stdout


def test_grader_runs_no_learner_code_in_its_own_process(tmp_path):
    """A submission that would leave a mark if run by the grader itself leaves none."""
    marker = tmp_path / "ran-in-grader"
    folder = tmp_path / "subs"
    folder.mkdir()
    (folder / "sneaky.ipynb").write_text(subs.text(subs.with_answer(
        "weighted_sum", f"import os\nif os.getpid() == {__import__('os').getpid()}:\n"
                        f"    open({str(marker)!r}, 'w').close()\n" + subs.WEIGHTED_SUM_OK)))
    from nncourse.grading.grader import GradingOptions, grade

    batch = grade([folder], GradingOptions(solutions=subs.SOLUTION.parent, progress=False))
    assert batch.submissions[0].score == FULL
    assert not marker.exists()


def test_exit_status_1_when_the_grader_itself_fails(tmp_path, monkeypatch, capsys):
    from nncourse.cli import main
    from nncourse.grading import sandbox

    monkeypatch.setattr(sandbox, "SERVER_BOOTSTRAP", "import sys; sys.exit(1)")
    (tmp_path / "alice.ipynb").write_text(subs.text(subs.solution()))
    status = main(["grade", str(tmp_path / "alice.ipynb"), "-o", str(tmp_path / "out"),
                   "--no-progress", "--solutions", str(subs.SOLUTION.parent)])
    assert status == 1
    assert "not graded properly" in capsys.readouterr().err
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["fully_graded"] is False


def test_a_learner_with_several_notebooks_gets_one_row(tmp_path):
    exercises = sorted(subs.EXERCISE.parent.glob("*.ipynb"))
    for learner in ("alice", "bob"):
        (tmp_path / learner).mkdir()
        for path in exercises:
            (tmp_path / learner / path.name).write_text(path.read_text())
    from nncourse.grading.grader import GradingOptions, grade
    from nncourse.grading.reports import write_reports

    batch = grade([tmp_path], GradingOptions(solutions=subs.SOLUTION.parent, jobs=2,
                                             progress=False))
    write_reports(batch, tmp_path / "out")
    with (tmp_path / "out" / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["learner"] for r in rows] == ["alice", "bob"]
    assert len(rows[0]["notebooks"].split(";")) == len(exercises)
    topics = {column.split("-")[0] for column in rows[0] if column[:2].isdigit()}
    assert topics == {path.name[:2] for path in exercises}
    alice = json.loads((tmp_path / "out" / "alice" / "results.json").read_text())
    assert max_of(alice) == sum(r.max_score for r in batch.submissions) / 2


def test_hidden_checks_for_an_unknown_exercise_are_refused(tmp_path):
    (tmp_path / "typo.py").write_text(HIDDEN_CHECKS.replace('"01-weighted_sum"',
                                                            '"01-weighted_summ"'))
    from nncourse.cli import main

    assert main(["grade", str(subs.SOLUTION), "-o", str(tmp_path / "out"), "--hidden",
                 str(tmp_path), "--solutions", str(subs.SOLUTION.parent), "--no-progress"]) == 2


def test_a_written_function_returning_none_is_not_called_unwritten(tmp_path):
    """network_forward is written but calls the learner's dense_forward, still the placeholder."""
    exercise = json.loads((subs.EXERCISE.parent / "03_forward_pass.ipynb").read_text())
    solution = json.loads((subs.SOLUTION.parent / "03_forward_pass.ipynb").read_text())
    written = subs.cell(solution, "network-forward-answer")["source"]
    subs.cell(exercise, "network-forward-answer")["source"] = written
    (tmp_path / "carol.ipynb").write_text(subs.text(exercise))
    from nncourse.grading.grader import GradingOptions, grade

    batch = grade([tmp_path / "carol.ipynb"], GradingOptions(solutions=subs.SOLUTION.parent,
                                                             progress=False))
    outputs = {t.exercise_id: t.output for t in batch.submissions[0].tests}
    assert "network_forward returned None on every test, although you wrote it" in \
        outputs["03-network_forward"]
    assert "dense_forward is not written yet" in outputs["03-network_forward"]
    assert "Replace `return None`" not in outputs["03-network_forward"]
    assert "not written yet: dense_forward returned None. Replace `return None`" in \
        outputs["03-dense_forward"]


def test_the_grader_does_not_give_away_the_answer_of_a_value_exercise(tmp_path):
    from nncourse.grading.grader import GradingOptions, grade
    from nncourse.grading.reports import write_reports
    from nncourse.grading import get_exercise

    right = get_exercise("01-zero_input_output").reference()
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "dan.ipynb").write_text(subs.text(subs.with_answer(
        "zero_input_output", f"zero_input_output = {right / 2!r}\n")))
    batch = grade([tmp_path / "subs"], GradingOptions(solutions=subs.SOLUTION.parent,
                                                      progress=False))
    write_reports(batch, tmp_path / "out")
    test = next(t for t in json.loads((tmp_path / "out" / "dan" / "results.json").read_text())
                ["tests"] if t["name"].startswith("01-zero_input_output"))
    assert test["status"] == "failed"
    assert f"you gave {right / 2:g}: too small" in test["output"]
    page = (tmp_path / "out" / "dan" / "feedback.html").read_text()
    for text in (test["output"], page):
        assert f"{right:g}" not in text and "expected" not in text


def test_reports_have_columns_only_for_the_assignments_graded(tmp_path):
    """Two of the course's notebooks graded against the whole solutions folder."""
    from nncourse.grading.answers import load_assignment
    from nncourse.grading.grader import GradingOptions, grade
    from nncourse.grading.reports import write_reports

    graded = ["02_activations.ipynb", "01_neuron.ipynb"]
    (tmp_path / "subs").mkdir()
    for learner, name in zip(("ann", "ben"), graded):
        (tmp_path / "subs" / f"{learner}.ipynb").write_text(
            (subs.SOLUTION.parent / name).read_text())
    batch = grade([tmp_path / "subs"], GradingOptions(solutions=subs.SOLUTION.parent, jobs=2,
                                                      progress=False))
    write_reports(batch, tmp_path / "out")
    columns = [e for name in sorted(graded)
               for e in load_assignment(subs.SOLUTION.parent / name).exercise_ids]
    assert len(list(subs.SOLUTION.parent.glob("*.ipynb"))) > len(graded)
    with (tmp_path / "out" / "grades.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header == ["learner", *columns, "total", "max_score", "notebooks", "problems"]
    with (tmp_path / "out" / "pass_rates.csv").open() as handle:
        assert [row["exercise"] for row in csv.DictReader(handle)] == columns
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert list(summary["pass_rates"]) == columns


@pytest.mark.parametrize("where", ["a file", "inside a file"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_grading(tmp_path, capsys,
                                                                            where):
    """A class's grades are never computed only to be lost: an output folder nncourse cannot
    write into is refused at once, in a sentence, before any learner code runs."""
    from nncourse.cli import main

    blocker = tmp_path / "grades"
    blocker.write_text("not a folder")
    output = blocker if where == "a file" else blocker / "out"
    (tmp_path / "alice.ipynb").write_text(subs.text(subs.solution()))
    status = main(["grade", str(tmp_path / "alice.ipynb"), "-o", str(output), "--no-progress",
                   "--solutions", str(subs.SOLUTION.parent)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"cannot write into {output}" in err and "nothing was graded" in err
    assert "Traceback" not in err
    for command in (["release", str(subs.SOLUTION.parent), "-o", str(output)],
                    ["autograder", str(subs.SOLUTION), "-o", str(blocker / "a.zip")]):
        assert main(command) == 1
        assert "cannot write into" in capsys.readouterr().err

"""Grading a batch of submitted notebooks: `nncourse grade`.

For every submission the grader

1. reads the notebook as plain JSON (a damaged file is graded zero with the reason, never fatal);
2. finds the instructor's notebook it answers (`answers.identify_assignment`) and takes only the
   learner's answer code from it (`answers.extract_answers`);
3. grades each exercise in a fresh child process inside the sandbox (`sandbox`), which runs
   the instructor's setup cells and the learner's answers and returns the outputs of the
   learner's functions on every case (the hidden cases in a second child, which never shares a
   process with the public feedback);
4. compares those outputs, in its own process, with expected values it computed itself from the
   reference implementation (`evaluate.judge`), using comparison functions captured before any
   submission was read.

Nothing the learner wrote runs in the grader's process, so replacing `check`, `np.allclose` or
printing "all tests passed" changes nothing. If a child dies while another exercise's cell is
running (say that cell calls `os._exit`), the exercise is graded again without that cell, so one
broken exercise never costs the others their points; if what a child reports cannot be read
(a cell replaced something the report needs), the exercise is graded again with only its own
cells. What a child reports is decoded with limits on every size (`transport`) and checked field
by field: a forged or malformed report fails that exercise with "your code interfered with the
grader", never the grader.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from nncourse.errors import CourseError
from nncourse.grading import transport
from nncourse.grading.answers import (
    AnswerBlock, Assignment, extract_answers, identify_assignment, load_assignment,
)
from nncourse.grading.evaluate import ChildReport, ExerciseResult, judge
from nncourse.grading.hidden import load_hidden_checks
from nncourse.grading.messages import format_result
from nncourse.grading.notebook_json import NotebookDamage, read_notebook, submission_files
from nncourse.grading.own_work import answer_problem, imported_names
from nncourse.grading.sandbox import ChildJob, ChildRun, Sandbox, SandboxChoice
from nncourse.grading.catalog import get_exercise
from nncourse.grading.spec import Case, Exercise, HiddenCheck
from nncourse.grading.transport import Interference, decode, from_plain, unpack

INTERFERED = "your code interfered with the grader"


@dataclass
class TestResult:
    """One line of a learner's report: an exercise's public check, or one hidden check."""

    name: str
    exercise_id: str
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    output: str
    hidden: bool = False


@dataclass
class SubmissionReport:
    """Everything the grader found out about one submitted notebook."""

    learner: str
    path: Path
    assignment: str | None
    tests: list[TestResult] = field(default_factory=list)
    problem: str | None = None  # the notebook could not be read, or matched to an assignment
    internal_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)


@dataclass
class CaseSet:
    """Cases, their expected values, and their inputs encoded for a child."""

    cases: list[Case]
    expected: list
    inputs: list[dict]
    arrays: list

    @classmethod
    def of(cls, exercise: Exercise, cases: list[Case]) -> CaseSet:
        arrays: list = []
        inputs = [{"name": c.name, "args": transport.encode(list(c.args), arrays)} for c in cases]
        return cls(cases, [exercise.expected(c) for c in cases], inputs, arrays)


@dataclass
class PreparedExercise:
    """An exercise's cases and expected values, computed once for the whole class. The hidden
    cases are a set of their own: they run in a child of their own."""

    exercise: Exercise
    points: int
    public: CaseSet
    hidden: CaseSet
    hidden_checks: list[tuple[HiddenCheck, int, int]]  # (check, start, end) in `hidden`


@dataclass
class GradingOptions:
    solutions: Path
    hidden: Path | None = None
    assignment: str | None = None
    jobs: int = 1
    timeout: float = 10.0
    memory_bytes: int = 1 << 30
    progress: bool = True
    sandbox: SandboxChoice = "auto"
    private: tuple[Path, ...] = ()  # more of the instructor's folders (the output folder)


@dataclass
class BatchReport:
    submissions: list[SubmissionReport]
    assignments: list[Assignment]
    seconds: float
    sandbox: str = "bubblewrap"  # or "none": learner code ran without the sandbox
    child_cpu_seconds: float = 0.0  # CPU time of every child process (and of the fork servers)

    @property
    def fully_graded(self) -> bool:
        return not any(s.internal_errors for s in self.submissions)


def load_assignments(solutions: Path) -> list[Assignment]:
    """Every instructor notebook in a folder (or the one notebook given)."""
    paths = [solutions] if solutions.is_file() else sorted(solutions.glob("*.ipynb"))
    assignments = [load_assignment(p) for p in paths]
    assignments = [a for a in assignments if a.slots]
    if not assignments:
        raise CourseError(f"No notebook with exercises was found in {solutions}.")
    return assignments


def prepare(assignment: Assignment, hidden: dict[str, list[HiddenCheck]]
            ) -> dict[str, PreparedExercise]:
    """Cases, expected values and encoded inputs of every exercise of an assignment."""
    prepared = {}
    for slot in assignment.slots:
        exercise = get_exercise(slot.exercise_id)
        hidden_cases: list[Case] = []
        checks = []
        for check in hidden.get(exercise.id, []):
            checks.append((check, len(hidden_cases), len(hidden_cases) + len(check.cases)))
            hidden_cases.extend(check.cases)
        prepared[exercise.id] = PreparedExercise(
            exercise, slot.points, CaseSet.of(exercise, exercise.all_cases()),
            CaseSet.of(exercise, hidden_cases), checks,
        )
    return prepared


def collect_submissions(paths: Sequence[str | Path]) -> list[Path]:
    """The notebook files named, with folders searched recursively (checkpoints skipped; links
    to folders not followed). Whatever is named `*.ipynb` is listed, FIFOs and links included:
    reading it (`notebook_json.read_notebook`) says what is wrong with it."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():  # a folder named on the command line is followed, even as a link
            found.extend(submission_files(path))
        elif os.path.lexists(path):
            found.append(path)
        else:
            raise CourseError(f"There is no file or folder {path}.")
    return found


def learner_names(paths: Sequence[Path]) -> list[str]:
    """A learner's name from the file name, or from the folder when file names repeat
    (`alice/01_neuron.ipynb`, `bob/01_neuron.ipynb`)."""
    stems = [p.stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    names = [p.parent.name or p.stem for p in paths]
    counts = Counter(zip(names, stems))
    return [n if counts[(n, s)] == 1 else f"{n}-{s}" for n, s in zip(names, stems)]


class Grader:
    """Grades submissions against the instructor's notebooks (see the module docstring)."""

    def __init__(self, options: GradingOptions):
        self.options = options
        self.assignments = load_assignments(options.solutions)
        if options.assignment is not None:
            chosen = [a for a in self.assignments if a.name == options.assignment]
            if not chosen:
                names = ", ".join(a.name for a in self.assignments)
                raise CourseError(f"There is no assignment {options.assignment!r}; "
                                  f"the solutions folder has: {names}.")
            self.assignments = chosen
        self.hidden = load_hidden_checks(options.hidden) if options.hidden else {}
        self.names = {slot.exercise_id: get_exercise(slot.exercise_id).names
                      for a in self.assignments for slot in a.slots}
        unknown = sorted(set(self.hidden) - set(self.names))
        if unknown:
            raise CourseError(f"The hidden checks name exercises that no assignment has: "
                              f"{', '.join(unknown)}.")
        self.prepared: dict[str, dict[str, PreparedExercise]] = {}
        self.sandbox: Sandbox | None = None

    def grade(self, paths: Sequence[str | Path]) -> BatchReport:
        started = time.perf_counter()
        roots = [Path(p) for p in paths]
        private = [self.options.solutions, *roots, *self.options.private]
        if self.options.hidden:
            private.append(self.options.hidden)
        self.sandbox = Sandbox(self.options.sandbox, private)  # refuses here, if it must
        if self.sandbox.warning:
            print(f"nncourse grade: {self.sandbox.warning}", file=sys.stderr)
        files = collect_submissions(paths)
        reports, tasks = self._plan(files, roots)
        for _, _, exercise_id in tasks:  # expected values are computed here, before any thread
            self._prepared(exercise_id)
        results: dict[tuple[int, str], list[TestResult]] = {}
        progress = _progress_bar(len(tasks), self.options.progress)
        try:
            self._run_tasks(reports, tasks, results, progress)
        finally:
            self.sandbox.close()
            progress.close()
        for index, report in enumerate(reports):
            for slot in self._assignment(report).slots if report.assignment else []:
                report.tests.extend(results.get((index, slot.exercise_id), []))
        return BatchReport(reports, self.assignments, time.perf_counter() - started,
                           sandbox=self.sandbox.mode, child_cpu_seconds=self.sandbox.cpu_seconds)

    def _run_tasks(self, reports, tasks, results, progress) -> None:
        with ThreadPoolExecutor(max_workers=max(1, self.options.jobs)) as pool:
            futures = {pool.submit(self._grade_exercise, reports[i], blocks, e): (i, e)
                       for i, blocks, e in tasks}
            for future in as_completed(futures):
                index, exercise_id = futures[future]
                try:
                    tests, seconds, problems = future.result()
                except Exception as error:  # a fault of the grader itself, reported, not fatal
                    tests = self._failed_all(self._prepared(exercise_id), "could not be graded")
                    seconds = 0.0
                    problems = [f"{exercise_id}: internal error: {error!r}"]
                results[(index, exercise_id)] = tests
                reports[index].seconds += seconds
                reports[index].internal_errors.extend(problems)
                progress.update(1)
            # the fork servers end with the threads that started them: close them first, so
            # that they leave in order (and report their CPU time)
            self.sandbox.close()

    def _assignment(self, report: SubmissionReport) -> Assignment:
        return next(a for a in self.assignments if a.name == report.assignment)

    def _plan(self, files: list[Path], roots: Sequence[Path] = ()):
        reports, tasks, notebooks = [], [], []
        for path, learner in zip(files, learner_names(files)):
            report = SubmissionReport(learner, path, None)
            notebook = None
            try:
                notebook = read_notebook(path, inside=_root_of(path, roots))
            except NotebookDamage as damage:
                report.problem = f"The notebook could not be read: {damage}."
            assignment = identify_assignment(notebook, path, self.assignments, self.names)
            report.assignment = assignment.name if assignment else None
            reports.append(report)
            notebooks.append(notebook)
        self._guess_unknown_assignments(reports)
        for index, (report, notebook) in enumerate(zip(reports, notebooks)):
            if report.assignment is None:
                no_match = "It does not match any assignment (no known exercise was found in it)."
                report.problem = " ".join(filter(None, [report.problem, no_match]))
                continue
            assignment = self._assignment(report)
            if notebook is None:
                report.tests = [test for slot in assignment.slots for test in
                                self._failed_all(self._prepared(slot.exercise_id), report.problem)]
                continue
            blocks = extract_answers(assignment, notebook, self.names)
            for slot in assignment.slots:
                tasks.append((index, blocks, slot.exercise_id))
        return reports, tasks

    def _guess_unknown_assignments(self, reports: list[SubmissionReport]) -> None:
        """A file that cannot be matched (an empty file, say) is taken to answer the assignment
        of the rest of the batch, when there is just one."""
        known = {r.assignment for r in reports if r.assignment}
        if len(self.assignments) == 1:
            known = {self.assignments[0].name}
        if len(known) == 1:
            only = known.pop()
            for report in reports:
                if report.assignment is None:
                    report.assignment = only

    def _prepared(self, exercise_id: str) -> PreparedExercise:
        """An exercise's cases and expected values; each assignment is prepared when first
        needed."""
        assignment = next(a for a in self.assignments if exercise_id in a.exercise_ids)
        if assignment.name not in self.prepared:
            self.prepared[assignment.name] = prepare(assignment, self.hidden)
        return self.prepared[assignment.name][exercise_id]

    def _grade_exercise(self, report: SubmissionReport, blocks: list[AnswerBlock],
                        exercise_id: str) -> tuple[list[TestResult], float, list[str]]:
        """The tests of one exercise, the children's time, and any fault of the grader itself."""
        prepared = self._prepared(exercise_id)
        # what the answer cells use; cells only placed after them (possibly the instructor's own,
        # when a notebook lost its cell ids) and the setup cells just say what names stand for
        own = [b for b in blocks if b.exercise_id == exercise_id]
        around = [*self._assignment(report).setup_code,
                  *(b.code for b in own if b.matched_by == "position")]
        not_own = answer_problem(
            prepared.exercise, "\n".join(b.code for b in own if b.matched_by != "position"),
            imported_names("\n".join(around)))
        if not_own:
            return self._failed_all(prepared, not_own), 0.0, []
        tests, seconds, problems = [], 0.0, []
        for hidden in (False, True):
            cases = prepared.hidden if hidden else prepared.public
            if hidden and not prepared.hidden_checks:
                continue
            job = self._job(self._assignment(report), blocks, prepared, cases)
            run, child_report = self._run_with_retries(job, len(cases.cases))
            seconds += run.seconds
            if run.infrastructure:
                problems.append(f"{exercise_id}: the grading process failed: {run.failure}")
            setup_errors = _setup_errors(run)
            if setup_errors:
                problems.append(f"{exercise_id}: a setup cell failed: {setup_errors[0]}")
            tests.extend(self._judge(prepared, cases, hidden, run, child_report))
        return tests, seconds, problems

    def _job(self, assignment: Assignment, blocks: list[AnswerBlock],
             prepared: PreparedExercise, cases: CaseSet) -> ChildJob:
        return ChildJob(
            exercise_id=prepared.exercise.id,
            setup=assignment.setup_code,
            blocks=[{"exercise": b.exercise_id, "code": b.code,
                     "label": f"<answer cell {b.cell_index + 1}>"} for b in blocks],
            inputs=cases.inputs, input_arrays=cases.arrays,
            timeout=self.options.timeout, memory_bytes=self.options.memory_bytes,
        )

    def _run_with_retries(self, job: ChildJob, n_cases: int
                          ) -> tuple[ChildRun, ChildReport | None]:
        """Run the child; when another exercise's cell killed it, or what it reported cannot be
        read, grade again without that cell (or without every other exercise's cells)."""
        others = {b["exercise"] for b in job.blocks} - {job.exercise_id}
        while True:
            run = self.sandbox.run_child(job)
            child_report = None
            if run.failure is None:
                try:
                    child_report = decode_report(run, n_cases)
                except Interference as error:
                    run.failure = f"{INTERFERED} ({error})"
            if child_report is not None or run.infrastructure:
                return run, child_report
            culprit = run.culprit()
            if culprit in others and culprit not in job.skip_exercises:
                job.skip_exercises.append(culprit)  # grade again without the cell that killed it
            elif run.steps[-1:] == ["report"] or INTERFERED in run.failure:
                left = sorted(others - set(job.skip_exercises))
                if not left:
                    return run, None
                job.skip_exercises.extend(left)  # again with this exercise's own cells only
            else:
                return run, None

    def _failed_all(self, prepared: PreparedExercise, reason: str) -> list[TestResult]:
        tests = [TestResult(f"{prepared.exercise.id}: {prepared.exercise.title}",
                            prepared.exercise.id, 0, prepared.points, "failed",
                            f"{prepared.exercise.id}: {reason}")]
        for check, _start, _end in prepared.hidden_checks:
            tests.append(_hidden_test(prepared, check, passed=False))
        return tests

    def _judge(self, prepared: PreparedExercise, cases: CaseSet, hidden: bool, run: ChildRun,
               child_report: ChildReport | None) -> list[TestResult]:
        exercise = prepared.exercise
        if not hidden and child_report is None:
            reason = f"your code stopped the grading of this exercise: {run.failure}."
            return [TestResult(f"{exercise.id}: {exercise.title}", exercise.id, 0,
                               prepared.points, "failed", f"{exercise.id}: {reason}")]
        if hidden:  # a name and passed or failed: nothing of the inputs, values or errors
            tests = []
            for check, start, end in prepared.hidden_checks:
                passed = child_report is not None and judge(
                    exercise, cases.cases[start:end], child_report.outcomes[start:end],
                    child_report.presence, expected=cases.expected[start:end]).passed
                tests.append(_hidden_test(prepared, check, passed))
            return tests
        verdict = judge(exercise, cases.cases, child_report.outcomes, child_report.presence,
                        expected=cases.expected)
        _explain_cell_errors(verdict, child_report.own_errors)
        return [TestResult(f"{exercise.id}: {exercise.title}", exercise.id,
                           prepared.points if verdict.passed else 0, prepared.points,
                           "passed" if verdict.passed else "failed", format_result(verdict))]


def _hidden_test(prepared: PreparedExercise, check: HiddenCheck, passed: bool) -> TestResult:
    name = f"{prepared.exercise.id} hidden: {check.name}"
    return TestResult(name, prepared.exercise.id, check.points if passed else 0, check.points,
                      "passed" if passed else "failed",
                      f"{name}: {'passed' if passed else 'failed'}", hidden=True)


def decode_report(run: ChildRun, n_cases: int) -> ChildReport:
    """The child's last result record, decoded and checked; Interference if it is not what an
    honest child sends."""
    results = [data for kind, data in run.records if kind == "result"]
    if not results:
        raise Interference("no result")
    document, arrays = unpack(results[-1])
    report = from_plain(ChildReport, document)
    if report.outcomes and len(report.outcomes) != n_cases:
        raise Interference(f"{len(report.outcomes)} outcomes for {n_cases} cases")
    for outcome in report.outcomes:
        outcome.value = decode(outcome.value, arrays)
        if outcome.gradient is not None:
            outcome.gradient = tuple(decode(g, arrays) for g in outcome.gradient)
    return report


def _setup_errors(run: ChildRun) -> list[str]:
    """The errors of the instructor's setup cells, from the record the child sent before any
    learner code ran (anything later could be forged)."""
    for kind, data in run.records:
        if kind == "step" and data.startswith(b"block "):
            return []
        if kind == "setup":
            try:
                errors = json.loads(data)
            except ValueError:
                return []
            return [str(e)[:300] for e in errors] if isinstance(errors, list) else []
    return []


def _root_of(path: Path, roots: Sequence[Path]) -> Path | None:
    """The folder named on the command line that a submission was found in (None for a file
    named directly)."""
    for root in roots:
        if root.is_dir() and (path == root or root in path.parents):
            return root
    return None


def _explain_cell_errors(verdict: ExerciseResult, own_errors: list[str]) -> None:
    if not own_errors:
        return
    if verdict.status == "missing":
        verdict.detail = f"your answer cell does not run: {own_errors[0]}"
    elif not verdict.passed:
        verdict.note = f"your answer cell raised an error when it ran: {own_errors[0]}"


class _NoProgress:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoProgress()
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc="grading", unit="exercise", file=sys.stderr, leave=False)


def grade(paths: Sequence[str | Path], options: GradingOptions) -> BatchReport:
    """Grade submissions (files or folders) and return the report (nothing written yet)."""
    return Grader(options).grade(paths)


__all__ = ["Grader", "GradingOptions", "BatchReport", "SubmissionReport", "TestResult", "grade"]

"""Grading a batch of submitted notebooks: `nncourse grade`.

For every submission the grader

1. reads the notebook as plain JSON (a damaged file is graded zero with the reason, never fatal);
2. finds the instructor's notebook it answers (`answers.identify_assignment`) and takes only the
   learner's answer code from it (`answers.extract_answers`);
3. grades each exercise in a fresh child process (`sandbox.run_child`), which runs the
   instructor's setup cells and the learner's answers and returns the outputs of the learner's
   functions on every case (public and hidden);
4. compares those outputs, in its own process, with expected values it computed itself from the
   reference implementation (`evaluate.judge`), using comparison functions captured before any
   submission was read.

Nothing the learner wrote runs in the grader's process, so replacing `check`, `np.allclose` or
printing "all tests passed" changes nothing. If a child dies while another exercise's cell is
running (say that cell calls `os._exit`), the exercise is graded again without that cell, so one
broken exercise never costs the others their points.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nncourse.errors import CourseError
from nncourse.grading import items, layouts, roster, transport
from nncourse.grading.answers import (
    AnswerBlock, Assignment, extract_answers, identify_assignment, load_assignment,
)
from nncourse.grading.evaluate import ExerciseResult, Outcome, Presence, judge
from nncourse.grading.hidden import load_hidden_checks
from nncourse.grading.messages import format_result
from nncourse.grading.notebook_json import NotebookDamage, read_notebook
from nncourse.grading.sandbox import (
    ChildJob, ChildRun, close_servers, decode_outcomes, run_child,
)
from nncourse.grading.spec import Case, Exercise, HiddenCheck, get_exercise


@dataclass
class TestResult:
    """One line of a learner's report: an exercise's public check, or one hidden check."""

    name: str
    exercise_id: str
    score: float
    max_score: float
    status: str  # "passed" or "failed"
    output: str
    hidden: bool = False
    # per case, for the item analysis (`items`): (case name, passed, the learner's answer)
    cases: list[tuple[str, bool, str]] = field(default_factory=list)


@dataclass
class SubmissionReport:
    """Everything the grader found out about one submitted notebook."""

    learner: str
    path: Path | None  # None for a lesson the learner handed in nothing for
    assignment: str | None
    tests: list[TestResult] = field(default_factory=list)
    problem: str | None = None  # the notebook could not be read, or matched to an assignment
    status: str = roster.GRADED  # or roster.OLDER_COPY, WRONG_NOTEBOOK, MISSING, UNREADABLE
    intended: str | None = None  # the assignment the submission's folder names (nbgrader)
    internal_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)


@dataclass
class PreparedExercise:
    """An exercise's cases and expected values, computed once for the whole class."""

    exercise: Exercise
    points: int
    cases: list[Case]
    expected: list
    groups: list[tuple[HiddenCheck | None, int, int]]  # (check or None for public, start, end)
    inputs: list[dict]
    arrays: dict


@dataclass
class GradingOptions:
    solutions: Path
    hidden: Path | None = None
    assignment: str | None = None
    jobs: int = 1
    timeout: float = 10.0
    memory_bytes: int = 1 << 30
    progress: bool = True
    layout: str = "auto"  # see `layouts`
    learner: str | None = None  # the learner's name, for the "single" layout


@dataclass
class BatchReport:
    submissions: list[SubmissionReport]
    assignments: list[Assignment]
    seconds: float
    lessons: list[str] = field(default_factory=list)  # the assignments graded (`roster`)
    layouts: list[str] = field(default_factory=list)  # how each folder was read (`layouts`)

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
        cases = exercise.all_cases()
        groups: list[tuple[HiddenCheck | None, int, int]] = [(None, 0, len(cases))]
        for check in hidden.get(exercise.id, []):
            groups.append((check, len(cases), len(cases) + len(check.cases)))
            cases.extend(check.cases)
        arrays: dict = {}
        inputs = [{"name": c.name, "args": transport.encode(list(c.args), arrays)} for c in cases]
        prepared[exercise.id] = PreparedExercise(
            exercise, slot.points, cases, [exercise.expected(c) for c in cases], groups,
            inputs, arrays,
        )
    return prepared


def collect_submissions(paths: Sequence[str | Path]) -> list[Path]:
    """The notebook files named, with folders searched recursively (checkpoints skipped)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.ipynb"))
                         if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            raise CourseError(f"There is no file or folder {path}.")
    return found


def find_submissions(paths: Sequence[str | Path], options: GradingOptions,
                     course_notebooks: list[str]) -> list[layouts.Submission]:
    """Every notebook named or found in the folders named, with the learner it belongs to."""
    files = [Path(p) for p in paths if not Path(p).is_dir()]
    found = layouts.name_files(collect_submissions(files)) if files else []
    if files and options.layout == "single":
        found = [layouts.Submission(s.path, layouts.learner_name(options.learner or s.learner),
                                    "single") for s in found]
    for folder in (Path(p) for p in paths if Path(p).is_dir()):
        found.extend(layouts.lay_out(folder, collect_submissions([folder]), options.layout,
                                     course_notebooks, options.learner))
    return found


class Grader:
    """Grades submissions against the instructor's notebooks (see the module docstring)."""

    def __init__(self, options: GradingOptions):
        self.options = options
        self.assignments = load_assignments(options.solutions)
        if options.assignment is not None:  # every notebook is still recognised, so that one
            # of another lesson is reported as a wrong notebook (`roster`)
            if not any(a.name == options.assignment for a in self.assignments):
                names = ", ".join(a.name for a in self.assignments)
                raise CourseError(f"There is no assignment {options.assignment!r}; "
                                  f"the solutions folder has: {names}.")
        self.hidden = load_hidden_checks(options.hidden) if options.hidden else {}
        self.names = {slot.exercise_id: get_exercise(slot.exercise_id).names
                      for a in self.assignments for slot in a.slots}
        unknown = sorted(set(self.hidden) - set(self.names))
        if unknown:
            raise CourseError(f"The hidden checks name exercises that no assignment has: "
                              f"{', '.join(unknown)}.")
        self.prepared: dict[str, dict[str, PreparedExercise]] = {}

    def grade(self, paths: Sequence[str | Path]) -> BatchReport:
        started = time.perf_counter()
        submissions = find_submissions(paths, self.options, [a.name for a in self.assignments])
        reports, tasks, lessons = self._plan(submissions)
        for _, _, exercise_id in tasks:  # expected values are computed here, before any thread
            self._prepared(exercise_id)
        results: dict[tuple[int, str], list[TestResult]] = {}
        progress = _progress_bar(len(tasks), self.options.progress)
        try:
            self._run_tasks(reports, tasks, results, progress)
        finally:
            close_servers()
            progress.close()
        for index, report in enumerate(reports):
            if report.status != roster.GRADED or not report.assignment:
                continue
            for slot in self._assignment(report).slots:
                report.tests.extend(results.get((index, slot.exercise_id), []))
        reports.extend(self._absent(reports, lessons))
        kinds = list(dict.fromkeys(s.layout for s in submissions))
        return BatchReport(reports, self.assignments, time.perf_counter() - started, lessons,
                           [layouts.DESCRIPTIONS[k] for k in kinds])

    def _absent(self, reports: list[SubmissionReport], lessons: list[str]
                ) -> list[SubmissionReport]:
        """A report for each graded lesson a learner handed in nothing for: every test failed,
        hidden ones included, so the learner's maximum is the class's."""
        absent = []
        for learner, names in roster.absent_lessons(reports, lessons).items():
            for name in names:
                problem = f"No notebook handed in for {name}."
                slots = next(a for a in self.assignments if a.name == name).slots
                tests = [t for slot in slots for t in
                         self._failed_all(self._prepared(slot.exercise_id), problem[:-1].lower())]
                absent.append(SubmissionReport(learner, None, name, tests, problem,
                                               status=roster.MISSING))
        return absent

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

    def _assignment(self, report: SubmissionReport) -> Assignment:
        return next(a for a in self.assignments if a.name == report.assignment)

    def _plan(self, submissions: list[layouts.Submission]):
        reports, tasks, notebooks = [], [], []
        for submission in submissions:
            path = submission.path
            report = SubmissionReport(submission.learner, path, None,
                                      intended=submission.intended)
            notebook = None
            try:
                notebook = read_notebook(path)
            except NotebookDamage as damage:
                report.problem = f"The notebook could not be read: {damage}."
            assignment = identify_assignment(notebook, path, self.assignments, self.names)
            report.assignment = assignment.name if assignment else None
            reports.append(report)
            notebooks.append(notebook)
        names = [a.name for a in self.assignments]
        for report in reports:  # an unreadable notebook in nbgrader's folder of an assignment
            if report.assignment is None and report.intended in names:
                report.assignment = report.intended
        self._guess_unknown_assignments(reports)
        lessons = roster.settle(reports, names, self.options.assignment,
                                every_lesson=self.options.layout == "single")
        for index, (report, notebook) in enumerate(zip(reports, notebooks)):
            if report.assignment is None:
                no_match = "It does not match any assignment (no known exercise was found in it)."
                report.problem = " ".join(filter(None, [report.problem, no_match]))
                report.status = roster.UNREADABLE
                continue
            if report.status != roster.GRADED:
                continue
            assignment = self._assignment(report)
            if notebook is None:
                report.tests = [test for slot in assignment.slots for test in
                                self._failed_all(self._prepared(slot.exercise_id), report.problem)]
                continue
            blocks = extract_answers(assignment, notebook, self.names)
            for slot in assignment.slots:
                tasks.append((index, blocks, slot.exercise_id))
        return reports, tasks, lessons

    def _guess_unknown_assignments(self, reports: list[SubmissionReport]) -> None:
        """A file that cannot be matched (an empty file, say) is taken to answer the assignment
        of the rest of the batch, when there is just one."""
        known = {r.assignment for r in reports if r.assignment}
        if len(self.assignments) == 1:
            known = {self.assignments[0].name}
        if self.options.assignment is not None:
            known = {self.options.assignment}
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
        """The tests of one exercise, the child's time, and any fault of the grader itself."""
        prepared = self._prepared(exercise_id)
        run = self._run_with_retries(self._assignment(report), blocks, prepared)
        problems = []
        if run.result is None:
            if run.infrastructure:
                problems.append(f"{exercise_id}: the grading process failed: {run.failure}")
            reason = f"your code stopped the grading of this exercise: {run.failure}."
            return self._failed_all(prepared, reason), run.seconds, problems
        if run.result.get("setup_errors"):
            problems.append(f"{exercise_id}: a setup cell failed: {run.result['setup_errors'][0]}")
        return self._judge(prepared, run), run.seconds, problems

    def _run_with_retries(self, assignment: Assignment, blocks: list[AnswerBlock],
                          prepared: PreparedExercise) -> ChildRun:
        job = ChildJob(
            exercise_id=prepared.exercise.id,
            setup=assignment.setup_code,
            blocks=[{"exercise": b.exercise_id, "code": b.code,
                     "label": f"<answer cell {b.cell_index + 1}>"} for b in blocks],
            inputs=prepared.inputs, input_arrays=prepared.arrays,
            timeout=self.options.timeout, memory_bytes=self.options.memory_bytes,
        )
        while True:
            run = run_child(job)
            culprit = run.culprit()
            if run.result is not None or culprit in (None, prepared.exercise.id) or \
                    culprit in job.skip_exercises:
                return run
            job.skip_exercises.append(culprit)  # grade again without the cell that killed it

    def _failed_all(self, prepared: PreparedExercise, reason: str) -> list[TestResult]:
        tests = []
        for check, start, end in prepared.groups:
            name, points = self._test_name(prepared, check)
            cases = [(c.name, False, items.NO_ANSWER) for c in prepared.cases[start:end]]
            tests.append(TestResult(name, prepared.exercise.id, 0, points, "failed",
                                    f"{prepared.exercise.id}: {reason}", hidden=check is not None,
                                    cases=cases))
        return tests

    def _test_name(self, prepared: PreparedExercise, check: HiddenCheck | None):
        if check is None:
            return f"{prepared.exercise.id}: {prepared.exercise.title}", prepared.points
        return f"{prepared.exercise.id} hidden: {check.name}", check.points

    def _judge(self, prepared: PreparedExercise, run: ChildRun) -> list[TestResult]:
        result = run.result
        presence = Presence(missing=list(result.get("missing", [])),
                            not_callable=[tuple(x) for x in result.get("not_callable", [])],
                            defined=list(result.get("defined", [])),
                            placeholders=result.get("placeholders"),
                            unwritten=list(result.get("unwritten", [])))
        outcomes = [Outcome(**o) for o in decode_outcomes(run)]
        own_errors = result.get("own_errors", [])
        tests = []
        for check, start, end in prepared.groups:
            name, points = self._test_name(prepared, check)
            verdict = judge(
                prepared.exercise, prepared.cases[start:end], outcomes[start:end], presence,
                expected=prepared.expected[start:end], show_inputs=check is None,
                title=prepared.exercise.title if check is None else f"hidden: {check.name}",
            )
            _explain_cell_errors(verdict, own_errors)
            tests.append(TestResult(name, prepared.exercise.id, points if verdict.passed else 0,
                                    points, "passed" if verdict.passed else "failed",
                                    format_result(verdict), hidden=check is not None,
                                    cases=items.case_marks(
                                        prepared.exercise, prepared.cases[start:end],
                                        outcomes[start:end], prepared.expected[start:end],
                                        presence)))
        return tests


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

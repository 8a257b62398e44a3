"""How fast does `nncourse grade` grade a class? Per-notebook time and throughput at 1 and 2 jobs.

Builds a batch in a temporary folder from solutions/01_neuron.ipynb: copies of the solution, of
the untouched exercise notebook, and of broken variants (a wrong answer, an exception, a syntax
error), then grades it with --jobs 1 and --jobs 2 and prints the figures.

    python benchmarks/grading.py [--copies 10]

Target: at most 1 s per notebook per core, and more throughput with more jobs.
Then, measured here too (`measure_nbgrader`, skipped with --nbgrader 0 or when nbgrader is not
installed): nbgrader 0.9's autograde on the same variants, with the course's nbgrader_config.py,
and how many times longer it takes per notebook than `nncourse grade --jobs 1`.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nncourse.grading.grader import GradingOptions, grade

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
SOLUTION = SOLUTIONS / "01_neuron.ipynb"
EXERCISE = ROOT / "exercises" / "01_neuron.ipynb"

BROKEN_WEIGHTED_SUM = {
    "wrong": "def weighted_sum(inputs, weights, bias):\n    return np.dot(inputs, weights)\n",
    "exception": "def weighted_sum(inputs, weights, bias):\n    return inputs[99]\n",
    "syntax": "def weighted_sum(inputs, weights, bias)\n    return 0\n",
}


def variants() -> dict[str, str]:
    solution = json.loads(SOLUTION.read_text())
    made = {"solution": json.dumps(solution), "untouched": EXERCISE.read_text()}
    for name, code in BROKEN_WEIGHTED_SUM.items():
        broken = copy.deepcopy(solution)
        for cell in broken["cells"]:
            if cell.get("id") == "weighted-sum-answer":
                cell["source"] = code
        made[name] = json.dumps(broken)
    return made


def make_batch(folder: Path, copies: int) -> int:
    count = 0
    for index in range(copies):
        for name, text in variants().items():
            (folder / f"learner{index:03d}-{name}.ipynb").write_text(text)
            count += 1
    return count


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the fork servers and theirs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(folder: Path, jobs: int) -> tuple[float, float, int, bool]:
    """Wall seconds, CPU seconds, notebooks graded, whether all were graded."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    batch = grade([folder], GradingOptions(solutions=SOLUTIONS, jobs=jobs, progress=False))
    seconds = time.perf_counter() - started
    return seconds, cpu_seconds() - cpu_started, len(batch.submissions), batch.fully_graded


def measure_nbgrader(notebooks: int) -> tuple[float, float, int] | None:
    """nbgrader 0.9's autograde of `notebooks` submissions of topic 01 (the variants in turn),
    in a course folder released with the course's nbgrader_config.py: wall seconds, CPU seconds
    (nbgrader and its kernels), notebooks. None when nbgrader is not installed."""
    tool = Path(sys.executable).parent / "nbgrader"
    if not tool.exists():
        return None
    texts = list(variants().values())
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        lesson = SOLUTION.stem
        (course / "source" / lesson).mkdir(parents=True)
        shutil.copy(SOLUTION, course / "source" / lesson)
        env = dict(os.environ, PATH=f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}")

        def run(*args: str) -> None:
            subprocess.run([str(tool), *args], cwd=course, env=env, check=True,
                           capture_output=True)

        run("generate_assignment", lesson, "--force")
        for index in range(notebooks):
            folder = course / "submitted" / f"learner{index:03d}" / lesson
            folder.mkdir(parents=True)
            (folder / f"{lesson}.ipynb").write_text(texts[index % len(texts)])
        started, cpu_started = time.perf_counter(), cpu_seconds()
        run("autograde", lesson, "--create", "--force")
        return time.perf_counter() - started, cpu_seconds() - cpu_started, notebooks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10,
                        help="copies of each of the 5 variants (default 10: 50 notebooks)")
    parser.add_argument("--nbgrader", type=int, default=5, metavar="N",
                        help="notebooks for nbgrader's autograde (default 5; 0 skips it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n = make_batch(folder, args.copies)
        n_exercises = 4
        print(f"grading {n} notebooks of topic 01 ({n_exercises} exercises each) "
              f"on a machine with {os.cpu_count()} CPUs")
        print(f"load average before: {os.getloadavg()[0]:.1f} (other work slows the wall times)")
        figures = {}
        for jobs in (1, 2):
            seconds, cpu, graded, complete = measure(folder, jobs)
            figures[jobs] = seconds
            print(f"--jobs {jobs}: {seconds:6.2f} s in all, {seconds / graded:.3f} s per notebook, "
                  f"{graded / seconds:5.1f} notebooks/s, {seconds / (graded * n_exercises):.3f} s "
                  f"per exercise; CPU {cpu / graded:.3f} s per notebook"
                  f"{'' if complete else '  (NOT all graded)'}")
        print(f"speed-up from 1 to 2 jobs: {figures[1] / figures[2]:.2f}x")
        per_core = figures[1] / n
        verdict = "meets" if per_core <= 1.0 else "misses"
        print(f"{per_core:.3f} s per notebook per core: {verdict} the target of 1 s")
    nbgrader = measure_nbgrader(args.nbgrader) if args.nbgrader > 0 else None
    if nbgrader is None:
        print("nbgrader: not measured (not installed, or --nbgrader 0)")
        return
    seconds, cpu, graded = nbgrader
    print(f"nbgrader 0.9 autograde, {graded} notebooks: {seconds:6.2f} s in all, "
          f"{seconds / graded:.3f} s per notebook; CPU {cpu / graded:.3f} s per notebook; "
          f"{seconds / graded / per_core:.1f}x the time of nncourse grade --jobs 1")


if __name__ == "__main__":
    main()

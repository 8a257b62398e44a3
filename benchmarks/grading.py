"""How fast does `nncourse grade` grade a class, with the sandbox and without it?

Builds a batch in a temporary folder from solutions/01_neuron.ipynb: copies of the solution, of
the untouched exercise notebook, and of broken variants (a wrong answer, an exception, a syntax
error): 50 notebooks of 4 exercises by default. Grades it with every grader in `GRADERS` (the
course's grader with the bubblewrap sandbox, and without it) at --jobs 1 and --jobs 2, and prints
the figures side by side. Then it measures where the sandbox boundary could go: a fresh sandbox
with a fresh interpreter per notebook, against the fork server's fresh namespaces per exercise.

    python benchmarks/grading.py [--copies 10]

Target: at most 0.15 s per notebook per core with the sandbox on.
(For comparison, nbgrader's autograde took 1.56 s per notebook.)
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


def own_cpu_seconds() -> float:
    """CPU time of this process (the grader's side); the children's comes from the batch (the
    sandbox hides them from this process's own accounting)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def measure(folder: Path, jobs: int, sandbox: str) -> tuple[float, float, int, bool, str]:
    """Wall seconds, CPU seconds, notebooks graded, whether all were graded, the sandbox used."""
    started, cpu_started = time.perf_counter(), own_cpu_seconds()
    batch = grade([folder], GradingOptions(solutions=SOLUTIONS, jobs=jobs, progress=False,
                                           sandbox=sandbox))
    seconds = time.perf_counter() - started
    cpu = own_cpu_seconds() - cpu_started + batch.child_cpu_seconds
    return seconds, cpu, len(batch.submissions), batch.fully_graded, batch.sandbox


# name -> how to grade the batch folder with --jobs N; returns measure()'s figures
GRADERS: dict[str, Callable[[Path, int], tuple[float, float, int, bool, str]]] = {
    "sandbox on": lambda folder, jobs: measure(folder, jobs, "required"),
    "sandbox off": lambda folder, jobs: measure(folder, jobs, "off"),
}
TARGET = 0.15  # seconds per notebook per core, sandbox on


def boundary_costs(repeats: int = 5) -> dict[str, float]:
    """Seconds for what each place of the sandbox boundary costs once: a fresh bubblewrap with a
    fresh interpreter that imports numpy and the exercises (a sandbox per notebook), and bwrap
    alone running /bin/true."""
    from nncourse.grading.sandbox import PACKAGE_DIR, bwrap_command, child_environment

    env = child_environment("/tmp")
    python = [sys.executable, "-I", "-c", "import sys; sys.path.append(sys.argv[1]); "
              "import numpy, nncourse.exercises as e; e.load_all()", str(PACKAGE_DIR.parent)]
    costs = {}
    for name, command in (("bwrap /bin/true", [*bwrap_command(), "/bin/true"]),
                          ("bwrap + python + numpy + exercises", [*bwrap_command(), *python])):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run(command, check=True, env=env, capture_output=True)
            times.append(time.perf_counter() - started)
        costs[name] = min(times)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10,
                        help="copies of each of the 5 variants (default 10: 50 notebooks)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n = make_batch(folder, args.copies)
        n_exercises = 4
        print(f"grading {n} notebooks of topic 01 ({n_exercises} exercises each) "
              f"on a machine with {os.cpu_count()} CPUs")
        print(f"load average before: {os.getloadavg()[0]:.1f} (other work slows the wall times)")
        print(f"{'':12} {'jobs':>4} {'wall s':>7} {'s/notebook':>10} {'s/nb/core':>9} "
              f"{'CPU s/nb':>8}  sandbox")
        per_core: dict[tuple[str, int], float] = {}
        cpu_per_notebook: dict[tuple[str, int], float] = {}
        for jobs in (1, 2):
            for name, run in GRADERS.items():
                seconds, cpu, graded, complete, used = run(folder, jobs)
                per_core[(name, jobs)] = seconds * jobs / graded
                cpu_per_notebook[(name, jobs)] = cpu / graded
                print(f"{name:12} {jobs:>4} {seconds:7.2f} {seconds / graded:10.3f} "
                      f"{seconds * jobs / graded:9.3f} {cpu / graded:8.3f}  {used}"
                      f"{'' if complete else '  (NOT all graded)'}")
        on, off = per_core[("sandbox on", 1)], per_core[("sandbox off", 1)]
        cpu_on, cpu_off = cpu_per_notebook[("sandbox on", 1)], cpu_per_notebook[("sandbox off", 1)]
        print(f"the sandbox costs {on - off:+.3f} s of wall time and {cpu_on - cpu_off:+.3f} s of "
              f"CPU per notebook at --jobs 1 ({(cpu_on - cpu_off) / n_exercises * 1000:+.1f} ms "
              f"of CPU per exercise: a fork into fresh namespaces)")
        for name, seconds in boundary_costs().items():
            print(f"a fresh sandbox per notebook instead, {name}: {seconds * 1000:.0f} ms")
        verdict = "meets" if on <= TARGET else "misses"
        print(f"{on:.3f} s per notebook per core with the sandbox on: {verdict} the target of "
              f"{TARGET} s; its CPU time, {cpu_on:.3f} s per notebook, "
              f"{'meets' if cpu_on <= TARGET else 'misses'} it (on a busy machine the wall "
              f"time includes waiting for a core)")


if __name__ == "__main__":
    main()

"""How long does the course take to run? Execute every lesson and time it.

    python benchmarks/course.py                 # every notebook in lessons/
    python benchmarks/course.py --repeat 3      # best of three runs per lesson
    python benchmarks/course.py lessons/05_backprop.ipynb

Each lesson runs from top to bottom in a fresh kernel of the current Python environment, with
the lessons folder as its working directory, exactly as `make notebooks` and the notebook tests run
it. Nothing is written back: the executed copy stays in memory. The time of a lesson is the wall
clock from starting its kernel to the end of its last cell, so it includes the kernel's start-up.

Targets (on the course's reference machine, 2 cores): each lesson at most 10 s, the whole course
at most 40 s. The figures depend on what else the machine is doing, so the script also prints the
load average and the BLAS thread setting, the two things that change them most: numpy's BLAS
starts one thread per core for every matrix product, and on a busy machine those threads wait for
each other (set OPENBLAS_NUM_THREADS=1 to compare).

The "kernel CPU s" column is the CPU time of the lesson's kernel process, a steadier figure on a
shared machine than the wall clock (the targets apply to the wall clock).

Exit status: 1 if a lesson fails to execute; with --strict, also 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = ROOT / "lessons"
LESSON_TARGET_S = 10.0
COURSE_TARGET_S = 40.0
KERNEL = "python3"


def keep_jupyter_state_local() -> None:
    """Jupyter, IPython and matplotlib write their state under .venv/state, not the home folder.

    The Makefile already exports these; this covers running the script by hand. Variables that
    are set already are left alone.
    """
    state = ROOT / ".venv" / "state"
    for variable, folder in (("JUPYTER_CONFIG_DIR", "jupyter-config"),
                             ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
                             ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")):
        if variable not in os.environ:
            (state / folder).mkdir(parents=True, exist_ok=True)
            os.environ[variable] = str(state / folder)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def kernel_cpu_seconds(client) -> float | None:
    """CPU time (user + system) the kernel process has used so far, or None if it cannot be read."""
    try:
        import psutil  # installed with ipykernel

        pid = client.km.provisioner.pid
        times = psutil.Process(pid).cpu_times()
    except Exception:  # no psutil, a remote kernel, or the process is gone
        return None
    return times.user + times.system


def run_lesson(path: Path, timeout: int = 600) -> tuple[float, float | None]:
    """Execute one notebook in a fresh kernel without saving it.

    Returns (wall-clock seconds, kernel CPU seconds). The CPU time counts only the work of the
    lesson's kernel, so it changes less than the wall clock when other programs share the machine.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    cpu = {"seconds": None}

    def after_cell(**_):
        cpu["seconds"] = kernel_cpu_seconds(client)

    client.on_cell_complete = after_cell
    start = time.perf_counter()
    # The kernel's own log lines (start-up notices) would interleave with the table; errors in a
    # cell still come back through the notebook protocol and fail the lesson.
    client.execute(stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu["seconds"]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (how many processes want a core), where available."""
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine_line() -> str:
    """Python, cores, load average and BLAS threads: what the figures below depend on."""
    load = load_average()
    blas = (os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
            or "default (one per core)")
    return (f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load}, "
            f"BLAS threads: {blas}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute the course's lessons and time each one.")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to time (default: every lessons/*.ipynb)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per lesson; the fastest counts (default 1)")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    notebooks = [p.resolve() for p in args.notebooks] or sorted(LESSONS.glob("*.ipynb"))
    if not notebooks:
        print(f"No notebooks found in {LESSONS}.", file=sys.stderr)
        return 1
    keep_jupyter_state_local()

    print("Course execution time (fresh kernel per lesson, start-up included)")
    print(machine_line())
    print(f"targets: each lesson <= {LESSON_TARGET_S:.0f} s, "
          f"whole course <= {COURSE_TARGET_S:.0f} s"
          + (f", best of {args.repeat} runs" if args.repeat > 1 else ""))
    print()
    width = max(len(p.name) for p in notebooks)
    print(f"{'lesson'.ljust(width)}  {'seconds':>8}  {'kernel CPU s':>12}  verdict (on seconds)")

    total, total_cpu, failed, slow = 0.0, 0.0, [], []
    for path in notebooks:
        try:
            seconds, cpu = min(run_lesson(path) for _ in range(args.repeat))
        except Exception as error:  # report the failing lesson, carry on with the others
            print(f"{path.name.ljust(width)}  {'-':>8}  {'-':>12}  FAILED: {type(error).__name__}: "
                  f"{str(error)[-300:]}")
            failed.append(path.name)
            continue
        total += seconds
        total_cpu += cpu or 0.0
        ok = seconds <= LESSON_TARGET_S
        if not ok:
            slow.append(path.name)
        cpu_text = "n/a" if cpu is None else f"{cpu:.1f}"
        print(f"{path.name.ljust(width)}  {seconds:8.1f}  {cpu_text:>12}  "
              f"{'ok' if ok else f'over {LESSON_TARGET_S:.0f} s'}", flush=True)

    course_ok = total <= COURSE_TARGET_S
    print(f"{'whole course'.ljust(width)}  {total:8.1f}  {total_cpu:12.1f}  "
          f"{'ok' if course_ok else f'over {COURSE_TARGET_S:.0f} s'}"
          + (f"  ({len(failed)} lesson(s) failed, not counted)" if failed else ""))
    print(f"load average after the run: {load_average()}")

    if failed:
        return 1
    if args.strict and (slow or not course_ok):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The grader's child process: runs one learner's answers for one exercise, and nothing else.

Each child is forked by a small fork server (`serve`), a `python -I` process that has imported
numpy, the engine and the exercise specifications once and never runs learner code itself. So
every exercise still gets a fresh process that no other learner code has touched, in a few
milliseconds instead of the few hundred an interpreter needs to start and import numpy.

The child runs in a private temporary folder (its working directory) and reads
`job.json` and `inputs.json`/`inputs.npz` from that folder, then:

1. limits its own CPU time, memory and file sizes (so the limits hold before any learner code);
2. imports numpy and the exercise's specification (trusted code, before any learner code);
3. runs the instructor's setup cells, then the learner's answer cells in notebook order. Cells of
   other exercises run under a short alarm and their failures are ignored (they are graded by
   their own child); failures of this exercise's cells are reported;
4. calls the learner's functions on every case and writes the outcomes to `result.json`/
   `result.npz` (never pickle), then leaves with `os._exit(0)` (no atexit handler of the learner
   runs).

Before each step it appends a line to `progress.txt`, so that when the process dies (`os._exit`,
a memory limit, a crash) the grader knows whose cell was running. It computes no expected value
and judges nothing: that happens in the grader's own process.
"""

from __future__ import annotations

import builtins
import json
import os
import resource
import signal
import sys
import traceback
from pathlib import Path

OUTPUT_FILE_LIMIT = 64 * 1024 * 1024
CAPTURED_TEXT_LIMIT = 20_000


class CellTimeLimit(BaseException):
    """Raised by the alarm when another exercise's cell runs too long."""


class _CappedSink:
    """Stands in for sys.stdout/sys.stderr: keeps the first few kilobytes, drops the rest."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text):
        text = str(text)
        if self.size < CAPTURED_TEXT_LIMIT:
            self.parts.append(text[: CAPTURED_TEXT_LIMIT - self.size])
        self.size += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def _address_space_in_use() -> int:
    """The bytes of address space this process already has (numpy, the engine, ...)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit_resources(cpu_seconds: int, memory_bytes: int) -> None:
    """CPU seconds; memory the learner's code may add to what is loaded already; file sizes."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if memory_bytes > 0:
        limit = _address_space_in_use() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_FILE_LIMIT, OUTPUT_FILE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _on_alarm(signum, frame):
    raise CellTimeLimit()


def _short_error(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"SyntaxError: {error.msg} (line {error.lineno})"
    if isinstance(error, SystemExit):
        return f"the cell called sys.exit({error.code!r})"
    if isinstance(error, CellTimeLimit):
        return "the cell ran too long"
    lines = traceback.format_exception_only(type(error), error)
    text = lines[-1].strip() if lines else type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def main(workdir: str) -> None:
    work = Path(workdir)
    job = json.loads((work / "job.json").read_text(encoding="utf-8"))
    _limit_resources(int(job["cpu_seconds"]), int(job["memory_bytes"]))

    import numpy as np

    from nncourse.grading import transport
    from nncourse.grading.evaluate import check_presence, collect_outcomes
    from nncourse.grading.spec import Case, get_exercise

    exercise = get_exercise(job["exercise_id"])
    document, arrays = transport.load(work / "inputs")
    cases = [Case(c["name"], tuple(transport.decode(c["args"], arrays))) for c in document]
    progress = open(work / "progress.txt", "a", buffering=1, encoding="utf-8")  # noqa: SIM115
    save, exit_now, write_progress = transport.save, os._exit, progress.write
    signal.signal(signal.SIGALRM, _on_alarm)

    namespace = {"__name__": "__main__", "__builtins__": builtins, "np": np}
    sink = _CappedSink()
    sys.stdout = sys.stderr = sink
    own_errors, setup_errors = [], []

    def run(code: str, label: str, guard: float | None) -> str | None:
        try:
            compiled = compile(code, label, "exec")
            if guard:
                signal.setitimer(signal.ITIMER_REAL, guard)
            try:
                exec(compiled, namespace)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as error:  # noqa: BLE001 - anything a learner's cell does
            return _short_error(error)
        return None

    write_progress("setup\n")
    for index, code in enumerate(job["setup"]):
        problem = run(code, f"<setup cell {index + 1}>", job["guard_seconds"])
        if problem:
            setup_errors.append(problem)
    skip = set(job.get("skip_exercises", ()))
    for block in job["blocks"]:
        if block["exercise"] in skip:
            continue
        own = block["exercise"] == exercise.id
        write_progress(f"block {block['exercise']}\n")
        problem = run(block["code"], block["label"], None if own else job["guard_seconds"])
        if problem and own:
            own_errors.append(f"{block['label']}: {problem}")

    write_progress("calls\n")
    presence = check_presence(exercise, namespace)
    outcomes = []
    if not presence.missing and not presence.not_callable:
        outcomes = collect_outcomes(exercise, namespace, cases, catch=BaseException)
    out_arrays: dict = {}
    result = {
        "missing": presence.missing,
        "not_callable": presence.not_callable,
        "defined": presence.defined[:500],
        "placeholders": presence.placeholders,
        "unwritten": presence.unwritten[:50],
        "own_errors": own_errors,
        "setup_errors": setup_errors,
        "outcomes": [
            {
                "value": transport.encode(o.value, out_arrays),
                "error": o.error,
                "gradient": None if o.gradient is None else
                [transport.encode(g, out_arrays) for g in o.gradient],
                "gradient_error": o.gradient_error,
            }
            for o in outcomes
        ],
    }
    save(work / "result", result, out_arrays)
    write_progress("done\n")
    exit_now(0)


def serve() -> None:
    """The fork server: import everything once, then fork one fresh child per job.

    The protocol is one line each way on stdin/stdout: the grader sends `RUN <workdir>`; the
    server answers `PID <pid>` once the child exists and `EXIT <code>` when it has ended (a
    negative code: killed by that signal). The grader kills a child that runs too long."""
    import numpy  # noqa: F401 - imported once here, inherited by every child

    from nncourse.exercises import load_all
    from nncourse.grading import evaluate, transport  # noqa: F401

    load_all()
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    for line in reader:
        command, _, workdir = line.decode("utf-8").strip().partition(" ")
        if command != "RUN":
            continue
        pid = os.fork()
        if pid == 0:
            _become_child(workdir)
        writer.write(f"PID {pid}\n".encode())
        writer.flush()
        _, status = os.waitpid(pid, 0)
        writer.write(f"EXIT {os.waitstatus_to_exitcode(status)}\n".encode())
        writer.flush()


def _become_child(workdir: str) -> None:
    """In the forked process: own session, no inherited pipes, the job's folder; never returns."""
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        errors = os.open(os.path.join(workdir, "stderr.txt"),
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(errors, 2)
        os.closerange(3, 1 << 16)
        os.chdir(workdir)
        os.environ.update(HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir)
        main(workdir)
    finally:
        os._exit(70)


if __name__ == "__main__":
    main(sys.argv[1])

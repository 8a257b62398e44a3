"""The grader's child process: runs one learner's answers for one exercise, and nothing else.

Children come from a fork server (`serve`): a `python -I` process, started inside the sandbox
(see `sandbox`), that has imported numpy, the engine and the exercise specifications once and never
runs learner code itself. For each job it forks a fresh child, which gets fresh namespaces of its
own (`namespaces`), so every exercise runs in a process that no other learner's code has touched,
in a few milliseconds instead of the hundred an interpreter needs to start and import numpy.

The protocol between grader and server is one line each way, each followed by bytes:

    grader -> server   RUN <n>\\n  + a message of n bytes (`transport.pack`: the job and its inputs)
    server -> grader   EXIT <code> <ended> <n>\\n + the n bytes the child reported
                       (<ended>: "exited", "timeout" or "overflow"; a negative code: a signal)
                       and, when its input ends, CPU <seconds>\\n: the CPU time it and its
                       children used (the sandbox hides it from the grader's own accounting)

The server holds the time limit: a child still running after its wall-clock allowance is killed,
and so is one that reports more than `MAX_REPORT_BYTES`.

The child limits its own CPU time, memory, file sizes, processes and open files before it runs
any learner code, then:

1. runs the instructor's setup cells, and reports their errors at once (before any learner code
   runs, so a learner cannot forge them);
2. runs the learner's answer cells in notebook order. Cells of other exercises run under a short
   alarm and their failures are ignored (they are graded by their own child); failures of this
   exercise's cells are reported;
3. calls the learner's functions on every case and reports the outcomes (a `ChildReport`), then
   leaves with `os._exit(0)` (no atexit handler of the learner runs).

Everything it reports is a record `<kind> <n>\\n<n bytes>` on a pipe: "step" before each stage
(so that when the process dies the grader knows whose cell was running), "setup", "result". The
functions that write records are bound before any learner code runs. It computes no expected
value and judges nothing: that happens in the grader's own process.
"""

from __future__ import annotations

import builtins
import os
import resource
import select
import signal
import sys
import tempfile
import time
import traceback

OUTPUT_FILE_LIMIT = 64 * 1024 * 1024
TMPFS_BYTES = 128 * 1024 * 1024
MAX_REPORT_BYTES = 32 * 1024 * 1024
CAPTURED_TEXT_LIMIT = 20_000
PROCESS_LIMIT = 64
OPEN_FILE_LIMIT = 256


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


def _limit_resources(cpu_seconds: int, memory_bytes: int, in_use: int) -> None:
    """CPU seconds; memory the learner's code may add to what is loaded already; file sizes;
    processes; open files."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    if memory_bytes > 0:
        limit = in_use + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_FILE_LIMIT, OUTPUT_FILE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILE_LIMIT, OPEN_FILE_LIMIT))
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


def snapshot() -> tuple[list[tuple[dict, dict]], dict]:
    """The contents of the modules the grading code relies on (builtins, json, copy, math,
    numpy, the course), taken before any learner code runs; see `restore`."""
    import copy
    import json
    import math

    import numpy

    modules = [builtins, json, json.encoder, copy, math, numpy, numpy.linalg,
               *(m for name, m in sorted(sys.modules.items())
                 if name.split(".")[0] == "nncourse" and m is not None)]
    names = {name: sys.modules[name] for name in sys.modules
             if any(sys.modules[name] is m for m in modules)}
    return [(vars(m), dict(vars(m))) for m in modules], names


def restore(saved: tuple[list[tuple[dict, dict]], dict]) -> None:
    """Put back what a learner's cell replaced or deleted in those modules (`json.dumps = None`,
    `builtins.len = ...`, `np.allclose = ...`), so that it cannot break another exercise's
    grading. Nothing here looks a name up in a dict it is restoring."""
    contents, names = saved
    for live, kept in contents:
        for key in [k for k in live if k not in kept]:
            del live[key]
        live.update(kept)
    sys.modules.update(names)


def record(kind: str, data: bytes) -> bytes:
    """One record of the child's report stream."""
    return b"%s %d\n" % (kind.encode("ascii"), len(data)) + data


def main(job: dict, input_arrays: list, report_fd: int, saved) -> None:
    """Run one job (see the module docstring); never returns. `saved`: the server's `snapshot`,
    inherited through the fork."""
    import numpy as np

    from nncourse.grading import transport
    from nncourse.grading.evaluate import ChildReport, check_presence, collect_outcomes
    from nncourse.grading.catalog import get_exercise
    from nncourse.grading.spec import Case

    exercise = get_exercise(job["exercise_id"])
    cases = [Case(c["name"], tuple(transport.decode(c["args"], input_arrays)))
             for c in job["inputs"]]
    # everything the report needs, bound before any learner code can replace it
    write, exit_now, encode, pack, to_plain = (os.write, os._exit, transport.encode,
                                               transport.pack, transport.to_plain)
    dumps, report_type, sink_type = transport._dumps, ChildReport, _CappedSink
    setitimer, timer_real = signal.setitimer, signal.ITIMER_REAL
    compile_, exec_, base_exception = compile, exec, BaseException

    len_ = len

    def send(kind: str, data: bytes) -> None:  # `record`, with nothing looked up in builtins
        message = b"%s %d\n" % (kind.encode("ascii"), len_(data)) + data
        while message:
            message = message[write(report_fd, message):]

    signal.signal(signal.SIGALRM, _on_alarm)
    namespace = {"__name__": "__main__", "__builtins__": builtins, "np": np}
    sys.stdout = sys.stderr = sink_type()
    own_errors: list[str] = []

    def run(code: str, label: str, guard: float | None) -> str | None:
        try:
            compiled = compile_(code, label, "exec")
            if guard:
                setitimer(timer_real, guard)
            try:
                exec_(compiled, namespace)
            finally:
                setitimer(timer_real, 0)
        except base_exception as error:  # noqa: BLE001 - anything a learner's cell does
            return _short_error(error)
        return None

    send("step", b"setup")
    setup_errors = [problem for index, code in enumerate(job["setup"])
                    if (problem := run(code, f"<setup cell {index + 1}>", job["guard_seconds"]))]
    send("setup", dumps(setup_errors).encode())
    skip = set(job.get("skip_exercises", ()))
    for block in job["blocks"]:
        if block["exercise"] in skip:
            continue
        own = block["exercise"] == exercise.id
        send("step", f"block {block['exercise']}".encode())
        problem = run(block["code"], block["label"], None if own else job["guard_seconds"])
        if problem and own:
            own_errors.append(f"{block['label']}: {problem}")

    restore(saved)
    send("step", b"calls")
    presence = check_presence(exercise, namespace)
    outcomes = []
    if not presence.missing and not presence.not_callable:
        outcomes = collect_outcomes(exercise, namespace, cases, catch=BaseException)
    restore(saved)
    send("step", b"report")
    arrays: list = []
    for outcome in outcomes:
        try:
            outcome.value = encode(outcome.value, arrays)
            if outcome.gradient is not None:
                outcome.gradient = tuple(encode(g, arrays) for g in outcome.gradient)
        except base_exception:  # noqa: BLE001 - a value that will not say what it is
            outcome.value = {"unsupported": "a value that could not be read"}
            outcome.gradient = None
    presence.defined = presence.defined[:500]
    presence.unwritten = presence.unwritten[:50]
    report = report_type(presence=presence, outcomes=outcomes, own_errors=own_errors[:20])
    send("result", pack(to_plain(report), arrays))
    exit_now(0)


# ---------------------------------------------------------------------------------------------
# the fork server


def serve(sandboxed: bool) -> None:
    """The fork server (see the module docstring). `sandboxed`: it runs inside bubblewrap, and
    gives every child fresh namespaces; otherwise every child gets its own session and folder."""
    if sandboxed:
        from nncourse.grading.namespaces import become_unprivileged

        become_unprivileged()
    import numpy  # noqa: F401 - imported once here, inherited by every child

    from nncourse.grading import evaluate, namespaces, transport  # noqa: F401
    from nncourse.grading.catalog import all_exercises

    all_exercises()  # every exercise imported here once, before any child
    # The modules' contents as every child starts with them, taken once here: the server runs no
    # learner code, so this is what each child would take itself, and a child that copied them
    # would write to every page it shares with the server (a copy per page; ~5 ms a child).
    saved = snapshot()
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    for line in reader:
        command, _, size = line.decode("ascii", errors="replace").strip().partition(" ")
        if command != "RUN" or not size.isdigit():
            continue
        message = reader.read(int(size))
        code, ended, report = _run_job(message, sandboxed, saved)
        writer.write(f"EXIT {code} {ended} {len(report)}\n".encode() + report)
        writer.flush()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    seconds = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    writer.write(f"CPU {seconds:.6f}\n".encode())  # the server and its children, for the grader
    writer.flush()


def _run_job(message: bytes, sandboxed: bool, saved) -> tuple[int, str, bytes]:
    """Fork the child for one job, collect its report, enforce its time limit."""
    from nncourse.grading import namespaces, transport

    job, arrays = transport.unpack(message)
    arrays = [a.copy() for a in arrays]
    workdir = (namespaces.SANDBOX_WORKDIR if sandboxed
               else tempfile.mkdtemp(prefix="nncourse-grade-"))
    in_use = _address_space_in_use()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _become_child(job, arrays, write_end, workdir, sandboxed, in_use, saved)
    os.close(write_end)
    try:
        status, ended, report = _collect(read_end, pid, job["wall_seconds"], sandboxed)
    finally:
        if not sandboxed:  # (in the sandbox, its PID namespace has ended with it)
            _kill(pid, sandboxed)  # the child's session: whatever it left running
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        os.close(read_end)
    return os.waitstatus_to_exitcode(status), ended, report


def _collect(read_end: int, pid: int, wall_seconds: float, sandboxed: bool
             ) -> tuple[int, str, bytes]:
    """Read the child's report until it has ended (or its time is up, or it sent too much)."""
    deadline = time.monotonic() + wall_seconds
    chunks, size, ended, status, end_of_file, linger = [], 0, "exited", None, False, 0.0
    while True:
        ready, _, _ = select.select([read_end], [], [], 0.02)
        if ready and not end_of_file:
            chunk = os.read(read_end, 1 << 16)
            end_of_file = not chunk
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPORT_BYTES:
                ended = "overflow"
                break
        if status is None:
            done, status_now = os.waitpid(pid, os.WNOHANG)
            if done:
                status = status_now
                linger = time.monotonic() + (1.0 if sandboxed else 0.02)
        if status is not None and (end_of_file or (not ready and time.monotonic() > linger)):
            break
        if status is None and time.monotonic() > deadline:
            ended = "timeout"
            break
    if status is None:
        _kill(pid, sandboxed)
        _, status = os.waitpid(pid, 0)
    return status, ended, b"".join(chunks)[:MAX_REPORT_BYTES + 1]


def _kill(pid: int, sandboxed: bool) -> None:
    """End a child: in the sandbox, killing it ends its PID namespace and all in it."""
    try:
        if sandboxed:
            os.kill(pid, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _become_child(job: dict, arrays: list, report_fd: int, workdir: str, sandboxed: bool,
                  in_use: int, saved) -> None:
    """In the forked process: fresh namespaces (or a session of its own), no inherited file but
    the report pipe, the job's folder, the limits; then `main`. Never returns."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        report_fd = os.dup2(report_fd, 3)
        os.closerange(4, 1 << 16)
        os.setsid()  # its own session and process group: kill(0) reaches nothing else
        if sandboxed:
            from nncourse.grading import namespaces

            namespaces.enter_fresh_namespaces()
            pid = os.fork()
            if pid:
                os.close(report_fd)
                _, status = os.waitpid(pid, 0)
                _exit_like(status)
            os.setsid()
            namespaces.seal(workdir, TMPFS_BYTES)
        os.chdir(workdir)
        os.environ.update(HOME=workdir, TMPDIR=workdir, MPLCONFIGDIR=workdir)
        _limit_resources(int(job["cpu_seconds"]), int(job["memory_bytes"]), in_use)
        main(job, arrays, report_fd, saved)
    finally:
        os._exit(70)


def _exit_like(status: int) -> None:
    """Leave with the same exit code, or die of the same signal, as the child whose status this
    is (so the grader can tell a memory kill from sys.exit)."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF)

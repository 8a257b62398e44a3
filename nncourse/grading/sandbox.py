"""Starting a child process that runs learner code, with limits, and reading what it left.

Children come from a fork server (`child.serve`), one per grading thread: a `python -I` process
(isolated mode: no user site-packages, no PYTHON* variables, and neither the current folder nor
the notebook's folder on `sys.path`, so a learner's file named `numpy.py` cannot shadow anything)
started with a minimal environment, which has imported numpy and the exercises and never runs
learner code. For each exercise it forks a fresh child that runs in its own empty temporary
folder, in its own session (so it and anything it starts can be killed together), with stdout
discarded. The child limits its own CPU time, memory and file sizes before it runs any learner
code (see `child.py`); the grader adds a wall-clock timeout and kills the child's whole process
group when it is done or out of time. A server that dies (a child could kill it) is replaced.

`run_child` never raises for anything the learner's code does; it returns a `ChildRun` that holds
either the child's result or the reason there is none ("took longer than 10 s", ...).
"""

from __future__ import annotations

import atexit
import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import nncourse
from nncourse.grading import transport

PACKAGE_ROOT = str(Path(nncourse.__file__).resolve().parent.parent)
SERVER_BOOTSTRAP = (
    "import sys; sys.path.append(sys.argv[1]); "
    "from nncourse.grading.child import serve; serve()"
)
STARTUP_ALLOWANCE = 1.0  # seconds for the child to read its job, on top of the limit
SERVER_START_TIMEOUT = 120.0  # the first start imports numpy and the engine: slow on a busy machine


@dataclass
class ChildJob:
    """Everything one child needs: which exercise, which code, which inputs, which limits."""

    exercise_id: str
    setup: list[str]
    blocks: list[dict]  # {"exercise": id, "code": str, "label": str}, in notebook order
    inputs: list[dict]  # {"name": case name, "args": skeleton}
    input_arrays: dict[str, np.ndarray]
    timeout: float = 10.0
    memory_bytes: int = 1 << 30
    skip_exercises: list[str] = field(default_factory=list)


@dataclass
class ChildRun:
    """What came back: the result (decoded JSON + arrays) or why there is none."""

    result: dict | None
    arrays: dict[str, np.ndarray]
    failure: str | None
    last_step: str | None
    seconds: float
    infrastructure: bool = False  # True when the child failed before any learner code ran

    def culprit(self) -> str | None:
        """The exercise whose cell was running when the child died, if any."""
        if self.last_step and self.last_step.startswith("block "):
            return self.last_step[len("block "):]
        return None


def child_environment(workdir: str) -> dict[str, str]:
    """A minimal environment: no inherited variables except a plain PATH."""
    return {
        "PATH": os.defpath,
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": workdir,
    }


class ServerLost(Exception):
    """The fork server ended or stopped answering."""


class ForkServer:
    """One fork server process and the line protocol to talk to it (see `child.serve`)."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="nncourse-server-")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", SERVER_BOOTSTRAP, PACKAGE_ROOT],
            cwd=self.home, env=child_environment(self.home), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self.pending = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def start(self, workdir: Path) -> int:
        """Fork a child for the job in `workdir`; returns its pid."""
        try:
            self.process.stdin.write(f"RUN {workdir}\n".encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise ServerLost(str(error)) from None
        line = self.read_line(SERVER_START_TIMEOUT)
        if line is None or not line.startswith("PID "):
            raise ServerLost(f"unexpected answer {line!r}")
        return int(line.split()[1])

    def wait(self, timeout: float) -> int | None:
        """The child's exit code, or None if it is still running after `timeout` seconds."""
        line = self.read_line(timeout)
        if line is None:
            return None
        if not line.startswith("EXIT "):
            raise ServerLost(f"unexpected answer {line!r}")
        return int(line.split()[1])

    def read_line(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while b"\n" not in self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise ServerLost("the fork server ended")
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return line.decode("utf-8", errors="replace")

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        _kill_group(self.process.pid)
        self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


_local = threading.local()
_servers: list[ForkServer] = []
_servers_lock = threading.Lock()


def _server() -> ForkServer:
    """This thread's fork server, started (again) when needed."""
    server = getattr(_local, "server", None)
    if server is None or not server.alive():
        if server is not None:
            server.close()
        server = ForkServer()
        _local.server = server
        with _servers_lock:
            _servers.append(server)
    return server


def close_servers() -> None:
    """Stop every fork server (the grader calls this when a batch is done)."""
    with _servers_lock:
        servers, _servers[:] = list(_servers), []
    for server in servers:
        server.close()
    _local.__dict__.clear()


atexit.register(close_servers)


def run_child(job: ChildJob) -> ChildRun:
    """Run one child to the end (or to its time limit) and collect its result."""
    workdir = tempfile.mkdtemp(prefix="nncourse-grade-")
    try:
        return _run_in(Path(workdir), job)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_in(work: Path, job: ChildJob) -> ChildRun:
    (work / "job.json").write_text(json.dumps({
        "exercise_id": job.exercise_id,
        "setup": job.setup,
        "blocks": job.blocks,
        "skip_exercises": job.skip_exercises,
        "cpu_seconds": int(math.ceil(job.timeout)) + 1,
        "memory_bytes": job.memory_bytes,
        "guard_seconds": max(0.2, job.timeout / 4),
    }), encoding="utf-8")
    transport.save(work / "inputs", job.inputs, job.input_arrays)
    started = time.perf_counter()
    timed_out, returncode = False, None
    try:
        server = _server()
        pid = server.start(work)
    except ServerLost as error:
        return ChildRun(None, {}, f"the grading process could not start ({error})", None,
                        time.perf_counter() - started, infrastructure=True)
    try:
        returncode = server.wait(job.timeout + STARTUP_ALLOWANCE)
        if returncode is None:
            timed_out = True
            _kill_group(pid)
            returncode = server.wait(SERVER_START_TIMEOUT)
    except ServerLost:  # the child (or something) ended the server: watch the child directly
        server.close()
        deadline = started + job.timeout + STARTUP_ALLOWANCE
        while _still_running(pid, work) and time.perf_counter() < deadline:
            time.sleep(0.01)
        timed_out = _still_running(pid, work)
    _kill_group(pid)  # anything the child left running
    seconds = time.perf_counter() - started
    steps = _read_steps(work / "progress.txt")
    last_step = steps[-1] if steps else None
    if not timed_out and last_step == "done":
        try:
            result, arrays = transport.load(work / "result")
            return ChildRun(result, arrays, None, last_step, seconds)
        except (OSError, ValueError, KeyError) as error:
            return ChildRun(None, {}, f"its result could not be read ({error})", last_step,
                            seconds)
    reason = _failure_reason(returncode, timed_out, job, work)
    before_learner_code = not steps and not timed_out
    return ChildRun(None, {}, reason, last_step, seconds, infrastructure=before_learner_code)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _still_running(pid: int, work: Path) -> bool:
    """Whether a child that is no longer ours to wait for is still at work."""
    if _read_steps(work / "progress.txt")[-1:] == ["done"]:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _read_steps(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line]


def _failure_reason(returncode: int | None, timed_out: bool, job: ChildJob, work: Path) -> str:
    if timed_out:
        return f"it took longer than {job.timeout:g} s (an endless loop?)"
    if returncode is not None and returncode < 0:
        signum = -returncode
        if signum == signal.SIGXCPU:
            return f"it used more than {job.timeout:g} s of CPU time (an endless loop?)"
        if signum == signal.SIGKILL:
            return "it was killed (too much memory?)"
        return f"it crashed (signal {signal.Signals(signum).name})"
    tail = _stderr_tail(work / "stderr.txt")
    if "MemoryError" in tail:
        return f"it ran out of memory (the limit is {job.memory_bytes // (1 << 20)} MB)"
    if returncode is None:
        return "the process ended before giving a result"
    return (f"the process ended before giving a result (exit code {returncode}: "
            f"sys.exit or os._exit?)")


def _stderr_tail(path: Path, size: int = 2000) -> str:
    try:
        data = path.read_bytes()[-size:]
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace")


def decode_outcomes(run: ChildRun) -> list[dict[str, Any]]:
    """The child's outcomes with their values decoded from the transport format."""
    decoded = []
    for raw in run.result.get("outcomes", []):
        gradient = raw.get("gradient")
        decoded.append({
            "value": transport.decode(raw.get("value"), run.arrays),
            "error": raw.get("error"),
            "gradient": None if gradient is None else
            tuple(transport.decode(g, run.arrays) for g in gradient),
            "gradient_error": raw.get("gradient_error"),
        })
    return decoded

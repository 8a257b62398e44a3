"""Where learner code runs: a bubblewrap sandbox holding a fork server, one fresh child per job.

Each grading thread has a fork server (`child.serve`): a `python -I` process (isolated mode: no
user site-packages, no PYTHON* variables, neither the current folder nor the notebook's folder on
`sys.path`, so a learner's file named `numpy.py` cannot shadow anything) with a minimal
environment, which has imported numpy and the exercises and never runs learner code.

With bubblewrap (`bwrap`, Debian package `bubblewrap`) the server starts inside a sandbox:

- new PID, network, IPC, UTS and mount namespaces (and a user namespace, unless the grader runs as
  root: then the server becomes the unprivileged user `nobody` itself before it imports anything);
- a read-only root folder that holds only the system folders and the Python environment, a
  read-only private /dev, and a fresh tmpfs at /nncourse-work as the only writable place (not
  /tmp: the Python environment may live there): nothing of the instructor's files is there
  (solutions, hidden checks, submissions, the output folder; any of them that lies inside a
  folder the sandbox needs is covered by an empty tmpfs);
- `--die-with-parent` and `--new-session`: if the grader dies, the sandbox dies with it, and no
  process in it can push keystrokes into the grader's terminal.

For every exercise the server forks a child, which takes new user, PID, mount, IPC and UTS
namespaces of its own (`namespaces`), its own tmpfs, an empty /proc and no capabilities, and
limits its CPU time, memory, file sizes, processes and open files (`child`). Learners therefore
never share a process, a folder or a namespace, and when a child ends, the kernel ends everything
it started. Measured here: the sandbox adds about 6 ms per server start and a few per exercise;
`benchmarks/grading.py` prints both modes side by side.

Without bubblewrap (macOS, Windows, a Linux without user namespaces) children still run in a
fresh process, in their own session and temporary folder, with the same limits, but they can read
what the grader's user can read: `Sandbox.mode` is then "none", and the grader says so.

`run_child` never raises for anything the learner's code does; it returns a `ChildRun` holding
the child's report (still untrusted, decoded by the grader) or the reason there is none.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import nncourse
from nncourse.errors import CourseError
from nncourse.grading import transport
from nncourse.grading.child import MAX_REPORT_BYTES
from nncourse.grading.namespaces import SANDBOX_WORKDIR

SandboxChoice = Literal["auto", "required", "off"]
PACKAGE_DIR = Path(nncourse.__file__).resolve().parent
SERVER_BOOTSTRAP = (
    "import sys; sys.path.append(sys.argv[1]); "
    "from nncourse.grading.child import serve; serve(sys.argv[2] == 'sandboxed')"
)
SERVER_START_TIMEOUT = 120.0  # the first start imports numpy and the engine: slow on a busy machine
ANSWER_ALLOWANCE = 5.0  # seconds for the server to answer, beyond the child's own limit
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass
class ChildJob:
    """Everything one child needs: which exercise, which code, which inputs, which limits."""

    exercise_id: str
    setup: list[str]
    blocks: list[dict]  # {"exercise": id, "code": str, "label": str}, in notebook order
    inputs: list[dict]  # {"name": case name, "args": skeleton}
    input_arrays: list
    timeout: float = 10.0
    memory_bytes: int = 1 << 30
    skip_exercises: list[str] = field(default_factory=list)

    def message(self) -> bytes:
        return transport.pack({
            "exercise_id": self.exercise_id, "setup": self.setup, "blocks": self.blocks,
            "inputs": self.inputs, "skip_exercises": self.skip_exercises,
            "cpu_seconds": int(self.timeout) + 1, "memory_bytes": self.memory_bytes,
            "guard_seconds": max(0.2, self.timeout / 4), "wall_seconds": self.timeout + 1.0,
        }, self.input_arrays)


@dataclass
class ChildRun:
    """What came back: the child's records (untrusted) or why there are none."""

    records: list[tuple[str, bytes]]
    exit_code: int | None
    failure: str | None
    seconds: float
    infrastructure: bool = False  # True when the child failed before any learner code ran

    @property
    def steps(self) -> list[str]:
        return [data.decode("utf-8", errors="replace") for kind, data in self.records
                if kind == "step"]

    def culprit(self) -> str | None:
        """The exercise whose cell was running when the child died, if any."""
        steps = self.steps
        if steps and steps[-1].startswith("block "):
            return steps[-1][len("block "):]
        return None

    def first(self, kind: str) -> bytes | None:
        return next((data for k, data in self.records if k == kind), None)


def child_environment(home: str) -> dict[str, str]:
    """A minimal environment: no inherited variables except a plain PATH."""
    return {
        "PATH": os.defpath, "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": home,
    }


# ---------------------------------------------------------------------------------------------
# the sandbox's command line


def python_folders() -> list[Path]:
    """The folders the interpreter, the standard library and the installed packages live in."""
    folders = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
               Path(sys.base_exec_prefix), Path(sys.executable).parent,
               Path(os.path.realpath(sys.executable)).parent.parent}
    return sorted(f.resolve() for f in folders if f.is_dir())


def bwrap_command(hidden: Iterable[Path] = ()) -> list[str]:
    """The bubblewrap command that starts a fork server (see the module docstring). `hidden`:
    the instructor's folders and files, covered if they lie inside a folder the sandbox shows."""
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--die-with-parent", "--new-session"]
    if os.getuid() != 0:
        command.append("--unshare-user")
    command += ["--tmpfs", "/"]
    shown: list[Path] = []

    def bind(path: Path) -> None:
        for parent in reversed(path.parents[:-1]):
            command.extend(["--perms", "0755", "--dir", str(parent)])
        command.extend(["--ro-bind", str(path), str(path)])
        shown.append(path)

    for folder in SYSTEM_FOLDERS:
        path = Path(folder)
        if path.is_symlink():
            command.extend(["--symlink", os.readlink(path), folder])
        elif path.is_dir():
            bind(path)
    for folder in [*python_folders(), PACKAGE_DIR]:
        if not any(folder == s or s in folder.parents for s in shown):
            bind(folder)
    for path in sorted({Path(p).resolve() for p in hidden}):
        if any(path == s or s in path.parents for s in shown) and path.exists():
            command.extend(["--tmpfs", str(path)] if path.is_dir() else
                           ["--ro-bind", "/dev/null", str(path)])
    command += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", SANDBOX_WORKDIR,
                "--chdir", SANDBOX_WORKDIR,
                "--remount-ro", "/", "--remount-ro", "/dev"]
    return command


def server_command(sandboxed: bool, hidden: Iterable[Path] = ()) -> list[str]:
    python = [sys.executable, "-I", "-c", SERVER_BOOTSTRAP, str(PACKAGE_DIR.parent),
              "sandboxed" if sandboxed else "plain"]
    return [*bwrap_command(hidden), *python] if sandboxed else python


# ---------------------------------------------------------------------------------------------
# fork servers


class ServerLost(Exception):
    """The fork server ended or stopped answering."""


class ForkServer:
    """One fork server process and the protocol to talk to it (see `child`)."""

    def __init__(self, sandboxed: bool, hidden: Iterable[Path] = ()):
        self.home = SANDBOX_WORKDIR if sandboxed else None
        env_home = self.home or os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
        self.process = subprocess.Popen(
            server_command(sandboxed, hidden), cwd=None if sandboxed else env_home,
            env=child_environment(env_home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self.pending = bytearray()
        self.started = False
        self.cpu_seconds = 0.0  # what the server and its children used, known once it is closed

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, message: bytes, wall_seconds: float) -> tuple[int, str, bytes]:
        """Send one job; (exit code, how it ended, the child's report)."""
        try:
            self.process.stdin.write(b"RUN %d\n" % len(message) + message)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise ServerLost(str(error)) from None
        allowance = wall_seconds + ANSWER_ALLOWANCE
        if not self.started:
            allowance += SERVER_START_TIMEOUT
        line = self.read_exactly(None, allowance)
        self.started = True
        parts = line.decode("ascii", errors="replace").split()
        if len(parts) != 4 or parts[0] != "EXIT" or not parts[3].isdigit():
            raise ServerLost(f"unexpected answer {line[:80]!r}")
        size = int(parts[3])
        if size > MAX_REPORT_BYTES + 1:
            raise ServerLost("the answer is too long")
        return int(parts[1]), parts[2], self.read_exactly(size, ANSWER_ALLOWANCE)

    def read_exactly(self, size: int | None, timeout: float) -> bytes:
        """`size` bytes, or (for None) one line without its newline."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while (b"\n" not in self.pending) if size is None else (len(self.pending) < size):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerLost("no answer in time")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise ServerLost("the fork server ended")
                self.pending += chunk  # a bytearray: appending does not copy what is there
        if size is None:
            end = self.pending.index(b"\n")
            line = bytes(self.pending[:end])
            del self.pending[:end + 1]
            return line
        data = bytes(self.pending[:size])
        del self.pending[:size]
        return data

    def close(self) -> None:
        """End the server: it leaves when its input closes (so its CPU time is counted in the
        grader's children); one that does not is killed with its whole process group."""
        try:
            self.process.stdin.close()
            line = self.read_exactly(None, 2.0).decode("ascii", errors="replace").split()
            if len(line) == 2 and line[0] == "CPU":
                self.cpu_seconds = float(line[1])
            self.process.wait(timeout=2)
        except (OSError, ValueError, ServerLost, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()


class Sandbox:
    """The fork servers of one grading batch, one per thread; `mode` is "bubblewrap" or "none".

    `choice`: "auto" (bubblewrap when it works here, else none, with `warning` saying so),
    "required" (CourseError when it does not work, before any learner code runs), "off"."""

    def __init__(self, choice: SandboxChoice = "auto", hidden: Iterable[Path] = ()):
        self.hidden = [Path(p) for p in hidden]
        self.local = threading.local()
        self.servers: list[ForkServer] = []
        self.lock = threading.Lock()
        self.warning: str | None = None
        self.cpu_seconds = 0.0  # CPU time of the closed fork servers and all their children
        problem = None if choice == "off" else bubblewrap_problem()
        if choice == "off":
            self.mode = "none"
            self.warning = ("warning: grading WITHOUT a sandbox (--sandbox off): learner code can "
                            "read and change what you can")
        elif problem is None:
            self.mode = "bubblewrap"
        elif choice == "required":
            raise CourseError(f"--sandbox required, but the sandbox cannot run here: {problem}. "
                              f"Nothing was graded.")
        else:
            self.mode = "none"
            self.warning = (f"warning: grading WITHOUT a sandbox ({problem}): learner code can "
                            f"read and change what you can; install bubblewrap, or use "
                            f"--sandbox required to refuse")

    @property
    def sandboxed(self) -> bool:
        return self.mode == "bubblewrap"

    def server(self) -> ForkServer:
        """This thread's fork server, started (again) when needed."""
        server = getattr(self.local, "server", None)
        if server is None or not server.alive():
            if server is not None:
                server.close()
            server = ForkServer(self.sandboxed, self.hidden)
            self.local.server = server
            with self.lock:
                self.servers.append(server)
        return server

    def close(self) -> None:
        """Stop every fork server (the grader calls this when a batch is done)."""
        with self.lock:
            servers, self.servers = self.servers, []
        for server in servers:
            server.close()
            self.cpu_seconds += server.cpu_seconds
        self.local = threading.local()

    def run_child(self, job: ChildJob) -> ChildRun:
        """Run one child to its end (or its time limit) and collect its records."""
        started = time.perf_counter()
        wall = job.timeout + 1.0
        try:
            server = self.server()
            code, ended, report = server.run(job.message(), wall)
        except ServerLost as error:
            self.local.server = None
            server.close()
            return ChildRun([], None, f"the grading process failed ({error})",
                            time.perf_counter() - started, infrastructure=True)
        seconds = time.perf_counter() - started
        records, complete = read_records(report)
        run = ChildRun(records, code, None, seconds)
        if ended == "timeout":
            run.failure = f"it took longer than {job.timeout:g} s (an endless loop?)"
        elif ended == "overflow":
            run.failure = "it sent far more data than a result holds"
        elif not complete:
            run.failure = "what it sent could not be read (your code interfered with the grader)"
        elif run.first("result") is None:
            run.failure = _failure_reason(code, job)
            run.infrastructure = not run.steps
        return run


def read_records(data: bytes) -> tuple[list[tuple[str, bytes]], bool]:
    """The records of a child's report (see `child`), and whether the data was all records."""
    records, offset, view = [], 0, memoryview(data)
    while offset < len(view):
        newline = bytes(view[offset:offset + 32]).find(b"\n")
        parts = bytes(view[offset:offset + max(newline, 0)]).split()
        if newline < 0 or len(parts) != 2 or parts[0] not in (b"step", b"setup", b"result") or \
                not parts[1].isdigit():
            return records, False
        start, size = offset + newline + 1, int(parts[1])
        if start + size > len(view):
            return records, False
        records.append((parts[0].decode(), bytes(view[start:start + size])))
        offset = start + size
    return records, True


def _failure_reason(code: int | None, job: ChildJob) -> str:
    if code is not None and code < 0:
        signum = -code
        if signum == signal.SIGXCPU:
            return f"it used more than {job.timeout:g} s of CPU time (an endless loop?)"
        if signum == signal.SIGKILL:
            return "it was killed (too much memory?)"
        return f"it crashed (signal {signal.Signals(signum).name})"
    if code == 70:
        return (f"it stopped with an error before giving a result (out of memory? the limit is "
                f"{job.memory_bytes // (1 << 20)} MB)")
    return (f"the process ended before giving a result (exit code {code}: sys.exit or "
            f"os._exit?)")


def bubblewrap_problem() -> str | None:
    """None when bubblewrap can start a sandbox here (with namespaces inside it); otherwise why
    not, in a few words."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux, this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    probe = ("import sys; sys.path.append(sys.argv[1]); from nncourse.grading import namespaces; "
             "namespaces.probe()")
    try:
        completed = subprocess.run(
            [*bwrap_command(), sys.executable, "-I", "-c", probe, str(PACKAGE_DIR.parent)],
            capture_output=True, timeout=60, env=child_environment(SANDBOX_WORKDIR),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start ({error})"
    if completed.returncode != 0:
        text = (completed.stderr or completed.stdout).decode("utf-8", errors="replace").strip()
        return f"bubblewrap could not start a sandbox ({text.splitlines()[-1] if text else ''})"
    return None


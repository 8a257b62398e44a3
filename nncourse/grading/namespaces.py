"""Fresh Linux namespaces for each learner, made inside the grader's sandbox after a fork.

The fork server runs inside bubblewrap (see `sandbox`), as an unprivileged user. For each job it
forks a process that calls `enter_fresh_namespaces`: new user, PID, mount, IPC and UTS namespaces
(the network namespace is the sandbox's own, which has no interface but a loopback that is down).
That process forks once more; its child is process 1 of the new PID namespace, and calls
`seal`. When process 1 ends, the kernel kills every process left in its namespace, so nothing a
learner starts (with `setsid`, a double fork, a daemon thread) outlives the exercise. The fresh
IPC namespace takes any System V shared memory a learner made with it, and the fresh mount
namespace gives each learner a private, size-limited tmpfs as the only writable folder.

Python 3.11 has no `os.unshare` or `mount`, so the system calls go through ctypes.
"""

from __future__ import annotations

import ctypes
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
LAST_CAPABILITY = 63
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def enter_fresh_namespaces() -> None:
    """Move this process into new user, PID, mount, IPC and UTS namespaces, keeping its uid and
    gid (the user namespace maps only those). The next child forked is process 1 of the PID
    namespace."""
    uid, gid = os.getuid(), os.getgid()
    _call(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")
    _call(_libc.unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS),
          "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                       ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def seal(workdir: str, tmpfs_bytes: int) -> None:
    """In process 1 of the fresh namespaces: die with the parent, a private tmpfs at `workdir`
    (the only writable place) and at /dev/shm, an empty /proc, no capabilities, and no way to
    gain any."""
    _call(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
    _call(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate")
    options = f"size={tmpfs_bytes},nr_inodes=4096,mode=0700".encode()
    _call(_libc.mount(b"tmpfs", workdir.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options),
          "mount tmpfs")
    if os.path.isdir("/dev/shm"):  # shared memory (multiprocessing.shared_memory) too
        _call(_libc.mount(b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          b"size=16777216,nr_inodes=64,mode=1777"), "mount tmpfs on /dev/shm")
    _call(_libc.mount(b"tmpfs", b"/proc", b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      b"size=4096,nr_inodes=8,mode=0555"), "mount over /proc")
    _call(_libc.sethostname(b"sandbox", 7), "sethostname")
    drop_capabilities()


def drop_capabilities() -> None:
    """No capabilities (effective, permitted, inheritable, ambient, bounding) and no_new_privs:
    the learner's code runs as a plain unprivileged user, even inside its own namespaces."""
    _call(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    for capability in range(LAST_CAPABILITY + 1):
        _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # EINVAL past the kernel's last one
    header = (ctypes.c_uint32 * 2)(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()  # two {effective, permitted, inheritable}, all zero
    _call(_libc.capset(header, data), "capset")


def become_unprivileged() -> None:
    """When started by root (bubblewrap run by root makes no user namespace), become `nobody`:
    setting every uid away from 0 clears every capability."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)


# The sandbox's only writable folder: a fresh tmpfs per learner. Not /tmp, because the Python
# environment the sandbox shows read-only may itself live under /tmp (a CI checkout, say).
SANDBOX_WORKDIR = "/nncourse-work"


def probe() -> None:
    """What the fork server does for a child, once, with nothing to run: exits 0 when it works
    here, and with the reason otherwise (`sandbox.bubblewrap_problem` runs it in bubblewrap)."""
    become_unprivileged()
    pid = os.fork()
    if pid == 0:
        try:
            enter_fresh_namespaces()
            inner = os.fork()
            if inner == 0:
                seal(SANDBOX_WORKDIR, 1 << 20)
                os._exit(0)
            _, status = os.waitpid(inner, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        except BaseException as error:  # noqa: BLE001 - reported by the exit status and stderr
            os.write(2, f"{error}\n".encode())
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("fresh namespaces cannot be made inside the sandbox")

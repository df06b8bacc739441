"""Run the ``coder`` command as a user types it, in a child process with bounded memory and time.

A plain module (no pytest). :func:`run_bounded` forks the test process and runs
``coder.cli.main.run(argv)`` in the child, the command's whole path from its arguments to its
exit status, with the child's standard streams in files. The child gets:

* an address-space limit (``RLIMIT_AS``) of ``memory`` bytes *beyond what it was forked
  with*, so a case that tries to inflate a bomb dies of MemoryError instead of swapping;
* optionally a file-size limit (``RLIMIT_FSIZE``) with ``SIGXFSZ`` ignored, so a write past it
  fails with ``EFBIG`` as a write to a full disk fails with ``ENOSPC``;
* ``timeout`` seconds, after which its whole process group is killed (and any process of the
  group still there when the command ends, a worker it failed to stop, is killed too).

Forking keeps the modules the test process has loaded, so a case costs what the command does,
not a new interpreter's start-up (five seconds on a loaded machine). The result says how long
the command took and how much its resident memory grew (``wait4``'s peak RSS less the RSS it
was forked with).
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GIB = 1024**3
#: The exit status of a child whose command raised instead of returning.
CRASHED = 70


@dataclass(frozen=True)
class Outcome:
    """What one bounded run of ``coder`` did."""

    argv: tuple[str, ...]
    status: int | None  # exit status; None when killed by a signal
    killed_by: int | None  # the signal that ended it, if any
    timed_out: bool
    stdout: str
    stderr: str
    seconds: float
    rss_growth_mb: float

    @property
    def error_lines(self) -> list[str]:
        """Non-empty lines on standard error."""
        return [line for line in self.stderr.splitlines() if line.strip()]

    def describe(self) -> str:
        return (
            f"coder {' '.join(self.argv)}: status {self.status}, signal {self.killed_by},"
            f" timed out {self.timed_out}, {self.seconds:.1f} s, +{self.rss_growth_mb:.0f} MB\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_bounded(
    argv: Sequence[str],
    *,
    memory: int = GIB,
    timeout: float = 60.0,
    file_size: int | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Outcome:
    """Run ``coder <argv>`` in a forked child under the limits above; see the module."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _run(argv, out, err, memory, timeout, file_size, env, cwd)


def _run(
    argv: Sequence[str],
    out: IO[bytes],
    err: IO[bytes],
    memory: int,
    timeout: float,
    file_size: int | None,
    env: Mapping[str, str] | None,
    cwd: Path | None,
) -> Outcome:
    rss_at_fork_kb = _status_kb("VmRSS")
    sys.stdout.flush()
    sys.stderr.flush()
    began = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(argv, out.fileno(), err.fileno(), memory, file_size, env, cwd)
    deadline = began + timeout
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            timed_out = True
            for target in (-pid, pid):  # its process group (workers too), then itself
                with contextlib.suppress(ProcessLookupError):
                    os.kill(target, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.01)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)  # workers the command left behind: none should outlive it
    seconds = time.monotonic() - began
    out.seek(0)
    err.seek(0)
    return Outcome(
        argv=tuple(argv),
        status=os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        killed_by=os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        timed_out=timed_out,
        stdout=out.read().decode("utf-8", "replace"),
        stderr=err.read().decode("utf-8", "replace"),
        seconds=seconds,
        rss_growth_mb=max(0, usage.ru_maxrss - rss_at_fork_kb) / 1024,
    )


def _child(
    argv: Sequence[str],
    out: int,
    err: int,
    memory: int,
    file_size: int | None,
    env: Mapping[str, str] | None,
    cwd: Path | None,
) -> None:
    status = CRASHED
    try:
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        # Nothing else of the test process: not its database connections, and not the pipes
        # of whoever reads pytest's output (a worker the command leaves behind would hold them).
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
        limit = _status_kb("VmSize") * 1024 + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
        if env is not None:
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        from coder.cli.main import run

        status = run(list(argv))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        status = CRASHED
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)

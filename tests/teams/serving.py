"""``coder serve`` started for a test: the real command in a process of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coder.db.engine import Store

REPO = Path(__file__).resolve().parents[2]
#: The token the tests give ``coder serve`` (through its environment variable).
TOKEN = "test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


@dataclass
class Serving:
    """A running ``coder serve``: its base address, its process and what it printed."""

    base: str
    process: subprocess.Popen[str]
    output: str = ""

    @property
    def url(self) -> str:
        """The address ``coder serve`` prints: the page, with the token."""
        return f"{self.base}/?token={TOKEN}"

    @property
    def origin(self) -> str:
        return self.base

    @property
    def ws(self) -> str:
        return f"ws{self.base.removeprefix('http')}/ws?width=80&height=24"


@contextmanager
def running_serve(
    store: Store, coder: str, cwd: Path, *options: str, command: str | None = None
) -> Iterator[Serving]:
    """``coder serve`` on the project (or ``command``, a Python snippet, instead), until the
    block ends; then stopped as Ctrl+C would and its output kept."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "CODER_SERVE_TOKEN": TOKEN}
    env.pop("CODER_PROJECT", None)
    snippet = command or "import typer; from coder.cli.serve import serve; typer.run(serve)"
    arguments = ["-p", store.url, "--coder", coder, "--port", str(port), *options]
    server = subprocess.Popen(
        [sys.executable, "-c", snippet, *arguments],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    serving = Serving(f"http://127.0.0.1:{port}", server)
    try:
        wait_http(serving.url)
        yield serving
    finally:
        server.terminate()
        try:
            serving.output, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            serving.output, _ = server.communicate()

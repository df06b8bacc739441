"""End to end: the real `coder code` in a terminal (tmux), keystrokes, SIGKILL, database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coder.services.coding.codings import list_codings
from coder.services.project.lifecycle import create_project, open_project
from tests.factories import tui_project

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parents[2]


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=30
    ).stdout


def _wait_for(session: str, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def build_file_project(path: Path) -> None:
    store = create_project(path)
    try:
        tui_project(store)
    finally:
        store.dispose()


def test_coding_survives_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "e2e.db"
    build_file_project(db)
    session = f"coder-e2e-{os.getpid()}"
    pid_file = tmp_path / "pid"
    command = (
        f"cd {REPO} && echo $$ > {pid_file} && exec env PYTHONPATH={REPO} "
        f"{sys.executable} -m coder code -p {db} --coder carol"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    try:
        _wait_for(session, "interview-01")
        _tmux("send-keys", "-t", session, "Enter")
        _wait_for(session, "not coded")
        _tmux("send-keys", "-t", session, "j")
        _wait_for(session, "[44-85]")
        _tmux("send-keys", "-t", session, "3")
        _wait_for(session, "Applied Barriers")
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGKILL)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    store = open_project(db)
    try:
        got = [(c.start, c.end, str(c.code_path)) for c in list_codings(store, coders=["carol"])]
    finally:
        store.dispose()
    assert got == [(44, 85, "Barriers")]

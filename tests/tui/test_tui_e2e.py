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
from tests.factories import TURNS_INTERVIEW, tui_project, turns_project

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


def _locate(screen: str, word: str) -> tuple[int, int]:
    """(row, column), 0-based, of the first place ``word`` shows on the captured screen."""
    for row, line in enumerate(screen.splitlines()):
        column = line.find(word)
        if column >= 0:
            return row, column
    raise AssertionError(f"{word!r} is not on the screen:\n{screen}")


def _mouse(session: str, button: int, column: int, row: int, release: bool = False) -> None:
    """One SGR mouse report (1-based cells), as a terminal sends it for a press, drag or release."""
    final = "m" if release else "M"
    _tmux("send-keys", "-t", session, "-l", f"\x1b[<{button};{column + 1};{row + 1}{final}")


def _hold_write_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the project's write lock, as a coder mid-transaction would."""
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        f"time.sleep({seconds})\n"
        "c.execute('COMMIT')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_a_transcript_by_keys_mouse_and_a_busy_database(tmp_path: Path) -> None:
    """Speakers on screen, arrows, a double apply, a mouse drag and a write held up for 10 s by
    another process: no traceback, and every coding lands in the database exactly once."""
    db = tmp_path / "turns.db"
    store = create_project(db)
    try:
        turns_project(store)
    finally:
        store.dispose()
    session = f"coder-e2e-turns-{os.getpid()}"
    command = (
        f"cd {REPO} && exec env PYTHONPATH={REPO} "
        f"{sys.executable} -m coder code -p {db} --coder alice"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "32", command)
    try:
        _wait_for(session, "transcript-01")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, "Question 0")
        assert "Policy" in screen and "Interv" in screen  # who speaks is on the screen

        # Arrows, then the same key twice: applied once, refused once.
        _tmux("send-keys", "-t", session, "Down", "1")
        _wait_for(session, "Applied")
        _tmux("send-keys", "-t", session, "1")
        _wait_for(session, "already coded")

        # A drag from inside "Answer" onto "0" selects the words "Answer 0", nothing around.
        screen = _tmux("capture-pane", "-p", "-t", session)
        row, first = _locate(screen, "Answer 0")
        last = first + len("Answer ")
        _mouse(session, 0, first + 2, row)
        _mouse(session, 32, first + 4, row)
        _mouse(session, 32, last, row)
        _mouse(session, 0, last, row, release=True)
        start = TURNS_INTERVIEW.index("Answer 0 starts")
        end = start + len("Answer 0")
        _wait_for(session, f"[{start}-{end}]")
        _tmux("send-keys", "-t", session, "2")
        _wait_for(session, "Applied Motives/Credibility")

        # Another process holds the write lock for 10 s: the screen says so, then the coding
        # lands once.
        holder = _hold_write_lock(db, 10)
        try:
            _tmux("send-keys", "-t", session, "Down", "Down", "3")
            _wait_for(session, "busy", timeout=8)
            _wait_for(session, "Applied Barriers", timeout=40)
        finally:
            holder.wait(timeout=30)
        final = _tmux("capture-pane", "-p", "-t", session, "-S", "-200")
        assert "Traceback" not in final
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    store = open_project(db)
    try:
        got = [(c.start, c.end, str(c.code_path)) for c in list_codings(store, coders=["alice"])]
    finally:
        store.dispose()
    codes = sorted(code for _, _, code in got)
    assert codes == ["Barriers", "Motives/Credibility", "Motives/Need for evidence"], got
    assert (start, end, "Motives/Credibility") in got

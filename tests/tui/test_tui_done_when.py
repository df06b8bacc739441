"""The issue's bar: a new user, with the help screen alone, codes the demo and quits; the
command line then shows exactly those codings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coder.services.project.lifecycle import open_project
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.widgets.coded_text import CodedText

REPO = Path(__file__).resolve().parents[2]
CODER = [sys.executable, "-m", "coder"]


def run_coder(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [*CODER, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_coder("demo", "--no-tui", "-p", str(path), "--coder", "newcomer")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


async def test_new_user_flow_with_help_alone(demo_db: Path) -> None:
    store = open_project(demo_db)
    try:
        app = make_app(store, "newcomer")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.press("question_mark")  # the help screen tells them the keys below
            await pilot.pause()
            guide = " ".join(str(w.render()) for w in pilot.app.screen.query("Static"))
            for hint in ("Enter", "1-9", "memo", "n makes a new code", "u undoes", "q quits"):
                assert hint in guide
            await pilot.press("escape", "enter")  # open the first seed document
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            screen = pilot.app.screen
            assert isinstance(screen, CodingScreen)
            units = screen.query_one(CodedText).current_units
            first, second = screen.slots[1], screen.slots[2]
            await pilot.press("1", "j", "1", "j", "2")  # three sentences, two codes
            await pilot.press("m", *"Hedged claim", "ctrl+s")  # memo on the third coding
            await pilot.pause()
            await pilot.press("j", "n", *"Local politics", "enter")  # inductive code
            await pilot.pause()
            await pilot.press("u")  # undo: the new code and its coding go
            await pilot.pause()
            await pilot.press("q")
        doc = screen.document
        assert doc is not None
    finally:
        store.dispose()
    listed = run_coder("codings", "list", "-p", str(demo_db), "-c", "newcomer", "-f", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    got = sorted(
        (r["document"], r["start"], r["end"], r["code"], r.get("memo") or "") for r in rows
    )
    name = doc.summary.name
    assert got == sorted(
        [
            (name, units[0].start, units[0].end, str(first.path), ""),
            (name, units[1].start, units[1].end, str(first.path), ""),
            (name, units[2].start, units[2].end, str(second.path), "Hedged claim"),
        ]
    )
    codes = run_coder("codes", "list", "-p", str(demo_db), "--coder", "newcomer")
    assert "Local politics" not in codes.stdout

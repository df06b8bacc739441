"""The coding screen never crashes, never freezes, and says what it did.

Every write runs in a worker, one at a time in the order typed; a refusal (already coded, a
retired code, a coding gone, a database that fails) is one line and the screen stays as it was;
a database held by another writer is said on the status line while the coder keeps moving.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from textual.widgets import Static

from coder.db.engine import Store, sqlite_path
from coder.services.codebook.edit import retire_code
from coder.services.coding.codings import list_codings
from coder.services.coding.edits import apply_code, remove_coding
from coder.services.documents.reading import get_document
from coder.tui import screens
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from tests.factories import Names, code_named
from tests.pilot import codings_of, settle

SIZE = (110, 30)


def _status(screen: CodingScreen) -> str:
    return str(screen.query_one("#status", Static).render())


def _title(screen: CodingScreen) -> str:
    return str(screen.query_one("#coding-title", Static).render())


async def _open(pilot, store: Store, name: str = "interview-01") -> CodingScreen:
    await settle(pilot)
    screen = CodingScreen(pilot.app.context, get_document(store, name).summary.id)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def _errors(pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications if n.severity == "error"]


async def test_find_code_on_a_code_already_applied_is_refused_and_the_app_stays(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        await pilot.press("1")
        await pilot.press("f", *"need", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert _errors(pilot) == ["this text is already coded with 'Need for evidence'"]
        assert "already coded with 'Need for evidence'" in _status(screen)
        assert [(c.start, c.end) for c in screen.codings] == [(0, 43)]
    assert codings_of(project) == [(0, 43, "Motives/Need for evidence")]


async def test_a_code_retired_meanwhile_is_refused(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        # Another process retires the code on key 3 while the screen shows it.
        retire_code(project, actor="alice", code_id=Names(project).code("Barriers"))
        await pilot.press("3")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert _errors(pilot) == ["code 'Barriers' is retired; it cannot be applied"]
        assert screen.codings == []
    assert codings_of(project) == []


async def test_a_coding_removed_meanwhile_by_another_process(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        await pilot.press("1")
        await settle(pilot)
        (shown,) = screen.codings
        remove_coding(project, coder="alice", coding_id=shown.id)  # another process
        await pilot.press("x")
        await settle(pilot)
        assert pilot.app.screen is screen
        (refusal,) = _errors(pilot)
        assert refusal == _status(screen)
    assert codings_of(project) == []


async def test_a_failing_database_is_one_line_and_the_screen_stays(project, monkeypatch):
    def gone(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(screens.coding, "apply_code", gone)
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        await pilot.press("1")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert _errors(pilot) == [
            "the database refused the change (server closed the connection); nothing was changed"
        ]
        await pilot.press("j")  # the screen still answers
        await settle(pilot)
        assert screen.text_view.selection[0] > 0
    assert codings_of(project) == []


async def test_keys_typed_fast_land_in_order_exactly_once(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        # Apply, move, apply twice (the second refused), back, remove what 1 applied.
        await pilot.press("1", "j", "2", "2", "k", "x")
        await settle(pilot)
        assert _errors(pilot) == ["this text is already coded with 'Credibility'"]
        assert [str(c.code_path) for c in screen.codings] == ["Motives/Credibility"]
    assert codings_of(project) == [(44, 85, "Motives/Credibility")]


@contextmanager
def held_write_lock(project: Store) -> Iterator[None]:
    """Another connection holding up every write of codings, as a coder mid-transaction would:
    SQLite's write lock, or on PostgreSQL a lock on the codings table that inserts wait for."""
    path = sqlite_path(project.url)
    if path is not None:
        other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(project.url)
    try:
        with engine.connect() as conn:
            conn.execute(text("LOCK TABLE codings IN EXCLUSIVE MODE"))
            try:
                yield
            finally:
                conn.rollback()
    finally:
        engine.dispose()


async def test_a_busy_database_is_said_and_the_coding_lands_once(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        with held_write_lock(project):
            await pilot.press("1")
            await pilot.pause(1.0)
            assert screen.writing
            assert "the database is busy or slow" in _status(screen)
            # The coder keeps moving and reading while the write waits.
            await pilot.press("j")
            await pilot.pause()
            assert screen.text_view.selection == (44, 85)
            assert "the database is busy or slow" in _status(screen)
            assert codings_of(project) == []
        await settle(pilot)
        assert "Applied Motives/Need for evidence" in _status(screen)
        assert "busy or slow" not in _status(screen)
        assert [(c.start, c.end) for c in screen.codings] == [(0, 43)]
        assert _errors(pilot) == []
    assert codings_of(project) == [(0, 43, "Motives/Need for evidence")]


async def test_undo_names_what_it_undid_and_which_other_document(project):
    # An action of an earlier sitting, on the other document.
    names = Names(project)
    apply_code(
        project,
        coder="alice",
        document_id=names.document("notes-02"),
        code_id=names.code("Barriers"),
        start=0,
        end=5,
    )
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "undid: applied Need for evidence to interview-01 (0-43)" in _status(screen)
        assert screen.codings == []
        await pilot.press("u")
        await settle(pilot)
        status = _status(screen)
        assert "undid: applied Barriers to notes-02 (0-5)" in status
        assert "in another document: this one is unchanged" in status
    assert codings_of(project) == []


async def test_header_shows_attributes_and_status_shows_the_memo_text(project):
    code_named(project, coder="alice", document="interview-01", start=0, end=43, code="Barriers")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        assert "interview-01 · role=policy ·" in _title(screen)
        await pilot.press("m", *"Asked about the start of the partnership and who came", "ctrl+s")
        await settle(pilot)
        assert "Memo saved" in _status(screen)
        await pilot.press("j", "k")
        await pilot.pause()
        status = _status(screen)
        assert "Barriers (memo: Asked about the start of the…)" in status
        assert "(memo)" not in status
    (coding,) = list_codings(project, coders=["alice"])
    assert coding.memo == "Asked about the start of the partnership and who came"


async def test_memo_panel_shows_the_memos_under_the_cursor_and_the_documents(project):
    code_named(
        project,
        coder="alice",
        document="interview-01",
        start=0,
        end=43,
        code="Barriers",
        memo="Opening [question] of the interview",
    )
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, project)
        panel = screen.query_one("#memo-panel", Static)
        assert panel.display
        assert str(panel.render()) == "Barriers: Opening [question] of the interview"
        await pilot.press("j")  # a sentence with no coding, and no document memo yet
        await pilot.pause()
        assert not panel.display
        await pilot.press("M", *"Second sitting", "ctrl+s")
        await settle(pilot)
        assert panel.display
        assert str(panel.render()) == "Document: Second sitting"
        await pilot.press("k")
        await pilot.pause()
        assert str(panel.render()) == (
            "Barriers: Opening [question] of the interview\nDocument: Second sitting"
        )

"""Pilot tests: the documents screen keeps focus on its table, Enter opens the highlighted
visible row, and ]/[ step through the list as shown from the coding screen."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from coder.domain.documents import DocumentDraft
from coder.services.coding.codings import list_codings
from coder.services.documents.corpus import get_document
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.documents import FIRST_ROWS, DocumentsScreen
from coder.tui.screens.help import HelpScreen
from tests.factories import TUI_BOOK, build_project
from tests.pilot import settle

SIZE = (100, 30)


def _doc_id(store, name: str) -> int:
    return get_document(store, name).summary.id


def _coded_documents(store, coder: str = "alice") -> list[str]:
    return [c.document for c in list_codings(store, coders=[coder])]


async def test_back_from_a_document_the_table_has_the_focus(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one(DataTable)
        assert app.focused is table
        await pilot.press("down")
        assert table.cursor_row == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.query_one("#filter", Input).value == ""
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_enter_opens_the_highlighted_visible_row_after_filtering(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        # notes-02 highlighted, then a filter that hides it: the one row shown is highlighted.
        await pilot.press("down", "slash", *"interview")
        await pilot.pause()
        assert screen.shown_ids == [_doc_id(project, "interview-01")]
        assert screen.query_one(DataTable).cursor_row == 0
        await pilot.press("enter")
        await settle(pilot)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.document_id == _doc_id(project, "interview-01")
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # Esc clears the filter; highlight notes-02, filter to it, Enter from the filter box.
        await pilot.press("escape", "down", "slash", *"field", "enter")
        await settle(pilot)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.document_id == _doc_id(project, "notes-02")
        await pilot.press("1")
        await settle(pilot)
    assert sorted(_coded_documents(project)) == ["interview-01", "notes-02"]


async def test_brackets_step_through_the_filtered_list(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "[ ]" in str(app.screen.active_bindings.keys()) or any(
            b.binding.key_display == "[ ]" for b in app.screen.active_bindings.values()
        )
        await pilot.press("right_square_bracket")
        await settle(pilot)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        assert coding.document_id == _doc_id(project, "notes-02")
        assert len(app.screen_stack) == 3  # default, documents, one coding screen
        await pilot.press("1")
        await settle(pilot)
        # Past the end: a notice, the same document.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen is coding
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_id == _doc_id(project, "interview-01")
        # Back on the list, the document last open is the highlighted one.
        await pilot.press("escape")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, DocumentsScreen)
        assert listing.highlighted_document() == _doc_id(project, "interview-01")
        # With a filter only notes-02 is in the list: ] from it goes nowhere.
        await pilot.press("slash", *"field", "enter")
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.document_id == _doc_id(project, "notes-02")
    assert _coded_documents(project) == ["notes-02"]


async def test_a_long_list_shows_every_row_and_keeps_the_highlight(store):
    drafts = [
        DocumentDraft(f"doc-{i:03d}", f"Sentence {i}. Another one.", "txt", f"doc-{i}.txt", {})
        for i in range(FIRST_ROWS + 40)
    ]
    build_project(store, drafts, TUI_BOOK, ("alice",))
    app = make_app(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == FIRST_ROWS + 40
        await pilot.press(*["down"] * (FIRST_ROWS + 39))
        await pilot.pause()
        last = _doc_id(store, f"doc-{FIRST_ROWS + 39:03d}")
        assert screen.highlighted_document() == last
        # A filter and its clearing keep the highlighted document, far down the list.
        await pilot.press("slash", "d", "backspace", "escape")
        await settle(pilot)
        assert table.row_count == FIRST_ROWS + 40
        assert screen.highlighted_document() == last
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.document_id == last

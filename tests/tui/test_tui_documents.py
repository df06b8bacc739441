"""Pilot tests: the documents screen keeps focus on its table, Enter opens the highlighted
visible row, and ]/[ step through the list as shown from the coding screen."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Label

from coder.domain.documents import DocumentDraft
from coder.services.coding.codings import list_codings
from coder.services.documents.corpus import list_documents
from coder.services.documents.reading import get_document
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.document_dialogs import AttributesDialog, ConfirmDialog, RenameDialog
from coder.tui.screens.documents import FIRST_ROWS, DocumentsScreen
from coder.tui.screens.help import HelpScreen
from tests.factories import TUI_BOOK, build_project, code_named
from tests.pilot import settle


def _showing(app: Any, screen: object) -> bool:
    """True if ``screen`` is the app's screen (a check mypy does not narrow on)."""
    return bool(app.screen is screen)


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


# -- the lead's corrections: rename, attributes, remove, undo -----------------------------------


def _names(store) -> list[str]:
    return [d.name for d in list_documents(store)]


async def test_r_renames_the_highlighted_document_and_u_undoes_it(project, state):
    before = state(project)
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        await pilot.press("down", "r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        assert app.screen.query_one(Input).value == "notes-02"
        await pilot.press("end", "ctrl+u", *"site visit", "enter")
        await settle(pilot)
        assert _showing(app, screen)
        assert _names(project) == ["interview-01", "site visit"]
        table = screen.query_one(DataTable)
        assert table.get_row_at(1)[0] == "site visit"
        assert screen.highlighted_document() == _doc_id(project, "site visit")
        # A name another document has is refused: a notice, nothing changed.
        await pilot.press("r", "end", "ctrl+u", *"interview-01", "enter")
        await settle(pilot)
        assert _names(project) == ["interview-01", "site visit"]
        assert any("already exists" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        await settle(pilot)
        assert table.get_row_at(1)[0] == "notes-02"
    assert state(project) == before


async def test_a_edits_attributes_in_a_form_of_labelled_fields(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AttributesDialog)
        labels = [str(label.render()) for label in dialog.query(Label)]
        assert "role" in labels
        # role: policy -> policy-maker; a new attribute year=2021 in the empty row.
        await pilot.press("end", *"-maker", "tab", *"year", "tab", *"2021", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DocumentsScreen)
        attrs = get_document(project, "interview-01").summary.attributes
        assert attrs == {"role": "policy-maker", "year": "2021"}
        # Emptied, a value removes its attribute; Ctrl+N adds another row.
        await pilot.press("a", "ctrl+u", "ctrl+n")
        await pilot.pause()
        await pilot.press(*"site", "tab", *"north", "ctrl+s")
        await settle(pilot)
        attrs = get_document(project, "interview-01").summary.attributes
        assert attrs == {"year": "2021", "site": "north"}


async def test_delete_asks_naming_the_codings_lost_then_removes_and_u_restores(project, state):
    code_named(project, coder="bob", document="interview-01", code="Barriers", start=0, end=12)
    code_named(project, coder="alice", document="interview-01", code="Barriers", start=0, end=12)
    before = state(project)
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        await pilot.press("delete")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        question = str(dialog.query_one("#question", Label).render())
        assert "Remove 'interview-01' (version 1) with 2 codings by 2 coders?" in question
        assert "Every coder's codings on it go." in question
        await pilot.press("n")
        await settle(pilot)
        assert _showing(app, screen) and state(project) == before
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert _names(project) == ["notes-02"]
        assert screen.shown_ids == [_doc_id(project, "notes-02")]
        await pilot.press("u")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 2
    assert state(project) == before


async def test_the_corrections_are_in_the_help_and_the_palette(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        palette = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Rename", "Attributes", "Remove", "Undo", "Redo"} <= palette
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(w.render()) for w in app.screen.query("*"))
        for words in (
            "Rename the highlighted document",
            "Edit the highlighted document's attributes",
            "Remove the highlighted document",
            "Del",
        ):
            assert words in text, words

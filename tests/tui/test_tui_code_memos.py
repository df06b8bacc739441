"""Pilot tests: a coder writes their memo on a code from the codebook panel of the coding
screen, sees it under the code's definition, finds it in the database as theirs alone, and
undoes it with the screen's undo key."""

from __future__ import annotations

from textual.widgets import Static

from coder.services.codebook.codes import list_codes
from coder.services.coding.memos import get_memo
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.dialogs import MemoDialog
from coder.tui.widgets.codebook import CodebookTree, DefinitionPanel
from tests.pilot import highlight_code, open_highlighted, settle

SIZE = (120, 34)


def _definition(screen: CodingScreen) -> str:
    return str(screen.query_one(DefinitionPanel).render())


def _status(screen: CodingScreen) -> str:
    return str(screen.query_one("#status", Static).render())


async def test_a_code_memo_is_written_in_the_codebook_panel_shown_and_undone(project):
    barriers = next(c.id for c in list_codes(project) if c.name == "Barriers")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("tab")
        tree = screen.query_one(CodebookTree)
        assert app.focused is tree
        await highlight_code(pilot, tree, "Barriers")
        assert "Your memo" not in _definition(screen)
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MemoDialog)
        assert dialog.title_text == "Your memo on the code Barriers"
        await pilot.press(*"Mostly money and time", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert get_memo(project, coder="alice", code_id=barriers) == "Mostly money and time"
        # The coder's own: bob has no memo on the code, and nothing was coded.
        assert get_memo(project, coder="bob", code_id=barriers) == ""
        assert screen.codings == []
        definition = _definition(screen)
        assert "What gets in the way." in definition
        assert "Your memo: Mostly money and time" in definition
        assert "Memo saved on the code Barriers" in _status(screen)
        # Another code highlighted shows its own definition, without this memo.
        await pilot.press("up")
        await pilot.pause()
        assert "Mostly money" not in _definition(screen)
        await pilot.press("down")
        await pilot.pause()
        assert "Mostly money" in _definition(screen)
        await pilot.press("u")
        await settle(pilot)
        assert get_memo(project, coder="alice", code_id=barriers) == ""
        assert "Your memo" not in _definition(screen)
        assert "undid: created the memo on the code Barriers" in _status(screen)
        await pilot.press("U")
        await settle(pilot)
        assert "Your memo: Mostly money and time" in _definition(screen)
    assert get_memo(project, coder="alice", code_id=barriers) == "Mostly money and time"


async def test_C_edits_the_highlighted_codes_memo_from_the_text_and_a_restart_shows_it(project):
    credibility = next(c.id for c in list_codes(project) if c.name == "Credibility")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("tab")
        await highlight_code(pilot, screen.query_one(CodebookTree), "Credibility")
        await pilot.press("shift+tab")
        assert app.focused is screen.text_view
        # m in the text is still the memo on the coding under the cursor (none: the document).
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        assert "interview-01" in app.screen.title_text
        await pilot.press("escape", "C")
        await pilot.pause()
        assert isinstance(app.screen, MemoDialog)
        assert app.screen.title_text == "Your memo on the code Motives/Credibility"
        await pilot.press(*"Trusted sources", "ctrl+s")
        await settle(pilot)
        await pilot.press("C", *" only", "ctrl+s")
        await settle(pilot)
        assert "Memo updated on the code Motives/Credibility" in _status(screen)
    assert get_memo(project, coder="alice", code_id=credibility) == "Trusted sources only"
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("tab")
        await highlight_code(pilot, screen.query_one(CodebookTree), "Credibility")
        assert "Your memo: Trusted sources only" in _definition(screen)
        # An empty memo deletes it.
        await pilot.press("m", *["backspace"] * len("Trusted sources only"), "ctrl+s")
        await settle(pilot)
        assert "Your memo" not in _definition(screen)
    assert get_memo(project, coder="alice", code_id=credibility) == ""

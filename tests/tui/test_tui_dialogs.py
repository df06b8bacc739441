"""Pilot tests: the code dialogs label every field, and the long fields grow with their text."""

from __future__ import annotations

from textual.widgets import Label, TextArea

from coder.services.codebook.codes import list_codes
from coder.tui.app import make_app
from coder.tui.screens.dialogs import CodeForm, MemoDialog
from coder.tui.widgets.codebook import CodebookTree
from tests.pilot import settle

SIZE = (100, 30)
LONG = (
    "Things happen fast when the partners need evidence for a decision that is due next "
    "week, and nobody waits for the full review to come out."
)


async def test_the_new_code_form_is_labelled_and_its_definition_grows(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "n", *"Speed", "tab")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeForm)
        labels = [str(label.render()) for label in form.query(".field-label").results(Label)]
        assert labels == ["Name", "Definition", "Parent"]
        area = form.query_one("#definition-text", TextArea)
        assert area.region.height == 1
        await pilot.press(*LONG)
        await pilot.pause()
        assert area.region.height >= 3
        await pilot.press("enter")
        await settle(pilot)
    speed = next(c for c in list_codes(project, viewer="alice") if c.name == "Speed")
    assert speed.definition == LONG


async def test_the_edit_form_shows_every_field_with_its_label(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        while tree.highlighted_code is None or tree.highlighted_code.name != "Need for evidence":
            await pilot.press("down")
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CodeForm)
        labels = [str(label.render()) for label in form.query(".field-label").results(Label)]
        assert labels == [
            "Name",
            "Definition",
            "Use when",
            "Not when",
            "Example",
            "Colour",
            "Parent",
        ]
        assert form.query_one("#example-text", TextArea).text == "We needed evidence quickly."
        await pilot.press("tab", "tab", "end", *" Or a policy brief.", "ctrl+s")
        await settle(pilot)
    need = next(c for c in list_codes(project, viewer="alice") if c.name == "Need for evidence")
    assert need.inclusion == "Explicit need for evidence. Or a policy brief."


async def test_the_memo_grows_with_its_text(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("M")
        await pilot.pause()
        memo = app.screen
        assert isinstance(memo, MemoDialog)
        area = memo.query_one(TextArea)
        before = area.region.height
        await pilot.press(*(LONG + " " + LONG))
        await pilot.pause()
        assert area.region.height > before

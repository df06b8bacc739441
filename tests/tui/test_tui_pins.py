"""Pilot tests: pinned codes stay on their number keys across codebook edits and restarts,
Find code finds codes by name, path, keyword and definition, names first, and the help screen
and the command palette say how to pin."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from coder.domain.codebook import Codebook, CodeDef
from coder.services.codebook.codes import import_codebook, list_codes
from coder.services.coding.pins import code_pins, pin_code
from coder.tui.app import make_app
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.dialogs import CodeFinder, PinDialog
from coder.tui.screens.help import HelpScreen
from coder.tui.widgets.codebook import CodebookTree
from tests.pilot import codings_of, highlight_code, open_highlighted, settle

SIZE = (100, 30)


async def test_a_pin_keeps_its_key_across_a_codebook_edit_and_a_restart(project):
    barriers = next(c.id for c in list_codes(project) if c.name == "Barriers")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        assert screen.slots[3].name == "Barriers"
        await pilot.press("tab")
        tree = screen.query_one(CodebookTree)
        assert app.focused is tree
        await highlight_code(pilot, tree, "Barriers")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await pilot.press("3")
        await settle(pilot)
        assert code_pins(project, "alice") == {3: barriers}
        # A code added before it in tree order: unpinned, key 3 would now be that code.
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        await highlight_code(pilot, app.screen.query_one(CodebookTree), "Credibility")
        await pilot.press("a", *"Access", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert [screen.slots[n].name for n in (1, 2, 3, 4)] == [
            "Need for evidence",
            "Credibility",
            "Barriers",
            "Access",
        ]
        labels = [str(node.label) for node in tree.root.children[0].children]
        assert labels[-1].startswith("4 ■ Access")
        assert str(tree.root.children[1].label).startswith("3 ■ Barriers")
        await pilot.press("shift+tab", "3")
        await settle(pilot)
    assert codings_of(project) == [(0, 43, "Barriers")]
    # A restart: the pin was kept in the project.
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        assert screen.slots[3].name == "Barriers"
        await pilot.press("j", "3")
        await settle(pilot)
    assert codings_of(project) == [(0, 43, "Barriers"), (44, 85, "Barriers")]
    # Another coder's keys are their own.
    assert code_pins(project, "bob") == {}


async def test_find_code_pins_the_highlighted_code(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("f", *"cred", "ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, CodeFinder)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.slots[7].name == "Credibility"
        await pilot.press("7")
        await settle(pilot)
        # The same key again in the dialog unpins it.
        await pilot.press("f", *"cred", "ctrl+t", "7")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert code_pins(project, "alice") == {}
    assert codings_of(project) == [(0, 43, "Motives/Credibility")]


async def test_find_code_matches_keywords_and_definitions_after_names(project):
    book = Codebook(
        name="test",
        codes=[
            CodeDef(
                name="Funding",
                definition="Money, one of the barriers to partnership.",
                keywords=["budget cuts"],
            )
        ],
    )
    import_codebook(project, book, actor="alice")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("f", *"barriers")
        await pilot.pause()
        finder = app.screen
        assert isinstance(finder, CodeFinder)
        options = finder.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == "Barriers"
        assert labels[1].startswith("Funding  definition: ")
        assert len(labels) == 2
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"budget")
        await pilot.pause()
        assert str(options.get_option_at_index(0).prompt) == "Funding  keyword: budget cuts"
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "f", *"decision", "enter")
        await settle(pilot)
    assert codings_of(project) == [(0, 43, "Funding"), (44, 85, "Motives/Need for evidence")]


async def test_the_codebook_screen_shows_and_pins_number_keys(project):
    credibility = next(c.id for c in list_codes(project) if c.name == "Credibility")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        tree = screen.query_one(CodebookTree)
        await highlight_code(pilot, tree, "Credibility")
        await pilot.press("p", "9")
        await settle(pilot)
        assert screen.slots[9].name == "Credibility"
        labels = [str(node.label) for node in tree.root.children[0].children]
        assert labels[1].startswith("9 ■ Credibility")
        await pilot.press("escape", "enter")
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
    assert code_pins(project, "alice") == {9: credibility}
    assert codings_of(project) == [(0, 43, "Motives/Credibility")]


async def test_the_command_line_pinned_codes_take_the_keys_left_free(project):
    codes = {c.name: c.id for c in list_codes(project)}
    pin_code(project, coder="alice", code_id=codes["Credibility"], slot=1)
    app = make_app(project, "alice", pinned=[codes["Barriers"]])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        assert {n: c.name for n, c in screen.slots.items()} == {
            1: "Credibility",
            2: "Barriers",
            3: "Need for evidence",
            4: "Motives",
        }
        await pilot.press("2", "j", "1")
        await settle(pilot)
    assert codings_of(project) == [(0, 43, "Barriers"), (44, 85, "Motives/Credibility")]


async def test_help_and_palette_say_how_to_pin_and_unpin(project):
    app = make_app(project, "alice")
    async with app.run_test(size=(100, 60)) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = " ".join(str(s.render()) for s in help_screen.query(Static))
        lines = shown.splitlines()
        pin_line = next(line for line in lines if "to a number key 1-9, or unpin it" in line)
        assert pin_line.split()[0] == "p"
        assert "Ctrl+T pins" in pin_line
        assert any(line.split()[:1] == ["C"] and "memo on the code" in line for line in lines)
        assert "p pins it to a number key 1-9" in shown
        assert "m writes your memo on the highlighted code" in shown
        await pilot.press("escape")
        await pilot.pause()
        # The palette finds it by "unpin", and runs it on the code highlighted in the codebook.
        await pilot.press("tab")
        await highlight_code(pilot, screen.query_one(CodebookTree), "Credibility")
        await pilot.press("ctrl+p", *"unpin")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PinDialog)
        assert dialog.code.name == "Credibility"
        await pilot.press("5")
        await settle(pilot)
        assert screen.slots[5].name == "Credibility"

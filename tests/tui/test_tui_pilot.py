"""Pilot tests: keystrokes in the app, assertions on the database afterwards."""

from __future__ import annotations

from sqlalchemy import select

from coder.db.models import Code, Memo
from coder.services.coding.loading import document_codings
from coder.services.coding.status import is_done
from coder.services.documents.reading import get_document
from coder.tui.app import make_app
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.search import SearchScreen
from coder.tui.widgets.codebook import CodebookTree
from coder.tui.widgets.coded_text import CodedText
from tests.pilot import codings_of, open_highlighted, settle

SIZE = (100, 30)


def _doc_id(store, name="interview-01"):
    return get_document(store, name).summary.id


async def test_apply_by_number_and_by_finder(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        # Number keys: leaves first (Need for evidence, Credibility, Barriers).
        assert [screen.slots[n].name for n in (1, 2, 3)] == [
            "Need for evidence",
            "Credibility",
            "Barriers",
        ]
        await pilot.press("1")
        await pilot.press("j", "shift+down", "3")
        await pilot.press("f", *"cred", "enter")
        await settle(pilot)
    assert codings_of(project) == [
        (0, 43, "Motives/Need for evidence"),
        (44, 125, "Barriers"),
        (44, 125, "Motives/Credibility"),
    ]


async def test_word_extension_snaps_to_tokens(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("j", "shift+left", "shift+left", "ctrl+right", "1")
        await settle(pilot)
    # "Policy maker: We needed evidence quickly." less ". " and "quickly", then start moved
    # past "Policy".
    assert codings_of(project) == [(51, 76, "Motives/Need for evidence")]


async def test_remove_and_undo(project, state):
    before = state(project)
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("1", "2")
        await settle(pilot)
        assert len(codings_of(project)) == 2
        await pilot.press("x")  # two codings under the cursor: a chooser opens
        await settle(pilot)
        await pilot.press("enter")  # the first listed (shortest, then first applied)
        await settle(pilot)
        assert len(codings_of(project)) == 1
        await pilot.press("u")
        await settle(pilot)
        assert len(codings_of(project)) == 2
        await pilot.press("u", "u")
        await settle(pilot)
    assert state(project) == before


async def test_redo_puts_back_what_undo_took(project, state):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("1")
        await settle(pilot)
        applied = state(project)
        await pilot.press("u")
        await settle(pilot)
        assert codings_of(project) == []
        await pilot.press("U")
        await settle(pilot)
        assert state(project) == applied
        await pilot.press("U")  # nothing left to redo: said, and nothing changes
        await settle(pilot)
    assert state(project) == applied


async def test_new_code_from_selection_and_memo(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("j", "j", "n", *"Speed", "tab", *"Things happen fast", "enter")
        await settle(pilot)
        await pilot.press("m", *"Rapid review offered", "ctrl+s")
        await settle(pilot)
        await pilot.press("M", *"Good interview", "ctrl+s")
        await settle(pilot)
    with project.read() as s:
        code = s.scalars(select(Code).where(Code.name == "Speed")).one()
        assert code.definition == "Things happen fast"
        assert code.owner_id is not None  # blind project: private to alice
        memos = {(m.coding_id is not None, m.document_id is not None, m.text)
                 for m in s.scalars(select(Memo))}  # fmt: skip
    assert codings_of(project) == [(86, 125, "Speed")]
    assert memos == {(True, False, "Rapid review offered"), (False, True, "Good interview")}
    assert document_codings(project, "alice", _doc_id(project))[0].memo == "Rapid review offered"


async def test_adjust_next_uncoded_and_done(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("1", "shift+down", "a")
        await settle(pilot)
        await pilot.press("g", "3")  # next uncoded sentence after the cursor
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "done ✓" in str(pilot.app.screen.query_one("#coding-title").render())
    assert codings_of(project) == [(0, 85, "Motives/Need for evidence"), (86, 125, "Barriers")]
    assert is_done(project, coder="alice", document_id=_doc_id(project))


async def test_blind_coder_never_sees_the_other_coders_work(project):
    alice = make_app(project, "alice")
    async with alice.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        await pilot.press("1", "n", *"Alice private", "enter")
        await settle(pilot)
    assert len(codings_of(project)) == 2
    bob = make_app(project, "bob")
    async with bob.run_test(size=SIZE) as pilot:
        await settle(pilot)
        progress = str(pilot.app.screen.query_one("#progress").render())
        assert "0 codings" in progress
        screen = await open_highlighted(pilot)
        assert screen.codings == []
        assert pilot.app.screen.query_one(CodedText).marks == []
        assert "Alice private" not in {c.name for c in screen.codes}
        await pilot.press("c")
        await settle(pilot)
        tree = pilot.app.screen.query_one("#codebook", CodebookTree)
        tree_labels = [str(n.label) for n in tree.root.children]
        assert not any("Alice private" in label for label in tree_labels)
        await pilot.press("escape", "u")  # bob's undo must not touch alice's work
        await settle(pilot)
    assert len(codings_of(project)) == 2


async def test_codebook_screen_add_edit_retire(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("a", *"Trust", "tab", *"Confidence in the other side", "ctrl+s")
        await settle(pilot)
        await pilot.press("e", "tab", "tab", *" Not money.", "ctrl+s")
        await settle(pilot)
    with project.read() as s:
        trust = s.scalars(select(Code).where(Code.name == "Trust")).one()
        assert (trust.definition, trust.inclusion) == ("Confidence in the other side", "Not money.")


async def test_search_opens_the_hit_in_the_coding_screen(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", *"partner", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        assert len(pilot.app.screen.hits) == 3
        await pilot.press("down", "enter")  # second hit: "partners" in interview-01
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)
        assert pilot.app.screen.query_one(CodedText).selection == (152, 160)
        await pilot.press("3")
        await settle(pilot)
    assert codings_of(project) == [(152, 160, "Barriers")]


async def test_help_and_palette_list_every_command(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await open_highlighted(pilot)
        commands = {c.title for c in app.get_system_commands(pilot.app.screen)}
        for title in ("Undo", "New code", "Memo", "Remove", "Done", "Help", "Search"):
            assert title in commands
        assert "Apply code: Barriers" in commands
        await pilot.press("question_mark")
        await settle(pilot)
        text = " ".join(str(w.render()) for w in pilot.app.screen.query("Static"))
        assert "Undo your last action" in text and "1-9" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CodingScreen)


async def test_view_after_in_memory_updates_equals_database(project):
    """Apply, remove and adjust update the screen without a reload: it must match a reload."""
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("1", "j", "2", "j", "3", "k", "k", "x")  # apply three, remove one
        # Select sentences two and three, adjust the first coding offered (of two) to it.
        await pilot.press("j", "shift+down", "a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        selection = screen.query_one(CodedText).selection
        stored = document_codings(project, "alice", screen.document_id)
        assert len(stored) == 2
        assert selection in {(c.start, c.end) for c in stored}
        assert screen.codings == stored
        text = screen.query_one(CodedText)
        assert sorted((m.id, m.start, m.end) for m in text.marks) == sorted(
            (c.id, c.start, c.end) for c in stored
        )


async def test_the_same_key_twice_is_refused_and_the_app_stays(project):
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_highlighted(pilot)
        await pilot.press("1", "1")
        await settle(pilot)
        assert pilot.app.screen is screen
        shown = [(n.severity, n.message) for n in pilot.app._notifications]
        assert shown == [("error", "this text is already coded with 'Need for evidence'")]
    assert codings_of(project) == [(0, 43, "Motives/Need for evidence")]

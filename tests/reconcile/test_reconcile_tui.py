"""Pilot tests of the reconciliation screen: keystrokes in, decisions in the database out."""

from __future__ import annotations

from textual.widgets import SelectionList

from coder.services.reconcile.provenance import provenance
from coder.services.reconcile.queue import load_queue
from coder.tui.app import make_reconcile_app
from coder.tui.screens.reconcile import EditCodesDialog, ReconcileScreen
from tests.pilot import settle

SIZE = (100, 32)


def _app(project):
    return make_reconcile_app(project, "lead", first="alice", second="bob")


def _progress(app) -> str:
    return str(app.screen.query_one("#rec-progress").render())


async def test_reconcile_every_disagreement_by_keys(project, built):
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert "decided 0/4 · remaining 4" in _progress(app)
        first = screen.current
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"alice is right", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "decided 1/4 · remaining 3" in _progress(app)
        assert screen.current is not None and first is not None
        assert screen.current.key != first.key
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "decided 4/4 · remaining 0" in _progress(app)
    queue = load_queue(project, first="alice", second="bob")
    choices = [i.decision.choice if i.decision else None for i in queue.disagreements]
    assert choices == ["a", "b", "both", "shared"]
    rows = provenance(project)
    assert any(r.rationale == "alice is right" and r.decided_by == "lead" for r in rows)


async def test_resume_skip_undo_and_accept(project):
    queue = load_queue(project, first="alice", second="bob")
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "a")  # skip the first, decide the second
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert "agreeing to accept 0" in _progress(app)
    decided = load_queue(project, first="alice", second="bob")
    assert [i.decided for i in decided.disagreements] == [False, True, False, False]
    # Coming back starts at the first undecided item: the skipped one.
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.current.key == queue.disagreements[0].key
        await pilot.press("u")  # undoes the bulk acceptance
        await settle(pilot)
        assert "agreeing to accept 3" in _progress(app)


async def test_edit_chooses_codes_by_hand(project, built):
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EditCodesDialog)
        selection = dialog.query_one(SelectionList)
        selection.deselect_all()
        selection.select(built["codes"]["Trust"])
        await pilot.press("enter")
        await settle(pilot)
    queue = load_queue(project, first="alice", second="bob")
    decision = queue.disagreements[0].decision
    assert decision is not None
    assert decision.choice == "edit" and decision.code_ids == (built["codes"]["Trust"],)


async def test_order_toggles_to_weakest_codes_first(project):
    app = _app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "by weakest" in _progress(app)
        ranks = [i.weakest for i in app.screen.items]
        assert ranks == sorted(ranks)


async def test_codebook_screen_merges_and_undoes(project, built):
    from coder.services.codebook.codes import list_codes
    from coder.tui.app import make_app
    from coder.tui.screens.dialogs import ChooseDialog
    from coder.tui.widgets.codebook import CodebookTree
    from tests.dbdump import dump

    before = dump(project)
    before.pop("audit_log")
    app = make_app(project, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        tree = app.screen.query_one(CodebookTree)
        while tree.highlighted_code is None or tree.highlighted_code.name != "Credibility":
            await pilot.press("down")
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChooseDialog)
        options = [label for label, _ in dialog.options]
        await pilot.press(*["down"] * options.index("Trust"), "enter")
        await settle(pilot)
        assert "Motives/Credibility" not in {str(c.path) for c in list_codes(project)}
        await pilot.press("u")
        await settle(pilot)
    after = dump(project)
    after.pop("audit_log")
    assert after == before


async def test_a_passage_is_one_item_shown_whole_and_decided_by_one_key(store, passages):
    """The policy maker's three-sentence answer: one item, the whole answer on screen with
    its speaker, one key, one consensus coding over the three sentences, the rationale its memo.
    """
    from sqlalchemy import select

    from coder.db.models import Coder, Coding, Memo
    from coder.tui.widgets.reconcile_panels import ContextPanel

    spans = passages["spans"]["transcript"]
    answer = passages["text"][spans[1][0] : spans[3][1]]
    app = make_reconcile_app(store, "lead", first="alice", second="bob")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert "decided 0/2 · remaining 2" in _progress(app)  # the answer, the notes' middle
        assert screen.current is not None and len(screen.current.units) == 3
        assert "3 sentences" in str(screen.query_one("#rec-item").render())
        shown = " ".join(str(screen.query_one(ContextPanel).render()).split())
        assert f"Policy maker: {answer}" in shown
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"stated need", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "decided 1/2 · remaining 1" in _progress(app)
    with store.read() as s:
        consensus = s.scalars(select(Coder.id).where(Coder.name == "consensus")).one()
        codings = s.scalars(select(Coding).where(Coding.coder_id == consensus)).all()
        assert [(c.start, c.end) for c in codings] == [(spans[1][0], spans[3][1])]
        [memo] = s.scalars(select(Memo).where(Memo.coding_id == codings[0].id)).all()
        assert memo.text == "stated need"
        assert s.get(Coder, memo.author_id).name == "lead"

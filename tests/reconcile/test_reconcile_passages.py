"""Reconciliation by passage: one item per coded passage, one consensus coding per code.

The ``passages`` project (conftest): the policy maker's first answer (three sentences) coded as
one passage by each coder with different codes; the second answer (two sentences) coded alike;
notes whose three sentences both coders coded Barriers, alice adding Trust in the middle.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from coder.db.models import Coder, Memo, ReconcileDecision
from coder.errors import UsageError
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.provenance import provenance
from coder.services.reconcile.queue import item_context, load_queue
from coder.services.undo import undo_latest
from tests.dbdump import dump
from tests.reconcile.layers import layer

PAIR: dict[str, Any] = {"first": "alice", "second": "bob"}


def _state(store):
    out = dump(store)
    out.pop("audit_log")
    return out


def test_a_passage_over_three_sentences_is_one_item(store, passages):
    spans = passages["spans"]["transcript"]
    queue = load_queue(store, **PAIR)
    answer = (spans[1][0], spans[3][1])
    [item] = [i for i in queue.disagreements if i.document == "transcript"]
    assert (item.start, item.end) == answer
    assert item.units == tuple(spans[1:4])
    codes = {str(queue.codes[c].path) for c in (*item.first_codes, *item.second_codes)}
    assert codes == {"Motives/Need for evidence", "Motives/Credibility"}
    # Each coder's one coding, once, though it covers three units.
    assert [c.id for c in item.first] == [
        passages["codings"][("alice", "transcript", "Motives/Need for evidence")]
    ]
    # The passage is shown whole, with its speaker.
    context = item_context(store, item)
    assert context.text == passages["text"][answer[0] : answer[1]]
    assert context.pieces == ((context.text, "Policy maker"),)
    assert (context.before, context.before_speaker) == (
        "Tell me how the partnership started.",
        "Interviewer",
    )
    assert (context.after, context.after_speaker) == ("Tell me what made it work.", "Interviewer")
    # The second question and its answer, coded alike, are one agreeing item too, and each
    # speaker is named for what they say.
    [agreeing] = [i for i in queue.items if i.agree and i.document == "transcript"]
    assert (agreeing.start, agreeing.end) == (spans[4][0], spans[6][1])
    assert item_context(store, agreeing).pieces == (
        ("Tell me what made it work.", "Interviewer"),
        ("Trust mattered most. Funding was always short.", "Policy maker"),
    )


def test_deciding_a_passage_writes_one_coding_per_code_over_it(store, passages):
    spans = passages["spans"]["transcript"]
    queue = load_queue(store, **PAIR)
    [item] = [i for i in queue.disagreements if i.document == "transcript"]
    decide(store, **PAIR, item=item.key, choice="both", actor="lead")
    assert layer(store) == [
        ("transcript", spans[1][0], spans[3][1], "Motives/Credibility"),
        ("transcript", spans[1][0], spans[3][1], "Motives/Need for evidence"),
    ]
    rows = provenance(store)
    assert sorted((r.source_coder, r.choice) for r in rows) == [("alice", "both"), ("bob", "both")]
    later = load_queue(store, **PAIR).find(item.key)
    assert later.decision is not None and later.decision.choice == "both"


def test_auto_accept_stores_an_agreeing_passage_as_one_coding(store, passages):
    spans = passages["spans"]["transcript"]
    report = auto_accept(store, **PAIR, actor="lead")
    # The second exchange, and the notes' first and last sentences (Trust differs between).
    assert report.accepted == 3
    notes = passages["spans"]["notes"]
    assert layer(store) == [
        ("notes", *notes[0], "Barriers"),
        ("notes", *notes[2], "Barriers"),
        ("transcript", spans[4][0], spans[6][1], "Trust"),
    ]


def test_neighbouring_passages_join_where_both_coders_coded_whole(store, passages):
    notes = passages["spans"]["notes"]
    whole = (notes[0][0], notes[2][1])
    auto_accept(store, **PAIR, actor="lead")
    middle = load_queue(store, **PAIR).find(
        f"{passages['names'].document('notes')}:{notes[1][0]}-{notes[1][1]}"
    )
    before = _state(store)
    # Keeping alice's codes on the middle sentence: Barriers runs on over all three.
    decide(store, **PAIR, item=middle.key, choice="a", actor="lead")
    in_notes = [c for c in layer(store) if c[0] == "notes"]
    assert in_notes == [("notes", *whole, "Barriers"), ("notes", *notes[1], "Trust")]
    [joined] = [r for r in provenance(store) if str(r.code) == "Barriers"][:1]
    assert (
        len({r.source_coding_id for r in provenance(store) if r.coding_id == joined.coding_id}) == 2
    )
    # Deciding it again (Trust only): Barriers is cut back to the sentences it is kept on.
    decide(
        store,
        **PAIR,
        item=middle.key,
        choice="edit",
        code_ids=[passages["names"].code("Trust")],
        actor="lead",
    )
    in_notes = [c for c in layer(store) if c[0] == "notes"]
    assert in_notes == [
        ("notes", *notes[0], "Barriers"),
        ("notes", *notes[1], "Trust"),
        ("notes", *notes[2], "Barriers"),
    ]
    with store.read() as s:
        assert len(s.scalars(select(ReconcileDecision)).all()) == 4  # 3 accepted, 1 decided
    undo_latest(store, actor="lead")
    undo_latest(store, actor="lead")
    assert _state(store) == before


def test_decided_by_is_the_person_and_the_rationale_their_memo(store, passages):
    queue = load_queue(store, **PAIR)
    [item] = [i for i in queue.disagreements if i.document == "transcript"]
    decide(store, **PAIR, item=item.key, choice="a", actor="Dana", rationale="The need is stated")
    [row] = provenance(store)
    assert (row.decided_by, row.rationale) == ("Dana", "The need is stated")
    with store.read() as s:
        [memo] = s.scalars(select(Memo)).all()
        author = s.get(Coder, memo.author_id)
        assert (memo.coding_id, memo.text) == (row.coding_id, "The need is stated")
        assert author is not None and (author.name, author.kind) == ("Dana", "human")
    # Deciding again without a reason takes the memo away; undo brings it back.
    decide(store, **PAIR, item=item.key, choice="a", actor="Dana")
    with store.read() as s:
        assert s.scalars(select(Memo)).all() == []
    assert undo_latest(store, actor="Dana") is not None
    with store.read() as s:
        assert [m.text for m in s.scalars(select(Memo))] == ["The need is stated"]
    with pytest.raises(UsageError, match="consensus layer"):
        decide(store, **PAIR, item=item.key, choice="b", actor="consensus")

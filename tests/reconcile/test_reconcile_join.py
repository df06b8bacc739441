"""``coder reconcile join``, and who decides: ``--as``, the login's coder or $CODER_USER.

A consensus layer written before passages holds one decision and one coding per sentence, even
where both coders coded the passage whole; ``join`` makes it what deciding by passage writes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from coder.cli.main import run
from coder.db.models import Coder, Coding, ConsensusSource, Memo, ReconcileDecision
from coder.services.reconcile.queue import load_queue
from tests.dbdump import dump
from tests.reconcile.layers import layer

#: What the previous version wrote, sentence by sentence: (document, sentence, choice, codes,
#: rationale). The notes' middle sentence was decided "a" (alice's Barriers and Trust).
SENTENCE_DECISIONS = [
    ("notes", 0, "agree", ["Barriers"], ""),
    ("notes", 1, "a", ["Barriers", "Trust"], "Money is a barrier"),
    ("notes", 2, "agree", ["Barriers"], ""),
    ("transcript", 4, "agree", ["Trust"], ""),
    ("transcript", 5, "agree", ["Trust"], ""),
    ("transcript", 6, "agree", ["Trust"], ""),
]


def _sentence_split_layer(store, passages: dict[str, Any]) -> None:
    """Write the consensus layer as coder wrote it before passages (rows, as its service did)."""
    names, spans, codings = passages["names"], passages["spans"], passages["codings"]
    with store.write() as s:
        ids = {c.name: c.id for c in s.scalars(select(Coder))}
        cons = Coder(name="consensus", kind="consensus")
        s.add(cons)
        s.flush()
        for doc, sentence, choice, codes, why in SENTENCE_DECISIONS:
            start, end = spans[doc][sentence]
            decision = ReconcileDecision(
                consensus_id=cons.id, first_id=ids["alice"], second_id=ids["bob"],
                document_id=names.document(doc), unit_start=start, unit_end=end, choice=choice,
                code_ids=[names.code(c) for c in codes], rationale=why, decided_by="root",
                decided_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            )  # fmt: skip
            s.add(decision)
            s.flush()
            for code in codes:
                row = Coding(
                    document_id=names.document(doc), code_id=names.code(code),
                    coder_id=cons.id, start=start, end=end,
                )  # fmt: skip
                s.add(row)
                s.flush()
                for coder in ("alice", "bob") if choice == "agree" else ("alice",):
                    copied = codings[(coder, doc, code)]
                    source = ConsensusSource(
                        coding_id=row.id, decision_id=decision.id,
                        source_coder_id=ids[coder], source_coding_id=copied,
                    )  # fmt: skip
                    s.add(source)


def _state(store):
    out = dump(store)
    out.pop("audit_log")
    return out


@pytest.fixture
def coder(store, capsys, monkeypatch):
    """``coder ...`` on the project, as typed: (exit status, output)."""
    monkeypatch.delenv("CODER_USER", raising=False)

    def cli(*args: str) -> tuple[int, str]:
        status = run([*args, "-p", store.url])
        out = capsys.readouterr()
        return status, out.out + out.err

    return cli


def test_join_makes_sentence_split_consensus_whole(store, passages, coder):
    _sentence_split_layer(store, passages)
    notes, transcript = passages["spans"]["notes"], passages["spans"]["transcript"]
    status, out = coder("reconcile", "join", "--as", "lead")
    assert status == 0, out
    assert "7 became 3" in out and "2 memo(s) written from rationales" in out
    assert layer(store) == [
        ("notes", notes[0][0], notes[2][1], "Barriers"),  # both coders' Barriers was whole
        ("notes", *notes[1], "Trust"),
        ("transcript", transcript[4][0], transcript[6][1], "Trust"),
    ]
    with store.read() as s:
        memos = s.scalars(select(Memo).where(Memo.coding_id.is_not(None))).all()
        # The middle sentence's reason, on both codings its decision kept.
        assert sorted(m.text for m in memos) == ["Money is a barrier"] * 2
        assert len(s.scalars(select(ReconcileDecision)).all()) == 6  # decisions stay as made
    # The queue sees the old decisions covering the new passages.
    queue = load_queue(store, first="alice", second="bob")
    answer = next(i for i in queue.items if i.start == transcript[4][0])
    assert answer.decision is not None and answer.decision.choice == "agree"
    assert coder("reconcile", "join", "--as", "lead")[1].strip() == "nothing to join"


def test_join_is_undone_exactly(store, passages, coder):
    _sentence_split_layer(store, passages)
    before = _state(store)
    assert coder("reconcile", "join", "--as", "lead")[0] == 0
    assert _state(store) != before
    status, out = coder("reconcile", "undo", "--as", "lead")
    assert status == 0 and "undid: joined consensus's codings" in out, out
    assert _state(store) == before


def test_decided_by_is_as_else_the_coder_user_never_the_login(store, passages, coder, monkeypatch):
    queue = load_queue(store, first="alice", second="bob")
    [item] = [i for i in queue.disagreements if i.document == "transcript"]
    decide = ("reconcile", "decide", item.key, "--keep", "a", "--coders", "alice", "bob")
    status, out = coder(*decide)
    assert status != 0 and "say who is reconciling: --as" in out
    status, out = coder(*decide, "--as", "Dana", "--why", "Need is what they say")
    assert status == 0, out
    status, out = coder("reconcile", "log", "--format", "json")
    [row] = json.loads(out)
    assert (row["decided_by"], row["why"]) == ("Dana", "Need is what they say")
    with store.read() as s:
        [memo] = s.scalars(select(Memo)).all()
        assert (memo.coding_id, memo.text) == (row["coding"], "Need is what they say")
        assert s.get(Coder, memo.author_id).name == "Dana"
    monkeypatch.setenv("CODER_USER", "Eli")
    assert coder(*decide[:4], "b", *decide[5:])[0] == 0
    [row] = json.loads(coder("reconcile", "log", "--format", "json")[1])
    assert row["decided_by"] == "Eli"
    # The layer is --consensus; --as names a person, never a layer.
    status, out = coder(*decide, "--as", "consensus")
    assert status != 0 and "is a consensus layer, not a person" in out

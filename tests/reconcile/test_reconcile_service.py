"""Reconciliation service: the queue, decisions with provenance, bulk acceptance, undo."""

from __future__ import annotations

import math
from typing import Any

import pytest
from sqlalchemy import select

from coder.db.models import Code, Coding, ConsensusSource, DocumentStatus, ReconcileDecision
from coder.domain.agreement import AgreementRequest
from coder.errors import ConflictError, InputError, UsageError
from coder.services.agreement.compute import compute_project_agreement
from coder.services.codebook.edit import add_code
from coder.services.reconcile.decisions import auto_accept, decide
from coder.services.reconcile.provenance import provenance
from coder.services.reconcile.queue import item_context, load_queue
from coder.services.undo import undo_latest
from tests.dbdump import dump

PAIR: dict[str, Any] = {"first": "alice", "second": "bob"}


def _state(store):
    """Every table but the audit log, which grows by design (an undo is itself recorded)."""
    out = dump(store)
    out.pop("audit_log")
    return out


def _consensus_codings(store, consensus="consensus"):
    with store.read() as s:
        from coder.services.project.coders import require_coder

        cid = require_coder(s, consensus).id
        return sorted(
            (c.document_id, c.start, c.end, c.code_id)
            for c in s.scalars(select(Coding).where(Coding.coder_id == cid))
        )


def test_queue_lists_the_agreement_engines_disagreements(project, built):
    queue = load_queue(project, **PAIR)
    report = compute_project_agreement(project, AgreementRequest(coders=("alice", "bob"), ci=False))
    names = {name: built["docs"][name] for name in report.documents}
    assert report.result.disagreements is not None
    engine = {(names[report.documents[d.doc]], d.start, d.end) for d in report.result.disagreements}
    # The units of the passages to decide are the engine's disagreements, unit by unit.
    ours = {(i.document_id, *unit) for i in queue.disagreements for unit in i.units}
    assert ours == engine
    assert len(queue.disagreements) == 4
    assert sum(i.agree for i in queue.items) == 3
    assert (queue.decided, queue.remaining, queue.agreeing_pending) == (0, 4, 3)


def test_an_item_shows_both_sides_with_codes_and_context(project, built):
    queue = load_queue(project, **PAIR)
    item = queue.find("2")  # interview sentence 1: alice Credibility, bob Need for evidence
    codes = built["codes"]
    assert item.first_codes == (codes["Credibility"],)
    assert item.second_codes == (codes["Need for evidence"],)
    assert queue.codes[codes["Credibility"]].definition == "Reputation gained from the work."
    context = item_context(project, item)
    assert context.text == "The researchers offered a rapid review."
    assert context.before == "Policy maker: We needed evidence quickly."
    assert context.after.startswith("It was the first time")
    assert queue.find(item.key) == item


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("a", {"Trust"}),
        ("b", {"Trust", "Credibility"}),
        ("both", {"Trust", "Credibility"}),
        ("shared", {"Trust"}),
    ],
)
def test_each_choice_writes_its_codes_to_consensus(project, built, choice, expected):
    queue = load_queue(project, **PAIR)
    item = next(i for i in queue.items if i.start == built["units"]["interview"][3][0])
    decide(project, **PAIR, item=item.key, choice=choice, actor="lead")
    names = {v: k for k, v in built["codes"].items()}
    got = {names[code] for _, _, _, code in _consensus_codings(project)}
    assert got == expected
    assert all((s, e) == (item.start, item.end) for _, s, e, _ in _consensus_codings(project))


def test_decision_records_provenance_who_when_and_why(project, built):
    queue = load_queue(project, **PAIR)
    item = queue.find("2")
    decide(project, **PAIR, item=item.key, choice="a", actor="lead", rationale="It is about trust")
    rows = provenance(project)
    assert len(rows) == 1
    row = rows[0]
    assert row.source_coder == "alice"
    assert row.source_coding_id == built["codings"][("alice", "interview", 1, "Credibility")]
    assert (row.choice, row.decided_by, row.rationale) == ("a", "lead", "It is about trust")
    assert str(row.code) == "Motives/Credibility"
    assert row.decided_at.tzinfo is not None
    later = load_queue(project, **PAIR)
    assert later.find(item.key).decision is not None
    assert (later.decided, later.remaining) == (1, 3)


def test_shared_code_has_both_coders_as_sources(project, built):
    queue = load_queue(project, **PAIR)
    item = next(i for i in queue.items if i.start == built["units"]["interview"][3][0])
    decide(project, **PAIR, item=item.key, choice="shared", actor="lead")
    assert sorted(r.source_coder or "" for r in provenance(project)) == ["alice", "bob"]


def test_edit_keeps_codes_chosen_by_hand_without_a_source(project, built):
    queue = load_queue(project, **PAIR)
    item = queue.find("2")
    barriers = built["codes"]["Barriers"]
    decide(project, **PAIR, item=item.key, choice="edit", code_ids=[barriers], actor="lead")
    rows = provenance(project)
    assert [(str(r.code), r.source_coder, r.choice) for r in rows] == [("Barriers", None, "edit")]
    with pytest.raises(UsageError):
        decide(project, **PAIR, item=item.key, choice="a", code_ids=[barriers], actor="lead")
    with pytest.raises(InputError):
        decide(project, **PAIR, item=item.key, choice="neither", actor="lead")


def test_deciding_again_replaces_the_decision(project, built):
    queue = load_queue(project, **PAIR)
    item = queue.find("2")
    decide(project, **PAIR, item=item.key, choice="both", actor="lead")
    assert len(_consensus_codings(project)) == 2
    decide(project, **PAIR, item=item.key, choice="b", actor="lead")
    assert [c for *_, c in _consensus_codings(project)] == [built["codes"]["Need for evidence"]]
    with project.read() as s:
        assert len(s.scalars(select(ReconcileDecision)).all()) == 1
        assert len(s.scalars(select(ConsensusSource)).all()) == 1


def test_resume_starts_at_the_first_undecided_disagreement(project):
    queue = load_queue(project, **PAIR)
    assert queue.first_undecided() == 0
    decide(project, **PAIR, item=queue.disagreements[0].key, choice="a", actor="lead")
    decide(project, **PAIR, item=queue.disagreements[2].key, choice="a", actor="lead")
    again = load_queue(project, **PAIR)
    assert again.first_undecided() == 1
    assert again.disagreements[1].key == queue.disagreements[1].key


def test_weakest_codes_first(project):
    queue = load_queue(project, **PAIR, order="weakest")
    ranks = [-math.inf if math.isnan(i.weakest) else i.weakest for i in queue.items]
    assert ranks == sorted(ranks)
    by_doc = load_queue(project, **PAIR)
    assert [(i.document_id, i.start) for i in by_doc.items] == sorted(
        (i.document_id, i.start) for i in by_doc.items
    )
    assert {i.key for i in queue.items} == {i.key for i in by_doc.items}


def test_auto_accept_takes_agreeing_units_only(project, built):
    report = auto_accept(project, **PAIR, actor="lead")
    assert (report.accepted, report.held_back, report.codings) == (3, 0, 3)
    queue = load_queue(project, **PAIR)
    assert queue.agreeing_pending == 0
    assert queue.decided == 0
    agreed = [i.decision.choice if i.decision else None for i in queue.items if i.agree]
    assert all(choice == "agree" for choice in agreed)
    again = auto_accept(project, **PAIR, actor="lead")
    assert again.accepted == 0


def test_auto_accept_with_min_alpha_holds_back_weak_codes(project, built):
    queue = load_queue(project, **PAIR)
    alphas = {queue.codes[c].path.parts[-1]: queue.codes[c].alpha for c in queue.codes}
    # Barriers: both coders on two units, bob on one more; Need for evidence: one of two.
    threshold = (alphas["Barriers"] + alphas["Need for evidence"]) / 2
    assert alphas["Barriers"] > threshold > alphas["Need for evidence"]
    report = auto_accept(project, **PAIR, actor="lead", min_alpha=threshold)
    assert (report.accepted, report.held_back) == (2, 1)


def test_consensus_is_reportable_against_each_coder(project):
    auto_accept(project, **PAIR, actor="lead")
    queue = load_queue(project, **PAIR)
    for item in queue.disagreements:
        decide(project, **PAIR, item=item.key, choice="a", actor="lead", queue=queue)
    report = compute_project_agreement(
        project, AgreementRequest(coders=("alice", "consensus"), ci=False)
    )
    assert len(report.documents) == 2
    assert report.result.overall.alpha.value == pytest.approx(1.0)
    versus_bob = compute_project_agreement(
        project, AgreementRequest(coders=("bob", "consensus"), ci=False)
    )
    assert versus_bob.result.overall.alpha.value < 1.0


def test_a_document_is_done_for_consensus_once_every_unit_is_decided(project, built):
    notes = built["docs"]["notes"]
    queue = load_queue(project, **PAIR)
    items = [i for i in queue.items if i.document_id == notes]
    # Deciding notes' only disagreement with "a" (alice coded nothing there) adds no coding.
    disagreement = next(i for i in items if not i.agree)
    decide(project, **PAIR, item=disagreement.key, choice="a", actor="lead")
    with project.read() as s:
        assert s.scalars(select(DocumentStatus).where(DocumentStatus.done)).all() == []
    auto_accept(project, **PAIR, actor="lead")
    with project.read() as s:
        done = s.scalars(select(DocumentStatus.document_id).where(DocumentStatus.done)).all()
    assert done == [notes]


def test_a_private_code_kept_in_consensus_becomes_shared(project, built):
    private = add_code(project, actor="alice", name="Speed")
    assert private.owner == "alice"
    queue = load_queue(project, **PAIR)
    decide(
        project, **PAIR, item=queue.find("2").key, choice="edit", code_ids=[private.id],
        actor="lead",
    )  # fmt: skip
    with project.read() as s:
        assert s.get(Code, private.id).owner_id is None


def test_a_private_sub_code_kept_in_consensus_shares_its_private_parents(project, built):
    """Keeping alice's private Hunches/Gut left Gut shared under a private Hunches: bob's
    listing of the codes then failed (no path for a code whose parent he may not see)."""
    from coder.services.codebook.codes import list_codes

    parent = add_code(project, actor="alice", name="Hunches")
    child = add_code(project, actor="alice", name="Gut", parent_id=parent.id)
    assert (parent.owner, child.owner) == ("alice", "alice")
    assert "Hunches/Gut" not in {str(c.path) for c in list_codes(project, viewer="bob")}
    queue = load_queue(project, **PAIR)
    decide(
        project, **PAIR, item=queue.find("2").key, choice="edit", code_ids=[child.id],
        actor="lead",
    )  # fmt: skip
    with project.read() as s:
        assert s.get(Code, child.id).owner_id is None
        assert s.get(Code, parent.id).owner_id is None
    assert "Hunches/Gut" in {str(c.path) for c in list_codes(project, viewer="bob")}
    undo_latest(project, actor="lead")
    with project.read() as s:
        assert s.get(Code, parent.id).owner_id is not None


def test_decisions_and_bulk_acceptance_undo_exactly(project):
    before = _state(project)
    queue = load_queue(project, **PAIR)
    decide(project, **PAIR, item=queue.find("2").key, choice="both", actor="lead")
    decide(project, **PAIR, item=queue.find("2").key, choice="a", actor="lead", rationale="x")
    auto_accept(project, **PAIR, actor="lead")
    assert _state(project) != before
    undone = [undo_latest(project, actor="lead") for _ in range(3)]
    assert [u.action if u else None for u in undone] == ["accept", "decide", "decide"]
    assert _state(project) == before
    assert undo_latest(project, actor="lead") is None


def test_consensus_name_must_not_be_a_human_coder(project):
    queue = load_queue(project, **PAIR)
    with pytest.raises(ConflictError):
        decide(project, **PAIR, consensus="bob", item=queue.find("2").key, choice="a",
                  actor="lead")  # fmt: skip
    with pytest.raises(UsageError):
        load_queue(project, first="alice", second="alice")

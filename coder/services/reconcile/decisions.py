"""Reconciliation decisions: settle a passage into the consensus coder, or accept agreements.

A decision (keep the first coder's codes, the second's, both, what they share, or codes chosen
by hand) keeps each code over the whole passage (:mod:`coder.services.reconcile.passages`), with
its provenance: the codings it copies, the decision, who decided, when and why. The consensus
layer then holds one coding per code and passage, joined across neighbouring passages where the
coders' own codings run on (:mod:`coder.services.reconcile.consensus`), whatever unit measured
agreement. Agreeing passages are accepted in bulk.

*Who decided* is the person reconciling, as a coder of the project (``--as``, or the login's
coder): ``decided_by`` is their coder name, and the rationale becomes a memo on each consensus
coding the decision makes, with that person as its author: memos have one author, and the words
are theirs, not the consensus layer's (the consensus coder is who the coding belongs to).

Every decision is one transaction and one audit entry with every row it wrote, so it can be
undone exactly (:func:`coder.services.undo.undo_latest`). Deciding a passage replaces every
earlier decision that overlaps it (one made sentence by sentence before passages, or on a
passage the coders have recoded since, is replaced whole). When the last passage of a document
is decided, the document is marked done for the consensus coder, so agreement of a coder against
consensus counts it (``coder agreement --coders A consensus``). :func:`join_consensus` brings
consensus codings written one sentence at a time together where both coders' codings were whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.changeset import tracking
from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coder,
    Coding,
    ConsensusSource,
    DocumentStatus,
    ReconcileDecision,
)
from coder.domain.agreement import DEFAULT_OVERLAP, Overlap
from coder.domain.codebook import OperationResult
from coder.domain.documents import UnitKind
from coder.domain.reconcile import (
    CHOICES,
    DEFAULT_CONSENSUS,
    AutoReport,
    ReconcileItem,
    ReconcileQueue,
)
from coder.errors import InputError, NotFoundError, UsageError
from coder.services.codebook.edit import share_code
from coder.services.codebook.themes import finish_operation
from coder.services.reconcile.coders import coder_pair, consensus_coder, reconciler
from coder.services.reconcile.consensus import drop_decisions, sync_document
from coder.services.reconcile.passages import Piece
from coder.services.reconcile.queue import load_queue

__all__ = ["auto_accept", "decide", "join_consensus"]

#: A decision to write: the passage, the choice, and the codes chosen by hand (``edit``).
Ruling = tuple[ReconcileItem, str, Sequence[int] | None]


def decide(
    store: Store,
    *,
    first: str,
    second: str,
    item: str | ReconcileItem,
    choice: str,
    actor: str,
    consensus: str = DEFAULT_CONSENSUS,
    code_ids: Sequence[int] | None = None,
    rationale: str = "",
    unit: UnitKind = UnitKind.SENTENCE,
    overlap: Overlap = DEFAULT_OVERLAP,
    queue: ReconcileQueue | None = None,
) -> OperationResult:
    """Settle one passage: ``choice`` is a, b, both, shared, or edit (with ``code_ids``).

    ``actor`` is the person deciding (a coder name; registered if new). Deciding an item again
    replaces its earlier decision (both stay in the audit log). ``queue`` saves reloading it
    when the caller has it at hand (the TUI).
    """
    if choice not in CHOICES:
        raise InputError(choice, f"a decision is one of {', '.join(CHOICES)}")
    if (choice == "edit") != (code_ids is not None):
        raise UsageError("'edit' and only 'edit' takes the codes chosen by hand")
    if queue is None:
        queue = load_queue(
            store, first=first, second=second, consensus=consensus, unit=unit, overlap=overlap
        )
    target = queue.find(item if isinstance(item, str) else item.key)
    with store.write() as session:
        a, b = coder_pair(session, first, second)
        with tracking(session) as changes:
            # Inside the tracked block: undoing the first decision removes the new layer (and
            # the person, if this registered them) too.
            person = reconciler(session, actor)
            cons = consensus_coder(session, consensus, actor=person.name, create=True)
            _write(session, a, b, cons, person, [(target, choice, code_ids)], rationale)
            mine = [i for i in queue.items if i.document_id == target.document_id]
            _mark_done_if_settled(session, cons, target.document_id, mine, {target.key})
        return finish_operation(
            session,
            person.name,
            "decide",
            target.document_id,
            changes,
            entity="reconcile_decision",
            description=f"decided {target.document} {target.start}-{target.end}: {choice}",
            key=target.key,
        )


def auto_accept(
    store: Store,
    *,
    first: str,
    second: str,
    actor: str,
    consensus: str = DEFAULT_CONSENSUS,
    min_alpha: float | None = None,
    unit: UnitKind = UnitKind.SENTENCE,
    overlap: Overlap = DEFAULT_OVERLAP,
) -> AutoReport:
    """Accept every undecided passage where both coders applied the same codes, in one go.

    With ``min_alpha``, a passage is accepted only if every code on it has an alpha between the
    two coders of at least that value; the others are held back for a decision by hand.
    """
    queue = load_queue(
        store, first=first, second=second, consensus=consensus, unit=unit, overlap=overlap
    )
    chosen, held = [], 0
    for item in queue.items:
        if not item.agree or item.decided:
            continue
        if min_alpha is not None and any(
            not queue.codes[c].alpha >= min_alpha for c in item.first_codes
        ):
            held += 1
            continue
        chosen.append(item)
    if not chosen:
        return AutoReport(0, held, 0, None)
    with store.write() as session:
        a, b = coder_pair(session, first, second)
        with tracking(session) as changes:
            person = reconciler(session, actor)
            cons = consensus_coder(session, consensus, actor=person.name, create=True)
            _write(session, a, b, cons, person, [(i, "agree", None) for i in chosen], "")
            keys = {i.key for i in chosen}
            # Grouped once: each document scanning the whole queue grew with its square.
            by_doc: dict[int, list[ReconcileItem]] = {}
            for i in queue.items:
                by_doc.setdefault(i.document_id, []).append(i)
            for doc_id in {i.document_id for i in chosen}:
                _mark_done_if_settled(session, cons, doc_id, by_doc[doc_id], keys)
        threshold = "" if min_alpha is None else f" (alpha >= {min_alpha:g})"
        result = finish_operation(
            session,
            person.name,
            "accept",
            None,
            changes,
            entity="reconcile_decision",
            description=f"accepted {len(chosen)} agreeing passage(s){threshold}",
        )
        return AutoReport(len(chosen), held, changes.count("codings"), result.entry_id)


def join_consensus(
    store: Store, *, actor: str, consensus: str = DEFAULT_CONSENSUS
) -> OperationResult | None:
    """Join the consensus layer's codings as decisions made today would have written them.

    Consensus codings of a code next to each other (only white space between) become one where
    every coder they were copied from coded the text whole across the boundary, and each
    decision's rationale becomes a memo on its coding. For layers decided one sentence at a
    time. One audit entry, undone like a decision; None when there was nothing to join.
    """
    with store.write() as session:
        cons = consensus_coder(session, consensus, actor=actor, create=False)
        doc_ids = sorted(
            set(
                session.scalars(
                    select(Coding.document_id)
                    .join(ConsensusSource, ConsensusSource.coding_id == Coding.id)
                    .where(Coding.coder_id == cons.id)
                )
            )
        )
        with tracking(session) as changes:
            person = reconciler(session, actor)
            after = sum(sync_document(session, cons, doc_id) for doc_id in doc_ids)
        if not any(
            changes.count(table, bucket)
            for table in ("codings", "consensus_sources", "memos")
            for bucket in ("created", "updated", "deleted")
        ):
            return None
        before = after + changes.count("codings", "deleted") - changes.count("codings")
        memos = changes.count("memos")
        return finish_operation(
            session,
            person.name,
            "join",
            None,
            changes,
            entity="reconcile_decision",
            description=f"joined {cons.name}'s codings: {before} became {after}"
            + (f"; {memos} memo(s) written from rationales" if memos else ""),
        )


def _write(
    session: Session,
    a: Coder,
    b: Coder,
    cons: Coder,
    person: Coder,
    rulings: Sequence[Ruling],
    rationale: str,
) -> None:
    """Write the decisions (replacing every earlier one they overlap) and, document by
    document, bring the consensus codings in line with them."""
    by_doc: dict[int, list[Ruling]] = {}
    for ruling in rulings:
        by_doc.setdefault(ruling[0].document_id, []).append(ruling)
    for doc_id, doc_rulings in by_doc.items():
        old = [
            d
            for d in session.scalars(
                select(ReconcileDecision).where(
                    ReconcileDecision.consensus_id == cons.id,
                    ReconcileDecision.document_id == doc_id,
                )
            )
            if any(d.unit_start < r[0].end and d.unit_end > r[0].start for r in doc_rulings)
        ]
        dropped = drop_decisions(session, old)
        pieces: list[Piece] = []
        for item, choice, code_ids in doc_rulings:
            pieces += _decision(session, a, b, cons, person, item, choice, code_ids, rationale)
        spans = [(r[0].start, r[0].end) for r in doc_rulings]
        spans += [(d.unit_start, d.unit_end) for d in old]
        window = (min(s for s, _ in spans), max(e for _, e in spans))
        sync_document(session, cons, doc_id, new=pieces, dropped=dropped, window=window)


def _decision(
    session: Session,
    a: Coder,
    b: Coder,
    cons: Coder,
    person: Coder,
    item: ReconcileItem,
    choice: str,
    code_ids: Sequence[int] | None,
    rationale: str,
) -> list[Piece]:
    """Add one decision row; the pieces (one per code kept) it makes of the passage."""
    if choice == "edit":
        chosen = tuple(sorted(set(code_ids or ())))
        for code_id in chosen:
            code = session.get(Code, code_id)
            if code is None or code.status != "active":
                raise NotFoundError(f"no active code with id {code_id}")
    else:
        chosen = item.codes_for(choice)
    decision = ReconcileDecision(
        consensus_id=cons.id,
        first_id=a.id,
        second_id=b.id,
        document_id=item.document_id,
        unit_start=item.start,
        unit_end=item.end,
        choice=choice,
        code_ids=list(chosen),
        rationale=rationale.strip(),
        decided_by=person.name,
        decided_at=dt.datetime.now(dt.UTC),
    )
    session.add(decision)
    session.flush()
    memo = (person.id, decision.rationale) if decision.rationale else None
    from_first = choice in ("a", "both", "shared", "edit", "agree")
    from_second = choice in ("b", "both", "shared", "edit", "agree")
    pieces = []
    for code_id in chosen:
        sources: list[tuple[int | None, int | None]] = [
            (a.id, s.id) for s in item.first if from_first and s.code_id == code_id
        ]
        sources += [(b.id, s.id) for s in item.second if from_second and s.code_id == code_id]
        found = tuple(sources or [(None, None)])
        pieces.append(Piece(code_id, item.start, item.end, decision.id, found, memo))
        code = session.get(Code, code_id)
        if code is not None:
            share_code(session, code)  # a code kept in consensus is shared from now on
    session.flush()
    return pieces


def _mark_done_if_settled(
    session: Session,
    cons: Coder,
    document_id: int,
    items: Sequence[ReconcileItem],
    now: set[str],
) -> None:
    """Mark the document done for the consensus coder once every passage in it (``items``,
    the queue's items of that document) is decided."""
    pending = [i for i in items if not i.decided and i.key not in now]
    if pending:
        return
    status = session.get(DocumentStatus, (document_id, cons.id))
    if status is None:
        session.add(
            DocumentStatus(
                document_id=document_id,
                coder_id=cons.id,
                done=True,
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
    elif not status.done:
        status.done = True
        status.updated_at = dt.datetime.now(dt.UTC)
    session.flush()

"""Reconciliation decisions: settle a unit into the consensus coder, or accept agreeing units.

A decision (keep the first coder's codes, the second's, both, what they share, or codes chosen
by hand) writes one consensus coding per code over the unit, each with its provenance: the
coding it copies, the decision, who decided, when and why. Agreeing units are accepted in bulk.

Every decision is one transaction and one audit entry with every row it wrote, so it can be
undone exactly (:func:`coder.services.undo.undo_latest`). When the last unit of a
document is decided, the document is marked done for the consensus coder, so agreement of a
coder against consensus counts it (``coder agreement --coders A consensus``).
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
    Memo,
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
from coder.errors import ConflictError, InputError, NotFoundError, UsageError
from coder.services.codebook.themes import finish_operation
from coder.services.reconcile.coders import coder_pair, consensus_coder
from coder.services.reconcile.queue import load_queue

__all__ = ["auto_accept", "decide"]


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
    """Settle one unit: ``choice`` is a, b, both, shared, or edit (with ``code_ids``).

    Deciding an item again replaces its earlier decision (both stay in the audit log).
    ``queue`` saves reloading it when the caller has it at hand (the TUI).
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
            # Inside the tracked block: undoing the first decision removes the new layer too.
            cons = consensus_coder(session, consensus, actor=actor, create=True)
            _write_decision(
                session, a, b, cons, target, choice, actor, rationale, code_ids=code_ids
            )
            _mark_done_if_settled(session, cons, target.document_id, queue, {target.key})
        return finish_operation(
            session,
            actor,
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
    """Accept every undecided unit where both coders applied the same codes, in one go.

    With ``min_alpha``, a unit is accepted only if every code on it has an alpha between the
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
            cons = consensus_coder(session, consensus, actor=actor, create=True)
            for item in chosen:
                _write_decision(session, a, b, cons, item, "agree", actor, "")
            keys = {i.key for i in chosen}
            for doc_id in {i.document_id for i in chosen}:
                _mark_done_if_settled(session, cons, doc_id, queue, keys)
        threshold = "" if min_alpha is None else f" (alpha >= {min_alpha:g})"
        result = finish_operation(
            session,
            actor,
            "accept",
            None,
            changes,
            entity="reconcile_decision",
            description=f"accepted {len(chosen)} agreeing unit(s){threshold}",
        )
        return AutoReport(len(chosen), held, changes.count("codings"), result.entry_id)


def _write_decision(
    session: Session,
    a: Coder,
    b: Coder,
    cons: Coder,
    item: ReconcileItem,
    choice: str,
    actor: str,
    rationale: str,
    *,
    code_ids: Sequence[int] | None = None,
) -> ReconcileDecision:
    old = session.scalars(
        select(ReconcileDecision).where(
            ReconcileDecision.consensus_id == cons.id,
            ReconcileDecision.document_id == item.document_id,
            ReconcileDecision.unit_start == item.start,
            ReconcileDecision.unit_end == item.end,
        )
    ).first()
    if old is not None:
        _remove_decision(session, old)
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
        decided_by=actor,
        decided_at=dt.datetime.now(dt.UTC),
    )
    session.add(decision)
    session.flush()
    from_first = choice in ("a", "both", "shared", "edit", "agree")
    from_second = choice in ("b", "both", "shared", "edit", "agree")
    for code_id in chosen:
        exists = session.scalars(
            select(Coding.id).where(
                Coding.document_id == item.document_id,
                Coding.coder_id == cons.id,
                Coding.code_id == code_id,
                Coding.start == item.start,
                Coding.end == item.end,
            )
        ).first()
        if exists is not None:
            raise ConflictError(
                f"{cons.name} already has this code on {item.document} {item.start}-{item.end}"
            )
        coding = Coding(
            document_id=item.document_id,
            code_id=code_id,
            coder_id=cons.id,
            start=item.start,
            end=item.end,
        )
        session.add(coding)
        session.flush()
        sources: list[tuple[int | None, int | None]] = [
            (a.id, s.id) for s in item.first if from_first and s.code_id == code_id
        ]
        sources += [(b.id, s.id) for s in item.second if from_second and s.code_id == code_id]
        for coder_id, source_id in sources or [(None, None)]:
            session.add(
                ConsensusSource(
                    coding_id=coding.id,
                    decision_id=decision.id,
                    source_coder_id=coder_id,
                    source_coding_id=source_id,
                )
            )
        code = session.get(Code, code_id)
        if code is not None and code.owner_id is not None:
            code.owner_id = None  # a code kept in consensus is shared from now on
    session.flush()
    return decision


def _remove_decision(session: Session, decision: ReconcileDecision) -> None:
    sources = list(
        session.scalars(select(ConsensusSource).where(ConsensusSource.decision_id == decision.id))
    )
    coding_ids = {s.coding_id for s in sources}
    for source in sources:
        session.delete(source)
    session.flush()
    for coding_id in coding_ids:
        for memo in session.scalars(select(Memo).where(Memo.coding_id == coding_id)):
            session.delete(memo)
        session.flush()
        coding = session.get(Coding, coding_id)
        if coding is not None:
            session.delete(coding)
    session.flush()
    session.delete(decision)
    session.flush()


def _mark_done_if_settled(
    session: Session, cons: Coder, document_id: int, queue: ReconcileQueue, now: set[str]
) -> None:
    """Mark the document done for the consensus coder once every unit in it is decided."""
    pending = [
        i
        for i in queue.items
        if i.document_id == document_id and not i.decided and i.key not in now
    ]
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

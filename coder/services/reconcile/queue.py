"""Reconciliation: settle two coders' work, unit by unit, into a consensus coder.

The queue is every unit of analysis (sentences by default) that either coder coded, on the
documents both coders worked on (the agreement engine's rule). A unit is a *disagreement* when
the two coders' sets of codes on it differ, as in the agreement engine's disagreement table.
A decision (keep the first coder's codes, the second's, both, what they share, or codes chosen
by hand) writes one consensus coding per code over the unit, each with its provenance: the
coding it copies, the decision, who decided, when and why. Agreeing units are accepted in bulk.

Every decision is one transaction and one audit entry with every row it wrote, so it can be
undone exactly (:func:`coder.services.codebook.themes.undo_last_operation`). When the last unit of a
document is decided, the document is marked done for the consensus coder, so agreement of a
coder against consensus counts it (``coder agreement --coders A consensus``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.changeset import tracking
from coder.db.engine import Store
from coder.db.models import (
    Code,
    Coder,
    Coding,
    ConsensusSource,
    Document,
    DocumentStatus,
    Memo,
    ReconcileDecision,
    Unit,
)
from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind
from coder.errors import ConflictError, InputError, NotFoundError, UsageError
from coder.services.codebook.codes import CodeTree
from coder.services.codebook.themes import OperationResult, finish_operation
from coder.services.project.coders import find_coder, require_coder

Choice = Literal["a", "b", "both", "shared", "edit"]
Order = Literal["document", "weakest"]
CHOICES: tuple[str, ...] = ("a", "b", "both", "shared", "edit")
DEFAULT_CONSENSUS = "consensus"


@dataclass(frozen=True)
class CodeInfo:
    """A code involved in reconciliation, with what a reconciler needs to judge it."""

    id: int
    path: CodePath
    definition: str
    colour: str | None
    alpha: float


@dataclass(frozen=True)
class SideCoding:
    """One coder's coding that touches a unit, with its memo."""

    id: int
    code_id: int
    start: int
    end: int
    memo: str | None


@dataclass(frozen=True)
class DecisionView:
    choice: str
    code_ids: tuple[int, ...]
    rationale: str
    decided_by: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class ReconcileItem:
    """One unit to settle; ``key`` (``DOC:START-END``) names it for ``reconcile decide``."""

    number: int
    document_id: int
    document: str
    start: int
    end: int
    first: tuple[SideCoding, ...]
    second: tuple[SideCoding, ...]
    weakest: float
    decision: DecisionView | None = None

    @property
    def key(self) -> str:
        return f"{self.document_id}:{self.start}-{self.end}"

    @property
    def first_codes(self) -> tuple[int, ...]:
        return tuple(sorted({c.code_id for c in self.first}))

    @property
    def second_codes(self) -> tuple[int, ...]:
        return tuple(sorted({c.code_id for c in self.second}))

    @property
    def agree(self) -> bool:
        return self.first_codes == self.second_codes

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def codes_for(self, choice: str) -> tuple[int, ...]:
        """The codes a choice keeps (not for ``edit``)."""
        a, b = set(self.first_codes), set(self.second_codes)
        chosen = {"a": a, "b": b, "both": a | b, "shared": a & b, "agree": a}.get(choice)
        if chosen is None:
            raise InputError(choice, f"a decision is one of {', '.join(CHOICES)}")
        return tuple(sorted(chosen))


@dataclass(frozen=True)
class ReconcileQueue:
    """Every unit to settle between two coders, in the order asked for."""

    first: str
    second: str
    consensus: str
    order: str
    items: tuple[ReconcileItem, ...]
    codes: dict[int, CodeInfo] = field(default_factory=dict)
    documents: tuple[str, ...] = ()

    @property
    def disagreements(self) -> tuple[ReconcileItem, ...]:
        return tuple(i for i in self.items if not i.agree)

    @property
    def decided(self) -> int:
        return sum(i.decided for i in self.disagreements)

    @property
    def remaining(self) -> int:
        return len(self.disagreements) - self.decided

    @property
    def agreeing_pending(self) -> int:
        return sum(1 for i in self.items if i.agree and not i.decided)

    def first_undecided(self, items: Sequence[ReconcileItem] | None = None) -> int | None:
        """Index (in ``items``, the disagreements by default) of the first undecided item."""
        pool = self.disagreements if items is None else items
        return next((k for k, item in enumerate(pool) if not item.decided), None)

    def find(self, ref: str) -> ReconcileItem:
        """An item by key (``12:340-410``) or by number (its place in document order)."""
        ref = ref.strip().lstrip("#")
        for item in self.items:
            if ref in (item.key, str(item.number)):
                return item
        raise NotFoundError(f"no reconciliation item {ref!r} (see 'coder reconcile status')")


@dataclass(frozen=True)
class ItemContext:
    """The text around a unit: before, the unit itself, after."""

    before: str
    text: str
    after: str


@dataclass(frozen=True)
class AutoReport:
    accepted: int
    held_back: int
    codings: int
    entry_id: int | None


def ensure_consensus(store: Store, name: str = DEFAULT_CONSENSUS, *, actor: str) -> Coder:
    """The consensus coder of this name, registered (kind ``consensus``) if new."""
    with store.write() as session:
        return _consensus(session, name, actor=actor, create=True)


def _consensus(session: Session, name: str, *, actor: str, create: bool) -> Coder:
    from coder.db.audit import record

    row = find_coder(session, name)
    if row is None:
        if not create:
            raise NotFoundError(f"no consensus coder {name!r} yet (decide an item first)")
        row = Coder(name=name.strip(), kind="consensus")
        session.add(row)
        session.flush()
        record(
            session, actor, "create", "coder", row.id, None, {"name": row.name, "kind": "consensus"}
        )
    elif row.kind != "consensus":
        raise ConflictError(f"{row.name!r} is a human coder; name another consensus layer (--as)")
    return row


def _pair(session: Session, first: str, second: str) -> tuple[Coder, Coder]:
    a, b = require_coder(session, first), require_coder(session, second)
    if a.id == b.id:
        raise UsageError("reconciliation needs two different coders (--coders A B)")
    for coder in (a, b):
        if coder.kind == "consensus":
            raise UsageError(f"{coder.name!r} is a consensus layer; reconcile two human coders")
    return a, b


def _agreement(
    store: Store, first: str, second: str, unit: UnitKind
) -> tuple[list[str], dict[CodePath, float]]:
    """The documents both coders worked on, and each code's alpha between them."""
    from coder.services.agreement.compute import AgreementRequest, compute_project_agreement

    report = compute_project_agreement(
        store, AgreementRequest(coders=(first, second), unit=unit, ci=False)
    )
    alphas: dict[CodePath, float] = {}
    for path, figures in zip(report.code_paths, report.result.per_code, strict=True):
        alpha = figures.alpha
        alphas[path] = alpha.value if alpha is not None and alpha.is_defined else math.nan
    return list(report.documents), alphas


def load_queue(
    store: Store,
    *,
    first: str,
    second: str,
    consensus: str = DEFAULT_CONSENSUS,
    order: Order = "document",
    unit: UnitKind = UnitKind.SENTENCE,
) -> ReconcileQueue:
    """Every unit either coder coded, on documents both worked on, with any decision made.

    ``order`` is ``document`` (document, then position) or ``weakest`` (units whose codes have
    the lowest Krippendorff's alpha between the two coders first; undefined alpha first).
    """
    if order not in ("document", "weakest"):
        raise InputError(order, "order is 'document' or 'weakest'")
    names, alphas = _agreement(store, first, second, unit)
    with store.read() as session:
        a, b = _pair(session, first, second)
        row = find_coder(session, consensus)
        consensus_id = row.id if row is not None and row.kind == "consensus" else None
        doc_ids = _document_ids(session, names)
        items, codes = _items(session, a, b, consensus_id, doc_ids, unit, alphas)
    if order == "weakest":
        items.sort(key=lambda i: (_rank(i.weakest), i.document_id, i.start))
    return ReconcileQueue(
        first=a.name,
        second=b.name,
        consensus=row.name if row is not None else consensus,
        order=order,
        items=tuple(items),
        codes=codes,
        documents=tuple(names),
    )


def _rank(alpha: float) -> float:
    return -math.inf if math.isnan(alpha) else alpha


def _document_ids(session: Session, names: Iterable[str]) -> list[int]:
    from coder.services.documents.corpus import latest_documents

    by_name = {d.name: d.id for d in session.scalars(latest_documents())}
    return [by_name[n] for n in names if n in by_name]


def _items(
    session: Session,
    a: Coder,
    b: Coder,
    consensus_id: int | None,
    doc_ids: list[int],
    unit: UnitKind,
    alphas: dict[CodePath, float],
) -> tuple[list[ReconcileItem], dict[int, CodeInfo]]:
    tree = CodeTree.load(session)
    # The codes the agreement engine compares: active ones, shared or private to either coder.
    usable = {
        r.id
        for r in tree.rows.values()
        if r.status == "active" and r.owner_id in (None, a.id, b.id)
    }
    docs = {d.id: d.name for d in session.scalars(select(Document).where(Document.id.in_(doc_ids)))}
    units: dict[int, list[tuple[int, int]]] = {}
    for doc_id, start, end in session.execute(
        select(Unit.document_id, Unit.start, Unit.end)
        .where(Unit.document_id.in_(doc_ids), Unit.kind == str(unit))
        .order_by(Unit.document_id, Unit.start)
    ):
        units.setdefault(doc_id, []).append((start, end))
    memos: dict[int, str] = {}
    for coding_id, text in session.execute(
        select(Memo.coding_id, Memo.text)
        .join(Coding, Memo.coding_id == Coding.id)
        .where(Coding.coder_id.in_((a.id, b.id)), Coding.document_id.in_(doc_ids))
        .order_by(Memo.id)
    ):
        if coding_id is not None:
            memos.setdefault(coding_id, text)
    sides: dict[tuple[int, int, int], tuple[list[SideCoding], list[SideCoding]]] = {}
    for coding in session.scalars(
        select(Coding)
        .where(Coding.coder_id.in_((a.id, b.id)), Coding.document_id.in_(doc_ids))
        .order_by(Coding.document_id, Coding.start, Coding.id)
    ):
        if coding.code_id not in usable:
            continue
        doc_units = units.get(coding.document_id, [])
        # Units overlapping the coding: "any overlap", the agreement engine's default.
        k = bisect.bisect_right(doc_units, (coding.start, math.inf)) - 1
        k = max(k, 0)
        while k < len(doc_units) and doc_units[k][0] < coding.end:
            start, end = doc_units[k]
            if end > coding.start:
                pair = sides.setdefault((coding.document_id, start, end), ([], []))
                side = pair[0] if coding.coder_id == a.id else pair[1]
                side.append(
                    SideCoding(
                        coding.id, coding.code_id, coding.start, coding.end, memos.get(coding.id)
                    )
                )
            k += 1
    decisions: dict[tuple[int, int, int], DecisionView] = {}
    if consensus_id is not None:
        for d in session.scalars(
            select(ReconcileDecision).where(ReconcileDecision.consensus_id == consensus_id)
        ):
            decisions[(d.document_id, d.unit_start, d.unit_end)] = DecisionView(
                d.choice, tuple(d.code_ids), d.rationale, d.decided_by, d.decided_at
            )
    codes: dict[int, CodeInfo] = {}

    def info(code_id: int) -> CodeInfo:
        if code_id not in codes:
            row = tree.rows[code_id]
            path = tree.path(code_id)
            codes[code_id] = CodeInfo(
                code_id, path, row.definition, row.colour, alphas.get(path, math.nan)
            )
        return codes[code_id]

    items: list[ReconcileItem] = []
    for number, key in enumerate(sorted(sides), start=1):
        firsts, seconds = sides[key]
        involved = {c.code_id for c in (*firsts, *seconds)}
        weakest = min((info(c).alpha for c in involved), key=_rank)
        items.append(
            ReconcileItem(
                number=number,
                document_id=key[0],
                document=docs[key[0]],
                start=key[1],
                end=key[2],
                first=tuple(firsts),
                second=tuple(seconds),
                weakest=weakest,
                decision=decisions.get(key),
            )
        )
    for decision in decisions.values():
        for code_id in decision.code_ids:
            if code_id in tree.rows:
                info(code_id)
    return items, codes


def item_context(
    store: Store, item: ReconcileItem, *, unit: UnitKind = UnitKind.SENTENCE
) -> ItemContext:
    """The unit's text with the unit before and after it."""
    with store.read() as session:
        doc = session.get(Document, item.document_id)
        if doc is None:
            raise NotFoundError(f"no document with id {item.document_id}")
        before = session.execute(
            select(Unit.start, Unit.end)
            .where(Unit.document_id == doc.id, Unit.kind == str(unit), Unit.end <= item.start)
            .order_by(Unit.start.desc())
            .limit(1)
        ).first()
        after = session.execute(
            select(Unit.start, Unit.end)
            .where(Unit.document_id == doc.id, Unit.kind == str(unit), Unit.start >= item.end)
            .order_by(Unit.start)
            .limit(1)
        ).first()
        text = doc.text
        return ItemContext(
            before=text[before.start : before.end] if before else "",
            text=text[item.start : item.end],
            after=text[after.start : after.end] if after else "",
        )


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
        queue = load_queue(store, first=first, second=second, consensus=consensus, unit=unit)
    target = queue.find(item if isinstance(item, str) else item.key)
    with store.write() as session:
        a, b = _pair(session, first, second)
        with tracking(session) as changes:
            # Inside the tracked block: undoing the first decision removes the new layer too.
            cons = _consensus(session, consensus, actor=actor, create=True)
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
) -> AutoReport:
    """Accept every undecided unit where both coders applied the same codes, in one go.

    With ``min_alpha``, a unit is accepted only if every code on it has an alpha between the
    two coders of at least that value; the others are held back for a decision by hand.
    """
    queue = load_queue(store, first=first, second=second, consensus=consensus, unit=unit)
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
        a, b = _pair(session, first, second)
        with tracking(session) as changes:
            cons = _consensus(session, consensus, actor=actor, create=True)
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


@dataclass(frozen=True)
class ProvenanceRow:
    """One consensus coding and where it came from."""

    coding_id: int
    document: str
    start: int
    end: int
    code: CodePath
    choice: str
    source_coder: str | None
    source_coding_id: int | None
    decided_by: str
    decided_at: dt.datetime
    rationale: str


def provenance(store: Store, *, consensus: str = DEFAULT_CONSENSUS) -> list[ProvenanceRow]:
    """Every consensus coding with the coding it copies, who decided it, when and why."""
    with store.read() as session:
        cons = _consensus(session, consensus, actor="", create=False)
        tree = CodeTree.load(session)
        names = dict(session.execute(select(Coder.id, Coder.name)).all())
        docs = dict(session.execute(select(Document.id, Document.name)).all())
        rows = session.execute(
            select(Coding, ConsensusSource, ReconcileDecision)
            .join(ConsensusSource, ConsensusSource.coding_id == Coding.id)
            .join(ReconcileDecision, ReconcileDecision.id == ConsensusSource.decision_id)
            .where(Coding.coder_id == cons.id)
            .order_by(Coding.document_id, Coding.start, Coding.id, ConsensusSource.id)
        ).all()
        return [
            ProvenanceRow(
                coding_id=c.id,
                document=docs[c.document_id],
                start=c.start,
                end=c.end,
                code=tree.path(c.code_id),
                choice=d.choice,
                source_coder=names.get(s.source_coder_id) if s.source_coder_id else None,
                source_coding_id=s.source_coding_id,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
                rationale=d.rationale,
            )
            for c, s, d in rows
        ]

"""Reconciliation's queue: every passage two coders' work differs on or agrees on, to settle.

Agreement is measured unit by unit; people decide passages. The queue is every unit of analysis
(sentences by default) that either coder coded, on the documents both coders worked on (the
agreement engine's rule), gathered into passages: runs of neighbouring units with the same codes
on each side, covered by the same codings (the rule, precisely, is in
:mod:`coder.services.reconcile.passages`). Whether a coder coded a unit with a code is the
agreement engine's overlap rule (:mod:`coder.services.agreement.overlap`, the ``--overlap`` of
``coder agreement``), so the units of the passages that are *disagreements* are exactly the
agreement engine's disagreement table. Deciding is :mod:`coder.services.reconcile.decisions`;
provenance is :mod:`coder.services.reconcile.provenance`.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.engine import Store
from coder.db.models import Coder, Coding, Document, Memo, ReconcileDecision, Unit
from coder.domain.agreement import DEFAULT_OVERLAP, AgreementRequest, Overlap
from coder.domain.codebook import CodePath
from coder.domain.documents import UnitKind
from coder.domain.reconcile import (
    DEFAULT_CONSENSUS,
    CodeInfo,
    DecisionView,
    ItemContext,
    Order,
    ReconcileItem,
    ReconcileQueue,
    SideCoding,
)
from coder.errors import InputError, NotFoundError
from coder.services.agreement.compute import compute_project_agreement
from coder.services.agreement.overlap import applied_by_id
from coder.services.codebook.codes import CodeTree
from coder.services.documents.reading import latest_documents
from coder.services.documents.turns import Turns, load_turns
from coder.services.project.coders import find_coder
from coder.services.reconcile.coders import coder_pair
from coder.services.reconcile.passages import UnitSides, group_units, side_codings

__all__ = ["item_context", "load_queue"]

#: (document id, unit start, unit end): a unit, as decisions and items name it.
UnitKey = tuple[int, int, int]


def load_queue(
    store: Store,
    *,
    first: str,
    second: str,
    consensus: str = DEFAULT_CONSENSUS,
    order: Order = "document",
    unit: UnitKind = UnitKind.SENTENCE,
    overlap: Overlap = DEFAULT_OVERLAP,
) -> ReconcileQueue:
    """Every passage either coder coded, on documents both worked on, with any decision made.

    ``order`` is ``document`` (document, then position) or ``weakest`` (passages whose codes
    have the lowest Krippendorff's alpha between the two coders first; undefined alpha first).
    ``overlap`` is when a coder's codings count for a unit, as ``coder agreement --overlap``.
    """
    if order not in ("document", "weakest"):
        raise InputError(order, "order is 'document' or 'weakest'")
    names, alphas = _agreement(store, first, second, unit, overlap)
    with store.read() as session:
        a, b = coder_pair(session, first, second)
        row = find_coder(session, consensus)
        consensus_id = row.id if row is not None and row.kind == "consensus" else None
        doc_ids = _document_ids(session, names)
        tree = CodeTree.load(session)
        units, sides = _sides(session, tree, a, b, doc_ids, unit, overlap)
        decisions = _decisions(session, consensus_id)
        docs = {
            row.id: row.name
            for row in session.execute(
                select(Document.id, Document.name).where(Document.id.in_(doc_ids))
            )
        }
        codes = _CodeInfos(tree, alphas)
        items = _items(units, sides, decisions, docs, codes)
    if order == "weakest":
        items.sort(key=lambda i: (_rank(i.weakest), i.document_id, i.start))
    return ReconcileQueue(
        first=a.name,
        second=b.name,
        consensus=row.name if row is not None else consensus,
        order=order,
        items=tuple(items),
        codes=codes.seen,
        documents=tuple(names),
    )


def _agreement(
    store: Store, first: str, second: str, unit: UnitKind, overlap: Overlap
) -> tuple[list[str], dict[CodePath, float]]:
    """The documents both coders worked on, and each code's alpha between them."""
    report = compute_project_agreement(
        store, AgreementRequest(coders=(first, second), unit=unit, overlap=overlap, ci=False)
    )
    alphas: dict[CodePath, float] = {}
    for path, figures in zip(report.code_paths, report.result.per_code, strict=True):
        alpha = figures.alpha
        alphas[path] = alpha.value if alpha is not None and alpha.is_defined else math.nan
    return list(report.documents), alphas


def _rank(alpha: float) -> float:
    return -math.inf if math.isnan(alpha) else alpha


def _document_ids(session: Session, names: Iterable[str]) -> list[int]:
    by_name = {d.name: d.id for d in session.scalars(latest_documents())}
    return [by_name[n] for n in names if n in by_name]


Sides = dict[UnitKey, tuple[list[SideCoding], list[SideCoding]]]
#: Every unit of each document, in text order.
Units = dict[int, list[tuple[int, int]]]


def _sides(
    session: Session,
    tree: CodeTree,
    a: Coder,
    b: Coder,
    doc_ids: list[int],
    unit: UnitKind,
    overlap: Overlap,
) -> tuple[Units, Sides]:
    """Every unit of each document, and per coded unit each coder's codings of the codes the
    overlap rule says they applied to it."""
    # The codes the agreement engine compares: active ones, shared or private to either coder.
    usable = {
        r.id
        for r in tree.rows.values()
        if r.status == "active" and r.owner_id in (None, a.id, b.id)
    }
    units: Units = {doc_id: [] for doc_id in doc_ids}
    for doc_id, start, end in session.execute(
        select(Unit.document_id, Unit.start, Unit.end)
        .where(Unit.document_id.in_(doc_ids), Unit.kind == str(unit))
        .order_by(Unit.document_id, Unit.start)
    ):
        units[doc_id].append((start, end))
    codings = [
        c
        for c in session.scalars(
            select(Coding)
            .where(Coding.coder_id.in_((a.id, b.id)), Coding.document_id.in_(doc_ids))
            .order_by(Coding.document_id, Coding.start, Coding.id)
        )
        if c.code_id in usable
    ]
    keys = [(doc_id, start, end) for doc_id, spans in units.items() for start, end in spans]
    spans = [(c.document_id, c.start, c.end, c.code_id, c.coder_id) for c in codings]
    applied = {
        (keys[k], coder_id == b.id, code_id)
        for k, coder_id, code_id in applied_by_id(keys, spans, overlap)
    }
    memos = _memos(session, (a.id, b.id), doc_ids)
    sides: Sides = {}
    for coding in codings:
        doc_units = units[coding.document_id]
        second = coding.coder_id == b.id
        k = max(bisect.bisect_right(doc_units, (coding.start, math.inf)) - 1, 0)
        while k < len(doc_units) and doc_units[k][0] < coding.end:
            start, end = doc_units[k]
            key = (coding.document_id, start, end)
            if end > coding.start and (key, second, coding.code_id) in applied:
                side = sides.setdefault(key, ([], []))[second]
                side.append(
                    SideCoding(
                        coding.id, coding.code_id, coding.start, coding.end, memos.get(coding.id)
                    )
                )
            k += 1
    return units, sides


def _memos(session: Session, coder_ids: tuple[int, int], doc_ids: list[int]) -> dict[int, str]:
    """The first memo of each of the coders' codings on the documents."""
    memos: dict[int, str] = {}
    for coding_id, text in session.execute(
        select(Memo.coding_id, Memo.text)
        .join(Coding, Memo.coding_id == Coding.id)
        .where(Coding.coder_id.in_(coder_ids), Coding.document_id.in_(doc_ids))
        .order_by(Memo.id)
    ):
        if coding_id is not None:
            memos.setdefault(coding_id, text)
    return memos


#: The decisions on each document: (start, end, decision), by start.
Decisions = dict[int, list[tuple[int, int, DecisionView]]]


def _decisions(session: Session, consensus_id: int | None) -> Decisions:
    """The decisions made into the consensus layer, by document."""
    found: Decisions = {}
    if consensus_id is None:
        return found
    for d in session.scalars(
        select(ReconcileDecision)
        .where(ReconcileDecision.consensus_id == consensus_id)
        .order_by(ReconcileDecision.document_id, ReconcileDecision.unit_start)
    ):
        view = DecisionView(d.choice, tuple(d.code_ids), d.rationale, d.decided_by, d.decided_at)
        found.setdefault(d.document_id, []).append((d.unit_start, d.unit_end, view))
    return found


def _decision_of(
    decisions: Decisions, document_id: int, spans: list[tuple[int, int]]
) -> DecisionView | None:
    """The decision on a passage: the one made on it, or the earlier ones (made sentence by
    sentence, say) that together cover every unit of it; None if any unit is not covered."""
    start, end = spans[0][0], spans[-1][1]
    found = [(s, e, v) for s, e, v in decisions.get(document_id, ()) if s < end and e > start]
    for unit_start, unit_end in spans:
        if not any(s <= unit_start and unit_end <= e for s, e, _ in found):
            return None
    return DecisionView.combine([v for *_, v in found])


class _CodeInfos:
    """``CodeInfo`` of each code the queue mentions, built once per code."""

    def __init__(self, tree: CodeTree, alphas: dict[CodePath, float]) -> None:
        self.tree, self.alphas = tree, alphas
        self.seen: dict[int, CodeInfo] = {}

    def __call__(self, code_id: int) -> CodeInfo:
        if code_id not in self.seen:
            row, path = self.tree.rows[code_id], self.tree.path(code_id)
            alpha = self.alphas.get(path, math.nan)
            self.seen[code_id] = CodeInfo(code_id, path, row.definition, row.colour, alpha)
        return self.seen[code_id]


def _items(
    units: Units,
    sides: Sides,
    decisions: Decisions,
    docs: dict[int, str],
    codes: _CodeInfos,
) -> list[ReconcileItem]:
    """The passages of every document, numbered in document order."""
    items: list[ReconcileItem] = []
    by_doc: dict[int, dict[tuple[int, int], UnitSides]] = {}
    for (doc_id, start, end), both in sides.items():
        by_doc.setdefault(doc_id, {})[(start, end)] = both
    for doc_id, by_span in sorted(by_doc.items()):
        for spans in group_units(units[doc_id], by_span):
            parts = [by_span[span] for span in spans]
            firsts, seconds = side_codings(parts, 0), side_codings(parts, 1)
            involved = {c.code_id for c in (*firsts, *seconds)}
            items.append(
                ReconcileItem(
                    number=len(items) + 1,
                    document_id=doc_id,
                    document=docs[doc_id],
                    start=spans[0][0],
                    end=spans[-1][1],
                    first=firsts,
                    second=seconds,
                    weakest=min((codes(c).alpha for c in involved), key=_rank),
                    decision=_decision_of(decisions, doc_id, spans),
                    units=tuple(spans),
                )
            )
    for doc_decisions in decisions.values():
        for *_, decision in doc_decisions:
            for code_id in decision.code_ids:
                if code_id in codes.tree.rows:
                    codes(code_id)
    return items


def item_context(
    store: Store, item: ReconcileItem, *, unit: UnitKind = UnitKind.SENTENCE
) -> ItemContext:
    """The passage's text, whole, with the unit before and after it, and who says each: the
    passage is cut into pieces where a speaker turn starts inside it."""
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
        turns = load_turns(session, [doc.id]).get(doc.id, Turns())
        text = doc.text
        cuts = [item.start, *(t for t in turns.starts if item.start < t < item.end), item.end]
        pieces = tuple(
            (text[s:e].strip(), turns.speaker_at(s)) for s, e in itertools.pairwise(cuts)
        )
        return ItemContext(
            before=text[before.start : before.end] if before else "",
            text=text[item.start : item.end],
            after=text[after.start : after.end] if after else "",
            speaker=turns.speaker_at(item.start),
            before_speaker=turns.speaker_at(before.start) if before else None,
            after_speaker=turns.speaker_at(after.start) if after else None,
            speakers=turns.speakers,
            pieces=tuple(p for p in pieces if p[0]),
        )

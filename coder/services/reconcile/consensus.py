"""The consensus layer's codings, kept what its decisions say.

Each decision keeps codes over its passage (:class:`~coder.services.reconcile.passages.Piece`);
:func:`sync_document` makes the consensus codings of a document exactly the pieces joined by
:func:`~coder.services.reconcile.passages.join_pieces`: one coding per code and passage, and one
coding across neighbouring passages where the coders' own codings run on. Rows are kept where
they can be (a coding already right keeps its id), changed or removed otherwise; each coding's
provenance rows (``consensus_sources``) name every decision and coding it comes from, and each
decision's rationale is a memo on the coding, written by the person who decided.

Only codings the decisions made are touched (those with provenance rows): a consensus coding
written any other way is left as it is. Every write goes through the ORM inside the caller's
:func:`coder.db.changeset.tracking` block, so the action that called it is undone exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.models import Coder, Coding, ConsensusSource, Document, Memo, ReconcileDecision
from coder.errors import ConflictError, NotFoundError
from coder.services.project.coders import find_coder
from coder.services.reconcile.passages import JoinedCoding, Piece, join_pieces

__all__ = ["Authors", "Dropped", "drop_decisions", "sync_document"]


#: A rationale memo: (author coder id, text).
MemoKey = tuple[int | None, str]


@dataclass
class Dropped:
    """What removed decisions leave to settle: the codings they made, their rationales."""

    codings: set[int] = field(default_factory=set)
    memos: set[MemoKey] = field(default_factory=set)


class Authors:
    """Coder ids of the people decisions name, looked up once each (None: not a coder)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, int | None] = {}

    def __call__(self, name: str) -> int | None:
        if name not in self.ids:
            row = find_coder(self.session, name)
            self.ids[name] = row.id if row is not None else None
        return self.ids[name]

    def memo(self, decision: ReconcileDecision) -> MemoKey | None:
        """The decision's rationale as the memo it becomes, or None without one."""
        return (self(decision.decided_by), decision.rationale) if decision.rationale else None


def drop_decisions(session: Session, decisions: Iterable[ReconcileDecision]) -> Dropped:
    """Remove decisions and their provenance rows.

    The codings they made stay until :func:`sync_document` (given the result) settles them.
    """
    dropped, authors = Dropped(), Authors(session)
    for decision in decisions:
        for source in session.scalars(
            select(ConsensusSource).where(ConsensusSource.decision_id == decision.id)
        ):
            dropped.codings.add(source.coding_id)
            session.delete(source)
        memo = authors.memo(decision)
        if memo is not None:
            dropped.memos.add(memo)
        session.flush()
        session.delete(decision)
    session.flush()
    return dropped


def sync_document(
    session: Session,
    cons: Coder,
    document_id: int,
    *,
    new: Sequence[Piece] = (),
    dropped: Dropped | None = None,
    window: tuple[int, int] | None = None,
) -> int:
    """Make the consensus codings of one document what its decisions (and ``new``) keep.

    ``dropped`` is what decisions removed in the same action left (:func:`drop_decisions`).
    With ``window`` (the span the action changed), only codings over it or next to it are
    read and settled: joining is decided between neighbours, so nothing farther can change.
    Returns the number of consensus codings the decisions make there.
    """
    dropped = dropped or Dropped()
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    where = [Coding.coder_id == cons.id, Coding.document_id == document_id]
    if window is not None:
        lo, hi = _reach(session, doc.text, window, dropped)
        where += [Coding.end >= lo, Coding.start <= hi]
    layer = list(session.scalars(select(Coding).where(*where)))
    sources: dict[int, list[ConsensusSource]] = defaultdict(list)
    for source in session.scalars(
        select(ConsensusSource).join(Coding, ConsensusSource.coding_id == Coding.id).where(*where)
    ):
        sources[source.coding_id].append(source)
    rows = {c.id: c for c in layer if c.id in sources or c.id in dropped.codings}
    # Codings of the layer no decision made (imported, say): never touched, never duplicated.
    others = {(c.code_id, c.start, c.end) for c in layer if c.id not in rows}
    memos: dict[int, list[Memo]] = defaultdict(list)
    for memo in session.scalars(
        select(Memo).where(Memo.coding_id.in_(list(rows))).order_by(Memo.id)
    ):
        memos[memo.coding_id or 0].append(memo)
    joined = join_pieces([*_pieces(session, rows, sources), *new], doc.text)
    plan = _match(joined, rows.values())
    # Rationales decisions give (or gave): such memos are the decisions' to keep or drop.
    derived = {m for j in joined for m in j.memos} | dropped.memos
    targets = [_place(session, cons, doc, coding, row, others) for coding, row in plan]
    session.flush()
    kept = {row.id for row in targets}
    for row, (coding, _) in zip(targets, plan, strict=True):
        _provenance(session, row, coding, sources.get(row.id, []))
        _memos(session, row, coding, memos.get(row.id, []), derived)
    placed = [(coding, row) for (coding, _), row in zip(plan, targets, strict=True)]
    for row in rows.values():
        if row.id not in kept:
            _retire(session, row, sources.get(row.id, []), memos.get(row.id, []), placed, derived)
    session.flush()
    return len(joined)


def _reach(
    session: Session, text: str, window: tuple[int, int], dropped: Dropped
) -> tuple[int, int]:
    """The window, grown over the codings of dropped decisions and the white space on either
    side, so that a coding ending or starting next to it is read too."""
    lo, hi = window
    for start, end in session.execute(
        select(Coding.start, Coding.end).where(Coding.id.in_(list(dropped.codings)))
    ):
        lo, hi = min(lo, start), max(hi, end)
    return len(text[:lo].rstrip()), hi + len(text[hi:]) - len(text[hi:].lstrip())


def _pieces(
    session: Session, rows: dict[int, Coding], sources: dict[int, list[ConsensusSource]]
) -> list[Piece]:
    """The pieces the stored decisions keep, read back from their provenance rows."""
    stored = [source for found in sources.values() for source in found]
    decisions = {
        d.id: d
        for d in session.scalars(
            select(ReconcileDecision).where(
                ReconcileDecision.id.in_({s.decision_id for s in stored})
            )
        )
    }
    authors = Authors(session)
    grouped: dict[tuple[int, int], list[tuple[int | None, int | None]]] = defaultdict(list)
    for source in stored:
        code_id = rows[source.coding_id].code_id
        grouped[(source.decision_id, code_id)].append(
            (source.source_coder_id, source.source_coding_id)
        )
    pieces = []
    for (decision_id, code_id), found in grouped.items():
        decision = decisions[decision_id]
        pieces.append(
            Piece(
                code_id,
                decision.unit_start,
                decision.unit_end,
                decision_id,
                tuple(dict.fromkeys(found)),
                authors.memo(decision),
            )
        )
    return pieces


def _match(
    joined: Sequence[JoinedCoding], rows: Iterable[Coding]
) -> list[tuple[JoinedCoding, Coding | None]]:
    """Which stored coding each joined coding keeps (same code and span first, else the one
    overlapping it most); None where a new coding is needed."""
    by_code: dict[int, list[Coding]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.id):
        by_code[row.code_id].append(row)
    used: set[int] = set()
    plan: list[tuple[JoinedCoding, Coding | None]] = []
    for coding in joined:
        candidates = [
            r
            for r in by_code[coding.code_id]
            if r.id not in used and r.start < coding.end and r.end > coding.start
        ]
        exact = [r for r in candidates if (r.start, r.end) == (coding.start, coding.end)]
        best = exact[0] if exact else None
        if best is None and candidates:
            best = max(
                candidates,
                key=lambda r: (min(r.end, coding.end) - max(r.start, coding.start), -r.id),
            )
        if best is not None:
            used.add(best.id)
        plan.append((coding, best))
    return plan


def _place(
    session: Session,
    cons: Coder,
    doc: Document,
    coding: JoinedCoding,
    row: Coding | None,
    others: set[tuple[int, int, int]],
) -> Coding:
    """The stored coding for a joined one: the matched row with its span set, or a new row."""
    if row is not None and (row.start, row.end) == (coding.start, coding.end):
        return row
    if (coding.code_id, coding.start, coding.end) in others:
        raise ConflictError(
            f"{cons.name} already has this code on {doc.name} {coding.start}-{coding.end}"
        )
    if row is None:
        row = Coding(
            document_id=doc.id,
            code_id=coding.code_id,
            coder_id=cons.id,
            start=coding.start,
            end=coding.end,
        )
        session.add(row)
    else:
        row.start, row.end = coding.start, coding.end
    return row


def _provenance(
    session: Session, row: Coding, coding: JoinedCoding, stored: Sequence[ConsensusSource]
) -> None:
    """The row's provenance rows: exactly one per (decision, source coder, source coding)."""
    wanted = coding.sources
    for source in stored:
        key = (source.decision_id, source.source_coder_id, source.source_coding_id)
        if key in wanted:
            wanted.discard(key)
        else:
            session.delete(source)
    for decision_id, coder_id, coding_id in sorted(wanted, key=str):
        session.add(
            ConsensusSource(
                coding_id=row.id,
                decision_id=decision_id,
                source_coder_id=coder_id,
                source_coding_id=coding_id,
            )
        )


def _memos(
    session: Session,
    row: Coding,
    coding: JoinedCoding,
    stored: Sequence[Memo],
    derived: set[MemoKey],
) -> None:
    """Each decision's rationale once on the row; a rationale no decision of it gives goes."""
    wanted = coding.memos
    for memo in stored:
        key = (memo.author_id, memo.text)
        if key in wanted:
            wanted.discard(key)
        elif key in derived:
            session.delete(memo)
    for author_id, text in sorted(wanted, key=str):
        session.add(Memo(author_id=author_id, coding_id=row.id, text=text))


def _retire(
    session: Session,
    row: Coding,
    sources: Sequence[ConsensusSource],
    memos: Sequence[Memo],
    placed: Sequence[tuple[JoinedCoding, Coding]],
    derived: set[MemoKey],
) -> None:
    """Remove a coding no decision keeps any more; a memo someone wrote on it by hand moves to
    the consensus coding of its code that takes its place, if any."""
    heir = next(
        (
            target
            for coding, target in placed
            if coding.code_id == row.code_id and coding.start < row.end and coding.end > row.start
        ),
        None,
    )
    for source in sources:
        session.delete(source)
    for memo in memos:
        if heir is not None and (memo.author_id, memo.text) not in derived:
            memo.coding_id = heir.id
        else:
            session.delete(memo)
    session.flush()
    session.delete(row)

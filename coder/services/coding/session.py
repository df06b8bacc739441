"""What a coder does in a coding session, by id: apply, remove, adjust, memo, done, undo.

Every action is one transaction and one (or two) audit entries with the state before and
after, so :func:`undo_last` can revert the coder's latest action from the log alone: undo
survives a restart, and the undo is itself recorded. A coder only ever sees and changes their
own codings here, whether or not the project is blind.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from sqlalchemy import Select, delete, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, defer

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import AuditEntry, Code, Coder, Coding, Document, DocumentStatus, Memo, Unit
from coder.domain.views import (
    CodeView,
    CodingView,
    DocumentSummary,
    DocumentView,
    UnitView,
)
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.codebook.codes import CodeTree
from coder.services.codebook.edit import add_code_in, code_view, visible_code
from coder.services.coding.codings import coding_snapshot
from coder.services.documents.corpus import attributes_by_document, latest_documents, text_sha256
from coder.services.project.coders import require_coder

#: (action, entity) pairs a coder can undo.
UNDOABLE = (
    ("apply", "coding"),
    ("remove", "coding"),
    ("adjust", "coding"),
    ("create", "memo"),
    ("update", "memo"),
    ("delete", "memo"),
    ("done", "document"),
    ("create", "code"),
    ("rename", "code"),
    ("move", "code"),
    ("edit", "code"),
    ("retire", "code"),
)


@dataclass(frozen=True)
class DocumentProgress:
    """One row of the documents screen: a document and one coder's progress on it."""

    id: int
    name: str
    attributes: dict[str, Any]
    units: int
    codings: int
    coded_units: int
    done: bool


@dataclass(frozen=True)
class UndoResult:
    """What :func:`undo_last` reverted: the audit entry and a sentence for the status line."""

    entry_id: int
    action: str
    entity: str
    entity_id: int | None
    document_id: int | None
    description: str


class UnitSpan(NamedTuple):
    """Where one unit of a document starts and ends."""

    start: int
    end: int


@dataclass(frozen=True)
class UnitSpans(Sequence[UnitSpan]):
    """The units of one kind in a document, in text order, stored as two integer columns.

    A 1 MB transcript has tens of thousands of units; as columns they are four objects instead
    of one object each, which keeps loading fast and gives the garbage collector nothing to
    walk. Indexing yields :class:`UnitSpan` values.
    """

    starts: array[int]
    ends: array[int]

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> UnitSpan: ...

    @overload
    def __getitem__(self, index: slice) -> UnitSpans: ...

    def __getitem__(self, index: int | slice) -> UnitSpan | UnitSpans:
        if isinstance(index, slice):
            return UnitSpans(self.starts[index], self.ends[index])
        return UnitSpan(self.starts[index], self.ends[index])


@dataclass(frozen=True)
class CodingDocument:
    """A document as the coding screen needs it: summary, text, and units by kind."""

    summary: DocumentSummary
    text: str
    units: dict[str, UnitSpans]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if value else dt.datetime.now(dt.UTC)


def memo_snapshot(row: Memo) -> dict[str, Any]:
    return {
        "text": row.text,
        "author_id": row.author_id,
        "document_id": row.document_id,
        "code_id": row.code_id,
        "coding_id": row.coding_id,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


def document_progress(
    store: Store, coder: str, *, name_contains: str | None = None
) -> list[DocumentProgress]:
    """Every (latest) document with this coder's codings, coded sentences and done flag."""
    with store.read() as session:
        me = require_coder(session, coder)
        # Names and ids only: loading every document's text would make this screen slow on
        # a large project.
        query = latest_documents(Document.id, Document.name)
        if name_contains:
            query = query.where(Document.name.icontains(name_contains, autoescape=True))
        docs = session.execute(query.order_by(Document.id)).all()
        ids = [d.id for d in docs]
        attrs = attributes_by_document(session, ids)
        sentences = dict(
            session.execute(
                select(Unit.document_id, func.count())
                .where(Unit.kind == "sentence")
                .group_by(Unit.document_id)
            ).all()
        )
        counts = dict(
            session.execute(
                select(Coding.document_id, func.count())
                .where(Coding.coder_id == me.id)
                .group_by(Coding.document_id)
            ).all()
        )
        covered: dict[int, int] = dict(session.execute(_coded_sentences(me.id)).all())
        done = set(
            session.scalars(
                select(DocumentStatus.document_id).where(
                    DocumentStatus.coder_id == me.id, DocumentStatus.done.is_(True)
                )
            )
        )
        return [
            DocumentProgress(
                id=d.id,
                name=d.name,
                attributes=attrs.get(d.id, {}),
                units=sentences.get(d.id, 0),
                codings=counts.get(d.id, 0),
                coded_units=covered.get(d.id, 0),
                done=d.id in done,
            )
            for d in docs
        ]


def _coded_sentences(coder_id: int) -> Select:
    """Per document, how many sentences this coder's codings overlap.

    Sentences do not overlap, so the first sentence a coding can touch is the last one that
    starts at or before the coding: a seek in the (document, kind, start) index. From there the
    scan stops at the coding's end, instead of running from the start of the document.
    """
    earlier = aliased(Unit)
    first_start = (
        select(func.max(earlier.start))
        .where(
            earlier.document_id == Coding.document_id,
            earlier.kind == "sentence",
            earlier.start <= Coding.start,
        )
        .correlate(Coding)
        .scalar_subquery()
    )
    return (
        select(Coding.document_id, func.count(func.distinct(Unit.id)))
        .join(
            Unit,
            (Unit.document_id == Coding.document_id)
            & (Unit.kind == "sentence")
            & (Unit.start >= func.coalesce(first_start, 0))
            & (Unit.start < Coding.end)
            & (Unit.end > Coding.start),
        )
        .where(Coding.coder_id == coder_id)
        .group_by(Coding.document_id)
    )


def document_for_coding(store: Store, document_id: int) -> DocumentView:
    """A document's text and units, read column-wise: fast enough for a 1 MB transcript."""
    with store.read() as session:
        doc = _document(session, document_id, with_text=True)
        if text_sha256(doc.text) != doc.sha256:
            raise InputError(
                doc.name, "stored text does not match its sha256: the project is damaged"
            )
        rows = session.execute(
            select(Unit.id, Unit.kind, Unit.start, Unit.end, Unit.speaker).where(
                Unit.document_id == document_id
            )
        ).all()
        units = tuple(UnitView(*row) for row in rows)
        counts: dict[str, int] = {}
        for unit in units:
            counts[unit.kind] = counts.get(unit.kind, 0) + 1
        summary = DocumentSummary(
            id=doc.id,
            name=doc.name,
            version=doc.version,
            length=doc.length,
            source_format=doc.source_format,
            source_path=doc.source_path,
            imported_at=doc.imported_at,
            attributes=attributes_by_document(session, [doc.id]).get(doc.id, {}),
            unit_counts=counts,
        )
        return DocumentView(summary=summary, text=doc.text, sha256=doc.sha256, units=units)


def coding_document(store: Store, document_id: int) -> CodingDocument:
    """:func:`document_for_coding` with the units as columns per kind (sorted by start, end).

    The coding screen opens documents with this: it reads the same rows but builds no object
    per unit, which matters for a 1 MB transcript.
    """
    with store.read() as session:
        doc = _document(session, document_id, with_text=True)
        if text_sha256(doc.text) != doc.sha256:
            raise InputError(
                doc.name, "stored text does not match its sha256: the project is damaged"
            )
        units: dict[str, UnitSpans] = {}
        rows = session.execute(
            select(Unit.kind, Unit.start, Unit.end)
            .where(Unit.document_id == document_id)
            .order_by(Unit.kind, Unit.start, Unit.end)
        )
        for kind, start, end in rows:
            spans = units.get(kind)
            if spans is None:
                spans = units[kind] = UnitSpans(array("q"), array("q"))
            spans.starts.append(start)
            spans.ends.append(end)
        summary = DocumentSummary(
            id=doc.id,
            name=doc.name,
            version=doc.version,
            length=doc.length,
            source_format=doc.source_format,
            source_path=doc.source_path,
            imported_at=doc.imported_at,
            attributes=attributes_by_document(session, [doc.id]).get(doc.id, {}),
            unit_counts={kind: len(spans) for kind, spans in units.items()},
        )
        return CodingDocument(summary=summary, text=doc.text, units=units)


def _coding_view(session: Session, row: Coding, doc: Document, coder: Coder) -> CodingView:
    tree = CodeTree.load(session)
    memo = session.scalars(
        select(Memo.text).where(Memo.coding_id == row.id).order_by(Memo.id)
    ).first()
    return CodingView(
        id=row.id,
        document_id=doc.id,
        document=doc.name,
        start=row.start,
        end=row.end,
        code_id=row.code_id,
        code_path=tree.path(row.code_id),
        coder=coder.name,
        created_at=row.created_at,
        memo=memo,
        text=_excerpt(session, doc, row.start, row.end),
    )


def _excerpt(session: Session, doc: Document, start: int, end: int) -> str:
    """``doc.text[start:end]``, cut by the database unless the text is loaded already."""
    if "text" not in inspect(doc).unloaded:
        return doc.text[start:end]
    # SQL substr counts characters from 1, as Python counts code points from 0.
    excerpt = session.scalar(
        select(func.substr(Document.text, start + 1, end - start)).where(Document.id == doc.id)
    )
    return excerpt or ""


def document_codings(store: Store, coder: str, document_id: int) -> list[CodingView]:
    """This coder's codings of one document, in text order (never anyone else's)."""
    with store.read() as session:
        me = require_coder(session, coder)
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"no document with id {document_id}")
        tree = CodeTree.load(session)
        # Columns, not ORM objects: a coded transcript has thousands of codings and this runs
        # whenever the coding screen reloads them.
        rows = session.execute(
            select(Coding.id, Coding.start, Coding.end, Coding.code_id, Coding.created_at)
            .where(Coding.document_id == document_id, Coding.coder_id == me.id)
            .order_by(Coding.start, Coding.end, Coding.id)
        ).all()
        memos: dict[int, str] = {}
        if rows:
            for coding_id, text in session.execute(
                select(Memo.coding_id, Memo.text)
                .join(Coding, Memo.coding_id == Coding.id)
                .where(Coding.document_id == document_id, Coding.coder_id == me.id)
                .order_by(Memo.id)
            ):
                if coding_id is not None:
                    memos.setdefault(coding_id, text)
        text, name = doc.text, doc.name
        views = []
        for coding_id, start, end, code_id, created_at in rows:
            views.append(
                CodingView(
                    id=coding_id,
                    document_id=doc.id,
                    document=name,
                    start=start,
                    end=end,
                    code_id=code_id,
                    code_path=tree.path(code_id),
                    coder=me.name,
                    created_at=created_at,
                    memo=memos.get(coding_id),
                    text=text[start:end],
                )
            )
        return views


def _apply_in(
    session: Session,
    me: Coder,
    doc: Document,
    code: Code,
    start: int,
    end: int,
    *,
    new_code: bool = False,
) -> Coding:
    if not (0 <= start < end <= doc.length):
        raise InputError(f"{start}-{end}", f"span is outside document {doc.name!r}")
    if code.status != "active":
        raise ConflictError(f"code {code.name!r} is {code.status}; it cannot be applied")
    row = Coding(document_id=doc.id, code_id=code.id, coder_id=me.id, start=start, end=end)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError(f"this text is already coded with {code.name!r}") from None
    after = coding_snapshot(row)
    if new_code:
        # Undo treats "new code from selection" as one action: the code goes with the coding.
        after["with_new_code"] = True
    record(session, me.name, "apply", "coding", row.id, None, after)
    return row


def _document(session: Session, document_id: int, *, with_text: bool = False) -> Document:
    # Most actions need only the document's id, name and length: leaving its text (a
    # megabyte for a long transcript) in the database keeps each keystroke's save fast.
    options = () if with_text else (defer(Document.text),)
    doc = session.get(Document, document_id, options=options)
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    return doc


def apply_code(
    store: Store, *, coder: str, document_id: int, code_id: int, start: int, end: int
) -> CodingView:
    """Apply a code the coder can see to ``[start, end)`` of a document."""
    with store.write() as session:
        me = require_coder(session, coder)
        doc = _document(session, document_id)
        code = visible_code(session, code_id, me)
        row = _apply_in(session, me, doc, code, start, end)
        return _coding_view(session, row, doc, me)


def _own_coding(session: Session, me: Coder, coding_id: int) -> Coding:
    row = session.get(Coding, coding_id)
    if row is None or row.coder_id != me.id:
        raise NotFoundError(f"{me.name} has no coding with id {coding_id}")
    return row


def remove_coding(store: Store, *, coder: str, coding_id: int) -> None:
    """Remove one of the coder's codings; its memos go with it and come back on undo."""
    with store.write() as session:
        me = require_coder(session, coder)
        row = _own_coding(session, me, coding_id)
        memos = list(session.scalars(select(Memo).where(Memo.coding_id == row.id)))
        before = coding_snapshot(row) | {"memos": [{"id": m.id, **memo_snapshot(m)} for m in memos]}
        record(session, me.name, "remove", "coding", row.id, before, None)
        for memo in memos:
            session.delete(memo)
        session.flush()
        session.delete(row)


def adjust_coding(store: Store, *, coder: str, coding_id: int, start: int, end: int) -> CodingView:
    """Move the start and end of one of the coder's codings."""
    with store.write() as session:
        me = require_coder(session, coder)
        row = _own_coding(session, me, coding_id)
        doc = _document(session, row.document_id)
        if not (0 <= start < end <= doc.length):
            raise InputError(f"{start}-{end}", f"span is outside document {doc.name!r}")
        before = coding_snapshot(row)
        row.start, row.end = start, end
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise ConflictError("the same code already covers exactly that text") from None
        record(session, me.name, "adjust", "coding", row.id, before, coding_snapshot(row))
        return _coding_view(session, row, doc, me)


def get_memo(
    store: Store, *, coder: str, coding_id: int | None = None, document_id: int | None = None
) -> str:
    """The coder's memo on a coding or a document ('' if none)."""
    with store.read() as session:
        me = require_coder(session, coder)
        row = _find_memo(session, me, coding_id, document_id)
        return row.text if row else ""


def _find_memo(
    session: Session, me: Coder, coding_id: int | None, document_id: int | None
) -> Memo | None:
    if (coding_id is None) == (document_id is None):
        raise InputError("memo", "a memo belongs to exactly one coding or one document")
    query = select(Memo).where(Memo.author_id == me.id)
    if coding_id is not None:
        _own_coding(session, me, coding_id)
        query = query.where(Memo.coding_id == coding_id)
    else:
        _document(session, document_id)  # type: ignore[arg-type]
        query = query.where(Memo.document_id == document_id)
    return session.scalars(query.order_by(Memo.id)).first()


def set_memo(
    store: Store,
    *,
    coder: str,
    text: str,
    coding_id: int | None = None,
    document_id: int | None = None,
) -> str:
    """Write the coder's memo on a coding or document: create, update, or (empty) delete.

    Returns the action taken: ``create``, ``update``, ``delete`` or ``none``.
    """
    text = text.strip()
    with store.write() as session:
        me = require_coder(session, coder)
        row = _find_memo(session, me, coding_id, document_id)
        if row is None:
            if not text:
                return "none"
            row = Memo(author_id=me.id, coding_id=coding_id, document_id=document_id, text=text)
            session.add(row)
            session.flush()
            record(session, me.name, "create", "memo", row.id, None, memo_snapshot(row))
            return "create"
        before = memo_snapshot(row)
        if not text:
            record(session, me.name, "delete", "memo", row.id, before, None)
            session.delete(row)
            return "delete"
        if text == row.text:
            return "none"
        row.text = text
        row.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        record(session, me.name, "update", "memo", row.id, before, memo_snapshot(row))
        return "update"


def set_done(store: Store, *, coder: str, document_id: int, done: bool) -> None:
    """Mark a document done (or not done) for this coder."""
    with store.write() as session:
        me = require_coder(session, coder)
        _document(session, document_id)
        row = session.get(DocumentStatus, (document_id, me.id))
        before = None if row is None else {"done": row.done, "updated_at": _iso(row.updated_at)}
        if row is None:
            row = DocumentStatus(document_id=document_id, coder_id=me.id)
            session.add(row)
        elif row.done == done:
            return
        row.done = done
        row.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        after = {"done": done, "updated_at": _iso(row.updated_at), "coder_id": me.id}
        record(session, me.name, "done", "document", document_id, before, after)


def is_done(store: Store, *, coder: str, document_id: int) -> bool:
    with store.read() as session:
        me = require_coder(session, coder)
        row = session.get(DocumentStatus, (document_id, me.id))
        return bool(row and row.done)


def create_code_from_selection(
    store: Store,
    *,
    coder: str,
    document_id: int,
    start: int,
    end: int,
    name: str,
    definition: str = "",
    parent_id: int | None = None,
) -> tuple[CodeView, CodingView]:
    """Inductive coding: a new code (private while blind) applied to the selection at once."""
    with store.write() as session:
        me = require_coder(session, coder)
        doc = _document(session, document_id)
        code = add_code_in(
            session, actor=me.name, name=name, parent_id=parent_id, definition=definition
        )
        coding = _apply_in(session, me, doc, code, start, end, new_code=True)
        return code_view(session, code), _coding_view(session, coding, doc, me)


def _last_undoable(session: Session, actor: str) -> AuditEntry | None:
    undone = select(AuditEntry.entity_id).where(
        AuditEntry.action == "undo", AuditEntry.entity == "audit"
    )
    candidates = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor == actor, AuditEntry.id.not_in(undone))
        .where(AuditEntry.action.in_({a for a, _ in UNDOABLE}))
        .order_by(AuditEntry.id.desc())
    )
    for entry in candidates:
        if (entry.action, entry.entity) in UNDOABLE:
            return entry
    return None


def undo_last(store: Store, *, coder: str) -> UndoResult | None:
    """Revert the coder's most recent action not yet undone; None if there is nothing to undo.

    The database ends up as it was before that action (same ids, same timestamps), and an
    ``undo`` entry naming the reverted entry goes into the audit log.
    """
    with store.write() as session:
        me = require_coder(session, coder)
        entry = _last_undoable(session, me.name)
        if entry is None:
            return None
        document_id, description = _revert(session, entry)
        record(session, me.name, "undo", "audit", entry.id, entry.after, entry.before)
        if (entry.after or {}).get("with_new_code"):
            created = _last_undoable(session, me.name)
            if created is not None and (created.action, created.entity, created.entity_id) == (
                "create",
                "code",
                entry.after["code_id"],  # type: ignore[index]
            ):
                session.flush()
                _, description = _revert(session, created)
                description = f"{description} and its coding"
                record(session, me.name, "undo", "audit", created.id, created.after, created.before)
        return UndoResult(
            entry_id=entry.id,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            document_id=document_id,
            description=description,
        )


def _coding_row(entity_id: int, snap: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entity_id,
        "document_id": snap["document_id"],
        "code_id": snap["code_id"],
        "coder_id": snap["coder_id"],
        "start": snap["start"],
        "end": snap["end"],
        "created_at": _parse_time(snap.get("created_at")),
    }


def _memo_row(entity_id: int, snap: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entity_id,
        "author_id": snap["author_id"],
        "document_id": snap["document_id"],
        "code_id": snap["code_id"],
        "coding_id": snap["coding_id"],
        "text": snap["text"],
        "created_at": _parse_time(snap.get("created_at")),
        "updated_at": _parse_time(snap.get("updated_at")),
    }


def _revert(session: Session, entry: AuditEntry) -> tuple[int | None, str]:
    """Put back the state before ``entry``; returns the document it touched and a sentence."""
    key = (entry.action, entry.entity)
    before, after = entry.before or {}, entry.after or {}
    entity_id = entry.entity_id
    assert entity_id is not None
    if entry.entity == "coding":
        if key == ("apply", "coding"):
            applied = session.get(Coding, entity_id)
            if applied is None:
                raise ConflictError("the coding to undo no longer exists")
            session.delete(applied)
            return after.get("document_id"), "removed the coding just applied"
        if key == ("remove", "coding"):
            session.execute(insert(Coding), [_coding_row(entity_id, before)])
            memos = [_memo_row(m["id"], m) for m in before.get("memos", [])]
            if memos:
                session.execute(insert(Memo), memos)
            return before.get("document_id"), "restored the removed coding"
        row = session.get(Coding, entity_id)
        if row is None:
            raise ConflictError("the coding to undo no longer exists")
        row.start, row.end = before["start"], before["end"]
        return row.document_id, "restored the coding's span"
    if entry.entity == "memo":
        if key == ("create", "memo"):
            session.execute(delete(Memo).where(Memo.id == entity_id))
            return after.get("document_id") or _memo_document(session, after), "removed the memo"
        if key == ("delete", "memo"):
            session.execute(insert(Memo), [_memo_row(entity_id, before)])
            return before.get("document_id") or _memo_document(session, before), "restored memo"
        memo = session.get(Memo, entity_id)
        if memo is None:
            raise ConflictError("the memo to undo no longer exists")
        memo.text = before["text"]
        memo.updated_at = _parse_time(before.get("updated_at"))
        return memo.document_id or _memo_document(session, before), "restored the memo's text"
    if entry.entity == "document":
        coder_id = after["coder_id"]
        if before:
            status = session.get(DocumentStatus, (entity_id, coder_id))
            assert status is not None
            status.done = before["done"]
            status.updated_at = _parse_time(before.get("updated_at"))
        else:
            session.execute(
                delete(DocumentStatus).where(
                    DocumentStatus.document_id == entity_id, DocumentStatus.coder_id == coder_id
                )
            )
        state = "done" if after["done"] else "not done"
        return entity_id, f"the document is no longer marked {state}"
    # Codes.
    if key == ("create", "code"):
        in_use = session.scalar(select(func.count()).where(Coding.code_id == entity_id))
        children = session.scalar(select(func.count()).where(Code.parent_id == entity_id))
        if in_use or children:
            raise ConflictError(f"code {after.get('name')!r} is in use; it cannot be unmade")
        session.execute(delete(Code).where(Code.id == entity_id))
        return None, f"removed the new code {after.get('name')!r}"
    code = session.get(Code, entity_id)
    if code is None:
        raise ConflictError("the code to undo no longer exists")
    for field in (
        "name",
        "parent_id",
        "definition",
        "inclusion",
        "exclusion",
        "example",
        "colour",
        "status",
        "position",
    ):
        setattr(code, field, before[field])
    code.keywords = list(before.get("keywords", []))
    return None, f"undid the {entry.action} of code {code.name!r}"


def _memo_document(session: Session, snap: dict[str, Any]) -> int | None:
    if snap.get("coding_id") is None:
        return None
    return session.scalar(select(Coding.document_id).where(Coding.id == snap["coding_id"]))

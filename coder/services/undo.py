"""Undo: revert a coder's latest action not yet undone, from the audit log alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import AuditEntry, Code, Coding, DocumentStatus, Memo
from coder.domain.coding import UndoResult
from coder.errors import ConflictError
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


def _parse_time(value: str | None) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if value else dt.datetime.now(dt.UTC)


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

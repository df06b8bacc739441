"""The coder's memos on a coding or a document: read, and write (create, update, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Coder, Memo
from coder.errors import InputError
from coder.services.coding.rows import document_by_id, own_coding
from coder.services.project.coders import require_coder


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


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


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
        own_coding(session, me, coding_id)
        query = query.where(Memo.coding_id == coding_id)
    else:
        document_by_id(session, document_id)  # type: ignore[arg-type]
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

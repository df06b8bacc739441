"""The coder's memos on a coding or a document: read, and write (create, update, delete)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Coder, Document, Memo
from coder.errors import InputError
from coder.services.coding.rows import document_by_id, own_coding
from coder.services.project.coders import require_coder


def get_memo(
    store: Store, *, coder: str, coding_id: int | None = None, document_id: int | None = None
) -> str:
    """The coder's memo on a coding or a document ('' if none)."""
    with store.read() as session:
        me = require_coder(session, coder)
        row, _ = _find_memo(session, me, coding_id, document_id)
        return row.text if row else ""


def _find_memo(
    session: Session, me: Coder, coding_id: int | None, document_id: int | None
) -> tuple[Memo | None, Document]:
    """The coder's memo on the coding or document (None if none yet), and that document."""
    query = select(Memo).where(Memo.author_id == me.id)
    if coding_id is not None and document_id is None:
        doc = document_by_id(session, own_coding(session, me, coding_id).document_id)
        query = query.where(Memo.coding_id == coding_id)
    elif document_id is not None and coding_id is None:
        doc = document_by_id(session, document_id)
        query = query.where(Memo.document_id == document_id)
    else:
        raise InputError("memo", "a memo belongs to exactly one coding or one document")
    return session.scalars(query.order_by(Memo.id)).first(), doc


def set_memo(
    store: Store,
    *,
    coder: str,
    text: str,
    coding_id: int | None = None,
    document_id: int | None = None,
) -> str:
    """Write the coder's memo on a coding or document: create, update, or (empty) delete.

    Returns the action taken: ``create``, ``update``, ``delete`` or ``none``; each but ``none``
    is undoable.
    """
    text = text.strip()
    with store.write() as session:
        me = require_coder(session, coder)
        row, doc = _find_memo(session, me, coding_id, document_id)
        if row is None:
            kind = "create" if text else "none"
        elif not text:
            kind = "delete"
        else:
            kind = "none" if text == row.text else "update"
        if kind == "none":
            return kind
        on = f"a coding in {doc.name}" if coding_id is not None else doc.name
        with recorded(session, me.name, kind, "memo") as action:
            action.info = {"description": f"{kind}d the memo on {on}", "document_id": doc.id}
            if row is None:
                row = Memo(author_id=me.id, coding_id=coding_id, document_id=document_id, text=text)
                session.add(row)
            elif kind == "delete":
                session.delete(row)
            else:
                row.text = text
                row.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            action.entity_id = row.id
        return kind

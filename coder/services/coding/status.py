"""Whether a coder has marked a document done."""

from __future__ import annotations

import datetime as dt

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import DocumentStatus
from coder.services.coding.rows import document_by_id
from coder.services.project.coders import require_coder


def set_done(store: Store, *, coder: str, document_id: int, done: bool) -> None:
    """Mark a document done (or not done) for this coder."""
    with store.write() as session:
        me = require_coder(session, coder)
        document_by_id(session, document_id)
        row = session.get(DocumentStatus, (document_id, me.id))
        before = (
            None
            if row is None
            else {
                "done": row.done,
                "updated_at": (row.updated_at.isoformat() if row.updated_at else None),
            }
        )
        if row is None:
            row = DocumentStatus(document_id=document_id, coder_id=me.id)
            session.add(row)
        elif row.done == done:
            return
        row.done = done
        row.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        after = {
            "done": done,
            "updated_at": (row.updated_at.isoformat() if row.updated_at else None),
            "coder_id": me.id,
        }
        record(session, me.name, "done", "document", document_id, before, after)


def is_done(store: Store, *, coder: str, document_id: int) -> bool:
    with store.read() as session:
        me = require_coder(session, coder)
        row = session.get(DocumentStatus, (document_id, me.id))
        return bool(row and row.done)

"""Whether a coder has marked a document done."""

from __future__ import annotations

import datetime as dt

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import DocumentStatus
from coder.services.coding.rows import document_by_id
from coder.services.project.coders import require_coder


def set_done(store: Store, *, coder: str, document_id: int, done: bool) -> None:
    """Mark a document done (or not done) for this coder; undoable."""
    with store.write() as session:
        me = require_coder(session, coder)
        doc = document_by_id(session, document_id)
        row = session.get(DocumentStatus, (document_id, me.id))
        if row is not None and row.done == done:
            return
        with recorded(session, me.name, "done", "document", document_id) as action:
            action.info = {
                "description": f"marked {doc.name} {'done' if done else 'not done'}",
                "document_id": document_id,
            }
            if row is None:
                row = DocumentStatus(document_id=document_id, coder_id=me.id)
                session.add(row)
            row.done = done
            row.updated_at = dt.datetime.now(dt.UTC)


def is_done(store: Store, *, coder: str, document_id: int) -> bool:
    """Whether this coder has marked the document done."""
    with store.read() as session:
        me = require_coder(session, coder)
        row = session.get(DocumentStatus, (document_id, me.id))
        return bool(row and row.done)

"""The coder's memos on a coding, a document or a code: read, and write (create, update,
delete). Memos are per author: each coder reads and writes only their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import recorded
from coder.db.engine import Store
from coder.db.models import Coder, Memo
from coder.errors import InputError
from coder.services.codebook.codes import CodeTree
from coder.services.codebook.edit import visible_code
from coder.services.coding.rows import document_by_id, own_coding
from coder.services.project.coders import require_coder


@dataclass(frozen=True)
class MemoTarget:
    """What a memo is on, as the audit entry names it, and the document it touches if any."""

    where: str
    document_id: int | None


def get_memo(
    store: Store,
    *,
    coder: str,
    coding_id: int | None = None,
    document_id: int | None = None,
    code_id: int | None = None,
) -> str:
    """The coder's memo on a coding, a document or a code ('' if none)."""
    with store.read() as session:
        me = require_coder(session, coder)
        row, _ = _find_memo(session, me, coding_id, document_id, code_id)
        return row.text if row else ""


def code_memos(store: Store, *, coder: str) -> dict[int, str]:
    """The coder's memos on codes, by code id: what the codebook panel shows with each code."""
    with store.read() as session:
        me = require_coder(session, coder)
        rows = session.execute(
            select(Memo.code_id, Memo.text)
            .where(Memo.author_id == me.id, Memo.code_id.is_not(None))
            .order_by(Memo.id.desc())
        )
        # Newest first: the oldest memo on a code, the one set_memo edits, is the one kept.
        return {code_id: text for code_id, text in rows if code_id is not None}


def _find_memo(
    session: Session,
    me: Coder,
    coding_id: int | None,
    document_id: int | None,
    code_id: int | None,
) -> tuple[Memo | None, MemoTarget]:
    """The coder's memo on the coding, document or code (None if none yet), and its target."""
    query = select(Memo).where(Memo.author_id == me.id)
    one = sum(target is not None for target in (coding_id, document_id, code_id)) == 1
    if one and coding_id is not None:
        doc = document_by_id(session, own_coding(session, me, coding_id).document_id)
        query = query.where(Memo.coding_id == coding_id)
        target = MemoTarget(f"a coding in {doc.name}", doc.id)
    elif one and document_id is not None:
        doc = document_by_id(session, document_id)
        query = query.where(Memo.document_id == document_id)
        target = MemoTarget(doc.name, doc.id)
    elif one and code_id is not None:
        visible_code(session, code_id, me)  # another coder's private code is as good as missing
        query = query.where(Memo.code_id == code_id)
        target = MemoTarget(f"the code {CodeTree.load(session).path(code_id)}", None)
    else:
        raise InputError("memo", "a memo belongs to exactly one coding, document or code")
    return session.scalars(query.order_by(Memo.id)).first(), target


def set_memo(
    store: Store,
    *,
    coder: str,
    text: str,
    coding_id: int | None = None,
    document_id: int | None = None,
    code_id: int | None = None,
) -> str:
    """Write the coder's memo on a coding, a document or a code: create, update, or (empty)
    delete. Exactly one of ``coding_id``, ``document_id`` and ``code_id`` is given.

    Returns the action taken: ``create``, ``update``, ``delete`` or ``none``; each but ``none``
    is undoable.
    """
    text = text.strip()
    with store.write() as session:
        me = require_coder(session, coder)
        row, target = _find_memo(session, me, coding_id, document_id, code_id)
        if row is None:
            kind = "create" if text else "none"
        elif not text:
            kind = "delete"
        else:
            kind = "none" if text == row.text else "update"
        if kind == "none":
            return kind
        with recorded(session, me.name, kind, "memo") as action:
            action.info = {"description": f"{kind}d the memo on {target.where}"}
            if target.document_id is not None:
                action.info["document_id"] = target.document_id
            if row is None:
                row = Memo(
                    author_id=me.id,
                    coding_id=coding_id,
                    document_id=document_id,
                    code_id=code_id,
                    text=text,
                )
                session.add(row)
            elif kind == "delete":
                session.delete(row)
            else:
                row.text = text
                row.updated_at = dt.datetime.now(dt.UTC)
            session.flush()
            action.entity_id = row.id
        return kind

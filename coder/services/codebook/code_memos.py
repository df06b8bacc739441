"""The memos written on codes, as codebook exports show them beside each code."""

from __future__ import annotations

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Coder, Memo
from coder.domain.codebook import CodeMemo
from coder.services.project.coders import require_coder_id


def memos_on_codes(store: Store, *, author: str | None = None) -> dict[int, list[CodeMemo]]:
    """Memos on codes by code id, oldest first, each with its author's name: ``author``'s
    alone when given (a registered coder, else NotFoundError), else everyone's. What codebook
    exports and the codebook panel show."""
    with store.read() as session:
        query = (
            select(Memo.code_id, Coder.name, Memo.text)
            .outerjoin(Coder, Coder.id == Memo.author_id)
            .where(Memo.code_id.is_not(None), Memo.coding_id.is_(None), Memo.document_id.is_(None))
            .order_by(Memo.id)
        )
        if author is not None:
            query = query.where(Memo.author_id == require_coder_id(session, author))
        out: dict[int, list[CodeMemo]] = {}
        for code_id, name, text in session.execute(query):
            if code_id is not None and text.strip():
                out.setdefault(code_id, []).append(CodeMemo(name or "", text))
        return out

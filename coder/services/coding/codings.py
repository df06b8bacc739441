"""Listing codings across the project, with blind coding enforced; the audit shape of a coding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.engine import Store
from coder.db.models import Coder, Coding, Document, Memo
from coder.domain.views import CodingView
from coder.services.codebook.codes import CodeTree, require_code
from coder.services.codebook.edit import is_blind
from coder.services.coding.rows import coding_view
from coder.services.documents.reading import require_document
from coder.services.project.coders import require_coder


def coding_snapshot(row: Coding) -> dict[str, object]:
    return {
        "document_id": row.document_id,
        "code_id": row.code_id,
        "coder_id": row.coder_id,
        "start": row.start,
        "end": row.end,
        "created_at": row.created_at.isoformat() if row.created_at else None,
    }


def list_codings(
    store: Store,
    *,
    viewer: str | None = None,
    coders: Sequence[str] = (),
    documents: Sequence[str] = (),
    codes: Sequence[str] = (),
    include_descendants: bool = True,
) -> list[CodingView]:
    """Codings filtered by coder, document and code (a code includes its sub-codes).

    With ``viewer`` on a blind project only the viewer's own codings are returned: this is
    where blind coding is enforced, so no screen can show another coder's work by mistake.
    """
    with store.read() as session:
        tree = CodeTree.load(session)
        # The document's id and name, not its row: a row would bring the whole text along
        # for every coding (250,000 codings of 10,000 documents took 4 GB on PostgreSQL).
        query = (
            select(Coding, Document.id, Document.name, Coder.name)
            .join(Document, Coding.document_id == Document.id)
            .join(Coder, Coding.coder_id == Coder.id)
        )
        if viewer is not None:
            viewer_row = require_coder(session, viewer)
            if is_blind(session):
                query = query.where(Coding.coder_id == viewer_row.id)
        if coders:
            ids = [require_coder(session, c).id for c in coders]
            query = query.where(Coding.coder_id.in_(ids))
        if documents:
            ids = [require_document(session, d).id for d in documents]
            query = query.where(Coding.document_id.in_(ids))
        if codes:
            code_ids: set[int] = set()
            for c in codes:
                row = require_code(session, c, tree=tree)
                code_ids.add(row.id)
                if include_descendants:
                    code_ids.update(d.id for d in tree.walk(row.id))
            query = query.where(Coding.code_id.in_(code_ids))
        query = query.order_by(Document.id, Coding.start, Coding.end, Coder.name, Coding.id)
        rows = session.execute(query).all()
        memos = _coding_memos(session, [r[0].id for r in rows])
        texts = _texts(session, {r[0].document_id for r in rows})
        return [
            coding_view(
                c, _Named(doc_id, doc_name), tree, coder, memos.get(c.id),
                texts[doc_id][c.start : c.end],
            )
            for c, doc_id, doc_name, coder in rows
        ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Named:
    id: int
    name: str


def _texts(session: Session, ids: set[int]) -> dict[int, str]:
    """The texts of these documents, each once, read 900 ids a statement."""
    wanted = sorted(ids)
    out: dict[int, str] = {}
    for first in range(0, len(wanted), 900):
        chunk = wanted[first : first + 900]
        query = select(Document.id, Document.text).where(Document.id.in_(chunk))
        for doc_id, text in session.execute(query):
            out[doc_id] = text
    return out


def _coding_memos(session: Session, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk_start in range(0, len(ids), 900):
        chunk = ids[chunk_start : chunk_start + 900]
        for coding_id, text in session.execute(
            select(Memo.coding_id, Memo.text).where(Memo.coding_id.in_(chunk)).order_by(Memo.id)
        ):
            if coding_id is not None:
                out[coding_id] = f"{out[coding_id]}\n{text}" if coding_id in out else text
    return out

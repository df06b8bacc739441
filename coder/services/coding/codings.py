"""Codings: applying codes to text, listing and removing them, with blind coding enforced."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Code, Coder, Coding, Document, Memo
from coder.domain.views import CodingView
from coder.errors import ConflictError, InputError, NotFoundError
from coder.services.codebook.codes import CodeTree, require_code
from coder.services.documents.corpus import require_document
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


def _is_blind(session: Session) -> bool:
    from coder.db.models import ProjectSettings

    return bool(session.scalars(select(ProjectSettings.blind)).one())


def apply_code(
    store: Store,
    *,
    coder: str,
    document: str,
    start: int,
    end: int,
    code: str,
    memo: str | None = None,
) -> CodingView:
    """Apply ``code`` to ``[start, end)`` of ``document`` for ``coder``, in one transaction."""
    with store.write() as session:
        coder_row = require_coder(session, coder)
        doc = require_document(session, document)
        if not (0 <= start < end <= doc.length):
            raise InputError(
                f"{start}-{end}", f"span is outside document {doc.name!r} (0-{doc.length})"
            )
        blind = _is_blind(session)
        tree = CodeTree.load(session)
        code_row = require_code(session, code, viewer_id=coder_row.id, blind=blind, tree=tree)
        if code_row.status != "active":
            raise ConflictError(f"code {code!r} is {code_row.status}; it cannot be applied")
        existing = session.scalars(
            select(Coding).where(
                Coding.document_id == doc.id,
                Coding.coder_id == coder_row.id,
                Coding.code_id == code_row.id,
                Coding.start == start,
                Coding.end == end,
            )
        ).first()
        if existing is not None:
            raise ConflictError(
                f"{coder_row.name} already coded {doc.name} {start}-{end} with {code!r}"
            )
        row = Coding(
            document_id=doc.id, code_id=code_row.id, coder_id=coder_row.id, start=start, end=end
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise ConflictError(
                f"{coder_row.name} already coded {doc.name} {start}-{end} with {code!r}"
            ) from None
        record(session, coder_row.name, "apply", "coding", row.id, None, coding_snapshot(row))
        if memo:
            memo_row = Memo(author_id=coder_row.id, coding_id=row.id, text=memo)
            session.add(memo_row)
            session.flush()
            record(session, coder_row.name, "create", "memo", memo_row.id, None, {"text": memo})
        return _view(row, doc, tree, coder_row.name, memo)


def remove_coding(store: Store, *, coder: str, coding_id: int) -> None:
    """Remove one of the coder's own codings (the audit log keeps what it was)."""
    with store.write() as session:
        coder_row = require_coder(session, coder)
        row = session.get(Coding, coding_id)
        if row is None or row.coder_id != coder_row.id:
            raise NotFoundError(f"{coder_row.name} has no coding with id {coding_id}")
        record(session, coder_row.name, "remove", "coding", row.id, coding_snapshot(row), None)
        session.delete(row)


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
        query = (
            select(Coding, Document, Coder)
            .join(Document, Coding.document_id == Document.id)
            .join(Coder, Coding.coder_id == Coder.id)
        )
        if viewer is not None:
            viewer_row = require_coder(session, viewer)
            if _is_blind(session):
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
        memos = _coding_memos(session, [c.id for c, _, _ in rows])
        return [_view(c, d, tree, coder.name, memos.get(c.id)) for c, d, coder in rows]


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


def _view(row: Coding, doc: Document, tree: CodeTree, coder: str, memo: str | None) -> CodingView:
    code: Code = tree.rows[row.code_id]
    return CodingView(
        id=row.id,
        document_id=doc.id,
        document=doc.name,
        start=row.start,
        end=row.end,
        code_id=code.id,
        code_path=tree.path(code.id),
        coder=coder,
        created_at=row.created_at,
        memo=memo,
        text=doc.text[row.start : row.end],
    )

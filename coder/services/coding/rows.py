"""What every coding action reads first: a document by id, the coder's own coding, the view."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, defer

from coder.db.models import Coder, Coding, Document, Memo
from coder.domain.views import CodingView
from coder.errors import NotFoundError
from coder.services.codebook.codes import CodeTree


def document_by_id(session: Session, document_id: int, *, with_text: bool = False) -> Document:
    """The document with this id (its text left unloaded unless asked for), else NotFoundError."""
    # Most actions need only the document's id, name and length: leaving its text (a
    # megabyte for a long transcript) in the database keeps each keystroke's save fast.
    options = () if with_text else (defer(Document.text),)
    doc = session.get(Document, document_id, options=options)
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    return doc


def own_coding(session: Session, me: Coder, coding_id: int) -> Coding:
    """One of ``me``'s codings; another coder's coding is as good as missing."""
    row = session.get(Coding, coding_id)
    if row is None or row.coder_id != me.id:
        raise NotFoundError(f"{me.name} has no coding with id {coding_id}")
    return row


class CodingFields(Protocol):
    """The columns of a coding a view needs: a Coding row, or a row of those columns."""

    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def code_id(self) -> int: ...
    @property
    def created_at(self) -> dt.datetime: ...


class NamedDocument(Protocol):
    """What a coding's view needs of its document: a Document row or just its id and name."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


def coding_view(
    row: CodingFields, doc: NamedDocument, tree: CodeTree, coder: str, memo: str | None, text: str
) -> CodingView:
    """The plain view of one coding: the one place a :class:`CodingView` is built."""
    return CodingView(
        id=row.id,
        document_id=doc.id,
        document=doc.name,
        start=row.start,
        end=row.end,
        code_id=row.code_id,
        code_path=tree.path(row.code_id),
        coder=coder,
        created_at=row.created_at,
        memo=memo,
        text=text,
    )


def load_coding_view(session: Session, row: Coding, doc: Document, coder: Coder) -> CodingView:
    """The view of one coding just written, with its first memo and the text it covers."""
    memo = session.scalars(
        select(Memo.text).where(Memo.coding_id == row.id).order_by(Memo.id)
    ).first()
    text = excerpt(session, doc, row.start, row.end)
    return coding_view(row, doc, CodeTree.load(session), coder.name, memo, text)


def excerpt(session: Session, doc: Document, start: int, end: int) -> str:
    """``doc.text[start:end]``, cut by the database unless the text is loaded already."""
    if "text" not in inspect(doc).unloaded:
        return doc.text[start:end]
    # SQL substr counts characters from 1, as Python counts code points from 0.
    text = session.scalar(
        select(func.substr(Document.text, start + 1, end - start)).where(Document.id == doc.id)
    )
    return text or ""

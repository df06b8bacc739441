"""Reading a stored document: the latest versions, one by name, its text checked against the
hash stored at import, and its view with units and attributes."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from coder.db.engine import Store
from coder.db.models import Document, Unit
from coder.domain.views import DocumentSummary, DocumentView, UnitView
from coder.errors import InputError, NotFoundError
from coder.services.documents.attributes import attributes_by_document
from coder.services.documents.listing import is_latest


def text_sha256(text: str) -> str:
    """The hex sha256 of a text's UTF-8 bytes, as ``documents.sha256`` stores it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_summary(
    row: Document, *, attributes: Mapping[str, Any], unit_counts: Mapping[str, int]
) -> DocumentSummary:
    """The summary of a document row: its name, version, source, attributes and unit counts."""
    return DocumentSummary(
        id=row.id,
        name=row.name,
        version=row.version,
        length=row.length,
        source_format=row.source_format,
        source_path=row.source_path,
        imported_at=row.imported_at,
        attributes=dict(attributes),
        unit_counts=dict(unit_counts),
    )


def latest_documents(*columns: Any) -> Select[Any]:
    """Documents that have no newer version (what users see by default).

    Selects whole rows, or only ``columns`` (e.g. ``Document.id, Document.name``) where the
    text is not needed.
    """
    return select(*(columns or (Document,))).where(is_latest())


def require_document(session: Session, name: str, version: int | None = None) -> Document:
    """The latest version of the named document (or the given version of it)."""
    query = select(Document).where(Document.name == name)
    if version is not None:
        query = query.where(Document.version == version)
    row = session.scalars(query.order_by(Document.version.desc())).first()
    if row is None and version is not None and require_document(session, name):
        raise NotFoundError(
            f"document {name!r} has no version {version} (see 'coder docs versions')"
        )
    if row is None:
        raise NotFoundError(f"unknown document {name!r} (see 'coder docs list')")
    return row


def verified_document(session: Session, document_id: int) -> Document:
    """The document with this id, its text checked against the sha256 stored at import.

    Raises :class:`~coder.errors.NotFoundError` for an unknown id, and
    :class:`~coder.errors.InputError` when the text no longer matches its hash (the database
    was changed behind the project's back).
    """
    row = session.get(Document, document_id)
    if row is None:
        raise NotFoundError(f"no document with id {document_id}")
    if text_sha256(row.text) != row.sha256:
        raise InputError(row.name, "stored text does not match its sha256: the project is damaged")
    return row


def get_document(store: Store, name: str, version: int | None = None) -> DocumentView:
    """A document's text and units (its latest version unless ``version``); the text is
    checked against its stored hash."""
    with store.read() as session:
        row = verified_document(session, require_document(session, name, version).id)
        units = tuple(
            UnitView(u.id, u.kind, u.start, u.end, u.speaker, u.time_start, u.time_end)
            for u in session.scalars(
                select(Unit).where(Unit.document_id == row.id).order_by(Unit.kind, Unit.start)
            )
        )
        counts: dict[str, int] = defaultdict(int)
        for u in units:
            counts[u.kind] += 1
        summary = document_summary(
            row,
            attributes=attributes_by_document(session, [row.id]).get(row.id, {}),
            unit_counts=counts,
        )
        return DocumentView(summary=summary, text=row.text, sha256=row.sha256, units=units)

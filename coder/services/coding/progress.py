"""The documents screen's numbers: per document, one coder's codings, coded sentences, done."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from coder.db.engine import Store
from coder.db.models import Coding, Document, DocumentStatus, Unit
from coder.domain.coding import DocumentProgress
from coder.services.documents.corpus import attributes_by_document
from coder.services.documents.reading import latest_documents
from coder.services.project.coders import require_coder


def document_progress(
    store: Store, coder: str, *, name_contains: str | None = None
) -> list[DocumentProgress]:
    """Every (latest) document with this coder's codings, coded sentences and done flag."""
    with store.read() as session:
        me = require_coder(session, coder)
        # Names and ids only: loading every document's text would make this screen slow on
        # a large project.
        query = latest_documents(Document.id, Document.name)
        if name_contains:
            query = query.where(Document.name.icontains(name_contains, autoescape=True))
        docs = session.execute(query.order_by(Document.id)).all()
        ids = [d.id for d in docs]
        attrs = attributes_by_document(session, ids)
        sentences = dict(
            session.execute(
                select(Unit.document_id, func.count())
                .where(Unit.kind == "sentence")
                .group_by(Unit.document_id)
            ).all()
        )
        counts = dict(
            session.execute(
                select(Coding.document_id, func.count())
                .where(Coding.coder_id == me.id)
                .group_by(Coding.document_id)
            ).all()
        )
        covered: dict[int, int] = dict(session.execute(_coded_sentences(me.id)).all())
        done = set(
            session.scalars(
                select(DocumentStatus.document_id).where(
                    DocumentStatus.coder_id == me.id, DocumentStatus.done.is_(True)
                )
            )
        )
        return [
            DocumentProgress(
                id=d.id,
                name=d.name,
                attributes=attrs.get(d.id, {}),
                units=sentences.get(d.id, 0),
                codings=counts.get(d.id, 0),
                coded_units=covered.get(d.id, 0),
                done=d.id in done,
            )
            for d in docs
        ]


def _coded_sentences(coder_id: int) -> Select[int, int]:
    """Per document, how many sentences this coder's codings overlap.

    Sentences do not overlap, so the first sentence a coding can touch is the last one that
    starts at or before the coding: a seek in the (document, kind, start) index. From there the
    scan stops at the coding's end, instead of running from the start of the document.
    """
    earlier = aliased(Unit)
    first_start = (
        select(func.max(earlier.start))
        .where(
            earlier.document_id == Coding.document_id,
            earlier.kind == "sentence",
            earlier.start <= Coding.start,
        )
        .correlate(Coding)
        .scalar_subquery()
    )
    return (
        select(Coding.document_id, func.count(func.distinct(Unit.id)))
        .join(
            Unit,
            (Unit.document_id == Coding.document_id)
            & (Unit.kind == "sentence")
            & (Unit.start >= func.coalesce(first_start, 0))
            & (Unit.start < Coding.end)
            & (Unit.end > Coding.start),
        )
        .where(Coding.coder_id == coder_id)
        .group_by(Coding.document_id)
    )

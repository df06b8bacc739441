"""Opening a document for coding: its text and units as columns, and the coder's codings."""

from __future__ import annotations

from array import array

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Coding, Memo, Unit
from coder.domain.coding import CodingDocument, UnitSpans
from coder.domain.views import CodingView
from coder.services.codebook.codes import CodeTree
from coder.services.coding.rows import coding_view, document_by_id
from coder.services.documents.corpus import attributes_by_document
from coder.services.documents.reading import document_summary, verified_document
from coder.services.project.coders import require_coder


def coding_document(store: Store, document_id: int) -> CodingDocument:
    """A document's text, with its units as columns per kind (sorted by start, end), and
    the speaker of each turn.

    The coding screen opens documents with this: it reads the same rows but builds no object
    per unit, which matters for a 1 MB transcript.
    """
    with store.read() as session:
        doc = verified_document(session, document_id)
        units: dict[str, UnitSpans] = {}
        speakers: list[str | None] = []
        rows = session.execute(
            select(Unit.kind, Unit.start, Unit.end, Unit.speaker)
            .where(Unit.document_id == document_id)
            .order_by(Unit.kind, Unit.start, Unit.end)
        )
        for kind, start, end, speaker in rows:
            if kind == "turn":
                speakers.append(speaker)
            spans = units.get(kind)
            if spans is None:
                spans = units[kind] = UnitSpans(array("q"), array("q"))
            spans.starts.append(start)
            spans.ends.append(end)
        summary = document_summary(
            doc,
            attributes=attributes_by_document(session, [doc.id]).get(doc.id, {}),
            unit_counts={kind: len(spans) for kind, spans in units.items()},
        )
        return CodingDocument(summary=summary, text=doc.text, units=units, speakers=tuple(speakers))


def document_codings(store: Store, coder: str, document_id: int) -> list[CodingView]:
    """This coder's codings of one document, in text order (never anyone else's)."""
    with store.read() as session:
        me = require_coder(session, coder)
        doc = document_by_id(session, document_id, with_text=True)
        tree = CodeTree.load(session)
        # Columns, not ORM objects: a coded transcript has thousands of codings and this runs
        # whenever the coding screen reloads them.
        rows = session.execute(
            select(Coding.id, Coding.start, Coding.end, Coding.code_id, Coding.created_at)
            .where(Coding.document_id == document_id, Coding.coder_id == me.id)
            .order_by(Coding.start, Coding.end, Coding.id)
        ).all()
        memos: dict[int, str] = {}
        if rows:
            for coding_id, text in session.execute(
                select(Memo.coding_id, Memo.text)
                .join(Coding, Memo.coding_id == Coding.id)
                .where(Coding.document_id == document_id, Coding.coder_id == me.id)
                .order_by(Memo.id)
            ):
                if coding_id is not None:
                    memos.setdefault(coding_id, text)
        text = doc.text
        return [
            coding_view(row, doc, tree, me.name, memos.get(row.id), text[row.start : row.end])
            for row in rows
        ]

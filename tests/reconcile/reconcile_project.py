"""The reconciliation tests' project: two documents, a small codebook, alice and bob's codings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Unit
from coder.domain.codebook import Codebook, CodeDef
from coder.domain.documents import DocumentDraft
from coder.services.codebook.codes import import_codebook, list_codes
from coder.services.coding.edits import apply_code
from coder.services.coding.progress import document_progress
from coder.services.documents.corpus import ImportReport, store_drafts
from coder.services.project.coders import ensure_coder
from coder.text import segment

INTERVIEW = (
    "Policy maker: We needed evidence quickly. The researchers offered a rapid review. "
    "It was the first time our partners came to us. Trust mattered most. "
    "We met every month. Funding was always short."
)
NOTES = "The team described their partnerships as slow. Nobody mentioned money. It still worked."

CODEBOOK = Codebook(
    name="test",
    codes=[
        CodeDef(
            name="Motives",
            definition="Reasons for working together.",
            children=[
                CodeDef(name="Need for evidence", definition="Wanting research for a decision."),
                CodeDef(name="Credibility", definition="Reputation gained from the work."),
            ],
        ),
        CodeDef(name="Barriers", definition="What gets in the way of working together."),
        CodeDef(name="Trust", definition="Confidence between partners."),
    ],
)

#: (coder, document, sentence index, code name): alice and bob agree on some, not all.
CODINGS = [
    ("alice", "interview", 0, "Need for evidence"),
    ("bob", "interview", 0, "Need for evidence"),
    ("alice", "interview", 1, "Credibility"),
    ("bob", "interview", 1, "Need for evidence"),
    ("alice", "interview", 2, "Credibility"),
    ("alice", "interview", 3, "Trust"),
    ("bob", "interview", 3, "Trust"),
    ("bob", "interview", 3, "Credibility"),
    ("alice", "interview", 5, "Barriers"),
    ("bob", "interview", 5, "Barriers"),
    ("alice", "notes", 0, "Barriers"),
    ("bob", "notes", 0, "Barriers"),
    ("bob", "notes", 1, "Barriers"),
]


def sentences(store: Store, document_id: int) -> list[tuple[int, int]]:
    with store.read() as s:
        return [
            (u.start, u.end)
            for u in s.scalars(
                select(Unit)
                .where(Unit.document_id == document_id, Unit.kind == "sentence")
                .order_by(Unit.start)
            )
        ]


def build(store: Store) -> dict[str, Any]:
    """Fill ``store``; returns document ids by short name and code ids by name."""
    drafts = [
        DocumentDraft("interview", INTERVIEW, "txt", "interview.txt", {}),
        DocumentDraft("notes", NOTES, "txt", "notes.txt", {}),
    ]
    store_drafts(store, drafts, [segment(d.text) for d in drafts], actor="t", report=ImportReport())
    import_codebook(store, CODEBOOK, actor="t")
    for name in ("alice", "bob"):
        ensure_coder(store, name, actor="t")
    docs = {p.name: p.id for p in document_progress(store, "alice")}
    codes = {c.name: c.id for c in list_codes(store)}
    units = {name: sentences(store, doc_id) for name, doc_id in docs.items()}
    codings = {}
    for coder, doc, index, code in CODINGS:
        start, end = units[doc][index]
        view = apply_code(
            store, coder=coder, document_id=docs[doc], code_id=codes[code], start=start, end=end
        )
        codings[(coder, doc, index, code)] = view.id
    return {"docs": docs, "codes": codes, "units": units, "codings": codings}

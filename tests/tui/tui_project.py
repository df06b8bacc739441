"""The small test project of the TUI tests: two documents, a codebook, coders alice and bob."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Code, Coding, DocumentStatus, Memo
from coder.domain.codebook import Codebook, CodeDef
from coder.domain.documents import DocumentDraft
from coder.services.codebook.codes import import_codebook
from coder.services.documents.corpus import ImportReport, store_drafts
from coder.services.project.coders import ensure_coder
from coder.text import segment

INTERVIEW = (
    "Interviewer: How did the partnership start?\n"
    "Policy maker: We needed evidence quickly. The researchers offered a rapid review. "
    "It was the first time our partners came to us.\n"
    "Interviewer: What made it work?\n"
    "Policy maker: Trust, mostly. We met every month. Funding was always short."
)
NOTES = (
    "Field notes from the second site.\n"
    "The team described their partnerships with universities as slow. "
    "Nobody mentioned money."
)

CODEBOOK = Codebook(
    name="test",
    codes=[
        CodeDef(
            name="Motives",
            definition="Reasons for working together.",
            children=[
                CodeDef(
                    name="Need for evidence",
                    definition="Wanting research to inform a decision.",
                    inclusion="Explicit need for evidence.",
                    exclusion="General praise of research.",
                    example="We needed evidence quickly.",
                    colour="#E69F00",
                ),
                CodeDef(name="Credibility", definition="Reputation gained.", colour="#56B4E9"),
            ],
        ),
        CodeDef(name="Barriers", definition="What gets in the way.", colour="#D55E00"),
    ],
)


def build_project(store: Store) -> Store:
    """Two documents (segmented with the real pipeline), the codebook, coders alice and bob."""
    drafts = [
        DocumentDraft("interview-01", INTERVIEW, "txt", "interview-01.txt", {"role": "policy"}),
        DocumentDraft("notes-02", NOTES, "txt", "notes-02.txt", {"role": "field"}),
    ]
    store_drafts(store, drafts, [segment(d.text) for d in drafts], actor="t", report=ImportReport())
    import_codebook(store, CODEBOOK, actor="t")
    ensure_coder(store, "alice", actor="t")
    ensure_coder(store, "bob", actor="t")
    return store


def table_state(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a coder can change, for comparing the database before and after."""
    with store.read() as s:
        return {
            "codings": [
                (r.id, r.document_id, r.code_id, r.coder_id, r.start, r.end, r.created_at)
                for r in s.scalars(select(Coding).order_by(Coding.id))
            ],
            "memos": [
                (r.id, r.author_id, r.document_id, r.code_id, r.coding_id, r.text, r.created_at,
                 r.updated_at)
                for r in s.scalars(select(Memo).order_by(Memo.id))
            ],
            "status": [
                (r.document_id, r.coder_id, r.done, r.updated_at)
                for r in s.scalars(select(DocumentStatus))
            ],
            "codes": [
                (r.id, r.parent_id, r.name, r.definition, r.inclusion, r.exclusion, r.example,
                 r.colour, r.status, r.owner_id, r.position)
                for r in s.scalars(select(Code).order_by(Code.id))
            ],
        }  # fmt: skip

"""A small project with two documents, a codebook and three coders, built without spaCy."""

from __future__ import annotations

import pytest

from coder.db.engine import Store
from coder.domain import Codebook, CodeDef, DocumentDraft, Unit, UnitKind
from coder.services.codebook.codes import import_codebook
from coder.services.documents.corpus import ImportReport, store_drafts
from coder.services.project.coders import add_coder

TEXT_1 = "We partnered early. Trust mattered most.\n\nFunding was short. Timelines slipped."
TEXT_2 = "Policy asked for rapid answers. Researchers wanted rigour."


def sentence_units(text: str) -> list[Unit]:
    units, start = [], 0
    for i, ch in enumerate(text):
        if ch == ".":
            while start < len(text) and text[start] in " \n":
                start += 1
            units.append(Unit(UnitKind.SENTENCE, start, i + 1))
            start = i + 1
    units.append(Unit(UnitKind.DOCUMENT, 0, len(text)))
    return units


BOOK = Codebook(
    name="test book",
    codes=[
        CodeDef(
            name="Relationships",
            definition="How partners relate.",
            colour="#0072B2",
            children=[
                CodeDef(name="Trust", definition="Confidence in the partner.", keywords=["trust"]),
                CodeDef(name="Early engagement", definition="Working together from the start."),
            ],
        ),
        CodeDef(
            name="Practicalities",
            children=[CodeDef(name="Funding"), CodeDef(name="Time")],
        ),
    ],
)


@pytest.fixture
def project(store: Store) -> Store:
    drafts = [
        DocumentDraft("interview-1", TEXT_1, "txt", "interview-1.txt", {"role": "researcher"}),
        DocumentDraft(
            "interview-2", TEXT_2, "txt", "interview-2.txt", {"role": "policy-maker", "year": 2021}
        ),
    ]
    store_drafts(
        store, drafts, [sentence_units(d.text) for d in drafts], actor="t", report=ImportReport()
    )
    import_codebook(store, BOOK, actor="t")
    for name in ("alice", "bob", "carol"):
        add_coder(store, name)
    return store

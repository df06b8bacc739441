"""A small, fixed project for the export tests: three documents with attributes, a two-theme
codebook, two human coders and (in ``consensus_project``) a consensus coder.

Built without spaCy, with every timestamp fixed, so the exports are byte-for-byte stable.
The texts hold what trips exporters: a passage over several lines, one beginning with ``=``
(a formula to a spreadsheet), ``|`` (a Markdown table cell), ``<&>`` (HTML) and one long
passage that the quote book cuts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Coder, Coding, Memo
from coder.domain import Codebook, CodeDef, DocumentDraft, Unit, UnitKind
from coder.services.codebook.codes import import_codebook
from coder.services.coding.codings import apply_code
from coder.services.documents.corpus import ImportReport, store_drafts
from coder.services.project.coders import add_coder

FIXED = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)

TEXTS = {
    "interview-01": (
        "We partnered early because we wanted impact.\nTrust mattered most.\n\n"
        "Funding was short and the timelines slipped badly."
    ),
    "interview-02": (
        "Policy asked for rapid answers.   Researchers wanted rigour.\n"
        "= The evidence had to be credible | defensible <&> public."
    ),
    "report-03": (
        "Summary. "
        + " ".join(
            f"In year {i} the joint team met the ministry again and revised the plan"
            " because the deadline had moved once more."
            for i in range(1, 9)
        )
        + " The end."
    ),
}
ATTRIBUTES: dict[str, dict[str, str | int]] = {
    "interview-01": {"role": "researcher", "year": 2021, "source": "interview"},
    "interview-02": {"role": "policy-maker", "year": 2022, "source": "interview"},
    "report-03": {"role": "policy-maker", "year": 2021, "source": "report"},
}

BOOK = Codebook(
    name="Partnership codebook",
    codes=[
        CodeDef(
            name="Motives",
            definition="Why people partner.",
            inclusion="Stated reasons for working together.",
            exclusion="How the partnership went (use Practicalities).",
            example="We wanted our work to change policy.",
            colour="#0072b2",
            keywords=["why", "reason"],
            children=[
                CodeDef(
                    name="Impact",
                    definition="Partnering so research changes policy.",
                    keywords=["impact"],
                ),
                CodeDef(
                    name="Credibility",
                    definition="Evidence that is rigorous and believed.",
                    inclusion="Rigour, trust in results.",
                ),
            ],
        ),
        CodeDef(
            name="Practicalities",
            definition="What working together takes.",
            colour="#e69f00",
            children=[
                CodeDef(name="Funding", definition="Money for the work."),
                CodeDef(name="Time | timing", definition="Deadlines & delays."),
            ],
        ),
    ],
)

# (coder, document, passage, code, memo)
CODINGS: list[tuple[str, str, str, str, str | None]] = [
    (
        "alice",
        "interview-01",
        "We partnered early because we wanted impact.",
        "Motives/Impact",
        "clear motive",
    ),
    (
        "alice",
        "interview-01",
        "Trust mattered most.\n\nFunding was short",
        "Practicalities/Funding",
        None,
    ),
    ("alice", "interview-01", "the timelines slipped badly", "Practicalities/Time | timing", None),
    ("alice", "interview-02", "Researchers wanted rigour.", "Motives/Credibility", None),
    (
        "alice",
        "interview-02",
        "= The evidence had to be credible | defensible <&> public.",
        "Motives/Credibility",
        "formula-like text",
    ),
    (
        "alice",
        "interview-02",
        "Policy asked for rapid answers.",
        "Practicalities/Time | timing",
        None,
    ),
    ("alice", "report-03", TEXTS["report-03"][9:-9], "Practicalities/Time | timing", None),
    (
        "bob",
        "interview-01",
        "We partnered early because we wanted impact.",
        "Motives/Credibility",
        None,
    ),
    ("bob", "interview-02", "Researchers wanted rigour.", "Motives/Credibility", None),
]
CONSENSUS_CODINGS: list[tuple[str, str, str, str, str | None]] = [
    ("consensus", doc, passage, code, memo)
    for coder, doc, passage, code, memo in CODINGS
    if coder == "alice" and passage != "Policy asked for rapid answers."
] + [("consensus", "report-03", "Summary.", "Motives", "theme-level coding")]


def sentence_units(text: str) -> list[Unit]:
    return [Unit(UnitKind.DOCUMENT, 0, len(text))]


def add_codings(store: Store, rows: list[tuple[str, str, str, str, str | None]]) -> None:
    for coder, doc, passage, code, memo in rows:
        start = TEXTS[doc].index(passage)
        apply_code(
            store,
            coder=coder,
            document=doc,
            start=start,
            end=start + len(passage),
            code=code,
            memo=memo,
        )


def fix_timestamps(store: Store) -> None:
    with store.write() as session:
        for model in (Coding, Coder, Memo):
            for row in session.scalars(select(model)):
                row.created_at = FIXED


def base_project(store: Store) -> Store:
    drafts = [
        DocumentDraft(name, text, "txt", f"{name}.txt", ATTRIBUTES[name])
        for name, text in TEXTS.items()
    ]
    store_drafts(
        store, drafts, [sentence_units(d.text) for d in drafts], actor="t", report=ImportReport()
    )
    import_codebook(store, BOOK, actor="t")
    for name in ("alice", "bob"):
        add_coder(store, name)
    return store


@pytest.fixture
def paper_project(store: Store) -> Store:
    """Documents, codebook, alice's and bob's codings; no consensus coder."""
    base_project(store)
    add_codings(store, CODINGS)
    fix_timestamps(store)
    return store


@pytest.fixture
def consensus_project(paper_project: Store) -> Store:
    """``paper_project`` plus a consensus coder with its own codings."""
    add_coder(paper_project, "consensus", kind="consensus")
    add_codings(paper_project, CONSENSUS_CODINGS)
    fix_timestamps(paper_project)
    return paper_project

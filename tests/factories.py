"""The test projects, built once here, and the name-to-id look-ups every test shares.

Projects are filled through the services a user's commands run: documents through
``store_drafts``, codebooks through ``import_codebook``, coders through ``add_coder`` and
codings through ``coder.services.coding.edits.apply_code``, the function the coding screen and
``coder serve`` call. Tests name documents and codes; ``Names`` turns the names into the ids
that function takes, with the services' own look-ups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select

from coder.agreement import Codings, Units, compute_agreement
from coder.db.engine import Store
from coder.db.models import Coder, Coding, Memo
from coder.domain import AttributeValue, Codebook, CodeDef, CodePath, DocumentDraft, Unit, UnitKind
from coder.domain.agreement import AgreementReport, AgreementRequest, Level
from coder.domain.documents import ImportReport
from coder.domain.views import CodingView
from coder.services.codebook.codes import import_codebook, list_codes, require_code
from coder.services.coding.edits import apply_code
from coder.services.coding.memos import set_memo
from coder.services.documents.corpus import list_documents, store_drafts
from coder.services.documents.reading import get_document, require_document
from coder.services.project.coders import add_coder

# -- names to ids ---------------------------------------------------------------------------


@dataclass
class Names:
    """Document ids by name and code ids by path, looked up once each through the services.

    Paths resolve as everywhere in the product: case-insensitively, a document name to its
    latest version.
    """

    store: Store
    documents: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)

    def document(self, name: str) -> int:
        if name not in self.documents:
            with self.store.read() as session:
                self.documents[name] = require_document(session, name).id
        return self.documents[name]

    def code(self, path: str) -> int:
        if path not in self.codes:
            with self.store.read() as session:
                self.codes[path] = require_code(session, path).id
        return self.codes[path]


def code_named(
    store: Store,
    *,
    coder: str,
    document: str,
    code: str,
    start: int,
    end: int,
    memo: str | None = None,
    names: Names | None = None,
) -> CodingView:
    """Apply a code as the coder's keystroke does, naming the document and the code.

    A memo is written the way the coder writes one: as the next action, on the new coding.
    """
    names = names or Names(store)
    view = apply_code(
        store,
        coder=coder,
        document_id=names.document(document),
        code_id=names.code(code),
        start=start,
        end=end,
    )
    if memo:
        set_memo(store, coder=coder, text=memo, coding_id=view.id)
    return view


def sentence_spans(store: Store, document: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence unit of a document, in text order."""
    units = get_document(store, document).units
    return sorted((u.start, u.end) for u in units if u.kind == UnitKind.SENTENCE)


# -- building blocks ------------------------------------------------------------------------


def sentence_units(text: str) -> list[Unit]:
    """Sentence units ending at each full stop (no spaCy needed) plus the document unit."""
    units, start = [], 0
    for i, ch in enumerate(text):
        if ch == ".":
            while start < len(text) and text[start] in " \n":
                start += 1
            units.append(Unit(UnitKind.SENTENCE, start, i + 1))
            start = i + 1
    units.append(Unit(UnitKind.DOCUMENT, 0, len(text)))
    return units


def document_unit(text: str) -> list[Unit]:
    """The whole text as its only unit."""
    return [Unit(UnitKind.DOCUMENT, 0, len(text))]


def spacy_units(text: str) -> list[Unit]:
    """The units the real import pipeline (spaCy) cuts."""
    from coder.text import segment

    return segment(text)


def build_project(
    store: Store,
    drafts: Sequence[DocumentDraft],
    codebook: Codebook,
    coders: Sequence[str],
    *,
    units: Callable[[str], list[Unit]] = sentence_units,
) -> Store:
    """Documents, a codebook and coders, each added as its import command adds it."""
    report = ImportReport()
    store_drafts(store, drafts, [units(d.text) for d in drafts], actor="t", report=report)
    import_codebook(store, codebook, actor="t")
    for name in coders:
        add_coder(store, name, actor="t")
    return store


def freeze_timestamps(store: Store, moment: dt.datetime) -> None:
    """Set every coding's, coder's and memo's creation time, for byte-stable exports."""
    with store.write() as session:
        rows: list[Coding | Coder | Memo] = [
            *session.scalars(select(Coding)),
            *session.scalars(select(Coder)),
            *session.scalars(select(Memo)),
        ]
        for row in rows:
            row.created_at = moment


# -- the services' project: two interviews cut at full stops, three coders ------------------

SERVICES_TEXTS = {
    "interview-1": (
        "We partnered early. Trust mattered most.\n\nFunding was short. Timelines slipped."
    ),
    "interview-2": "Policy asked for rapid answers. Researchers wanted rigour.",
}
SERVICES_BOOK = Codebook(
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


def services_project(store: Store) -> Store:
    """interview-1 and interview-2 with attributes, ``SERVICES_BOOK``, alice, bob and carol."""
    attributes: dict[str, dict[str, AttributeValue]] = {
        "interview-1": {"role": "researcher"},
        "interview-2": {"role": "policy-maker", "year": 2021},
    }
    drafts = [
        DocumentDraft(name, text, "txt", f"{name}.txt", attributes[name])
        for name, text in SERVICES_TEXTS.items()
    ]
    return build_project(store, drafts, SERVICES_BOOK, ("alice", "bob", "carol"))


# -- the team project: long documents for thousands of distinct spans -----------------------

TEAM_BOOK = Codebook(
    name="team book",
    codes=[
        CodeDef(name="Relationships", children=[CodeDef(name="Trust"), CodeDef(name="Meetings")]),
        CodeDef(name="Barriers", children=[CodeDef(name="Funding"), CodeDef(name="Turnover")]),
    ],
)
TEAM_CODE_PATHS = [
    "Relationships/Trust",
    "Relationships/Meetings",
    "Barriers/Funding",
    "Barriers/Turnover",
]


def team_project(
    store: Store, *, documents: int = 3, coders: tuple[str, ...] = ("ana", "ben")
) -> Store:
    """``doc-0``... (400 sentences each), ``TEAM_BOOK`` and the coders."""
    body = " ".join(f"Sentence {i} talks about trust and funding." for i in range(400))
    drafts = [
        DocumentDraft(f"doc-{n}", f"Document {n}. {body}", "txt", f"doc-{n}.txt", {"n": n})
        for n in range(documents)
    ]
    return build_project(store, drafts, TEAM_BOOK, coders)


# -- the TUI's project: an interview and field notes, segmented by spaCy --------------------

TUI_INTERVIEW = (
    "Interviewer: How did the partnership start?\n"
    "Policy maker: We needed evidence quickly. The researchers offered a rapid review. "
    "It was the first time our partners came to us.\n"
    "Interviewer: What made it work?\n"
    "Policy maker: Trust, mostly. We met every month. Funding was always short."
)
TUI_NOTES = (
    "Field notes from the second site.\n"
    "The team described their partnerships with universities as slow. "
    "Nobody mentioned money."
)
TUI_BOOK = Codebook(
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


def tui_project(store: Store) -> Store:
    """interview-01 and notes-02 (segmented with the real pipeline), ``TUI_BOOK``, alice, bob."""
    drafts = [
        DocumentDraft("interview-01", TUI_INTERVIEW, "txt", "interview-01.txt", {"role": "policy"}),
        DocumentDraft("notes-02", TUI_NOTES, "txt", "notes-02.txt", {"role": "field"}),
    ]
    return build_project(store, drafts, TUI_BOOK, ("alice", "bob"), units=spacy_units)


def turn_units(text: str) -> list[Unit]:
    """:func:`sentence_units`, a paragraph per line, and a speaker turn per "Name: ..." line."""
    units = sentence_units(text)
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            units.append(Unit(UnitKind.PARAGRAPH, pos, end))
            speaker, colon, _ = line.partition(":")
            if colon:
                units.append(Unit(UnitKind.TURN, pos, end, speaker=speaker))
        pos = end + 1
    return units


#: A 40-turn interview: the interviewer asks, the policy maker answers at length.
TURNS_INTERVIEW = "\n".join(
    f"Interviewer: Question {n} asks about the partnership.\n"
    f"Policy maker: Answer {n} starts here.\tIt talks about trust and funding at some "
    f"length, so that it wraps onto a second line of the screen. Answer {n} ends here."
    for n in range(20)
)


def turns_project(store: Store) -> Store:
    """``transcript-01`` (``TURNS_INTERVIEW``, with speaker turns), ``TUI_BOOK``, alice."""
    drafts = [DocumentDraft("transcript-01", TURNS_INTERVIEW, "txt", "transcript-01.txt", {})]
    return build_project(store, drafts, TUI_BOOK, ("alice",), units=turn_units)


# -- the reconciliation project: alice and bob agree on some sentences, not all -------------

RECONCILE_TEXTS = {
    "interview": (
        "Policy maker: We needed evidence quickly. The researchers offered a rapid review. "
        "It was the first time our partners came to us. Trust mattered most. "
        "We met every month. Funding was always short."
    ),
    "notes": (
        "The team described their partnerships as slow. Nobody mentioned money. It still worked."
    ),
}
RECONCILE_BOOK = Codebook(
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
#: (coder, document, sentence index, code name).
RECONCILE_CODINGS = [
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


def reconcile_project(store: Store) -> dict[str, Any]:
    """Fill ``store`` (spaCy sentences) with ``RECONCILE_CODINGS``.

    Returns document ids by name (``docs``), code ids by name (``codes``), each document's
    sentence spans (``units``) and the id of each coding (``codings``, keyed as listed).
    """
    drafts = [DocumentDraft(n, t, "txt", f"{n}.txt", {}) for n, t in RECONCILE_TEXTS.items()]
    build_project(store, drafts, RECONCILE_BOOK, ("alice", "bob"), units=spacy_units)
    docs = {d.name: d.id for d in list_documents(store)}
    codes = {c.name: c.id for c in list_codes(store)}
    units = {name: sentence_spans(store, name) for name in docs}
    codings = {}
    for coder, doc, index, code in RECONCILE_CODINGS:
        start, end = units[doc][index]
        view = apply_code(
            store, coder=coder, document_id=docs[doc], code_id=codes[code], start=start, end=end
        )
        codings[(coder, doc, index, code)] = view.id
    return {"docs": docs, "codes": codes, "units": units, "codings": codings}


# -- the speakers' project: a transcript whose speakers are in its turns, not in its text ----

#: (speaker, speech) of each turn, as a subtitle reader leaves them: names off the text.
SPEAKER_TURNS = [
    ("Interviewer", "Tell me how the partnership started."),
    ("Policy maker", "We needed evidence quickly. The researchers offered a rapid review."),
    ("Interviewer", "Tell me what made it work."),
    ("Policy maker", "Trust mattered most. Funding was always short."),
]
#: (coder, sentence index in ``transcript``, code path): alice and bob differ on 1, 2 and 4.
SPEAKERS_CODINGS = [
    ("alice", 1, "Motives/Need for evidence"),
    ("bob", 1, "Motives/Credibility"),
    ("alice", 2, "Motives/Credibility"),
    ("alice", 4, "Trust"),
    ("bob", 4, "Barriers"),
]


def speakers_project(store: Store) -> Store:
    """``transcript`` (``SPEAKER_TURNS``, a turn each, blank lines between) and ``notes`` (no
    turns), cut at full stops; ``RECONCILE_BOOK``; alice and bob coding ``SPEAKERS_CODINGS``."""
    text = "\n\n".join(speech for _, speech in SPEAKER_TURNS)
    turns, pos = [], 0
    for speaker, speech in SPEAKER_TURNS:
        turns.append(Unit(UnitKind.TURN, pos, pos + len(speech), speaker=speaker))
        pos += len(speech) + 2
    drafts = [
        DocumentDraft("transcript", text, "vtt", "transcript.vtt", {}, turns),
        DocumentDraft("notes", RECONCILE_TEXTS["notes"], "txt", "notes.txt", {}),
    ]
    build_project(
        store,
        drafts,
        RECONCILE_BOOK,
        ("alice", "bob"),
        units=lambda t: sentence_units(t) + (turns if t == text else []),
    )
    names, spans = Names(store), sentence_spans(store, "transcript")
    for coder, index, code in SPEAKERS_CODINGS:
        start, end = spans[index]
        code_named(
            store, coder=coder, document="transcript", code=code, start=start, end=end, names=names
        )
    return store


# -- the paper project of the export goldens: no spaCy, every timestamp fixed ----------------
# The texts hold what trips exporters: a passage over several lines, one beginning with ``=``
# (a formula to a spreadsheet), ``|`` (a Markdown table cell), ``<&>`` (HTML) and one long
# passage that the quote book cuts.

PAPER_TIME = dt.datetime(2025, 3, 14, 9, 26, 53, tzinfo=dt.UTC)
PAPER_TEXTS = {
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
PAPER_ATTRIBUTES: dict[str, dict[str, AttributeValue]] = {
    "interview-01": {"role": "researcher", "year": 2021, "source": "interview"},
    "interview-02": {"role": "policy-maker", "year": 2022, "source": "interview"},
    "report-03": {"role": "policy-maker", "year": 2021, "source": "report"},
}
PAPER_BOOK = Codebook(
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
PaperCoding = tuple[str, str, str, str, str | None]
#: (coder, document, passage, code, memo).
PAPER_CODINGS: list[PaperCoding] = [
    ("alice", "interview-01", "We partnered early because we wanted impact.", "Motives/Impact",
     "clear motive"),
    ("alice", "interview-01", "Trust mattered most.\n\nFunding was short",
     "Practicalities/Funding", None),
    ("alice", "interview-01", "the timelines slipped badly", "Practicalities/Time | timing", None),
    ("alice", "interview-02", "Researchers wanted rigour.", "Motives/Credibility", None),
    ("alice", "interview-02", "= The evidence had to be credible | defensible <&> public.",
     "Motives/Credibility", "formula-like text"),
    ("alice", "interview-02", "Policy asked for rapid answers.", "Practicalities/Time | timing",
     None),
    ("alice", "report-03", PAPER_TEXTS["report-03"][9:-9], "Practicalities/Time | timing", None),
    ("bob", "interview-01", "We partnered early because we wanted impact.", "Motives/Credibility",
     None),
    ("bob", "interview-02", "Researchers wanted rigour.", "Motives/Credibility", None),
]  # fmt: skip
#: The consensus coder keeps alice's codings but one, and adds a theme-level coding.
CONSENSUS_CODINGS: list[PaperCoding] = [
    ("consensus", doc, passage, code, memo)
    for coder, doc, passage, code, memo in PAPER_CODINGS
    if coder == "alice" and passage != "Policy asked for rapid answers."
] + [("consensus", "report-03", "Summary.", "Motives", "theme-level coding")]


def code_passages(store: Store, rows: Sequence[PaperCoding]) -> None:
    """Apply each (coder, document, passage, code, memo) at the passage's first occurrence."""
    names = Names(store)
    for coder, doc, passage, code, memo in rows:
        start = PAPER_TEXTS[doc].index(passage)
        code_named(
            store, coder=coder, document=doc, code=code, start=start, end=start + len(passage),
            memo=memo, names=names,
        )  # fmt: skip


def paper_documents(store: Store) -> Store:
    """The three documents (each one unit), ``PAPER_BOOK``, alice and bob; no codings."""
    drafts = [
        DocumentDraft(name, text, "txt", f"{name}.txt", PAPER_ATTRIBUTES[name])
        for name, text in PAPER_TEXTS.items()
    ]
    return build_project(store, drafts, PAPER_BOOK, ("alice", "bob"), units=document_unit)


def paper_project(store: Store) -> Store:
    """``paper_documents`` with alice's and bob's codings, timestamps fixed."""
    paper_documents(store)
    code_passages(store, PAPER_CODINGS)
    freeze_timestamps(store, PAPER_TIME)
    return store


def consensus_project(store: Store) -> Store:
    """``paper_project`` plus a consensus coder with its own codings."""
    paper_project(store)
    add_coder(store, "consensus", kind="consensus", actor="t")
    code_passages(store, CONSENSUS_CODINGS)
    freeze_timestamps(store, PAPER_TIME)
    return store


# -- a fixed agreement report from hand-made arrays (no database, no clock) -----------------
# Two documents (100 and 60 characters) cut into 13 units of 10 or 20 characters; four codes:
# ``Theme`` (a parent nobody applies: its coefficients are undefined, "no variation"),
# ``Theme/Sub a`` (near-perfect agreement), ``Theme/Sub b`` (weak) and ``Other | pipes`` (a
# name with a Markdown-hostile character). A third coder exists for the multi-coder cases.

REPORT_TIME = PAPER_TIME
REPORT_CODERS = ("ana", "ben", "cleo")
REPORT_CODE_PATHS = (
    CodePath(("Theme",)),
    CodePath(("Theme", "Sub a")),
    CodePath(("Theme", "Sub b")),
    CodePath(("Other | pipes",)),
)
REPORT_DOCUMENTS = ("interview-01", "interview-02")
#: (document, start, end, code, coder), as indexes into the tuples above.
REPORT_CODINGS = [
    # Theme/Sub a: both coders on units 0-10, 20-30, 50-70; ana also 90-100.
    (0, 0, 10, 1, 0), (0, 0, 8, 1, 1),
    (0, 20, 30, 1, 0), (0, 22, 30, 1, 1),
    (0, 50, 70, 1, 0), (0, 50, 70, 1, 1),
    (0, 90, 100, 1, 0),
    (1, 0, 15, 1, 0), (1, 5, 20, 1, 1),
    # Theme/Sub b: little overlap.
    (0, 10, 20, 2, 0), (0, 30, 40, 2, 1),
    (0, 60, 80, 2, 0), (0, 70, 80, 2, 1),
    (1, 20, 40, 2, 1),
    # Other | pipes.
    (0, 40, 50, 3, 0), (0, 40, 50, 3, 1),
    (1, 40, 60, 3, 0),
    # The third coder.
    (0, 0, 10, 1, 2), (0, 20, 30, 1, 2), (0, 50, 60, 1, 2), (1, 0, 20, 1, 2),
    (0, 10, 20, 2, 2), (0, 70, 80, 2, 2),
    (0, 40, 50, 3, 2), (1, 40, 60, 3, 2),
]  # fmt: skip


def agreement_report(
    level: Level = "unit",
    n_coders: int = 2,
    *,
    ci: bool = True,
    excluded: tuple[str, ...] = ("1 document(s) not yet coded by every coder: interview-03",),
) -> AgreementReport:
    """A deterministic report on ``REPORT_CODINGS``: the bootstrap is seeded, the clock fixed."""
    rows = np.array([c for c in REPORT_CODINGS if c[4] < n_coders], dtype=np.int64)
    codings = Codings(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4])
    coders = REPORT_CODERS[:n_coders]
    starts = [*range(0, 100, 10), 0, 20, 40]
    ends = [*range(10, 101, 10), 20, 40, 60]
    units = Units(doc=np.array([0] * 10 + [1] * 3), start=np.array(starts), end=np.array(ends))
    request = AgreementRequest(
        coders=coders,
        unit=UnitKind.SENTENCE,
        level=level,
        ci=ci,
        n_boot=200,
        seed=7,
    )
    result = compute_agreement(
        units if level == "unit" else None,
        codings,
        list(coders),
        [str(p) for p in REPORT_CODE_PATHS],
        level=level,
        doc_lengths=np.array([100, 60]),
        ci=ci,
        n_boot=200,
        seed=7,
    )
    return AgreementReport(
        project="fixture",
        request=request,
        result=result,
        documents=REPORT_DOCUMENTS,
        code_paths=REPORT_CODE_PATHS,
        codings_per_coder={name: int((rows[:, 4] == i).sum()) for i, name in enumerate(coders)},
        excluded=excluded,
        generated_at=REPORT_TIME,
    )

"""Fixtures of the reconciliation tests."""

from __future__ import annotations

from typing import Any

import pytest

from coder.db.engine import Store
from coder.domain import DocumentDraft, Unit, UnitKind
from tests.factories import (
    RECONCILE_BOOK,
    Names,
    build_project,
    code_named,
    reconcile_project,
    sentence_spans,
    sentence_units,
)


@pytest.fixture
def built(store: Store) -> dict[str, Any]:
    return reconcile_project(store)


@pytest.fixture
def project(store: Store, built: dict[str, Any]) -> Store:
    return store


# -- passages: codings over several sentences, as people code a transcript ------------------

#: (speaker, speech) of each turn; the policy maker's first answer is three sentences.
PASSAGE_TURNS = [
    ("Interviewer", "Tell me how the partnership started."),
    (
        "Policy maker",
        "We needed evidence quickly. The researchers offered a rapid review. "
        "It was the first time our partners came to us.",
    ),
    ("Interviewer", "Tell me what made it work."),
    ("Policy maker", "Trust mattered most. Funding was always short."),
]
#: Three sentences, no turns: both coders code all three Barriers, alice adds Trust in the middle.
PASSAGE_NOTES = (
    "The team described their partnerships as slow. Nobody mentioned money. It still worked."
)
#: (coder, document, first sentence, last sentence, code): each one coding over the sentences.
PASSAGE_CODINGS = [
    ("alice", "transcript", 1, 3, "Motives/Need for evidence"),  # the whole first answer
    ("bob", "transcript", 1, 3, "Motives/Credibility"),
    ("alice", "transcript", 4, 6, "Trust"),  # the question and its answer, alike
    ("bob", "transcript", 4, 6, "Trust"),
    ("alice", "notes", 0, 2, "Barriers"),
    ("bob", "notes", 0, 2, "Barriers"),
    ("alice", "notes", 1, 1, "Trust"),
]


@pytest.fixture
def passages(store: Store) -> dict[str, Any]:
    """A transcript (turns kept apart from the text) and notes coded in passages
    (``PASSAGE_CODINGS``); returns each document's sentence spans and the coding ids."""
    text = "\n\n".join(speech for _, speech in PASSAGE_TURNS)
    turns, pos = [], 0
    for speaker, speech in PASSAGE_TURNS:
        turns.append(Unit(UnitKind.TURN, pos, pos + len(speech), speaker=speaker))
        pos += len(speech) + 2
    drafts = [
        DocumentDraft("transcript", text, "vtt", "transcript.vtt", {}, turns),
        DocumentDraft("notes", PASSAGE_NOTES, "txt", "notes.txt", {}),
    ]
    build_project(
        store,
        drafts,
        RECONCILE_BOOK,
        ("alice", "bob"),
        units=lambda t: sentence_units(t) + (turns if t == text else []),
    )
    names = Names(store)
    spans = {name: sentence_spans(store, name) for name in ("transcript", "notes")}
    codings = {}
    for coder, doc, first, last, code in PASSAGE_CODINGS:
        view = code_named(
            store,
            coder=coder,
            document=doc,
            code=code,
            start=spans[doc][first][0],
            end=spans[doc][last][1],
            names=names,
        )
        codings[(coder, doc, code)] = view.id
    return {"spans": spans, "codings": codings, "names": names, "text": text}

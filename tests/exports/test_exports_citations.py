"""The quote book cites each quote: speaker, paragraph and turn numbers, and the turn's
timestamp, in every format, on a transcript with timed speaker turns."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from coder.db.engine import Store
from coder.domain.documents import DocumentDraft, Unit, UnitKind
from coder.domain.exports import ExportOptions
from coder.services.exports.formats import render_export
from tests.factories import RECONCILE_BOOK, build_project, code_named, turn_units

TEXT = (
    "Interviewer: How did the partnership start?\n"
    "Policy maker: We needed evidence quickly.\n"
    "Interviewer: What made it work?\n"
    "Policy maker: Trust mattered most."
)
QUOTED = "Trust mattered most."
OPTIONS = ExportOptions(coders=("alice",))


def _timed_units(text: str) -> list[Unit]:
    """:func:`turn_units` with the n-th turn (from 0) starting at 20 + 14n seconds."""
    units, n = [], 0
    for unit in turn_units(text):
        if unit.kind == UnitKind.TURN:
            unit = dataclasses.replace(unit, time_start=20.0 + 14 * n)
            n += 1
        units.append(unit)
    return units


@pytest.fixture
def transcript(store: Store) -> Store:
    drafts = [DocumentDraft("transcript", TEXT, "txt", "transcript.txt", {})]
    build_project(store, drafts, RECONCILE_BOOK, ("alice",), units=_timed_units)
    start = TEXT.index(QUOTED)
    code_named(
        store,
        coder="alice",
        document="transcript",
        code="Trust",
        start=start,
        end=start + len(QUOTED),
        memo="the turning point",
    )
    return store


def test_quote_book_markdown_cites_speaker_location_and_time(transcript: Store) -> None:
    md = render_export(transcript, "quotes-md", OPTIONS).decode("utf-8")
    header = next(line for line in md.splitlines() if line.startswith("| No."))
    assert header == "| No. | Quote | Speaker | Source | Memo |"
    row = next(line for line in md.splitlines() if QUOTED in line)
    assert row == (
        "| 1.1 | “Trust mattered most.” | Policy maker"
        " | transcript, para. 4, turn 4 [00:01:02] | the turning point |"
    )


@pytest.mark.parametrize("fmt", ["quotes-csv", "quotes-xlsx"])
def test_quote_book_tables_cite_speaker_location_and_time(transcript: Store, fmt: str) -> None:
    data = render_export(transcript, fmt, OPTIONS)
    if fmt == "quotes-csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    else:
        sheet = load_workbook(io.BytesIO(data))["Quotes"]
        values = [
            ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
        ]
        rows = [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    [row] = rows
    assert (row["quote"], row["speaker"], row["paragraph"], row["turn"]) == (
        QUOTED,
        "Policy maker",
        "4",
        "4",
    )
    assert (row["timestamp"], row["memo"]) == ("[00:01:02]", "the turning point")


def test_quote_book_docx_cites_speaker_location_and_time(transcript: Store) -> None:
    document = Document(io.BytesIO(render_export(transcript, "quotes-docx", OPTIONS)))
    [table] = document.tables
    quote, source = table.rows[1].cells[1].text, table.rows[1].cells[2].text
    assert source == "Policy maker (transcript, para. 4, turn 4 [00:01:02])"
    assert quote == "“Trust mattered most.”\nMemo: the turning point"


def test_quote_book_without_times_or_paragraphs_cites_the_turn(store: Store) -> None:
    """Turns without times: the turn number and speaker, no timestamp."""
    drafts = [DocumentDraft("transcript", TEXT, "txt", "transcript.txt", {})]
    build_project(
        store,
        drafts,
        RECONCILE_BOOK,
        ("alice",),
        units=lambda t: [u for u in turn_units(t) if u.kind != UnitKind.PARAGRAPH],
    )
    start = TEXT.index("We needed")
    code_named(
        store, coder="alice", document="transcript", code="Trust", start=start, end=start + 9
    )
    [row] = csv.DictReader(
        io.StringIO(render_export(store, "quotes-csv", OPTIONS).decode("utf-8-sig"), newline="")
    )
    assert (row["speaker"], row["paragraph"], row["turn"], row["timestamp"]) == (
        "Policy maker",
        "",
        "2",
        "",
    )

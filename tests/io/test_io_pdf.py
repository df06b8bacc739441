"""PDF text as a reader would copy it, on transcript PDFs laid out like QDA exports.

The PDFs in tests/fixtures/pdf are public-domain NASA oral-history transcripts laid out by
LibreOffice (margin line numbers, a running header, "1/2" or "Page 1 of 2" footers, bold speaker
labels, words hyphenated at line ends, a paragraph running over the page break) and by
reportlab (every space read as a tab, "- 1 -" page numbers). Their text must come out exactly
as the source's paragraphs; see tests/fixtures/pdf/make_pdfs.py.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from coder.io import read_documents
from coder.io._pdf_layout import (
    Glyph,
    Line,
    Run,
    clean_paragraph,
    drop_margin_numbers,
    drop_page_furniture,
    join_lines,
    layout_text,
    page_lines,
)
from coder.services.documents.reading import get_document
from coder.services.project.lifecycle import open_project
from tests.badfiles import pdf_bytes

PDFS = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
SOURCES = PDFS / "sources"

#: Each fixture PDF, its source text and the speaker labels it prints instead of the source's.
FIXTURES = {
    "ross-maxqda-style": ("ross-2013.txt", {}),
    "whitson-i-b-labels": ("whitson-2015.txt", {"Ross-Nazzal": "I", "Whitson": "B"}),
    "tabs-reportlab": ("whitson-2015.txt", {"Ross-Nazzal": "Interviewer"}),
}
_LABEL = re.compile(r"([A-Z][\w-]*): ")


def source_paragraphs(name: str) -> list[str]:
    """The paragraphs a reader sees: each title line, then the body with the PDF's labels."""
    source, labels = FIXTURES[name]
    title, *body = (SOURCES / source).read_text(encoding="utf-8").strip().split("\n\n")
    relabelled = [
        _LABEL.sub(lambda m: f"{labels.get(m.group(1), m.group(1))}: ", p, count=1)
        if _LABEL.match(p)
        else p
        for p in body
    ]
    return title.splitlines() + relabelled


def pdf_text(name: str, **options: str) -> str:
    result = read_documents(PDFS / f"{name}.pdf", **options)  # type: ignore[arg-type]
    assert len(result.documents) == 1
    return result.documents[0].text


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_a_transcript_pdf_reads_as_its_source_paragraphs(name: str) -> None:
    text = pdf_text(name)
    assert text.split("\n\n") == source_paragraphs(name)


#: The running header each fixture prints on every page.
HEADERS = {
    "ross-maxqda-style": "JSC Oral History Project – RossDL_4-19-13",
    "whitson-i-b-labels": "ISS Program Oral History – WhitsonPA_8-3-15",
    "tabs-reportlab": "ISS Program Oral History",
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_tabs_line_numbers_headers_footers_or_hard_line_breaks(name: str) -> None:
    text = pdf_text(name)
    assert "\t" not in text and "  " not in text
    assert "\n" not in text.replace("\n\n", "")  # lines joined into paragraphs
    # No margin number before a line's words, no page number, no running header (beyond
    # what the interview itself says).
    assert not re.search(r"(^|\n)\d{1,2} ", text)
    assert not re.search(r"\b[12]/2\b|Page \d of \d|- \d -", text)
    spoken = "\n\n".join(source_paragraphs(name))
    assert text.count(HEADERS[name]) == spoken.count(HEADERS[name]) <= 1


def test_a_paragraph_runs_over_the_page_break_and_hyphenated_words_are_whole() -> None:
    ross = pdf_text("ross-maxqda-style")
    # "...there's" ends page 1 and "something I want you to do." starts page 2.
    assert 'he said, "Mr. Ross, there\'s something I want you to do."' in ross
    assert "we were planning to do" in ross  # "plan-" / "ning" at a line end
    whitson = pdf_text("whitson-i-b-labels")
    for word in ("Expedition 5", "during your stay", "international community", "in Russia"):
        assert word in whitson
    # Real hyphens stay, at a line end or not.
    assert "Ross-Nazzal" in whitson and "Shuttle-Mir" in whitson


def test_each_speaker_label_starts_a_paragraph_with_its_speech() -> None:
    document = read_documents(PDFS / "whitson-i-b-labels.pdf").documents[0]
    labelled = [p for p in document.text.split("\n\n") if re.match(r"[IB]: ", p)]
    assert [p[:2] for p in labelled] == ["I:", "B:", "I:", "B:", "I:", "B:"]
    assert labelled[1] == "B: No problem at all."
    assert [turn.speaker for turn in document.turns] == ["I", "B"] * 3
    for turn in document.turns:
        assert document.text[turn.start :].startswith(f"{turn.speaker}: ")


def test_the_tab_defect_is_there_without_the_cleanup() -> None:
    """The reportlab fixture really has the defect: pypdf reads every space as a tab."""
    from pypdf import PdfReader

    raw = PdfReader(PDFS / "tabs-reportlab.pdf").pages[0].extract_text()
    assert raw.count("\t") > 100 and raw.count(" ") == 0


def test_coder_import_stores_the_clean_text_and_the_turns(
    empty_db_url: str, tmp_path: Path
) -> None:
    from coder.cli.main import run

    path = tmp_path / "whitson.pdf"
    path.write_bytes((PDFS / "whitson-i-b-labels.pdf").read_bytes())
    assert run(["init", "-p", empty_db_url]) == 0
    assert run(["import", "-p", empty_db_url, str(path)]) == 0
    store = open_project(empty_db_url)
    try:
        document = get_document(store, "whitson")
    finally:
        store.dispose()
    assert document.text.split("\n\n") == source_paragraphs("whitson-i-b-labels")
    turns = [u for u in document.units if u.kind == "turn"]
    assert [u.speaker for u in turns] == ["I", "B"] * 3
    assert document.text[turns[1].start : turns[1].end] == "B: No problem at all."


def test_a_pdf_encrypted_with_an_empty_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes(["Open to all readers."]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "permissions.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert read_documents(path).documents[0].text == "Open to all readers."


def test_short_lines_on_a_wide_page_stay_apart(tmp_path: Path) -> None:
    """A page of a few short lines was not typeset into a column: its breaks are the
    author's, across pages too; progress is reported page by page."""
    path = tmp_path / "notes.pdf"
    path.write_bytes(pdf_bytes(["Page one line one.\nPage one line two.", "", "Page three."]))
    pages: list[tuple[int, int]] = []
    result = read_documents(path, progress=lambda done, total: pages.append((done, total)))
    document = result.documents[0]
    assert document.text == "Page one line one.\n\nPage one line two.\n\nPage three."
    assert document.attributes["pages"] == 3
    assert pages == [(1, 3), (2, 3), (3, 3)]


# The pipeline's steps on lines made by hand ----------------------------------------------------


def line(text: str, baseline: float, left: float = 72.0, size: float = 10.0) -> Line:
    """A line of ``text`` in runs split at "|", each word 6 points a character."""
    runs, x = [], left
    for part in text.split("|"):
        width = 6.0 * len(part)
        first = part.split(" ")[0]
        runs.append(Run(part, x, x + width, x + 6.0 * len(first)))
        x += width + 20
    return Line(tuple(runs), baseline, size)


def test_tabs_and_wide_gaps_between_words_are_one_space() -> None:
    glyphs = [
        Glyph("a", 0, 5, 100, 10),
        Glyph("\t", 5, 8, 100, 10),
        Glyph("b", 8, 13, 100, 10),
        Glyph("c", 17, 22, 100, 10),  # a 4-point gap: a space
        Glyph(" ", 22, 25, 100, 10),
        Glyph(" ", 25, 28, 100, 10),
        Glyph("d", 28, 33, 100, 10),
        Glyph("e", 60, 65, 100, 10),  # far away: a new run
        Glyph("f", 0, 5, 86, 10),  # a new line
    ]
    lines = page_lines(glyphs)
    assert [ln.text for ln in lines] == ["a b c d e", "f"]
    assert [r.text for r in lines[0].runs] == ["a b c d", "e"]


@pytest.mark.parametrize("number", ["2", "2/5", "2 / 5", "Page 2 of 5", "- 2 -", "p. 2", "[2]"])
def test_page_numbers_at_a_page_edge_go(number: str) -> None:
    body = [line(f"Body line {i} of the page.", 700 - 14 * i) for i in range(8)]
    pages = drop_page_furniture([[*body, line(number, 40)]])
    assert [ln.text for ln in pages[0]] == [ln.text for ln in body]


WORDS = [
    "The",
    "partnership",
    "began",
    "at",
    "a",
    "workshop",
    "and",
    "grew",
    "over",
    "two",
    "years",
    "of",
    "shared",
    "work",
]


def test_a_running_header_goes_modulo_its_page_number_but_body_lines_stay() -> None:
    pages = [
        [
            line(f"Interview P3 - page {n}", 760),
            *(line(" ".join(WORDS[i : i + 4 + n]), 700 - 14 * i) for i in range(6)),
            line(f"{n}/3", 40),
        ]
        for n in range(1, 4)
    ]
    kept = drop_page_furniture(pages)
    assert [[ln.text for ln in page] for page in kept] == [
        [ln.text for ln in page[1:-1]] for page in pages
    ]


def test_margin_numbers_go_only_when_they_increase_in_a_column() -> None:
    numbered = [line(f"{n}|Words of line {n}", 700 - 14 * n, left=40) for n in (1, 2, 3)]
    assert [ln.text for ln in drop_margin_numbers([numbered])[0]] == [
        f"Words of line {n}" for n in (1, 2, 3)
    ]
    # A table whose first column holds numbers out of order is no margin numbering.
    table = [line(f"{n}|Amount {n}", 700 - 14 * i, left=40) for i, n in enumerate((30, 4, 12))]
    assert drop_margin_numbers([table])[0] == table


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (
            ["a lasting partner-", "ship with the ministry"],
            "a lasting partnership with the ministry",
        ),
        (["Jennifer Ross-", "Nazzal asked"], "Jennifer Ross-Nazzal asked"),
        (["pages 12-", "15 of the report"], "pages 12-15 of the report"),
        (["he said\u2014", "he sometimes"], "he said\u2014he sometimes"),
        (["two lines", "of one paragraph"], "two lines of one paragraph"),
        # PDFium marks a hyphen it takes for a hyphenation with U+FFFE.
        (["we were plan\ufffe", "ning to do"], "we were planning to do"),
        (["Jennifer Ross\ufffe", "Nazzal"], "Jennifer Ross-Nazzal"),
    ],
)
def test_lines_are_joined_and_hyphenated_words_made_whole(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_soft_hyphens_and_hyphenation_marks_inside_a_line_are_cleaned() -> None:
    assert clean_paragraph("co\u00adoperation  and\u00a0a pre\ufffeprint") == (
        "cooperation and a pre-print"
    )


def test_a_hyphen_the_document_writes_elsewhere_stays_at_a_line_end() -> None:
    assert join_lines(["a well-", "known result"], frozenset({"well-known"})) == (
        "a well-known result"
    )


def test_a_label_alone_on_its_line_joins_its_speech() -> None:
    pages = [
        [
            line("Interviewer:", 700),
            line("How did the partnership start with the health ministry team?", 686),
            line("Amina:", 660),
            line("We met the ministry team at a workshop in the spring of that year.", 646),
            line("Interviewer:", 620),
            line("And then?", 606),
            line("Amina:", 580),
            line("Trust came slowly.", 566),
        ]
    ]
    assert layout_text(pages).split("\n\n") == [
        "Interviewer: How did the partnership start with the health ministry team?",
        "Amina: We met the ministry team at a workshop in the spring of that year.",
        "Interviewer: And then?",
        "Amina: Trust came slowly.",
    ]

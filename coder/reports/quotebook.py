"""The quote book: coded passages grouped by theme and code, as in a paper's table of quotes.

Each code with quotes is one numbered table ("Table 2. Motives / Impact"), its quotes
numbered within it (2.1, 2.2...), each with its document and the document attributes asked
for. Quotes are the coded text with whitespace collapsed to single spaces; a quote longer than
the limit is cut at a word boundary, ends with an ellipsis, and carries a note of its full
length (see :func:`coder.domain.exports.clean_quote`). Each quote is citable: its speaker (in a
transcript with speaker turns), its location (paragraph and turn numbers, the turn's timestamp
such as ``[00:01:02]`` where the source had times) and the coding's memo where it has one.
Renderers: Markdown, DOCX, CSV and XLSX.
"""

from __future__ import annotations

from coder.domain.citations import CitedQuoteBook
from coder.domain.exports import CodeQuotes, Quote
from coder.io.escaping import csv_text, markdown_cell, markdown_text, xml_text
from coder.reports._docx import (
    add_note,
    add_table,
    document_bytes,
    new_document,
    usable_width_cm,
)
from coder.reports.xlsx import new_workbook, workbook_bytes, write_table


def _source(cited: CitedQuoteBook, section: CodeQuotes, q: Quote) -> str:
    """``"transcript, para. 3, turn 2 [00:01:02]"``: the document and where in it."""
    location = cited.citation(str(section.path), q).location
    return f"{q.document}, {location}" if location else q.document


def _attribute_line(cited: CitedQuoteBook, q: Quote) -> str:
    """``"role: commissioner; year: 2021"``: the attributes asked for, on one line."""
    return "; ".join(f"{a}: {q.attribute(a) or '-'}" for a in cited.book.attributes)


def render_quotes_markdown(cited: CitedQuoteBook) -> str:
    """A heading per theme, a numbered table per code; speaker and memo columns when present."""
    book = cited.book
    out = [f"# {markdown_text(book.title)}", "", markdown_text(book.intro()), ""]
    if not book.sections:
        out += ["_No coded passages match._", ""]
    theme = None
    speakers, memos = cited.has_speakers, cited.has_memos
    headers = ["No.", "Quote", *(["Speaker"] if speakers else []), "Source", *book.attributes]
    headers += ["Memo"] if memos else []
    for section in book.sections:
        if section.theme != theme:
            theme = section.theme
            out += [f"## {markdown_cell(theme)}", ""]
        out += [f"### {markdown_cell(section.caption)}", ""]
        if section.definition:
            out += [f"_{markdown_cell(' '.join(section.definition.split()))}_", ""]
        out.append("| " + " | ".join(markdown_cell(h) for h in headers) + " |")
        out.append("|" + "|".join("---" for _ in headers) + "|")
        for i, q in enumerate(section.quotes, start=1):
            citation = cited.citation(str(section.path), q)
            quote = f"“{q.text}”" + (f" {q.note}" if q.shortened else "")
            cells = [f"{section.number}.{i}", quote]
            cells += [citation.speaker or ""] if speakers else []
            cells.append(_source(cited, section, q))
            cells += [q.attribute(a) for a in book.attributes]
            cells += [citation.memo or ""] if memos else []
            out.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _rows(cited: CitedQuoteBook) -> tuple[list[str], list[list[object]]]:
    book = cited.book
    headers = [
        "table",
        "no",
        "theme",
        "code",
        "quote",
        "document",
        "speaker",
        "paragraph",
        "turn",
        "timestamp",
        *book.attributes,
        "start",
        "end",
        "coder",
        "length",
        "shortened",
        "memo",
    ]
    rows: list[list[object]] = []
    for section in book.sections:
        for i, q in enumerate(section.quotes, start=1):
            citation = cited.citation(str(section.path), q)
            rows.append(
                [
                    section.number,
                    f"{section.number}.{i}",
                    section.theme,
                    str(section.path),
                    q.text,
                    q.document,
                    citation.speaker or "",
                    "" if citation.paragraph is None else citation.paragraph,
                    "" if citation.turn is None else citation.turn,
                    citation.timestamp,
                    *(q.attribute(a) for a in book.attributes),
                    q.start,
                    q.end,
                    q.coder,
                    q.length,
                    "yes" if q.shortened else "no",
                    citation.memo or "",
                ]
            )
    return headers, rows


def render_quotes_csv(cited: CitedQuoteBook) -> str:
    """One row per quote: numbers, theme, code, text, document, speaker, location, attributes."""
    headers, rows = _rows(cited)
    return csv_text([headers, *rows])


def render_quotes_xlsx(cited: CitedQuoteBook) -> bytes:
    """The CSV's rows as a sheet, quote and memo wrapped, header bold and frozen."""
    headers, rows = _rows(cited)
    workbook = new_workbook()
    write_table(
        workbook,
        "Quotes",
        headers,
        rows,
        widths={
            "quote": 80,
            "code": 30,
            "theme": 18,
            "table": 7,
            "no": 7,
            "speaker": 16,
            "timestamp": 11,
            "memo": 50,
            **{a: max(14.0, len(a) + 2.0) for a in cited.book.attributes},
        },
        wrap=("quote", "code", "memo"),
    )
    return workbook_bytes(workbook)


def render_quotes_docx(cited: CitedQuoteBook) -> bytes:
    """Title, a line on what is shown, a heading per theme and a captioned table per code.

    Columns: number, quote, and source (document, speaker, location). The attributes asked
    for go on one line under the quote, and the coding's memo under that, so no column is
    squeezed to a few letters.
    """
    book = cited.book
    document = new_document(book.title)
    document.add_paragraph(xml_text(book.intro()))
    if not book.sections:
        document.add_paragraph("No coded passages match.")
    width = usable_width_cm(document)
    number_width, source_width = 1.1, 4.2
    widths = [number_width, width - number_width - source_width, source_width]
    theme = None
    for section in book.sections:
        if section.theme != theme:
            theme = section.theme
            document.add_heading(xml_text(theme), level=1)
        caption = document.add_paragraph()
        caption.add_run(f"Table {section.number}. ").bold = True
        caption.add_run(xml_text(" / ".join(section.path.parts)))
        caption.paragraph_format.keep_with_next = True
        if section.definition:
            definition = document.add_paragraph()
            definition.paragraph_format.keep_with_next = True
            add_note(definition, " ".join(section.definition.split()))
        rows = []
        for i, q in enumerate(section.quotes, start=1):
            speaker = cited.citation(str(section.path), q).speaker
            source = _source(cited, section, q)
            rows.append(
                [
                    f"{section.number}.{i}",
                    f"“{q.text}”",
                    f"{speaker} ({source})" if speaker else source,
                ]
            )
        table = add_table(document, ["No.", "Quote", "Source"], rows, widths, font_pt=9.5)
        for row, q in zip(table.rows[1:], section.quotes, strict=True):
            cell = row.cells[1]
            if q.shortened:
                add_note(cell.paragraphs[0], " " + q.note)
            if book.attributes:
                add_note(cell.add_paragraph(), _attribute_line(cited, q))
            memo = cited.citation(str(section.path), q).memo
            if memo:
                add_note(cell.add_paragraph(), "Memo: " + " ".join(memo.split()))
        document.add_paragraph()
    return document_bytes(document)

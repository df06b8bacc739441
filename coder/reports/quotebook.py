"""The quote book: coded passages grouped by theme and code, as in a paper's table of quotes.

Each code with quotes is one numbered table ("Table 2. Motives / Impact"), its quotes
numbered within it (2.1, 2.2...), each with its document and the document attributes asked
for. Quotes are the coded text with whitespace collapsed to single spaces; a quote longer than
the limit is cut at a word boundary, ends with an ellipsis, and carries a note of its full
length (see :func:`coder.domain.exports.clean_quote`). Renderers: Markdown, DOCX, CSV and XLSX.
"""

from __future__ import annotations

from coder.domain.exports import QuoteBook
from coder.io.escaping import csv_text, markdown_cell, markdown_text, xml_text
from coder.reports._docx import (
    add_note,
    add_table,
    document_bytes,
    new_document,
    usable_width_cm,
)
from coder.reports.xlsx import new_workbook, workbook_bytes, write_table


def render_quotes_markdown(book: QuoteBook) -> str:
    """A heading per theme, a numbered table per code."""
    out = [f"# {markdown_text(book.title)}", "", markdown_text(book.intro()), ""]
    if not book.sections:
        out += ["_No coded passages match._", ""]
    theme = None
    headers = ["No.", "Quote", "Document", *book.attributes]
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
            quote = f"“{q.text}”" + (f" {q.note}" if q.shortened else "")
            cells = [f"{section.number}.{i}", quote, q.document]
            cells += [q.attribute(a) for a in book.attributes]
            out.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _rows(book: QuoteBook) -> tuple[list[str], list[list[object]]]:
    headers = [
        "table",
        "no",
        "theme",
        "code",
        "quote",
        "document",
        *book.attributes,
        "start",
        "end",
        "coder",
        "length",
        "shortened",
    ]
    rows: list[list[object]] = []
    for section in book.sections:
        for i, q in enumerate(section.quotes, start=1):
            rows.append(
                [
                    section.number,
                    f"{section.number}.{i}",
                    section.theme,
                    str(section.path),
                    q.text,
                    q.document,
                    *(q.attribute(a) for a in book.attributes),
                    q.start,
                    q.end,
                    q.coder,
                    q.length,
                    "yes" if q.shortened else "no",
                ]
            )
    return headers, rows


def render_quotes_csv(book: QuoteBook) -> str:
    """One row per quote: table and quote numbers, theme, code, document, attributes, text."""
    headers, rows = _rows(book)
    return csv_text([headers, *rows])


def render_quotes_xlsx(book: QuoteBook) -> bytes:
    """The CSV's rows as a sheet, quote text wrapped, header bold and frozen."""
    headers, rows = _rows(book)
    workbook = new_workbook()
    write_table(
        workbook,
        "Quotes",
        headers,
        rows,
        widths={"quote": 80, "code": 30, "theme": 18, "table": 7, "no": 7},
        wrap=("quote", "code"),
    )
    return workbook_bytes(workbook)


def render_quotes_docx(book: QuoteBook) -> bytes:
    """Title, a line on what is shown, a heading per theme and a captioned table per code."""

    document = new_document(book.title)
    document.add_paragraph(xml_text(book.intro()))
    if not book.sections:
        document.add_paragraph("No coded passages match.")
    width = usable_width_cm(document)
    attr_width = 2.0
    doc_width = 3.3
    number_width = 1.1
    quote_width = width - number_width - doc_width - attr_width * len(book.attributes)
    widths = [number_width, max(quote_width, 5.0), doc_width] + [attr_width] * len(book.attributes)
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
        headers = ["No.", "Quote", "Document", *book.attributes]
        rows = [
            [f"{section.number}.{i}", f"“{q.text}”", q.document]
            + [q.attribute(a) for a in book.attributes]
            for i, q in enumerate(section.quotes, start=1)
        ]
        table = add_table(document, headers, rows, widths, font_pt=9.5)
        for row, q in zip(table.rows[1:], section.quotes, strict=True):
            if q.shortened:
                add_note(row.cells[1].paragraphs[0], " " + q.note)
        document.add_paragraph()
    return document_bytes(document)

"""The codebook as a document for a paper's appendix: Markdown, DOCX, HTML, CSV and XLSX.

Markdown and CSV are the codebook formats of :mod:`coder.io.codebook` (the CSV stays
importable with ``coder codebook import``); this module adds the count note and example quotes
to the Markdown and writes the DOCX, HTML and XLSX versions. Codes are numbered as in the
Markdown (1, 1.1, 1.2, 2...), with the structured fields of MacQueen et al. (1998):
definition, when to use, when not to use, example.
"""

from __future__ import annotations

from dataclasses import dataclass

from coder.domain.codebook import CODE_FIELDS, CODE_TEXT_FIELDS, CodeDef
from coder.domain.exports import CodebookDocument, Quote
from coder.io.codebook import render_codebook
from coder.io.escaping import markdown_name, markdown_text, xml_text
from coder.reports._docx import (
    add_note,
    add_table,
    document_bytes,
    new_document,
    shade,
    usable_width_cm,
)
from coder.reports.html import render_page
from coder.reports.xlsx import Styled, new_workbook, workbook_bytes, write_table

_FIELDS = (
    ("definition", "Definition"),
    ("inclusion", "When to use"),
    ("exclusion", "When not to use"),
    ("example", "Example"),
)


def _quote_line(q: Quote) -> str:
    return f"“{q.text}” ({q.document}{', ' + q.note.strip('()') if q.shortened else ''})"


def render_codebook_markdown(doc: CodebookDocument) -> str:
    """The shared Markdown codebook, with the count note and a section of example quotes."""
    text = str(render_codebook(doc.codebook, "md", counts=doc.counts))
    note = f"Count: {doc.counts_note}."
    marker = "\n## Overview"
    text = (
        text.replace(marker, f"\n{note}\n{marker}", 1) if marker in text else text + f"\n{note}\n"
    )
    if any(doc.examples.values()):
        out = [text.rstrip("\n"), "", "## Examples from the data", ""]
        out += [f"Passages coded by {markdown_text(doc.examples_coder or '')}.", ""]
        for number, path, _code in doc.numbered():
            quotes = doc.examples.get(path, ())
            if quotes:
                out += [f"### {number} {' / '.join(map(markdown_name, path.parts))}", ""]
                out += [f"- {markdown_text(_quote_line(q))}" for q in quotes]
                out.append("")
        text = "\n".join(out).rstrip("\n") + "\n"
    return text


def render_codebook_csv(doc: CodebookDocument) -> str:
    """The importable CSV codebook (path, definition, ..., keywords, count)."""
    return str(render_codebook(doc.codebook, "csv", counts=doc.counts))


def _fields(code: CodeDef) -> list[tuple[str, str]]:
    rows = [(label, " ".join(getattr(code, key).split())) for key, label in _FIELDS]
    if code.keywords:
        rows.append(("Keywords", ", ".join(code.keywords)))
    rows += [("Memo", " ".join(str(memo).split())) for memo in code.memos]
    return [(label, value) for label, value in rows if value]


def render_codebook_docx(doc: CodebookDocument) -> bytes:
    """Title, intro line, a heading per code (themes at level 1) and a table of its fields."""
    from docx.shared import Pt, RGBColor

    document = new_document(doc.codebook.name)
    if doc.codebook.description:
        document.add_paragraph(xml_text(doc.codebook.description))
    document.add_paragraph(xml_text(doc.intro()))
    width = usable_width_cm(document)
    for number, path, code in doc.numbered():
        heading = document.add_heading(level=min(path.depth, 4))
        if code.colour:
            swatch = heading.add_run("■ ")
            swatch.font.color.rgb = RGBColor.from_string(code.colour.lstrip("#").upper())
        heading.add_run(xml_text(f"{number} {code.name}"))
        rows = [*_fields(code), ("Count", str(doc.counts.get(path, 0)))]
        table = add_table(document, ("", ""), rows, (3.6, width - 3.6), header=False)
        for row in table.rows:
            row.cells[0].paragraphs[0].runs[0].bold = True
            shade(row.cells[0], "F2F2F2")
        quotes = doc.examples.get(path, ())
        if quotes:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run("From the data").bold = True
            shade(cells[0], "F2F2F2")
            for i, q in enumerate(quotes):
                paragraph = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
                paragraph.add_run(xml_text(f"“{q.text}”")).italic = True
                add_note(paragraph, f" {q.document}" + (f" {q.note}" if q.shortened else ""))
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(2)
        document.add_paragraph()
    return document_bytes(document)


@dataclass(frozen=True)
class _PageCode:
    """One code as the HTML page shows it."""

    number: str
    name: str
    depth: int
    level: int
    colour: str | None
    definition: str
    count: int
    fields: list[tuple[str, str]]
    quotes: tuple[Quote, ...]


def render_codebook_html(doc: CodebookDocument) -> str:
    """A self-contained page (inline CSS, no scripts) that prints cleanly."""
    book = doc.codebook
    codes = [
        _PageCode(
            number=number,
            name=code.name,
            depth=path.depth,
            level=min(path.depth + 1, 6),
            colour=code.colour,
            definition=" ".join(code.definition.split()),
            count=doc.counts.get(path, 0),
            fields=[*_fields(code), ("Count", str(doc.counts.get(path, 0)))],
            quotes=doc.examples.get(path, ()),
        )
        for number, path, code in doc.numbered()
    ]
    return render_page(
        "codebook.html.j2",
        title=book.name,
        main_class="prose",
        description=book.description,
        intro=doc.intro(),
        codes=codes,
    )


def render_codebook_xlsx(doc: CodebookDocument) -> bytes:
    """One row per code: number, path, level, the fields, colour (shown as a fill), count."""
    headers = [
        "no",
        "path",
        "level",
        *CODE_FIELDS,
        "count",
    ]
    with_memos = any(code.memos for _number, _path, code in doc.numbered())
    if with_memos:
        headers.append("memos")
    with_examples = any(doc.examples.values())
    if with_examples:
        headers.append("examples")
    rows: list[list[object]] = []
    for number, path, code in doc.numbered():
        row: list[object] = [
            number,
            Styled(str(path), depth=path.depth),
            path.depth,
            code.definition,
            code.inclusion,
            code.exclusion,
            code.example,
            Styled(code.colour, fill=code.colour) if code.colour else "",
            "; ".join(code.keywords),
            doc.counts.get(path, 0),
        ]
        if with_memos:
            row.append("\n\n".join(str(memo) for memo in code.memos))
        if with_examples:
            row.append("\n\n".join(_quote_line(q) for q in doc.examples.get(path, ())))
        rows.append(row)
    text_columns = (*CODE_TEXT_FIELDS, "memos", "examples", "path")
    workbook = new_workbook()
    write_table(
        workbook,
        "Codebook",
        headers,
        rows,
        widths={
            "no": 6,
            "path": 30,
            "level": 7,
            "definition": 45,
            "inclusion": 35,
            "exclusion": 35,
            "example": 40,
            "colour": 10,
            "keywords": 22,
            "count": 8,
            "memos": 50,
            "examples": 60,
        },
        wrap=(*text_columns, "keywords"),
        freeze="C2",
        auto_filter=True,
    )
    return workbook_bytes(workbook)

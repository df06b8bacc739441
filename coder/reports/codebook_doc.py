"""The codebook as a document for a paper's appendix: Markdown, DOCX, HTML, CSV and XLSX.

Markdown and CSV are the codebook formats of :mod:`coder.io.codebook` (the CSV stays
importable with ``coder codebook import``); this module adds the count note and example quotes
to the Markdown and writes the DOCX, HTML and XLSX versions. Codes are numbered as in the
Markdown (1, 1.1, 1.2, 2...), with the structured fields of MacQueen et al. (1998):
definition, when to use, when not to use, example.
"""

from __future__ import annotations

import html

from coder.domain.codebook import CodeDef
from coder.domain.exports import CodebookDocument, Quote

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
    from coder.io.codebook import render_codebook

    text = str(render_codebook(doc.codebook, "md", counts=doc.counts))
    note = f"Count: {doc.counts_note}."
    marker = "\n## Overview"
    text = (
        text.replace(marker, f"\n{note}\n{marker}", 1) if marker in text else text + f"\n{note}\n"
    )
    if any(doc.examples.values()):
        out = [text.rstrip("\n"), "", "## Examples from the data", ""]
        out += [f"Passages coded by {doc.examples_coder}.", ""]
        for number, path, _code in doc.numbered():
            quotes = doc.examples.get(path, ())
            if quotes:
                out += [f"### {number} {' / '.join(path.parts)}", ""]
                out += [f"- {_quote_line(q)}" for q in quotes]
                out.append("")
        text = "\n".join(out).rstrip("\n") + "\n"
    return text


def render_codebook_csv(doc: CodebookDocument) -> str:
    """The importable CSV codebook (path, definition, ..., keywords, count)."""
    from coder.io.codebook import render_codebook

    return str(render_codebook(doc.codebook, "csv", counts=doc.counts))


def _fields(code: CodeDef) -> list[tuple[str, str]]:
    rows = [(label, " ".join(getattr(code, key).split())) for key, label in _FIELDS]
    if code.keywords:
        rows.append(("Keywords", ", ".join(code.keywords)))
    return [(label, value) for label, value in rows if value]


def render_codebook_docx(doc: CodebookDocument) -> bytes:
    """Title, intro line, a heading per code (themes at level 1) and a table of its fields."""
    from docx.shared import Pt, RGBColor

    from coder.reports._docx import (
        add_note,
        add_table,
        document_bytes,
        new_document,
        shade,
        usable_width_cm,
    )

    document = new_document(doc.codebook.name)
    if doc.codebook.description:
        document.add_paragraph(doc.codebook.description)
    document.add_paragraph(doc.intro())
    width = usable_width_cm(document)
    for number, path, code in doc.numbered():
        heading = document.add_heading(level=min(path.depth, 4))
        if code.colour:
            swatch = heading.add_run("■ ")
            swatch.font.color.rgb = RGBColor.from_string(code.colour.lstrip("#").upper())
        heading.add_run(f"{number} {code.name}")
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
                paragraph.add_run(f"“{q.text}”").italic = True
                add_note(paragraph, f" {q.document}" + (f" {q.note}" if q.shortened else ""))
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.space_after = Pt(2)
        document.add_paragraph()
    return document_bytes(document)


_CSS = """
body { font-family: "Source Serif Pro", Georgia, "Times New Roman", serif; line-height: 1.45;
  max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.8rem; margin-bottom: .3rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
h4, h5, h6 { font-size: 1rem; margin-top: 1.2rem; }
.intro { color: #444; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #e8edf5; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.fields th { width: 9rem; background: #f4f4f4; font-weight: 600; }
.swatch { display: inline-block; width: .8em; height: .8em; border: 1px solid #555;
  margin-right: .4em; vertical-align: baseline;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
blockquote { margin: .2rem 0 .4rem; padding-left: .7rem; border-left: 3px solid #ccc; }
.source { color: #555; font-size: .85rem; }
section.code { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_codebook_html(doc: CodebookDocument) -> str:
    """A self-contained page (inline CSS, no scripts) that prints cleanly."""
    book = doc.codebook
    numbered = doc.numbered()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(book.name)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(book.name)}</h1>",
    ]
    if book.description:
        out.append(f"<p>{_e(book.description)}</p>")
    out.append(f'<p class="intro">{_e(doc.intro())}</p>')
    if numbered:
        out += [
            "<h2>Overview</h2>",
            "<table>",
            '<thead><tr><th class="num">No.</th><th>Code</th><th>Definition</th>'
            '<th class="num">Count</th></tr></thead>',
            "<tbody>",
        ]
        for number, path, code in numbered:
            name = _e(code.name)
            name = f"<strong>{name}</strong>" if path.depth == 1 else name
            indent = f' style="padding-left:{0.5 + 1.2 * (path.depth - 1):.1f}rem"'
            out.append(
                f'<tr><td class="num">{number}</td><td{indent}><a href="#code-{number}">{name}'
                f"</a></td><td>{_e(' '.join(code.definition.split()))}</td>"
                f'<td class="num">{doc.counts.get(path, 0)}</td></tr>'
            )
        out += ["</tbody>", "</table>"]
    for number, path, code in numbered:
        level = min(path.depth + 1, 6)
        swatch = (
            f'<span class="swatch" style="background:{_e(code.colour)}"></span>'
            if code.colour
            else ""
        )
        out.append(f'<section class="code" id="code-{number}">')
        out.append(f"<h{level}>{swatch}{number} {_e(code.name)}</h{level}>")
        rows = [*_fields(code), ("Count", str(doc.counts.get(path, 0)))]
        out.append('<table class="fields"><tbody>')
        for label, value in rows:
            out.append(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>")
        quotes = doc.examples.get(path, ())
        if quotes:
            cell = "".join(
                f'<blockquote>“{_e(q.text)}”<br><span class="source">{_e(q.document)}'
                f"{' ' + _e(q.note) if q.shortened else ''}</span></blockquote>"
                for q in quotes
            )
            out.append(f"<tr><th>From the data</th><td>{cell}</td></tr>")
        out += ["</tbody></table>", "</section>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_codebook_xlsx(doc: CodebookDocument) -> bytes:
    """One row per code: number, path, level, the fields, colour (shown as a fill), count."""
    from openpyxl.styles import PatternFill

    from coder.reports._xlsx_util import indented, new_workbook, workbook_bytes, write_table

    headers = [
        "no",
        "path",
        "level",
        "definition",
        "inclusion",
        "exclusion",
        "example",
        "colour",
        "keywords",
        "count",
    ]
    with_examples = any(doc.examples.values())
    if with_examples:
        headers.append("examples")
    rows: list[list[object]] = []
    for number, path, code in doc.numbered():
        row: list[object] = [
            number,
            str(path),
            path.depth,
            code.definition,
            code.inclusion,
            code.exclusion,
            code.example,
            code.colour or "",
            "; ".join(code.keywords),
            doc.counts.get(path, 0),
        ]
        if with_examples:
            row.append("\n\n".join(_quote_line(q) for q in doc.examples.get(path, ())))
        rows.append(row)
    text_columns = ("definition", "inclusion", "exclusion", "example", "examples", "path")
    workbook = new_workbook()
    ws = write_table(
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
            "examples": 60,
        },
        wrap=(*text_columns, "keywords"),
        freeze="C2",
    )
    colour_col = headers.index("colour") + 1
    path_col = headers.index("path") + 1
    for r, (_number, path, code) in enumerate(doc.numbered(), start=2):
        ws.cell(row=r, column=path_col).alignment = indented(path.depth, wrap=True)
        if code.colour:
            ws.cell(row=r, column=colour_col).fill = PatternFill(
                "solid", fgColor=code.colour.lstrip("#").upper()
            )
    ws.auto_filter.ref = ws.dimensions
    return workbook_bytes(workbook)

"""python-docx helpers for the paper documents: a plain academic look, fixed metadata.

Tables use the built-in "Table Grid" style with a shaded, bold header row that repeats on
every page, so a long quote table still reads when printed. Text goes in through
:func:`~coder.io.escaping.xml_text`: a control character in a memo or a definition is
dropped, not a crash. python-docx is imported inside
the functions: it takes a noticeable time to import and only a Word export needs it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from coder.io.escaping import xml_text

#: Fixed document dates, so two exports of the same project are the same document.
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
HEADER_FILL = "D9E2F3"
GREY = (0x59, 0x59, 0x59)


def new_document(title: str) -> Any:
    """A portrait A4 document with modest margins, 10.5 pt body text and the title set."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    props = document.core_properties
    props.title = xml_text(title)
    props.author = "coder"
    props.last_modified_by = "coder"
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    document.add_heading(xml_text(title), level=0)
    return document


def usable_width_cm(document: Any) -> float:
    section = document.sections[0]
    emu = int(section.page_width) - int(section.left_margin) - int(section.right_margin)
    return emu / 360_000  # EMU per centimetre


def shade(cell: Any, fill: str) -> None:
    """Fill a table cell with a hex colour (``RRGGBB``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def repeat_header(row: Any) -> None:
    """Mark a table row as a header that repeats at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def add_table(
    document: Any,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    *,
    header: bool = True,
    font_pt: float | None = None,
) -> Any:
    """A grid table; with ``header`` the first row holds ``headers``, bold and shaded."""
    from docx.shared import Cm, Pt

    table = document.add_table(rows=0, cols=len(widths_cm))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            run = cell.paragraphs[0].add_run(xml_text(text))
            run.bold = True
            shade(cell, HEADER_FILL)
        repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(xml_text(text))
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    if font_pt is not None:
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(font_pt)
    return table


def add_note(paragraph: Any, text: str) -> None:
    """A small grey remark after the main text of a paragraph."""
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(xml_text(text))
    run.italic = True
    run.font.size = Pt(8.5)
    run.font.color.rgb = RGBColor(*GREY)


def document_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

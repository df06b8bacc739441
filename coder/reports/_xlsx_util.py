"""Small openpyxl helpers shared by the paper-document exports (codebook, quotes, matrix).

Cells are written one by one so that text is always stored as text: openpyxl would otherwise
read a string beginning with ``=`` as a formula, and a coded passage is never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: Excel refuses longer cells; longer text is cut and marked.
XLSX_CELL_LIMIT = 32_767
#: Where a cut cell ends: the limit less room for the marker.
XLSX_TEXT_CAP = 32_000
CUT_MARKER = "…"

#: Fixed creation time in the document properties (openpyxl stamps "modified" itself on save).
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)

# Control characters that the XLSX format cannot hold (tab, newline and return are fine).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value: str) -> str:
    """Text an XLSX cell can hold: illegal control characters dropped, over-long text cut."""
    value = _ILLEGAL.sub("", value)
    if len(value) > XLSX_TEXT_CAP:
        value = value[:XLSX_TEXT_CAP] + CUT_MARKER
    return value


def new_workbook() -> Any:
    """An empty workbook (no default sheet), created by "coder" at a fixed time."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    workbook.properties.creator = "coder"
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    return workbook


def set_value(cell: Any, value: object) -> None:
    """Put ``value`` into ``cell``; strings are stored as strings, never as formulas."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool | int | float):
        cell.value = value
    else:
        cell.value = cell_text(str(value))
        cell.data_type = "s"


def write_table(
    workbook: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: dict[str, float] | None = None,
    wrap: Iterable[str] = (),
    freeze: str = "A2",
) -> Any:
    """A sheet with a bold, frozen header row, wrapped text where asked and set column widths.

    Columns without a width get one from their longest value (between 8 and 60 characters).
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title[:31])
    wrap_columns = set(wrap)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    longest = [len(h) for h in headers]
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        set_value(cell, header)
        cell.font = bold_font()
        cell.alignment = Alignment(vertical="top", wrap_text=header in wrap_columns)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            set_value(cell, value)
            cell.alignment = wrapped if headers[col - 1] in wrap_columns else top
            if value is not None:
                longest[col - 1] = max(longest[col - 1], len(str(value)))
    ws.freeze_panes = freeze
    # Printed (or turned into PDF), a sheet is landscape, one page wide, header on each page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    for col, header in enumerate(headers, start=1):
        width = (widths or {}).get(header)
        if width is None:
            width = float(min(max(longest[col - 1] + 2, 8), 60))
        ws.column_dimensions[get_column_letter(col)].width = width
    if wrap_columns:
        _fit_row_heights(ws, headers, wrap_columns)
    return ws


def _fit_row_heights(ws: Any, headers: Sequence[str], wrap_columns: set[str]) -> None:
    """Set each row tall enough for its wrapped text.

    Neither Excel nor LibreOffice grows rows to fit wrapped text when opening a file, so a
    sheet without heights shows one line of each cell with the rest hidden or overprinted.
    The estimate counts characters per line from the column width (about 1.15 characters per
    width unit of Calibri 11), which is close enough for prose.
    """
    from openpyxl.utils import get_column_letter

    columns = [
        (i, float(ws.column_dimensions[get_column_letter(i)].width or 10))
        for i, header in enumerate(headers, start=1)
        if header in wrap_columns
    ]
    for row in ws.iter_rows(min_row=1):
        lines = 1
        for index, width in columns:
            value = row[index - 1].value
            if not value:
                continue
            per_line = max(int(width * 1.15) - 1, 1)
            lines = max(
                lines,
                sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n")),
            )
        if lines > 1:
            # 15 points per line of 11-point text; Excel's limit is 409 points.
            ws.row_dimensions[row[0].row].height = min(15.0 * lines + 2, 409.0)


def bold_font() -> Any:
    """The workbook's body font (Calibri 11), bold; a bare Font(bold=True) loses the name."""
    from openpyxl.styles import Font

    return Font(name="Calibri", size=11, bold=True)


def indented(depth: int, *, wrap: bool = False) -> Any:
    """Left-aligned text indented by tree depth (Calc and Excel ignore indent otherwise)."""
    from openpyxl.styles import Alignment

    return Alignment(horizontal="left", vertical="top", indent=depth - 1, wrap_text=wrap)


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

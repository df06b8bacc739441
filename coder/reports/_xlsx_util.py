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

#: Fixed document timestamps, so two exports of the same project are the same file.
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
    """An empty workbook (no default sheet) with fixed creation and modification times."""
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
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title[:31])
    wrap_columns = set(wrap)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    longest = [len(h) for h in headers]
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        set_value(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=header in wrap_columns)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col)
            set_value(cell, value)
            cell.alignment = wrapped if headers[col - 1] in wrap_columns else top
            if value is not None:
                longest[col - 1] = max(longest[col - 1], len(str(value)))
    ws.freeze_panes = freeze
    for col, header in enumerate(headers, start=1):
        width = (widths or {}).get(header)
        if width is None:
            width = float(min(max(longest[col - 1] + 2, 8), 60))
        ws.column_dimensions[get_column_letter(col)].width = width
    return ws


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The one XLSX writer: every workbook the product writes (agreement report, codebook, quote
book, framework matrix, codings) is sheets of :func:`write_table`.

Text is always stored as text, never as a formula: openpyxl would otherwise read a string
beginning with ``=`` as one, and a coded passage or a code name is never a formula. Text a
spreadsheet could take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or return:
:func:`coder.io.escaping.is_formula_like`) also gets Excel's quote prefix, so it stays text when
someone edits the cell. Characters XML cannot hold are dropped. Sheets are streamed
(openpyxl's write-only mode), so a report with 100,000 disagreement rows takes a second, not
many; every style is therefore decided before a row is written.

openpyxl takes a sizeable part of a second to import and only an export needs it, so it is
imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coder.io.escaping import is_formula_like, xml_text

#: Where a cut cell ends: Excel's limit (32,767 characters) less room for the marker.
XLSX_TEXT_CAP = 32_000
CUT_MARKER = "…"

#: Fixed creation time in the document properties (openpyxl stamps "modified" itself on save).
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)

# Excel's row height limit, and the height of one line of 11-point text, in points.
_MAX_ROW_POINTS = 409.0
_LINE_POINTS = 15.0


@dataclass(frozen=True)
class Styled:
    """A cell value with a look of its own: bold, indented by tree depth, filled (``RRGGBB``)."""

    value: object
    bold: bool = False
    depth: int = 0
    fill: str | None = None


def cell_text(value: str) -> str:
    """Text an XLSX cell can hold: characters XML forbids dropped, over-long text cut."""
    value = xml_text(value)
    if len(value) > XLSX_TEXT_CAP:
        value = value[:XLSX_TEXT_CAP] + CUT_MARKER
    return value


def new_workbook() -> Any:
    """An empty streaming workbook, created by "coder" at a fixed time."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "coder"
    workbook.properties.created = FIXED_TIMESTAMP
    workbook.properties.modified = FIXED_TIMESTAMP
    return workbook


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook as the bytes of an ``.xlsx`` file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    workbook: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths: Mapping[str, float] | None = None,
    wrap: Collection[str] = (),
    freeze: str = "A2",
    number_formats: Mapping[str, str] | None = None,
    auto_filter: bool = False,
) -> None:
    """A sheet with a bold, frozen header row, set column widths and wrapped text where asked.

    Columns without a width get one from their longest value (between 8 and 60 characters).
    Rows with wrapped text are made tall enough to show it. ``number_formats`` gives the
    display format of a column's decimal numbers (the stored value keeps full precision).
    Cells may be :class:`Styled`.
    """
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title[:31])
    column_widths = _column_widths(headers, rows, widths or {})
    # A streamed sheet takes its layout before its first row.
    for col, width in enumerate(column_widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = freeze
    _print_setup(ws)
    if auto_filter:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    cells = _CellMaker(ws, headers, wrap, number_formats or {})
    wrapped = [i for i, h in enumerate(headers) if h in cells.wrap]
    for r, row in enumerate([headers, *rows], start=1):
        lines = _lines(row, wrapped, column_widths)
        if lines > 1:
            ws.row_dimensions[r].height = min(_LINE_POINTS * lines + 2, _MAX_ROW_POINTS)
        ws.append(cells.header_row() if r == 1 else cells.row(row))


def _column_widths(
    headers: Sequence[str], rows: Iterable[Sequence[object]], widths: Mapping[str, float]
) -> list[float]:
    longest = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            if isinstance(value, Styled):
                value = value.value
            if value is not None:
                size = len(f"{value:.3f}") if isinstance(value, float) else len(str(value))
                longest[i] = max(longest[i], size)
    return [
        float(widths[h]) if h in widths else float(min(max(longest[i] + 2, 8), 60))
        for i, h in enumerate(headers)
    ]


def _lines(row: Sequence[object], wrapped: list[int], widths: list[float]) -> int:
    """Lines the row's wrapped text takes at the column widths.

    Neither Excel nor LibreOffice grows rows to fit wrapped text when opening a file, so a
    sheet without heights shows one line of each cell with the rest hidden or overprinted.
    The estimate counts characters per line from the column width (about 1.15 characters per
    width unit of Calibri 11), which is close enough for prose.
    """
    lines = 1
    for i in wrapped:
        cell = row[i]
        value = cell.value if isinstance(cell, Styled) else cell
        if not value:
            continue
        per_line = max(int(widths[i] * 1.15) - 1, 1)
        text = cell_text(str(value))
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return lines


def _print_setup(ws: Any) -> None:
    """Printed (or turned into PDF), a sheet is landscape, one page wide, header on each page."""
    from openpyxl.worksheet.worksheet import Worksheet

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


class _CellMaker:
    """Turns values into what a streamed row takes: plain values where no style is needed
    (fast), cells where a style or the text type must be set."""

    def __init__(
        self,
        ws: Any,
        headers: Sequence[str],
        wrap: Collection[str],
        number_formats: Mapping[str, str],
    ) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.make_cell = WriteOnlyCell
        self.make_alignment = Alignment
        self.make_fill = PatternFill
        self.ws = ws
        self.headers = headers
        self.wrap = set(wrap)
        self.bold = Font(name="Calibri", size=11, bold=True)
        self.formats = [number_formats.get(h) for h in headers]
        # Vertical alignment only matters where a row can be several lines tall.
        self.top = Alignment(vertical="top") if self.wrap else None
        self.wrapped = Alignment(vertical="top", wrap_text=True)
        self.alignment = [self.wrapped if h in self.wrap else self.top for h in headers]

    def header_row(self) -> list[Any]:
        out = []
        for header in self.headers:
            text = cell_text(header)
            cell = self.make_cell(self.ws, value=text)
            cell.data_type = "s"
            if is_formula_like(text):
                cell.quotePrefix = True
            cell.font = self.bold
            cell.alignment = self.wrapped if header in self.wrap else self.top or self.wrapped
            out.append(cell)
        return out

    def row(self, values: Sequence[object]) -> list[Any]:
        return [self._cell(i, v) for i, v in enumerate(values)]

    def _cell(self, column: int, value: object) -> Any:
        styled = value if isinstance(value, Styled) else None
        if styled is not None:
            value = styled.value
        number_format = self.formats[column] if isinstance(value, float) else None
        alignment = self.alignment[column]
        if value is not None and not isinstance(value, bool | int | float):
            value = cell_text(str(value))
        text_only = isinstance(value, str) and is_formula_like(value)
        if styled is None and alignment is None and number_format is None and not text_only:
            return value
        cell = self.make_cell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            if text_only:
                cell.quotePrefix = True
        if number_format is not None:
            cell.number_format = number_format
        if styled is not None and styled.depth:
            alignment = self.make_alignment(
                horizontal="left",
                vertical="top",
                indent=styled.depth - 1,
                wrap_text=alignment is self.wrapped,
            )
        if alignment is not None:
            cell.alignment = alignment
        if styled is not None and styled.bold:
            cell.font = self.bold
        if styled is not None and styled.fill:
            cell.fill = self.make_fill("solid", fgColor=styled.fill.lstrip("#").upper())
        return cell

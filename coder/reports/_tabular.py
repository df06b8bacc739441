"""CSV (one row per code) and XLSX (one sheet per table) agreement reports."""

from __future__ import annotations

import csv
import io
from typing import Any

from coder.reports._json import request_dict
from coder.reports._methods import methods_paragraph, references
from coder.reports._rows import (
    Cell,
    Sheet,
    code_sheet,
    confusion_sheet,
    disagreement_sheet,
    document_sheet,
    overall_sheet,
    pair_sheet,
)
from coder.services.agreement.compute import AgreementReport


def render_csv(report: AgreementReport) -> str:
    """One row per code, every figure in its own column; empty cell plus reason when undefined.

    Numbers are written unformatted (``repr`` precision) so scripts lose nothing.
    """
    sheet = code_sheet(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def render_xlsx(report: AgreementReport) -> bytes:
    """An openpyxl workbook: Per code, Overall, Per document, Pairs, Confusion, Disagreements,
    Method. Header rows are bold and frozen; figures are numbers shown to three decimals.

    Written in openpyxl's write-only mode, which streams rows: a project with 100,000
    disagreements would otherwise take many seconds.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets: list[tuple[str, Sheet | None]] = [
        ("Per code", code_sheet(report)),
        ("Overall", overall_sheet(report)),
        ("Per document", document_sheet(report)),
    ]
    if report.result.per_pair:
        sheets.append(("Pairs", pair_sheet(report)))
    sheets += [
        ("Confusion", confusion_sheet(report)),
        ("Disagreements", disagreement_sheet(report)),
    ]
    for title, sheet in sheets:
        if sheet is not None:
            _write_sheet(workbook, title, sheet)
    _write_method(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cells(ws: Any, headers: list[str]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        cells.append(cell)
    return cells


def _write_sheet(workbook: Any, title: str, sheet: Sheet) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title)
    ws.freeze_panes = "B2"
    # Widths must be set before the first row is streamed.
    for index, header in enumerate(sheet.headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _width(
            header, [r[index - 1] for r in sheet.rows]
        )
    ws.append(_header_cells(ws, sheet.headers))
    figures = [i for i, h in enumerate(sheet.headers) if h in sheet.number_columns]
    for row in sheet.rows:
        values: list[Any] = list(row)
        for i in figures:
            if isinstance(values[i], float):
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "0.000"
                values[i] = cell
        ws.append(values)


def _width(header: str, values: list[Cell]) -> float:
    """Wide enough for the header and the longest value, within reason."""
    longest = max(
        [len(header)] + [len(f"{v:.3f}") if isinstance(v, float) else len(str(v)) for v in values]
    )
    return float(min(max(longest + 2, 8), 60))


def _write_method(workbook: Any, report: AgreementReport) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    ws = workbook.create_sheet("Method")
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    ws.append(_header_cells(ws, ["parameter", "value"]))
    rows: list[tuple[str, object]] = [
        ("methods paragraph", methods_paragraph(report)),
        ("project", report.project),
        ("generated_at (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("documents", len(report.documents)),
        ("units", report.result.n_units),
    ]
    for key, value in request_dict(report).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        rows.append((key, "" if value is None else value))
    for name, count in report.codings_per_coder.items():
        rows.append((f"codings by {name}", count))
    rows += [("excluded", item) for item in report.excluded]
    rows += [("note", note) for note in report.result.notes]
    rows += [("reference", ref) for ref in references(report)]
    wrap = Alignment(wrap_text=True, vertical="top")
    for key, value in rows:
        cell = WriteOnlyCell(
            ws, value=value if value is None or isinstance(value, str | int | float) else str(value)
        )
        cell.alignment = wrap
        ws.append([key, cell])

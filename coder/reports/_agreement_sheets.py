"""CSV (one row per code) and XLSX (one sheet per table) agreement reports.

The data formats list every code, applied or not (the human formats hide codes nobody
applied). Sheets: Per code, Summary, Per document, Per code and document, Pairs, Confusion,
Disagreements, Method; every workbook is written through :mod:`coder.reports.xlsx`.
"""

from __future__ import annotations

from typing import Any

from coder.domain.agreement import AgreementReport
from coder.io.escaping import csv_text
from coder.reports._json import request_dict, summary_dict
from coder.reports._methods import methods_paragraph, references
from coder.reports._rows import (
    Cell,
    Sheet,
    code_document_sheet,
    code_sheet,
    confusion_sheet,
    disagreement_sheet,
    document_sheet,
    pair_sheet,
    summary_sheet,
)
from coder.reports.xlsx import new_workbook, workbook_bytes, write_table


def render_csv(report: AgreementReport) -> str:
    """One row per code, every figure in its own column; empty cell plus reason when undefined.

    Numbers are written unformatted (``repr`` precision) so scripts lose nothing.
    """
    sheet = code_sheet(report)
    return csv_text([sheet.headers, *sheet.rows])


def render_xlsx(report: AgreementReport) -> bytes:
    """The workbook; header rows are bold and frozen, figures are numbers shown to three
    decimals."""
    workbook = new_workbook()
    sheets: list[tuple[str, Sheet | None]] = [
        ("Per code", code_sheet(report)),
        ("Summary", summary_sheet(report, summary_dict(report))),
        ("Per document", document_sheet(report)),
        ("Per code and document", code_document_sheet(report)),
    ]
    if report.result.per_pair:
        sheets.append(("Pairs", pair_sheet(report)))
    sheets += [
        ("Confusion", confusion_sheet(report)),
        ("Disagreements", disagreement_sheet(report)),
    ]
    for title, sheet in sheets:
        if sheet is not None:
            write_table(
                workbook,
                title,
                sheet.headers,
                _no_negative_zero(sheet),
                freeze="B2",
                number_formats=dict.fromkeys(sheet.number_columns, "0.000"),
            )
    _write_method(workbook, report)
    return workbook_bytes(workbook)


def _no_negative_zero(sheet: Sheet) -> list[list[Cell]]:
    """The rows with each figure that a "0.000" format would show as "-0.000" written as 0
    (a spreadsheet keeps the sign of -0.0001 when it rounds; the CSV and JSON keep every
    digit)."""
    columns = [i for i, h in enumerate(sheet.headers) if h in sheet.number_columns]
    rows = []
    for row in sheet.rows:
        row = list(row)
        for i in columns:
            value = row[i]
            if isinstance(value, float) and -0.0005 < value <= 0.0:
                row[i] = 0.0
        rows.append(row)
    return rows


def _write_method(workbook: Any, report: AgreementReport) -> None:
    rows: list[tuple[str, object]] = [
        ("methods paragraph", methods_paragraph(report)),
        ("project", report.project),
        ("generated_at (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M:%S")),
        ("blind", {True: "yes", False: "no", None: "not known"}[report.blind]),
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
    rows += [("left out", item) for item in report.excluded]
    rows += [("note", note) for note in report.result.notes]
    rows += [("reference", ref) for ref in references(report)]
    write_table(
        workbook,
        "Method",
        ["parameter", "value"],
        rows,
        widths={"parameter": 22, "value": 100},
        wrap=("value",),
    )

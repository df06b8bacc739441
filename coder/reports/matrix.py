"""The framework matrix: codes (or themes) against the values of one document attribute.

In the framework method (Ritchie and Spencer 1994; Gale et al. 2013, BMC Medical Research
Methodology 13:117) a matrix of codes by cases or groups, with the data summarised in each
cell, is how a team compares groups. Here each cell holds the number of coded passages of the
code (with its sub-codes, when rolled up) in documents with that attribute value, and the
passages themselves. XLSX: a sheet of counts, a sheet of quotes, a sheet saying what was
counted. CSV: long format, one row per cell.
"""

from __future__ import annotations

from coder.domain.exports import FrameworkMatrix, Quote
from coder.io.escaping import csv_text
from coder.reports.xlsx import Styled, new_workbook, workbook_bytes, write_table

_CELL_BUDGET = 30_000


def _quote_text(q: Quote) -> str:
    return f"“{q.text}” ({q.document})"


def _cell_quotes(quotes: tuple[Quote, ...]) -> str:
    """The quotes of a cell, one paragraph each, within what a spreadsheet cell holds."""
    parts: list[str] = []
    used = 0
    for i, q in enumerate(quotes):
        text = _quote_text(q)
        if used + len(text) > _CELL_BUDGET:
            parts.append(f"… and {len(quotes) - i} more")
            break
        parts.append(text)
        used += len(text) + 2
    return "\n\n".join(parts)


def render_matrix_csv(matrix: FrameworkMatrix) -> str:
    """Long format: code, attribute, value, count, quotes (one per line within the cell)."""
    rows: list[list[object]] = [["code", "attribute", "value", "count", "quotes"]]
    for path in matrix.rows:
        for value in matrix.columns:
            quotes = matrix.quotes.get((path, value), ())
            rows.append(
                [
                    str(path),
                    matrix.attribute,
                    value,
                    len(quotes),
                    "\n".join(_quote_text(q) for q in quotes),
                ]
            )
    return csv_text(rows)


def render_matrix_xlsx(matrix: FrameworkMatrix) -> bytes:
    """Sheets "Counts" (with totals), "Quotes" (wrapped text in each cell) and "About"."""
    workbook = new_workbook()
    headers = ["code", *matrix.columns, "Total"]
    rows: list[list[object]] = []
    totals = [0] * (len(matrix.columns) + 1)
    for path in matrix.rows:
        counts = [matrix.count(path, v) for v in matrix.columns]
        counts.append(sum(counts))
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        theme = path.depth == 1 and not matrix.rollup
        rows.append([Styled(" / ".join(path.parts), bold=theme, depth=path.depth), *counts])
    rows.append([Styled(v, bold=True) for v in ("Total", *totals)])
    write_table(
        workbook,
        "Counts",
        headers,
        rows,
        widths={"code": 42, **{v: max(10.0, len(v) + 2.0) for v in matrix.columns}},
        freeze="B2",
    )
    quote_rows = [
        [" / ".join(path.parts)]
        + [_cell_quotes(matrix.quotes.get((path, v), ())) for v in matrix.columns]
        for path in matrix.rows
    ]
    write_table(
        workbook,
        "Quotes",
        ["code", *matrix.columns],
        quote_rows,
        widths={"code": 28, **dict.fromkeys(matrix.columns, 55.0)},
        wrap=("code", *matrix.columns),
        freeze="B2",
    )
    write_table(
        workbook,
        "About",
        ["item", "value"],
        matrix.description(),
        widths={"item": 12, "value": 90},
        wrap=("value",),
    )
    return workbook_bytes(workbook)

"""The framework matrix: codes (or themes) against the values of one document attribute.

In the framework method (Ritchie and Spencer 1994; Gale et al. 2013, BMC Medical Research
Methodology 13:117) a matrix of codes by cases or groups, with the data summarised in each
cell, is how a team compares groups. Here each cell holds the passages of the code and its
sub-codes (a theme's row rolls up its codes) in documents with that attribute value, counted
two ways, each saying which: coded passages ("codings", a passage coded twice within one row
counts once) and cases (documents with at least one such passage). XLSX: a sheet of codings,
a sheet of cases, a sheet of quotes, a sheet saying what was counted. CSV: long format, one
row per cell with both counts.
"""

from __future__ import annotations

from typing import Any

from coder.domain.codebook import CodePath
from coder.domain.exports import FrameworkMatrix, Quote
from coder.io.escaping import csv_text
from coder.reports.xlsx import Styled, new_workbook, workbook_bytes, write_table

_CELL_BUDGET = 30_000
#: What each count counts, as the first header of its sheet says it.
CODINGS = "coded passages (codings)"
CASES = "cases (documents)"


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


def _codings(quotes: tuple[Quote, ...]) -> int:
    return len(quotes)


def _cases(quotes: tuple[Quote, ...]) -> int:
    return len({q.document for q in quotes})


def _top_rows(matrix: FrameworkMatrix) -> list[CodePath]:
    """The rows with no ancestor among the rows: their union is every passage counted."""
    shown = set(matrix.rows)
    return [
        p for p in matrix.rows if not any(CodePath(p.parts[:d]) in shown for d in range(1, p.depth))
    ]


def _column_total(matrix: FrameworkMatrix, value: str, count: str) -> int:
    """Passages (or documents) of a column across the top rows, each counted once."""
    quotes = {
        (q.document, q.start, q.end): q
        for p in _top_rows(matrix)
        for q in matrix.quotes.get((p, value), ())
    }
    found = tuple(quotes.values())
    return _cases(found) if count == CASES else _codings(found)


def render_matrix_csv(matrix: FrameworkMatrix) -> str:
    """Long format: code, attribute, value, codings, cases, quotes (one per line in the cell).

    A theme's row rolls up its codes; ``codings`` counts coded passages and ``cases`` documents.
    """
    rows: list[list[object]] = [["code", "attribute", "value", "codings", "cases", "quotes"]]
    for path in matrix.rows:
        for value in matrix.columns:
            quotes = matrix.quotes.get((path, value), ())
            rows.append(
                [
                    str(path),
                    matrix.attribute,
                    value,
                    _codings(quotes),
                    _cases(quotes),
                    "\n".join(_quote_text(q) for q in quotes),
                ]
            )
    return csv_text(rows)


def _count_sheet(workbook: Any, matrix: FrameworkMatrix, count: str) -> None:
    """One sheet of counts (codings or cases), its first header naming what it counts."""
    of = _cases if count == CASES else _codings
    rows: list[list[object]] = []
    for path in matrix.rows:
        counts = [of(matrix.quotes.get((path, v), ())) for v in matrix.columns]
        counts.append(sum(counts))
        theme = path.depth == 1 and not matrix.rollup
        rows.append([Styled(" / ".join(path.parts), bold=theme, depth=path.depth), *counts])
    totals = [_column_total(matrix, v, count) for v in matrix.columns]
    rows.append([Styled(v, bold=True) for v in ("All codes", *totals, sum(totals))])
    write_table(
        workbook,
        "Cases" if count == CASES else "Codings",
        [count, *matrix.columns, "Total"],
        rows,
        widths={count: 42, **{v: max(10.0, len(v) + 2.0) for v in matrix.columns}},
        freeze="B2",
    )


def render_matrix_xlsx(matrix: FrameworkMatrix) -> bytes:
    """Sheets "Codings" and "Cases" (with totals), "Quotes" (wrapped text) and "About"."""
    workbook = new_workbook()
    _count_sheet(workbook, matrix, CODINGS)
    _count_sheet(workbook, matrix, CASES)
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

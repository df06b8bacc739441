"""Spreadsheets (.csv, .tsv, .xlsx): one document per row, the other columns attributes.

Attribute types are inferred per column, so that a column is filtered and sorted the same way
in every document: a column whose non-empty cells are all whole numbers is ``int``; all numbers,
``float``; all ``true``/``false``, ``bool``; all ISO dates (``2021-03-04``), ``date``; anything
else, ``str``. Whole numbers with leading zeros (``007``) are identifiers and stay text. Empty
cells are left out of a document's attributes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.io._common import FormatProblem, decode_text, normalise, one_line, require_text

Progress = Callable[[int, int], None] | None

#: Columns, in order of preference, whose value names a document.
NAME_COLUMNS = ("id", "name", "respondent")

_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLS = {"true": True, "false": False}


@dataclass(slots=True)
class Row:
    """One spreadsheet row: its 1-based number among data rows and its text and cells."""

    number: int
    text: str
    cells: dict[str, Any]


@dataclass(slots=True)
class Table:
    """Rows that have text, plus warnings about the ones skipped."""

    rows: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    name_column: str | None = None


def read_csv_table(
    path: Path, text_column: str | None, progress: Progress, delimiter: str | None = None
) -> Table:
    """Rows of a delimited text file whose header row names the columns.

    The delimiter is the first of comma, semicolon and tab found in the header line (Excel
    writes semicolons in many locales) unless given.
    """
    text = require_text(normalise(decode_text(path.read_bytes())))
    header_line = next(line for line in text.split("\n") if line.strip())
    if delimiter is None:
        counts = {d: header_line.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise FormatProblem(f"malformed CSV: {exc}", line=reader.line_num) from exc
    records = [(n, row) for n, row in records if any(cell.strip() for cell in row)]
    header = _header([cell.strip() for cell in records[0][1]], line=records[0][0])
    body = records[1:]
    if not body:
        raise FormatProblem("no rows below the header")
    for line, row in body:
        if len(row) != len(header):
            raise FormatProblem(
                f"row has {len(row)} fields but the header has {len(header)}", line=line
            )
    raw_rows = [dict(zip(header, (c.strip() for c in row), strict=True)) for _, row in body]
    return _table(header, raw_rows, text_column, progress)


def read_xlsx_table(path: Path, text_column: str | None, progress: Progress) -> Table:
    """Rows of the first worksheet of an Excel workbook; the first non-empty row is the header."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise FormatProblem(f"corrupt .xlsx workbook: {one_line(exc)}") from exc
    try:
        sheet = workbook.worksheets[0]
        values = [
            list(row)
            for row in sheet.iter_rows(values_only=True)
            if any(v is not None and str(v).strip() for v in row)
        ]
    except Exception as exc:
        raise FormatProblem(f"corrupt .xlsx workbook: {one_line(exc)}") from exc
    finally:
        workbook.close()
    if not values:
        raise FormatProblem("empty workbook: the first sheet has no cells")
    header = _header(["" if v is None else str(v).strip() for v in values[0]], line=None)
    if len(values) == 1:
        raise FormatProblem("no rows below the header")
    raw_rows = []
    for row in values[1:]:
        padded = [*row, *([None] * (len(header) - len(row)))][: len(header)]
        raw_rows.append(dict(zip(header, padded, strict=True)))
    return _table(header, raw_rows, text_column, progress)


def _header(cells: list[str], line: int | None) -> list[str]:
    names = [cell or f"column {i}" for i, cell in enumerate(cells, start=1)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FormatProblem(f"duplicate column name {name!r} in the header", line=line)
        seen.add(name)
    return names


def _table(
    header: list[str], raw_rows: list[dict[str, Any]], text_column: str | None, progress: Progress
) -> Table:
    listing = ", ".join(header)
    if text_column is None:
        raise FormatProblem(f"a text column must be named (the columns are: {listing})")
    if text_column not in header:
        raise FormatProblem(f"no column {text_column!r} (the columns are: {listing})")
    lowered = {h.lower(): h for h in header if h != text_column}
    table = Table(name_column=next((lowered[c] for c in NAME_COLUMNS if c in lowered), None))
    others = [h for h in header if h != text_column]
    typed = {h: _type_column([row[h] for row in raw_rows]) for h in others}
    total = len(raw_rows)
    for index, raw in enumerate(raw_rows):
        value = raw[text_column]
        text = "" if value is None else str(value)
        if not text.strip():
            table.warnings.append(f"row {index + 1}: empty {text_column!r}, skipped")
        else:
            cells = {h: typed[h][index] for h in others if typed[h][index] is not None}
            table.rows.append(Row(index + 1, text, cells))
        if progress is not None:
            progress(index + 1, total)
    if not table.rows:
        raise FormatProblem(f"every row has an empty {text_column!r}")
    return table


def _type_column(values: Sequence[Any]) -> list[AttributeValue | None]:
    """Values of one column as one type for the whole column (see the module docstring)."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            value = value.strip() or None
        elif isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
        cells.append(value)
    present = [v for v in cells if v is not None]
    if not present:
        return cells
    for converter in (_as_bool, _as_int, _as_float, _as_date):
        converted: list[AttributeValue | None] = [
            None if v is None else converter(v) for v in cells
        ]
        if all(c is not None for c, v in zip(converted, cells, strict=True) if v is not None):
            return converted
    return [None if v is None else str(v) for v in cells]


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return _BOOLS.get(value.lower()) if isinstance(value, str) else None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return int(value) if isinstance(value, str) and _INT.fullmatch(value) else None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return float(value) if isinstance(value, str) and _FLOAT.fullmatch(value) else None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None

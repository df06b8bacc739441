"""Typing the cells of one spreadsheet column (or one JSON field) as one attribute type.

A column is typed as a whole, so that it is filtered and sorted the same way in every document:

* all ``true``/``false`` (any case, or native booleans): ``bool``;
* all whole numbers: ``int``; all numbers: ``float``. Whole numbers with leading zeros
  (``007``) are identifiers and keep the column text;
* all dates: ``date``. Accepted: ISO ``2021-03-04``, ``2021/03/04``, month names in English
  (``4 March 2021``, ``March 4, 2021``, ``4 Mar 2021``), and day/month/year with slashes or
  dots (``04/03/2021``, ``4.3.2021``) only when the column itself says which comes first: some
  cell has a first number above 12 (day first) or a second one above 12 (month first), and no
  cell contradicts it. A column of ``04/03/2021`` and ``05/06/2021`` alone stays text, because
  it could be either. Date-times stay text (attributes have no time type);
* anything else: ``str``. ``yes``/``no`` stay text: they are the researcher's own categories,
  and ``--where consent=yes`` finds them as written.

Empty cells (``None`` or only whitespace) stay ``None``: the document has no such attribute.
A missing-value marker such as ``n/a`` makes a numeric column text rather than being dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from coder.domain.documents import AttributeValue

_INT = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})([-/])(\d{2})\2(\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_BOOLS = {"true": True, "false": False}

Converter = Callable[[Any], AttributeValue | None]


def type_column(values: Sequence[Any]) -> list[AttributeValue | None]:
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
    converters: list[Converter] = [_as_bool, _as_int, _as_float, _as_date]
    numeric_date = _numeric_date_converter(present)
    if numeric_date is not None:
        converters.append(numeric_date)
    for converter in converters:
        converted = [None if v is None else converter(v) for v in cells]
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
    """A date in a form that can be read one way only (ISO, or with the month's name)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        return None
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match[1], match[3], match[4]
    elif match := _DAY_MONTH_YEAR.fullmatch(value):
        day, month, year = match[1], str(_MONTHS.get(match[2].lower(), 0)), match[3]
    elif match := _MONTH_DAY_YEAR.fullmatch(value):
        month, day, year = str(_MONTHS.get(match[1].lower(), 0)), match[2], match[3]
    else:
        return None
    return _date(year, month, day)


def _numeric_date_converter(present: Sequence[Any]) -> Converter | None:
    """A reader of ``d/m/yyyy`` or ``m/d/yyyy`` when the column's own cells settle the order."""
    matches = [_NUMERIC_DATE.fullmatch(v) if isinstance(v, str) else None for v in present]
    if not all(matches):
        return None
    found = [m for m in matches if m is not None]
    day_first = any(int(m[1]) > 12 for m in found)
    month_first = any(int(m[3]) > 12 for m in found)
    if day_first == month_first:  # neither: could be either; both: not one format
        return None

    def convert(value: Any) -> dt.date | None:
        match = _NUMERIC_DATE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            return None
        first, _, second, year = match.groups()
        day, month = (first, second) if day_first else (second, first)
        return _date(year, month, day)

    return convert


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None

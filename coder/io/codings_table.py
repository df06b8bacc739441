"""The table ``coder codings import`` reads: a CSV or XLSX file of codings, row by row.

The layout is the one ``coder export --format codings-csv`` writes: ``document``, ``start``,
``end``, ``code``, ``coder`` (required), ``memo``, ``text`` and ``created_at`` (optional), in
any order and any case. A CSV may be separated by commas, semicolons or tabs. Problems with
the file itself (not UTF-8, an unknown or missing column, a ragged row) raise one
:class:`~coder.errors.InputError` naming the file and the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InputError
from coder.io._common import one_line
from coder.io.escaping import csv_value
from coder.io.inputs import DEFAULT_MAX_BYTES, checked_input, read_input

REQUIRED_COLUMNS = ("document", "start", "end", "code", "coder")
OPTIONAL_COLUMNS = ("memo", "text", "created_at")
#: What a codings table is, in messages.
_WHAT = "a CSV or XLSX file of codings"
_HINTS = {
    "doc": "document",
    "name": "document",
    "begin": "start",
    "stop": "end",
    "code path": "code",
    "path": "code",
    "user": "coder",
    "note": "memo",
    "quote": "text",
}


@dataclass(frozen=True)
class CodingsRow:
    """One data row: its number (the spreadsheet's row; for CSV the line where the record
    starts) and its cells by column name."""

    number: int
    values: dict[str, str]


def read_codings_table(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, hint: str = ""
) -> Iterator[CodingsRow]:
    """The data rows of the file, each with its row number and its cells by column name.

    The file is checked as every input is (:mod:`coder.io.inputs`: a regular file of at most
    ``max_bytes``; ``hint`` says how to raise the limit), and a workbook's archive before
    openpyxl opens it (:class:`~coder.io.refi.safety.SafeArchive`: it may unpack to no more
    than ``max_bytes``, no zip bomb, no XML entity declarations).
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_table(read_input(path, what=_WHAT, max_bytes=max_bytes, hint=hint), source)
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(path, max_bytes, hint)
    else:
        checked_input(path, what=_WHAT)
        raise InputError(
            source, f"cannot read codings from '{suffix or '(none)'}'; use .csv or .xlsx"
        )
    header: list[str] | None = None
    columns: list[str | None] = []
    any_rows = False
    for number, cells in table:
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            header = cells
            columns = _columns(source, number, cells)
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            raise InputError(
                source,
                f"row {number}: {len(cells)} cells but the header has {len(columns)} columns",
            )
        any_rows = True
        yield CodingsRow(number, {c: cell for c, cell in zip(columns, cells, strict=False) if c})
    if header is None:
        raise InputError(source, "the file is empty")
    if not any_rows:
        raise InputError(source, "the file has a header but no codings")


def _columns(source: str, number: int, header: list[str]) -> list[str | None]:
    valid = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    columns: list[str | None] = []
    for cell in header:
        name = cell.strip().lower()
        if name in columns:
            raise InputError(source, f"row {number}: the column {cell.strip()!r} appears twice")
        if name not in valid:
            hint = _HINTS.get(name)
            why = f"did you mean {hint!r}?" if hint else f"valid columns: {', '.join(valid)}"
            raise InputError(source, f"row {number}: unknown column {cell.strip()!r} ({why})")
        columns.append(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            source, f"row {number}: the header lacks the column(s) {', '.join(missing)}"
        )
    return columns


def _csv_table(raw: bytes, source: str) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in raw:
        raise InputError(source, "is a binary file, not CSV text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(source, f"row {line}: is not UTF-8 text; save it as UTF-8") from None
    first = text.split("\n", 1)[0]
    # Spreadsheets in locales with a decimal comma save CSV with ';' between cells.
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            # A cell an export escaped against formulas ('=...) reads back as it was (only a
            # cell that starts with an apostrophe can be one).
            yield line, [csv_value(c) if c[:1] == "'" else c for c in cells]
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(source, f"row {line}: CSV error: {error}") from None


def _xlsx_table(path: Path, max_bytes: int, hint: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    from coder.io.refi.safety import SafeArchive

    source = str(path)
    checked_input(path, what=_WHAT, max_bytes=max_bytes, hint=hint)
    with SafeArchive.open(path, kind=".xlsx", max_unpacked=max_bytes, hint=hint) as archive:
        archive.refuse_declarations()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise InputError(source, f"cannot open the workbook: {one_line(error)}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:  # a damaged sheet fails while it is read
                raise InputError(
                    source, f"row {number + 1}: cannot read the workbook: {one_line(error)}"
                ) from None
            number += 1
            yield number, [_xlsx_cell(v) for v in values]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

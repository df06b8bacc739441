"""Spreadsheets (.csv, .tsv, .xlsx) and records (JSON, via :mod:`coder.io._records`) as documents.

The layout of a survey: **one document per respondent per question.** Each row is a
respondent; each text column named (``--text-column``, repeatable) is a question. With one text
column a row gives one document named by its respondent, as always. With several, each
non-empty answer is its own document named ``<respondent> · <question>`` (``r7 · Q2``) with
the attribute ``question`` set to the column's name. So every answer is coded on its own,
``docs list --where question=Q2`` gives one question's answers, agreement can be computed per
question (the documents of one ``question``), and a question can be added later without
renaming the documents already coded. A sheet's own column called ``question`` clashes with
that attribute and is refused when several text columns are named.

The other columns (not text, not the name) become attributes of every document of the row,
typed per column (numbers, booleans, dates, text: see :mod:`coder.io._cells`); empty cells
are left out. An empty answer is skipped with a warning naming its row and column.

Names come from the ``name_column`` when one is given (its absence is an error listing the
columns), otherwise from the first column called, in this order, ``id``, ``name``,
``respondent``, ``respondent id``, ``response id``, ``participant id``, ``participant``,
``case id``, ``case``, ``title`` (any case, spaces, ``_`` or ``-``: QualCoder's ``Case``,
Qualtrics' ``ResponseId``, SurveyMonkey's ``Respondent ID``); without one, ``<file> row N``.
A row whose name cell is empty is named ``<file> row N`` (with a warning). Names are unique in
a file: when the name column repeats a value, every row with that value is named
``<value> (row N)`` and a warning lists them, so nothing is merged or overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io._cells import type_column
from coder.io._common import FormatProblem, decode_text, normalise, one_line, require_text

Progress = Callable[[int, int], None] | None

#: Columns, in order of preference, whose value names a document (compared in lower case
#: without spaces, ``_`` or ``-``).
NAME_COLUMNS = (
    "id",
    "name",
    "respondent",
    "respondentid",
    "responseid",
    "participantid",
    "participant",
    "caseid",
    "case",
    "title",
)
#: The attribute that names an answer's question when a row gives several documents.
QUESTION = "question"
#: Between respondent and question in the name of an answer.
SEPARATOR = " · "
#: Longer names (a title as name) are cut to this many characters.
MAX_NAME = 100
_LISTED = 10


@dataclass(frozen=True, slots=True)
class TableOptions:
    """What the user asked of a table: text columns, name column, and how to talk about it.

    ``stem`` names documents without a name (``<stem> row N``); ``noun`` is what a column is
    called in messages (``column``, or ``field`` for records) and ``row_noun`` what a row is
    (``row``, ``record``, ``line``).
    """

    text_columns: tuple[str, ...]
    name_column: str | None = None
    stem: str = ""
    noun: str = "column"
    row_noun: str = "row"


@dataclass(slots=True)
class Answer:
    """One document of a table: its unique name, text, attributes and where it came from."""

    name: str
    text: str
    attributes: dict[str, AttributeValue]
    where: str


@dataclass(slots=True)
class Table:
    """The documents of a table, plus warnings about what was skipped or renamed."""

    answers: list[Answer] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_csv_table(
    path: Path, options: TableOptions, progress: Progress, delimiter: str | None = None
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
    return table_answers(header, raw_rows, options, progress)


def read_xlsx_table(
    path: Path, options: TableOptions, progress: Progress, max_unpacked: int
) -> Table:
    """Rows of the first worksheet of an Excel workbook; the first non-empty row is the header.

    The archive is checked before openpyxl opens it (:class:`~coder.io.refi.safety.SafeArchive`:
    at most ``max_unpacked`` bytes once unpacked, no zip bomb).
    """
    import openpyxl

    from coder.io.inputs import RAISE_WITH_MAX_BYTES
    from coder.io.refi.safety import ArchiveRefused, SafeArchive

    try:
        with SafeArchive.open(
            path, kind=".xlsx", max_unpacked=max_unpacked, hint=RAISE_WITH_MAX_BYTES
        ) as archive:
            archive.refuse_declarations()
    except ArchiveRefused as exc:
        raise FormatProblem(exc.problem) from exc
    except InputError as exc:
        raise FormatProblem(f"corrupt .xlsx workbook: {exc.problem}") from exc
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
    return table_answers(header, raw_rows, options, progress)


def _header(cells: list[str], line: int | None) -> list[str]:
    names = [cell or f"column {i}" for i, cell in enumerate(cells, start=1)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FormatProblem(f"duplicate column name {name!r} in the header", line=line)
        seen.add(name)
    return names


def table_answers(
    header: Sequence[str],
    raw_rows: Sequence[dict[str, Any]],
    options: TableOptions,
    progress: Progress,
    numbers: Sequence[int] | None = None,
) -> Table:
    """The documents of rows whose columns are ``header`` (see the module docstring).

    ``numbers`` are the rows' numbers in messages (the line numbers of JSON Lines); 1, 2, 3...
    by default. A row lacking a column has ``None`` there.
    """
    numbers = list(numbers) if numbers is not None else list(range(1, len(raw_rows) + 1))
    texts = _text_columns(header, raw_rows, options)
    name_column = _name_column(header, texts, options)
    several = len(texts) > 1
    if several and QUESTION in header:
        raise FormatProblem(
            f"the {options.noun} {QUESTION!r} clashes with the attribute that names each "
            f"answer's question when several text {options.noun}s are read; rename it"
        )
    others = [h for h in header if h not in texts]
    typed = {h: type_column([row.get(h) for row in raw_rows]) for h in others}
    table = Table()
    names = _names(name_column, typed.get(name_column or ""), numbers, options, table.warnings)
    empty: dict[str, list[int]] = defaultdict(list)
    total = len(raw_rows)
    for index, raw in enumerate(raw_rows):
        number = numbers[index]
        cells = {h: v for h in others if (v := typed[h][index]) is not None}
        for column in texts:
            value = raw.get(column)
            text = "" if value is None else str(value)
            if not text.strip():
                empty[column].append(number)
            elif several:
                attributes = {**cells, QUESTION: column}
                where = f"{options.row_noun} {number}, {options.noun} {column!r}"
                table.answers.append(
                    Answer(f"{names[index]}{SEPARATOR}{column}", text, attributes, where)
                )
            else:
                table.answers.append(
                    Answer(names[index], text, cells, f"{options.row_noun} {number}")
                )
        if progress is not None:
            progress(index + 1, total)
    for column in texts:
        if empty[column]:
            table.warnings.append(
                f"{_rows(options.row_noun, empty[column])}: empty {column!r}, skipped"
            )
    if not table.answers:
        listing = " and ".join(repr(c) for c in texts)
        raise FormatProblem(f"every {options.row_noun} has an empty {listing}")
    return table


def _text_columns(
    header: Sequence[str], raw_rows: Sequence[dict[str, Any]], options: TableOptions
) -> tuple[str, ...]:
    noun = options.noun
    listing = ", ".join(header)
    if not options.text_columns:
        holding = _columns_holding_text(header, raw_rows)
        where = f"{noun}s holding text: {holding}" if holding else f"the {noun}s are: {listing}"
        raise FormatProblem(f"a text {noun} must be named with --text-{noun} ({where})")
    texts = tuple(dict.fromkeys(options.text_columns))
    missing = [c for c in texts if c not in header]
    if missing:
        what = f"{noun}{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}"
        raise FormatProblem(f"no {what} (the {noun}s are: {listing})")
    return texts


def _columns_holding_text(header: Sequence[str], raw_rows: Sequence[dict[str, Any]]) -> str:
    """The columns of free text, longest on average first (for the message asking for one)."""
    lengths: dict[str, float] = {}
    for column in header:
        values = type_column([row.get(column) for row in raw_rows])
        texts = [v for v in values if isinstance(v, str)]
        if texts:
            lengths[column] = sum(map(len, texts)) / len(texts)
    ranked = sorted(lengths, key=lambda c: -lengths[c])
    return ", ".join(ranked[:_LISTED]) + (", ..." if len(ranked) > _LISTED else "")


def _name_column(
    header: Sequence[str], texts: tuple[str, ...], options: TableOptions
) -> str | None:
    noun, chosen = options.noun, options.name_column
    if chosen is not None:
        if chosen not in header:
            raise FormatProblem(
                f"no {noun} {chosen!r} to name the documents by "
                f"(the {noun}s are: {', '.join(header)})"
            )
        if chosen in texts:
            raise FormatProblem(f"the name {noun} {chosen!r} is also a text {noun}")
        return chosen
    keys: dict[str, str] = {}
    for column in header:
        if column not in texts:
            keys.setdefault(re.sub(r"[\s_.\-]+", "", column.lower()), column)
    return next((keys[c] for c in NAME_COLUMNS if c in keys), None)


def _names(
    column: str | None,
    values: Sequence[AttributeValue | None] | None,
    numbers: Sequence[int],
    options: TableOptions,
    warnings: list[str],
) -> list[str]:
    """One unique name per row (see the module docstring)."""
    row = options.row_noun
    if column is None or values is None:
        return [f"{options.stem} {row} {n}" for n in numbers]
    names: list[str] = []
    unnamed: list[int] = []
    for value, number in zip(values, numbers, strict=True):
        if value is None:
            unnamed.append(number)
            names.append(f"{options.stem} {row} {number}")
        else:
            names.append(_label(value))
    if unnamed:
        warnings.append(
            f"{_rows(row, unnamed)}: empty {column!r}, named '{options.stem} {row} N' instead"
        )
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        names = [
            f"{name} ({row} {number})" if name in repeated else name
            for name, number in zip(names, numbers, strict=True)
        ]
        shown = ", ".join(repeated[:_LISTED]) + (", ..." if len(repeated) > _LISTED else "")
        warnings.append(
            f"{options.noun} {column!r} gives {len(repeated)} name(s) to several {row}s "
            f"({shown}): each such {row} is named '<name> ({row} N)'"
        )
    return names


def _label(value: AttributeValue) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = " ".join(value.split())
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1] + "…"


def _rows(noun: str, numbers: Sequence[int]) -> str:
    """``row 3`` or ``4 rows (3, 5, 9, 12)``, the list cut after a few."""
    if len(numbers) == 1:
        return f"{noun} {numbers[0]}"
    shown = ", ".join(map(str, numbers[:_LISTED])) + (", ..." if len(numbers) > _LISTED else "")
    return f"{len(numbers)} {noun}s ({shown})"

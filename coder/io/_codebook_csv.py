"""The CSV codebook format: one row per code, the code's place given by its path.

Columns: ``path`` (required; ``Theme/Code``, a ``/`` inside a name written ``\\/``),
``definition``, ``inclusion``, ``exclusion``, ``example``, ``colour``, ``keywords`` (separated
by ``;``), and ``count`` and ``memos`` (written by export for information, ignored on
import). Rows may come
in any order, but every parent needs a row of its own. The codebook's name is the file's name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from coder.domain.codebook import CODE_FIELDS, Codebook, CodePath
from coder.io._codebook_common import CodebookProblem, LocatedDict, closest, format_path
from coder.io._codebook_parse import (
    KEY_ALIASES,
    KEYWORD_SEPARATOR,
    TEXT_FIELDS,
    codebook_from_data,
)
from coder.io.escaping import csv_text, csv_value

COLUMNS = ("path", *CODE_FIELDS)
_READ_COLUMNS = (*COLUMNS, "count", "memos")
_COLUMN_HINTS = {"code": "path", "name": "path", "description": "definition"}


def _delimiter(header: str) -> str:
    # Spreadsheets in locales that use a decimal comma save CSV with ';' between cells.
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def load_csv(text: str, default_name: str) -> tuple[Codebook, list[CodebookProblem]]:
    """Parse and validate a CSV codebook."""
    if not text.strip():
        return Codebook(name=default_name), [CodebookProblem(1, "the file is empty")]
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    problems: list[CodebookProblem] = []
    try:
        header = next(reader)
    except csv.Error as error:
        return Codebook(name=default_name), [CodebookProblem(1, f"CSV error: {error}")]
    columns: list[str | None] = []
    for cell in header:
        name = KEY_ALIASES.get(cell.strip().lower(), cell.strip().lower())
        if name in _READ_COLUMNS and name not in columns:
            columns.append(name)
            continue
        if name in columns:
            problems.append(CodebookProblem(1, f"the column '{cell}' appears twice"))
        elif name:
            guess = closest(cell.strip(), _READ_COLUMNS, _COLUMN_HINTS)
            hint = f" (did you mean '{guess}'?)" if guess else f" (valid: {', '.join(COLUMNS)})"
            problems.append(CodebookProblem(1, f"unknown column '{cell}'{hint}"))
        columns.append(None)
    if "path" not in columns:
        problems.append(CodebookProblem(1, "the header has no 'path' column"))
        return Codebook(name=default_name), problems

    rows: list[object] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            row_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append(
                    CodebookProblem(
                        row_line,
                        f"the row has {len(cells)} cells but the header has {len(columns)}",
                    )
                )
                continue
            # A cell an export escaped against formulas ('=...) reads back as it was.
            values = {col: csv_value(c) for col, c in zip(columns, cells, strict=False) if col}
            code = _row_to_code(values, row_line, problems)
            if code is not None:
                rows.append(code)
    except csv.Error as error:
        problems.append(CodebookProblem(reader.line_num, f"CSV error: {error}"))
    data = {"codebook": default_name, "codes": rows}
    book, more = codebook_from_data(data, default_name=default_name)
    return book, problems + more


def _row_to_code(
    values: Mapping[str, str], line: int, problems: list[CodebookProblem]
) -> LocatedDict | None:
    """A row as a flat-style code mapping (name plus parent path) for the shared validator."""
    code = LocatedDict(line)
    raw_path = values.get("path", "")
    try:
        path = CodePath.parse(raw_path)
    except ValueError:
        problems.append(
            CodebookProblem(line, f"the path '{raw_path}' has an empty name in it")
            if raw_path.strip()
            else CodebookProblem(line, "the path is empty")
        )
        return None
    code["name"] = path.name
    if path.parent is not None:
        code["parent"] = format_path(path.parent)
    for key in TEXT_FIELDS:
        code[key] = values.get(key, "")
    code["colour"] = values.get("colour", "").strip() or None
    code["keywords"] = [w for w in values.get("keywords", "").split(KEYWORD_SEPARATOR) if w.strip()]
    count = values.get("count", "").strip()
    if count and not count.isdigit():
        problems.append(CodebookProblem(line, f"'count' must be a whole number, found {count!r}"))
    return code


def render_csv(codebook: Codebook, counts: Mapping[CodePath, int] | None) -> str:
    """One row per code, parents before children, with ``\\n`` line ends; formula-safe
    (:func:`coder.io.escaping.csv_text`)."""
    memos = any(code.memos for _path, code in codebook.walk())
    header: list[object] = [
        *COLUMNS,
        *(["count"] if counts is not None else []),
        *(["memos"] if memos else []),
    ]
    rows: list[list[object]] = [header]
    for path, code in codebook.walk():
        row: list[object] = [
            format_path(path),
            code.definition,
            code.inclusion,
            code.exclusion,
            code.example,
            code.colour or "",
            f"{KEYWORD_SEPARATOR} ".join(code.keywords),
        ]
        if counts is not None:
            row.append(str(counts.get(path, 0)))
        if memos:
            row.append("\n".join(str(m) for m in code.memos))
        rows.append(row)
    return csv_text(rows)

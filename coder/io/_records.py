"""Records (JSON, JSON Lines) as documents: one document per record, like a spreadsheet's rows.

Accepted files:

* ``.json``: an array of objects; or an object with exactly one member that is an array of
  objects (``{"responses": [...], "survey": {...}}``); or a single object (one record);
* ``.jsonl`` / ``.ndjson``: one object per line (blank lines ignored);
* ``.txt`` when text fields are asked for and some lines hold JSON objects (the seed corpus's
  ``000_*.txt``: a header line and an authors line before each record's JSON line): the lines
  holding an object are the records, the others are skipped (one warning counts them). A
  ``.txt`` without such lines is read as plain text, as without ``--text-field``.

Each record is a row whose columns are its fields, read by
:func:`coder.io._tabular.table_answers`: ``--text-field`` (repeatable) names the text, as
``--text-column`` does for a spreadsheet (several give one document per record per field, with
the attribute ``question``), ``--name-field`` the name; the other fields become attributes,
typed per field. Nested values are flattened **one level**: ``{"journal": {"name": "X"}}``
gives the attribute ``journal.name``; an array of plain values becomes one text, its items
joined by ``"; "``; anything deeper (an object in an object, an array of objects) is skipped
with one warning naming the field. ``null``, ``""`` and ``[]`` are no attribute.

JSON that does not parse is refused with the line (and column) of the fault; JSON nested more
deeply than Python's parser can follow is refused in one line, not with a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coder.io._common import FormatProblem, decode_text, require_text
from coder.io._tabular import Progress, Table, TableOptions, table_answers

#: Extensions of files holding one JSON object per line.
JSON_LINES = frozenset({".jsonl", ".ndjson"})

_KINDS = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def read_records(path: Path, options: TableOptions, progress: Progress) -> Table:
    """The documents of a JSON or JSON Lines file (chosen by its extension)."""
    text = require_text(decode_text(path.read_bytes()))
    if path.suffix.lower() in JSON_LINES:
        numbered = _json_lines(text, strict=True)
        if not numbered:
            raise FormatProblem("no JSON records (one object per line)")
        return _table(numbered, _with(options, "line"), progress, [])
    records = _json_array(text)
    return _table(list(enumerate(records, start=1)), _with(options, "record"), progress, [])


def read_text_records(path: Path, options: TableOptions, progress: Progress) -> Table | None:
    """The JSON records among the lines of a text file, or None when it has none to read.

    None unless text fields are asked for and a line holding an object has one of them.
    """
    if not options.text_columns:
        return None
    text = require_text(decode_text(path.read_bytes()))
    numbered = _json_lines(text, strict=False)
    wanted = set(options.text_columns)
    if not any(wanted & _flatten(record, set()).keys() for _, record in numbered):
        return None
    lines = sum(1 for line in text.splitlines() if line.strip())
    warnings = []
    if lines > len(numbered):
        warnings.append(
            f"{lines - len(numbered)} line(s) holding no JSON object skipped; "
            f"{len(numbered)} record(s) read"
        )
    return _table(numbered, _with(options, "line"), progress, warnings)


def _with(options: TableOptions, row_noun: str) -> TableOptions:
    return TableOptions(options.text_columns, options.name_column, options.stem, "field", row_noun)


def _table(
    numbered: Sequence[tuple[int, dict[str, Any]]],
    options: TableOptions,
    progress: Progress,
    warnings: list[str],
) -> Table:
    skipped: set[str] = set()
    rows = [_flatten(record, skipped) for _, record in numbered]
    header = list(dict.fromkeys(key for row in rows for key in row))
    table = table_answers(header, rows, options, progress, [n for n, _ in numbered])
    if skipped:
        warnings.append(
            f"nested field(s) skipped (only one level is read): {', '.join(sorted(skipped))}"
        )
    table.warnings[:0] = warnings
    return table


def _loads(text: str, line: int | None = None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatProblem(
            f"invalid JSON: {exc.msg} (column {exc.colno})",
            line=exc.lineno if line is None else line,
        ) from exc
    except RecursionError as exc:
        raise FormatProblem("JSON nested too deeply to read", line=line) from exc


def _json_array(text: str) -> list[dict[str, Any]]:
    data = _loads(text)
    if isinstance(data, dict):
        arrays = [k for k, v in data.items() if isinstance(v, list) and _all_objects(v)]
        if len(arrays) > 1:
            raise FormatProblem(
                f"several arrays of records ({', '.join(arrays)}); give a file with one"
            )
        data = data[arrays[0]] if arrays else [data]
    if not isinstance(data, list):
        raise FormatProblem(f"the JSON holds {_kind(data)}, not records (an array of objects)")
    if not data:
        raise FormatProblem("no JSON records (the array is empty)")
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise FormatProblem(f"record {number} is {_kind(record)}, not a JSON object")
    return data


def _all_objects(values: list[Any]) -> bool:
    return bool(values) and all(isinstance(v, dict) for v in values)


def _json_lines(text: str, *, strict: bool) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each line holding a JSON object.

    ``strict``: every non-blank line must be one (JSON Lines); otherwise other lines are
    passed over (text with records among its lines).
    """
    numbered: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not strict and not stripped.startswith("{"):
            continue
        try:
            value = _loads(line, line=number)
        except FormatProblem:
            if strict:
                raise
            continue
        if isinstance(value, dict):
            numbered.append((number, value))
        elif strict:
            raise FormatProblem(f"{_kind(value)}, not a JSON object", line=number)
    return numbered


def _flatten(record: dict[str, Any], skipped: set[str]) -> dict[str, Any]:
    """A record's fields, nested objects one level deep as dotted keys (see the docstring)."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for inner_key, inner in value.items():
                _put(flat, f"{key}.{inner_key}", inner, skipped)
        else:
            _put(flat, key, value, skipped)
    return flat


def _put(flat: dict[str, Any], key: str, value: Any, skipped: set[str]) -> None:
    if isinstance(value, list):
        if any(isinstance(item, dict | list) for item in value):
            skipped.add(key)
            return
        items = [str(item).strip() for item in value if item is not None and str(item).strip()]
        flat[key] = "; ".join(items) if items else None
    elif isinstance(value, dict):
        skipped.add(key)
    else:
        flat[key] = value


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)

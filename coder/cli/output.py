"""Printing listings as a table for people or JSON/CSV for scripts, and writing rendered files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from coder.errors import UsageError


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters, with an ellipsis when cut."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: ListFormat,
    *,
    columns: Sequence[str],
    title: str | None = None,
    console: Console | None = None,
    no_wrap: Sequence[str] = (),
) -> None:
    """Write rows to stdout in the chosen format; ``columns`` fixes their order."""
    if fmt is ListFormat.json:
        json.dump(
            [{c: _plain(r.get(c)) for c in columns} for r in rows],
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return
    if fmt is ListFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in columns])
        sys.stdout.write(buffer.getvalue())
        return
    console = console or Console()
    table = Table(title=title, show_lines=False, header_style="bold")
    numeric = {c for c in columns if rows and all(isinstance(r.get(c), int | float) for r in rows)}
    for c in columns:
        table.add_column(
            c.replace("_", " "),
            overflow="fold",
            no_wrap=c in no_wrap or c in numeric,
            justify="right" if c in numeric else "left",
            min_width=None if c in numeric or c in no_wrap else min(24, len(c) + 12),
        )
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    console.print(table)
    if not rows:
        console.print("[dim](none)[/dim]")


def write_output(rendered: str | bytes, output: Path | None, *, note: str = "") -> None:
    """Write a rendered file (text as UTF-8) to ``output``, or to stdout when there is none.

    Written to a file, it says so on stderr (``wrote FILE`` and ``note``), so stdout stays the
    file's content alone when piped; a file that cannot be written is a one-line usage error.
    """
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{output}: cannot write the file: {error.strerror or error}") from None
    typer.echo(f"wrote {output}{note}", err=True)

"""Printing listings as a table for people or JSON/CSV for scripts, and writing rendered files."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coder.io.escaping import csv_text, terminal_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from coder.db.engine import Store


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
        sys.stdout.write(csv_text([columns, *([_cell(r.get(c)) for c in columns] for r in rows)]))
        return
    # Rich is loaded for a table only: JSON and CSV, what scripts read, start without it.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # The headers are the column names, so no ":name:" emoji code to replace (and no table of
    # them to load); the cells are Text, shown as they are.
    console = console or Console(emoji=False)
    table = Table(
        title=Text(terminal_text(title), style="italic") if title else None,
        show_lines=False,
        header_style="bold",
    )
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
        # Text, not str: a value is shown as it is, never read as Rich markup ("[/]" would
        # stop the listing, "[link=...]" make a link), and without control characters.
        table.add_row(*(Text(terminal_text(_cell(r.get(c)))) for c in columns))
    # A table narrower than its columns' least widths would be cut at the right edge, a
    # column lost without a word: columns give up their preferred widths and wrap instead,
    # and output that is not a terminal (a pipe, a file) is laid out as wide as it needs.
    if _least_width(console, table) > console.width:
        for column in table.columns:
            column.min_width = None
        if not console.is_terminal:
            console.width = max(console.width, _least_width(console, table))
    console.print(table)
    if not rows:
        console.print("[dim](none)[/dim]")


def _least_width(console: Console, table: Table) -> int:
    """The narrowest the table can be laid out, whatever the console's width."""
    return table.__rich_measure__(console, console.options.update_width(10_000)).minimum


ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the output file if it exists already.")
]


@dataclass(frozen=True)
class Output:
    """Where a command writes its file (``None``: stdout), checked before the work starts."""

    path: Path | None
    force: bool = False
    protect: tuple[Path, ...] = ()

    def write(self, rendered: str | bytes, *, note: str = "") -> None:
        """Write a rendered file (text as UTF-8) to the file, or to stdout when there is none.

        The file is written whole or not at all, never over the project's database nor over
        an existing file without ``--force`` (:func:`coder.io.output.write_file_safely`).
        Written to a file, it says so on stderr (``wrote FILE`` and ``note``), so stdout stays
        the file's content alone when piped.
        """
        data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
        if self.path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        from coder.io.output import write_file_safely

        write_file_safely(self.path, data, force=self.force, protect=self.protect)
        typer.echo(f"wrote {self.path}{note}", err=True)


def output_for(store: Store, path: Path | None, *, force: bool) -> Output:
    """The ``-o FILE`` of a command on ``store``: refused now if the file is the project's
    database or exists without ``--force``, so no long export runs for nothing."""
    from coder.io.output import check_output
    from coder.services.exports.folder import project_files

    output = Output(path, force, project_files(store))
    if path is not None:
        check_output(path, force=force, protect=output.protect)
    return output

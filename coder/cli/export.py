"""``coder export``: every export format, from codings tables to a paper's quote book."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, open_store, parse_key_values
from coder.cli.output import ForceOption, output_for
from coder.errors import UsageError


def register(app: typer.Typer) -> None:
    """Add the ``export`` command to ``app``."""
    app.command("export")(export)


def export(
    fmt: str = typer.Option(
        ...,
        "--format",
        "-f",
        help="codebook-md|-docx|-html|-csv|-xlsx, quotes-md|-docx|-csv|-xlsx, matrix-xlsx|-csv,"
        " codings-csv|-xlsx (the list: --format help).",
    ),
    project: ProjectOption = DEFAULT_PROJECT,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default: stdout, text formats only)."
    ),
    coder: list[str] = typer.Option(
        [],
        "--coder",
        "-c",
        help="Whose codings (default: the consensus coder; codings-*: everyone; repeatable).",
    ),
    code: list[str] = typer.Option([], "--code", help="Only this code and its sub-codes."),
    doc: list[str] = typer.Option([], "--doc", "-d", help="Only this document (repeatable)."),
    where: list[str] = typer.Option(
        [], "--where", "-w", help="Only documents with attribute key=value (repeatable)."
    ),
    attrs: str = typer.Option(
        "", "--attrs", help="Quote book: document attributes to show, e.g. role,year."
    ),
    by: str | None = typer.Option(
        None, "--by", help="Matrix: the attribute whose values make the columns, e.g. role."
    ),
    rollup: int | None = typer.Option(
        None, "--rollup", help="Matrix: count codes at this depth (1 = themes)."
    ),
    examples: int = typer.Option(
        0, "--examples", help="Codebook: up to this many real quotes per code."
    ),
    max_chars: int = typer.Option(
        400, "--max-chars", help="Cut quotes longer than this (with a note of the length)."
    ),
    title: str | None = typer.Option(None, "--title", help="Document title."),
    memos: bool = typer.Option(
        True,
        "--memos/--no-memos",
        help="Quote book: each coding's memo with its quote; codebook: the memos on each code.",
    ),
    force: ForceOption = False,
) -> None:
    """Export codings, the codebook, a quote book or a framework matrix."""
    from coder.domain.exports import ExportOptions
    from coder.services.exports.formats import export_format, render_export

    if fmt.strip().lower() in ("help", "list"):
        from coder.services.exports.formats import export_formats

        for f in export_formats():
            typer.echo(f"{f.name:<16} {f.extension:<6} {f.description}")
        return
    chosen = export_format(fmt)
    if output is None and chosen.binary:
        raise UsageError(f"{chosen.name} is a binary format: give a file with -o FILE")
    filters = parse_key_values(where, "--where")
    if rollup is not None and rollup < 1:
        raise UsageError("--rollup must be 1 or more")
    if examples < 0 or max_chars < 20:
        raise UsageError("--examples must be 0 or more and --max-chars 20 or more")
    options = ExportOptions(
        coders=tuple(coder),
        codes=tuple(code),
        documents=tuple(doc),
        where=filters,
        attributes=tuple(a.strip() for a in attrs.split(",") if a.strip()),
        by=by,
        rollup=rollup,
        examples=examples,
        max_quote_chars=max_chars,
        title=title,
        memos=memos,
    )
    store = open_store(project)
    target = output_for(store, output, force=force)
    target.write(render_export(store, chosen.name, options), note=f" ({chosen.name})")

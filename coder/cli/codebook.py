"""``coder codebook import|export|diff``: the codebook in and out, and how it changed."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import (
    DEFAULT_PROJECT,
    LeadOption,
    ProjectOption,
    blind_listing_viewer,
    current_user,
    open_store,
)
from coder.cli.output import ForceOption, ListFormat, emit, output_for

app = typer.Typer(help="Import and export the codebook.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``coder codebook`` command group to the main command."""
    parent.add_typer(app, name="codebook")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A codebook: .yaml/.yml, .json, .csv or REFI-QDA .qdc"),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Add a codebook's codes to the project (validated first; on error nothing is written)."""
    from coder.io.codebook import read_codebook
    from coder.services.codebook.codes import import_codebook

    if file.suffix.lower() == ".qdc":
        from coder.services.exports.refi_import import import_refi_codebook

        refi = import_refi_codebook(open_store(project, writes=True), file, actor=current_user())
        for line in refi.warnings:
            typer.echo(f"warning: {line}", err=True)
        report = refi.codebook
    else:
        book = read_codebook(file)
        report = import_codebook(open_store(project, writes=True), book, actor=current_user())
    typer.echo(
        f"{file}: {len(report.added)} code(s) added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged"
    )


@app.command("export")
def export(
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: str = typer.Option("yaml", "--format", "-f", help="yaml, json, md or csv"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    counts: bool = typer.Option(True, "--counts/--no-counts", help="Include coding counts."),
    memos: bool = typer.Option(
        True, "--memos/--no-memos", help="Include the memos written on codes (for reading)."
    ),
    lead: LeadOption = False,
    force: ForceOption = False,
) -> None:
    """Export the codebook for editing, sharing or a paper's appendix.

    While the project is blind, a coder's export holds their own counts, memos and private
    codes (the lead adds --lead for everyone's counts and memos, shared codes only)."""
    from coder.io.codebook import render_codebook, supported_codebook_formats
    from coder.services.codebook.codes import coding_counts, export_codebook

    writable = [f.name for f in supported_codebook_formats() if f.writable]
    if fmt not in writable:
        raise typer.BadParameter(
            f"{fmt!r} (choose from {', '.join(writable)})", param_hint="--format"
        )
    store = open_store(project)
    target = output_for(store, output, force=force)
    viewer = blind_listing_viewer(store, lead=lead, asked=[])
    book = export_codebook(store, viewer=viewer, memos=memos)
    tally = coding_counts(store, coder=viewer) if counts else None
    target.write(render_codebook(book, fmt, counts=tally))


@app.command("diff")
def diff(
    first: int = typer.Argument(..., help="A round's number."),
    second: int | None = typer.Argument(
        None, help="A later round's number; without it, what changed during the first round."
    ),
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    lead: LeadOption = False,
) -> None:
    """What changed in the codebook (added, renamed, merged, ...): during a round (the codebook
    it started with against the one it closed with, or today's while it is open), or from one
    round to another (the codebooks they started with)."""
    from coder.services.agreement.rounds import codebook_diff

    store = open_store(project)
    viewer = blind_listing_viewer(store, lead=lead, asked=[])
    entries = codebook_diff(store, first, second, viewer=viewer)
    rows = [{"change": e.kind, "code": e.code, "detail": e.detail} for e in entries]
    title = (
        f"Codebook: changes during round {first}"
        if second is None
        else f"Codebook: round {first} -> round {second}"
    )
    if not rows and fmt is ListFormat.table:
        what = f"during round {first}" if second is None else f"from round {first} to {second}"
        typer.echo(f"no changes to the codebook {what}")
        return
    emit(rows, fmt, columns=["change", "code", "detail"], title=title)

"""``coder codebook import|export``."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import ProjectOption, current_user, open_store

app = typer.Typer(help="Import and export the codebook.", no_args_is_help=True)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A codebook: .yaml/.yml, .json, .csv or REFI-QDA .qdc"),
    project: ProjectOption = "projects/demo.db",
) -> None:
    """Add a codebook's codes to the project (validated first; on error nothing is written)."""
    from coder.io.codebook import read_codebook
    from coder.services.codebook.codes import import_codebook

    if file.suffix.lower() == ".qdc":
        from coder.services.exports.refi_import import import_refi_codebook

        refi = import_refi_codebook(open_store(project), file, actor=current_user())
        for line in refi.warnings:
            typer.echo(f"warning: {line}", err=True)
        report = refi.codebook
    else:
        book = read_codebook(file)
        report = import_codebook(open_store(project), book, actor=current_user())
    typer.echo(
        f"{file}: {len(report.added)} code(s) added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged"
    )


@app.command("export")
def export(
    project: ProjectOption = "projects/demo.db",
    fmt: str = typer.Option("yaml", "--format", "-f", help="yaml, json, md or csv"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    counts: bool = typer.Option(True, "--counts/--no-counts", help="Include coding counts."),
) -> None:
    """Export the codebook for editing, sharing or a paper's appendix."""
    from coder.io.codebook import render_codebook, supported_codebook_formats
    from coder.services.codebook.codes import coding_counts, export_codebook

    writable = [f.name for f in supported_codebook_formats() if f.writable]
    if fmt not in writable:
        raise typer.BadParameter(
            f"{fmt!r} (choose from {', '.join(writable)})", param_hint="--format"
        )
    store = open_store(project)
    book = export_codebook(store)
    rendered = render_codebook(book, fmt, counts=coding_counts(store) if counts else None)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output}", err=True)

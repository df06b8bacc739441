"""``coder codings import``: codings from a CSV or XLSX file (the codings-csv layout)."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store


def register(codings_app: typer.Typer) -> None:
    """Add ``import`` to the ``coder codings`` command group."""
    codings_app.command("import")(import_)


def import_(
    file: Path = typer.Argument(..., help="A .csv or .xlsx file: document,start,end,code,coder"),
    project: ProjectOption = DEFAULT_PROJECT,
    create_coders: bool = typer.Option(
        False, "--create-coders", help="Register coders the project does not know yet."
    ),
    create_codes: bool = typer.Option(
        False, "--create-codes", help="Add codes (and their parents) the codebook lacks."
    ),
) -> None:
    """Import codings made in a spreadsheet; the whole file or, on any error, nothing."""
    from coder.services.coding.importing import import_codings

    report = import_codings(
        open_store(project),
        file,
        actor=current_user(),
        create_coders=create_coders,
        create_codes=create_codes,
    )
    typer.echo(f"{file}: {report.codings} coding(s) imported, {report.memos} memo(s)")
    if report.coders_created:
        typer.echo(f"new coders: {', '.join(report.coders_created)}")
    if report.codes_created:
        typer.echo(f"new codes: {', '.join(report.codes_created)}")

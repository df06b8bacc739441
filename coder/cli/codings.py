"""``coder codings list|import``: codings listed, or imported from a spreadsheet."""

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
from coder.cli.output import ListFormat, clip, emit

app = typer.Typer(help="Codings: codes applied to spans of text.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``coder codings`` command group to the main command."""
    parent.add_typer(app, name="codings")


@app.command("list")
def list_(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: list[str] = typer.Option([], "--coder", "-c", help="Only this coder (repeatable)."),
    document: list[str] = typer.Option([], "--doc", "-d", help="Only this document (repeatable)."),
    code: list[str] = typer.Option(
        [], "--code", help="Only this code and its sub-codes, as a path like Theme/Code."
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    lead: LeadOption = False,
) -> None:
    """List codings with the coded text (on a blind project, your own unless --lead)."""
    from coder.services.coding.codings import list_codings

    store = open_store(project)
    viewer = blind_listing_viewer(store, lead=lead, asked=coder)
    if viewer is not None:
        coder = [viewer]
    views = list_codings(store, coders=coder, documents=document, codes=code)
    rows = [
        {
            "id": v.id,
            "document": v.document,
            "start": v.start,
            "end": v.end,
            "code": str(v.code_path),
            "coder": v.coder,
            "memo": v.memo,
            "created_at": v.created_at,
            "text": v.text if fmt is not ListFormat.table else clip(v.text, 60),
        }
        for v in views
    ]
    columns = ["id", "document", "start", "end", "code", "coder", "text", "memo"]
    if fmt is not ListFormat.table:
        columns.append("created_at")
    emit(rows, fmt, columns=columns, title=f"Codings ({len(rows)})")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A .csv or .xlsx file: document,start,end,code,coder"),
    project: ProjectOption = DEFAULT_PROJECT,
    create_coders: bool = typer.Option(
        False, "--create-coders", help="Register coders the project does not know yet."
    ),
    create_codes: bool = typer.Option(
        False, "--create-codes", help="Add codes (and their parents) the codebook lacks."
    ),
    max_bytes: int = typer.Option(
        100 * 1024 * 1024,
        "--max-bytes",
        min=1,
        help="Largest file read, in bytes; an .xlsx may also unpack to no more than this"
        " (default 100 MB).",
    ),
) -> None:
    """Import codings made in a spreadsheet; the whole file or, on any error, nothing."""
    from coder.services.coding.importing import import_codings

    store = open_store(project, writes=True)
    report = import_codings(
        store,
        file,
        actor=current_user(store),
        create_coders=create_coders,
        create_codes=create_codes,
        max_bytes=max_bytes,
    )
    typer.echo(f"{file}: {report.codings} coding(s) imported, {report.memos} memo(s)")
    if report.coders_created:
        typer.echo(f"new coders: {', '.join(report.coders_created)}")
    if report.codes_created:
        typer.echo(f"new codes: {', '.join(report.codes_created)}")

"""``coder codings list``."""

from __future__ import annotations

import typer

from coder.cli.common import ProjectOption, open_store
from coder.cli.output import ListFormat, clip, emit

app = typer.Typer(help="Codings: codes applied to spans of text.", no_args_is_help=True)


@app.command("list")
def list_(
    project: ProjectOption = "projects/demo.db",
    coder: list[str] = typer.Option([], "--coder", "-c", help="Only this coder (repeatable)."),
    document: list[str] = typer.Option([], "--doc", "-d", help="Only this document (repeatable)."),
    code: list[str] = typer.Option(
        [], "--code", help="Only this code and its sub-codes, as a path like Theme/Code."
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List codings with the coded text."""
    from coder.services.coding.codings import list_codings

    views = list_codings(open_store(project), coders=coder, documents=document, codes=code)
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

"""``coder docs list|show``: the documents in the project."""

from __future__ import annotations

import typer
from rich.console import Console

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, open_store, parse_key_values
from coder.cli.output import ListFormat, emit
from coder.domain.documents import AttributeValue

docs_app = typer.Typer(help="Documents in the project.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``coder docs`` command group to the main command."""
    app.add_typer(docs_app, name="docs")


@docs_app.command("list")
def list_(
    project: ProjectOption = DEFAULT_PROJECT,
    name: str | None = typer.Option(None, "--name", help="Only names containing this text."),
    where: list[str] = typer.Option(
        [], "--where", "-w", help="Only documents with attribute key=value (repeatable)."
    ),
    all_versions: bool = typer.Option(False, "--all-versions", help="Include older versions."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List documents with their attributes and unit counts."""
    from coder.services.documents.corpus import list_documents

    filters = parse_key_values(where, "--where")
    docs = list_documents(
        open_store(project), name_contains=name, where=filters, all_versions=all_versions
    )
    rows = [
        {
            "name": d.name,
            "version": d.version,
            "characters": d.length,
            "sentences": d.unit_counts.get("sentence", 0),
            "paragraphs": d.unit_counts.get("paragraph", 0),
            "turns": d.unit_counts.get("turn", 0),
            "format": d.source_format,
            "attributes": d.attributes
            if fmt is not ListFormat.table
            else _short_attributes(d.attributes),
            "imported_at": d.imported_at,
        }
        for d in docs
    ]
    columns = ["name", "characters", "sentences", "paragraphs", "attributes"]
    if fmt is not ListFormat.table:
        columns = [
            "name",
            "version",
            "characters",
            "sentences",
            "paragraphs",
            "turns",
            "format",
            "attributes",
            "imported_at",
        ]
    emit(rows, fmt, columns=columns, title=f"Documents ({len(rows)})", no_wrap=["name"])


def _short_attributes(attributes: dict[str, AttributeValue]) -> str:
    """The attributes that fit a table cell (long ones such as titles are left to --format)."""
    short = [f"{k}={v}" for k, v in attributes.items() if len(str(v)) <= 24]
    hidden = len(attributes) - len(short)
    return ", ".join(short) + (f" (+{hidden} more)" if hidden else "")


@docs_app.command("show")
def show(
    name: str = typer.Argument(..., help="Document name."),
    project: ProjectOption = DEFAULT_PROJECT,
    units: str | None = typer.Option(
        None, "--units", help="List units of this kind: sentence, paragraph, turn."
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Show a document's attributes and text (or its units)."""
    from coder.services.documents.corpus import get_document

    doc = get_document(open_store(project), name)
    if units:
        rows = [
            {
                "kind": u.kind,
                "start": u.start,
                "end": u.end,
                "speaker": u.speaker,
                "text": doc.text[u.start : u.end],
            }
            for u in doc.units
            if u.kind == units
        ]
        emit(rows, fmt, columns=["start", "end", "speaker", "text"], title=f"{name}: {units}s")
        return
    if fmt is not ListFormat.table:
        s = doc.summary
        emit(
            [
                {
                    "name": s.name,
                    "version": s.version,
                    "characters": s.length,
                    "sha256": doc.sha256,
                    "format": s.source_format,
                    "source": s.source_path,
                    "attributes": s.attributes,
                    "text": doc.text,
                }
            ],
            fmt,
            columns=[
                "name",
                "version",
                "characters",
                "sha256",
                "format",
                "source",
                "attributes",
                "text",
            ],
        )
        return
    console = Console()
    s = doc.summary
    console.rule(f"[bold]{s.name}[/bold] (version {s.version}, {s.length} characters)")
    for key, value in s.attributes.items():
        console.print(f"[bold]{key}[/bold]: {value}", highlight=False)
    console.print(f"[dim]source: {s.source_path} ({s.source_format}); sha256 {doc.sha256}[/dim]")
    console.rule()
    console.print(doc.text, highlight=False, markup=False)

"""``coder import`` and ``coder docs list|show``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from coder.cli.common import ProjectOption, current_user, open_store
from coder.cli.output import ListFormat, emit
from coder.db.engine import Store
from coder.domain.documents import AttributeValue
from coder.errors import UsageError

docs_app = typer.Typer(help="Documents in the project.", no_args_is_help=True)


def parse_attributes(pairs: list[str]) -> dict[str, AttributeValue]:
    """``key=value`` pairs; values stay text (typed attributes come from CSV/XLSX columns)."""
    out: dict[str, AttributeValue] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--attr {pair!r}: expected key=value")
        out[key.strip()] = value.strip()
    return out


def register(app: typer.Typer) -> None:
    app.command("import")(import_)


def import_(
    files: list[Path] = typer.Argument(..., help="Files: .txt .md .docx .pdf .vtt .srt .csv .xlsx"),
    project: ProjectOption = "projects/demo.db",
    attr: list[str] = typer.Option([], "--attr", "-a", help="Set an attribute: key=value."),
    text_column: str | None = typer.Option(
        None, "--text-column", help="CSV/XLSX: the column that holds the text."
    ),
) -> None:
    """Import documents; each file in one transaction (a bad file changes nothing).

    A REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette or coder) fills
    a new or empty project with its documents, codebook, coders, codings and memos.
    """
    from coder.services.documents.corpus import import_files
    from coder.services.project.lifecycle import get_settings

    attributes = parse_attributes(attr)
    store = open_store(project)
    projects = [f for f in files if f.suffix.lower() == ".qdpx"]
    if projects:
        _import_refi_projects(store, projects, others=[f for f in files if f not in projects])
        files = [f for f in files if f not in projects]
        if not files:
            return
    err = Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=len(files) < 2 and not err.is_terminal,
    ) as bar:
        task = bar.add_task("importing", total=len(files))

        def progress(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, description=f"importing {label}" if label else "done")

        report = import_files(
            store,
            files,
            actor=current_user(),
            attributes=attributes,
            text_column=text_column,
            progress=progress,
            spacy_model=get_settings(store).spacy_model,
        )
    for name in report.imported:
        typer.echo(f"imported {name}")
    for name in report.new_versions:
        typer.echo(f"imported new version: {name}")
    for line in report.skipped:
        typer.echo(f"skipped {line}")
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    for line in report.errors:
        typer.echo(f"coder: error: {line}", err=True)
    total = len(report.imported) + len(report.new_versions)
    typer.echo(
        f"{total} document(s) imported, {len(report.skipped)} skipped, "
        f"{len(report.errors)} file(s) failed"
    )
    if report.errors:
        raise typer.Exit(1)


def _import_refi_projects(store: Store, projects: list[Path], *, others: list[Path]) -> None:
    from coder.services.exports.refi_import import import_refi_project

    if len(projects) > 1:
        raise UsageError("import one .qdpx project at a time (it fills an empty project)")
    report = import_refi_project(store, projects[0], actor=current_user())
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(
        f"{projects[0]}: imported a {report.origin} project: {len(report.documents)} document(s), "
        f"{len(report.codes_added)} code(s), {len(report.coders)} coder(s) "
        f"({', '.join(report.coders)}), {report.codings} coding(s), {report.memos} memo(s)"
    )


@docs_app.command("list")
def list_(
    project: ProjectOption = "projects/demo.db",
    name: str | None = typer.Option(None, "--name", help="Only names containing this text."),
    where: list[str] = typer.Option(
        [], "--where", "-w", help="Only documents with attribute key=value (repeatable)."
    ),
    all_versions: bool = typer.Option(False, "--all-versions", help="Include older versions."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List documents with their attributes and unit counts."""
    from coder.services.documents.corpus import list_documents

    filters = {k: str(v) for k, v in parse_attributes(where).items()}
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
    project: ProjectOption = "projects/demo.db",
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

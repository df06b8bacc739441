"""``coder import``: documents (and whole REFI-QDA projects) into the project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from coder.cli.common import (
    DEFAULT_PROJECT,
    ProjectOption,
    current_user,
    open_store,
    parse_key_values,
)
from coder.errors import UsageError

if TYPE_CHECKING:
    from coder.db.engine import Store


#: What ``coder import`` reads, for its help (a test checks it against the readers).
DOCUMENT_FORMATS = "csv docx json jsonl md ndjson odt pdf rtf srt tsv txt vtt xlsx"
REFI_PROJECT_FORMATS = ("qdpx", "qde")
FORMATS_HELP = (
    " ".join(f".{f}" for f in DOCUMENT_FORMATS.split())
    + "; REFI-QDA projects "
    + " ".join(f".{f}" for f in REFI_PROJECT_FORMATS)
)


def register(app: typer.Typer) -> None:
    """Add ``coder import`` to the main command."""
    app.command("import")(import_)


def import_(
    files: list[Path] = typer.Argument(..., help=f"Files to import: {FORMATS_HELP}."),
    project: ProjectOption = DEFAULT_PROJECT,
    attr: list[str] = typer.Option([], "--attr", "-a", help="Set an attribute: key=value."),
    text_column: list[str] = typer.Option(
        [],
        "--text-column",
        "--text-field",
        help="CSV/XLSX column or JSON field that holds the text (repeatable: one per question).",
    ),
    name_column: str | None = typer.Option(
        None,
        "--name-column",
        "--name-field",
        help="CSV/XLSX column or JSON field that names each document (default: id, name...).",
    ),
    speakers: str = typer.Option(
        "auto",
        "--speakers",
        help="Speaker turns in running text: auto (find 'Name:' labels), none, or a regular"
        " expression whose first group is the speaker.",
    ),
    new_version: bool = typer.Option(
        False,
        "--new-version",
        help="A file whose document name the project has, with another text, becomes that"
        " document's new version (keeping its attributes unless the file gives its own)"
        " instead of being refused.",
    ),
    max_bytes: int = typer.Option(
        100 * 1024 * 1024,
        "--max-bytes",
        min=1,
        help="Largest file read, in bytes; a .docx, .xlsx or .odt may also unpack to no more"
        " than this (default 100 MB).",
    ),
) -> None:
    """Import documents; each file in one transaction (a bad file changes nothing).

    A REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette or coder, or a
    bare .qde) fills a new or empty project with its documents, codebook, coders, codings and
    memos.

    Documents are never merged because their texts are equal: a file is skipped only when a
    document of the same name has the same text. A changed text under a known name is
    refused unless --new-version (see 'coder docs versions').
    """
    from coder.services.documents.corpus import import_files
    from coder.services.project.lifecycle import get_settings

    attributes = parse_key_values(attr, "--attr")
    store = open_store(project, writes=True)
    projects = [f for f in files if f.suffix.lower().removeprefix(".") in REFI_PROJECT_FORMATS]
    if projects:
        _import_refi_projects(
            store, projects, others=[f for f in files if f not in projects], speakers=speakers
        )
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
            name_column=name_column,
            speakers=speakers,
            progress=progress,
            spacy_model=get_settings(store).spacy_model,
            new_version=new_version,
            max_bytes=max_bytes,
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
    for name in report.not_attempted:
        typer.echo(f"not attempted: {name}")
    total = len(report.imported) + len(report.new_versions)
    stopped = (
        f", {len(report.not_attempted)} not attempted (the import stopped: {report.stopped_by})"
        if report.stopped_by
        else ""
    )
    typer.echo(
        f"{total} document(s) imported, {len(report.skipped)} skipped, "
        f"{len(report.errors)} file(s) failed{stopped}"
    )
    if not report.ok:
        raise typer.Exit(1)


def _import_refi_projects(
    store: Store, projects: list[Path], *, others: list[Path], speakers: str
) -> None:
    from coder.services.exports.refi_import import import_refi_project

    if len(projects) > 1:
        raise UsageError("import one REFI-QDA project at a time (it fills an empty project)")
    report = import_refi_project(store, projects[0], actor=current_user(), speakers=speakers)
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(
        f"{projects[0]}: imported a {report.origin} project: {len(report.documents)} document(s), "
        f"{len(report.codes_added)} code(s), {len(report.coders)} coder(s) "
        f"({', '.join(report.coders)}), {report.codings} coding(s), {report.memos} memo(s)"
    )

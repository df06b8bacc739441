"""``coder docs list|show|versions`` and the lead's corrections: ``rename``, ``remove``,
``set``, ``unset``, ``attributes --from``, ``current``, ``sets ...`` and ``undo``.

Every correction is one audited action that ``coder docs undo`` takes back exactly.
"""

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
    parse_key_values,
)
from coder.cli.output import ListFormat, emit
from coder.domain.documents import AttributeValue

docs_app = typer.Typer(help="Documents in the project.", no_args_is_help=True)
sets_app = typer.Typer(help="Document sets: named groups of documents.", no_args_is_help=True)
docs_app.add_typer(sets_app, name="sets")

VersionOption = typer.Option(None, "--version", "-v", help="A version (see 'coder docs versions').")


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
    in_set: str | None = typer.Option(None, "--set", help="Only the documents of this set."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List documents with their attributes and unit counts."""
    from coder.services.documents.listing import list_documents

    filters = parse_key_values(where, "--where")
    docs = list_documents(
        open_store(project),
        name_contains=name,
        where=filters,
        all_versions=all_versions,
        in_set=in_set,
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
    """Every attribute, a long value (a title, a list of speakers) cut to 24 characters with
    an ellipsis: whole in ``--format json`` or ``csv``."""
    return ", ".join(
        f"{k}={text if len(text := str(v)) <= 24 else text[:23] + '…'}"
        for k, v in attributes.items()
    )


@docs_app.command("show")
def show(
    name: str = typer.Argument(..., help="Document name."),
    project: ProjectOption = DEFAULT_PROJECT,
    units: str | None = typer.Option(
        None, "--units", help="List units of this kind: sentence, paragraph, turn."
    ),
    version: int | None = VersionOption,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    lead: LeadOption = False,
) -> None:
    """Show a document's attributes, text and memos (or its units); its current version by
    default. On a blind project the memos are your own unless --lead."""
    from coder.services.coding.memos import list_memos
    from coder.services.documents.reading import get_document

    store = open_store(project)
    doc = get_document(store, name, version)
    viewer = blind_listing_viewer(store, lead=lead, asked=[])
    memos = list_memos(store, document=name, coders=(viewer,) if viewer else ())
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
                    "memos": [
                        {
                            "id": m.id,
                            "kind": m.kind,
                            "author": m.author,
                            "on": m.target,
                            "text": m.text,
                        }
                        for m in memos
                    ],
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
                "memos",
            ],
        )
        return
    from rich.console import Console
    from rich.text import Text

    from coder.io.escaping import terminal_text

    def shown(*parts: tuple[object, str]) -> Text:
        # Names, attribute values and texts as they are: never Rich markup, no control codes.
        return Text.assemble(*((terminal_text(str(part)), style) for part, style in parts))

    console = Console()
    s = doc.summary
    console.rule(shown((s.name, "bold"), (f" (version {s.version}, {s.length} characters)", "")))
    for key, value in s.attributes.items():
        console.print(shown((key, "bold"), (f": {value}", "")), highlight=False)
    source = f"source: {s.source_path} ({s.source_format}); sha256 {doc.sha256}"
    console.print(shown((source, "dim")), highlight=False)
    console.rule()
    console.print(shown((doc.text, "")), highlight=False)
    if memos:
        console.rule(f"memos ({len(memos)})")
        for m in memos:
            console.print(shown((f"#{m.id} {m.author}", "bold"), (f" on {m.target}:", "")))
            console.print(shown((m.text, "")), highlight=False)


@docs_app.command("versions")
def versions(
    name: str = typer.Argument(..., help="Document name."),
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List a document's versions, oldest first, with their codings; the last is current."""
    from coder.services.documents.manage import document_versions

    rows = [
        {
            "version": v.summary.version,
            "current": "current" if v.current else "",
            "characters": v.summary.length,
            "turns": v.summary.unit_counts.get("turn", 0),
            "codings": v.codings,
            "format": v.summary.source_format,
            "source": v.summary.source_path,
            "imported_at": v.summary.imported_at,
        }
        for v in document_versions(open_store(project), name)
    ]
    columns = ["version", "current", "characters", "turns", "codings", "format", "source"]
    emit(rows, fmt, columns=[*columns, "imported_at"], title=f"{name}: versions")


@docs_app.command("current")
def current(
    name: str = typer.Argument(..., help="Document name."),
    version: int = typer.Option(..., "--version", "-v", help="The version to show again."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Make an older version current again, with its codings (it becomes the newest number)."""
    from coder.services.documents.manage import make_current

    change = make_current(
        open_store(project, writes=True), actor=current_user(), name=name, version=version
    )
    typer.echo(change.description)


@docs_app.command("rename")
def rename(
    old: str = typer.Argument(..., help="The document's name."),
    new: str = typer.Argument(..., help="Its new name."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Rename a document (all its versions)."""
    from coder.services.documents.manage import rename_document

    change = rename_document(
        open_store(project, writes=True), actor=current_user(), name=old, new_name=new
    )
    typer.echo(change.description)


@docs_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="Document name."),
    version: int | None = typer.Option(
        None, "--version", "-v", help="Remove only this version (default: every version)."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Remove a document with its codings, memos and decisions ('coder docs undo' restores it)."""
    from coder.services.documents.manage import removal_preview, remove_document

    store = open_store(project, writes=True)
    preview = removal_preview(store, name, version)
    if not yes:
        typer.confirm(f"Remove {preview.what} with {preview.losses}?", abort=True)
    removal = remove_document(store, actor=current_user(), name=name, version=version)
    typer.echo(f"removed {removal.what} with {removal.losses}")


@docs_app.command("set")
def set_(
    name: str = typer.Argument(..., help="Document name."),
    pairs: list[str] = typer.Argument(..., help="key=value (a value takes its key's type)."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Set attributes of a document; a number or date key keeps its type (year=2021)."""
    from coder.services.documents.manage import edit_attributes

    values = parse_key_values(pairs, "set")
    change = edit_attributes(
        open_store(project, writes=True), actor=current_user(), name=name, values=values
    )
    typer.echo(change.description)


@docs_app.command("unset")
def unset(
    name: str = typer.Argument(..., help="Document name."),
    keys: list[str] = typer.Argument(..., help="Attribute names."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Remove attributes from a document."""
    from coder.services.documents.manage import edit_attributes

    change = edit_attributes(
        open_store(project, writes=True), actor=current_user(), name=name, unset=keys
    )
    typer.echo(change.description)


@docs_app.command("attributes")
def attributes(
    sheet: Path = typer.Option(..., "--from", help="A .csv/.tsv/.xlsx sheet: a row per document."),
    key_column: str = typer.Option(
        "name", "--key-column", help="The column that holds the documents' names."
    ),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Set attributes from a sheet (NVivo's classification sheet): one row per document, the
    other columns its attributes, typed per column. Empty cells change nothing; an unknown
    name changes nothing at all."""
    from coder.services.documents.manage import attributes_from_sheet

    report = attributes_from_sheet(
        open_store(project, writes=True), actor=current_user(), path=sheet, key_column=key_column
    )
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(f"set {report.values} value(s) of {len(report.documents)} document(s)")


@docs_app.command("undo")
def undo(project: ProjectOption = DEFAULT_PROJECT) -> None:
    """Undo your latest action: a rename, removal, attributes, version or set change (or a
    coding, memo, code or decision, whichever was last)."""
    from coder.services.undo import undo_latest

    result = undo_latest(open_store(project, writes=True), actor=current_user())
    typer.echo(result.description if result else "nothing to undo")


@sets_app.command("list")
def sets_list(
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List document sets with their documents."""
    from coder.services.documents.sets import list_sets

    rows = [
        {
            "set": s.name,
            "documents": len(s.documents),
            "names": ", ".join(s.documents) if fmt is ListFormat.table else list(s.documents),
            "description": s.description,
        }
        for s in list_sets(open_store(project))
    ]
    emit(rows, fmt, columns=["set", "documents", "names", "description"], title="Document sets")


@sets_app.command("create")
def sets_create(
    name: str = typer.Argument(..., help="The set's name."),
    description: str = typer.Option("", "--description", "-d", help="What the set is for."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Create an empty document set."""
    from coder.services.documents.sets import create_set

    create_set(
        open_store(project, writes=True), actor=current_user(), name=name, description=description
    )
    typer.echo(f"created document set {name!r}")


@sets_app.command("delete")
def sets_delete(
    name: str = typer.Argument(..., help="The set's name."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Delete a document set (its documents stay)."""
    from coder.services.documents.sets import delete_set

    held = delete_set(open_store(project, writes=True), actor=current_user(), name=name)
    typer.echo(f"deleted document set {name!r} ({held} document(s) stay in the project)")


@sets_app.command("add")
def sets_add(
    name: str = typer.Argument(..., help="The set's name."),
    documents: list[str] = typer.Argument(..., help="Documents to add."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Add documents to a set."""
    from coder.services.documents.sets import add_to_set

    added = add_to_set(
        open_store(project, writes=True), actor=current_user(), name=name, documents=documents
    )
    typer.echo(f"added {len(added)} document(s) to {name!r}")


@sets_app.command("remove")
def sets_remove(
    name: str = typer.Argument(..., help="The set's name."),
    documents: list[str] = typer.Argument(..., help="Documents to take out."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Take documents out of a set (they stay in the project)."""
    from coder.services.documents.sets import remove_from_set

    removed = remove_from_set(
        open_store(project, writes=True), actor=current_user(), name=name, documents=documents
    )
    typer.echo(f"took {len(removed)} document(s) out of {name!r}")

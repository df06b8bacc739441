"""``coder memos list|show|add|edit|undo``: every memo of the project, outside the TUI.

A memo is on a coding, a document or a code, or on nothing: the project journal. Each is
written by one coder; on a blind project a coder reads only their own unless ``--lead``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from coder.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from coder.db.engine import Store

app = typer.Typer(
    help="Memos on codings, documents and codes, and the project journal.", no_args_is_help=True
)

AS_OPTION = typer.Option(
    None, "--as", help="Whose memo: a coder (default: $CODER_USER or your login)."
)


def register(parent: typer.Typer) -> None:
    """Add the ``coder memos`` command group to the main command."""
    parent.add_typer(app, name="memos")


@app.command("list")
def list_(
    project: ProjectOption = DEFAULT_PROJECT,
    kind: list[str] = typer.Option(
        [], "--kind", "-k", help="Only this kind: coding, document, code, project (repeatable)."
    ),
    coder: list[str] = typer.Option([], "--coder", "-c", help="Only this author (repeatable)."),
    document: str | None = typer.Option(
        None, "--doc", "-d", help="Only memos on this document or on its codings."
    ),
    code: str | None = typer.Option(
        None, "--code", help="Only memos on this code or its sub-codes, or on their codings."
    ),
    search: str | None = typer.Option(
        None,
        "--search",
        "-s",
        help="Only memos mentioning every one of these words (by lemma, as document"
        " search: 'partner' finds 'partnerships').",
    ),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    lead: LeadOption = False,
) -> None:
    """List memos, oldest first (on a blind project, your own unless --lead). --search matches
    each word as plain text, any case, anywhere in the memo."""
    from coder.services.coding.memos import list_memos

    store = open_store(project)
    viewer = blind_listing_viewer(store, lead=lead, asked=coder)
    memos = list_memos(
        store,
        kinds=tuple(kind),
        coders=(viewer,) if viewer is not None else tuple(coder),
        document=document,
        code=code,
        search=search,
    )
    table = fmt is ListFormat.table
    rows = [
        {
            "id": m.id,
            "kind": m.kind,
            "author": m.author,
            "on": m.target,
            "document": m.document,
            "code": m.code,
            "coding_id": m.coding_id,
            "text": clip(m.text, 60) if table else m.text,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
        }
        for m in memos
    ]
    columns = ["id", "kind", "author", "on", "text"]
    if not table:
        columns = [
            *columns[:4],
            "document",
            "code",
            "coding_id",
            "text",
            "created_at",
            "updated_at",
        ]
    emit(rows, fmt, columns=columns, title=f"Memos ({len(rows)})")


@app.command("show")
def show(
    memo_id: int = typer.Argument(..., help="The memo's id (see 'coder memos list')."),
    project: ProjectOption = DEFAULT_PROJECT,
    lead: LeadOption = False,
) -> None:
    """Show one memo whole: its kind, author, what it is on, and its text."""
    from coder.services.coding.memos import memo_by_id

    store = open_store(project)
    viewer = blind_listing_viewer(store, lead=lead, asked=[])
    memo = memo_by_id(store, memo_id)
    if viewer is not None and memo.author.casefold() != viewer.casefold():
        raise NotFoundError(f"{viewer} has no memo with id {memo_id} (the project is blind)")
    from coder.io.escaping import terminal_text

    typer.echo(terminal_text(f"memo {memo.id} ({memo.kind}) by {memo.author} on {memo.target}"))
    typer.echo(
        f"written {memo.created_at:%Y-%m-%d %H:%M}, changed {memo.updated_at:%Y-%m-%d %H:%M}"
    )
    typer.echo("")
    typer.echo(terminal_text(memo.text))


@app.command("add")
def add(
    text: str = typer.Argument(..., help="The memo's text."),
    project: ProjectOption = DEFAULT_PROJECT,
    document: str | None = typer.Option(None, "--doc", "-d", help="On this document."),
    code: str | None = typer.Option(None, "--code", help="On this code (a path like Theme/Code)."),
    coding: int | None = typer.Option(None, "--coding", help="On one of your codings, by id."),
    actor: str | None = AS_OPTION,
) -> None:
    """Write your memo on a document, a code or a coding (replacing your memo there), or with
    no target a new entry of the project journal. Undo with 'coder memos undo'."""
    from coder.services.coding.memos import add_journal_entry, set_memo

    store = open_store(project, writes=True)
    me = actor or current_user(store)
    if sum(target is not None for target in (document, code, coding)) > 1:
        raise UsageError("a memo is on one thing: give at most one of --doc, --code, --coding")
    if document is None and code is None and coding is None:
        typer.echo(f"added journal entry {add_journal_entry(store, coder=me, text=text)}")
        return
    done = set_memo(
        store,
        coder=me,
        text=text,
        coding_id=coding,
        document_id=_document_id(store, document) if document is not None else None,
        code_id=_code_id(store, code) if code is not None else None,
    )
    typer.echo(f"memo: {done}")


@app.command("edit")
def edit(
    memo_id: int = typer.Argument(..., help="The memo's id (see 'coder memos list')."),
    text: str = typer.Argument(..., help="Its new text ('' deletes it)."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = AS_OPTION,
) -> None:
    """Rewrite one of your own memos (an empty text deletes it)."""
    from coder.services.coding.memos import edit_memo

    store = open_store(project, writes=True)
    done = edit_memo(store, coder=actor or current_user(store), memo_id=memo_id, text=text)
    typer.echo(f"memo {memo_id}: {done}")


@app.command("undo")
def undo(project: ProjectOption = DEFAULT_PROJECT, actor: str | None = AS_OPTION) -> None:
    """Undo your latest action (a memo, or whatever you did last)."""
    from coder.services.undo import undo_latest

    store = open_store(project, writes=True)
    done = undo_latest(store, actor=actor or current_user(store))
    typer.echo(done.description if done else "nothing to undo")


def _document_id(store: Store, name: str) -> int:
    from coder.services.documents.reading import require_document

    with store.read() as session:
        return require_document(session, name).id


def _code_id(store: Store, path: str) -> int:
    from coder.services.codebook.codes import require_code

    with store.read() as session:
        return require_code(session, path).id

"""``coder codes list|merge|group|split|move|rename|retire|history|undo|align``: codes.

Codes are named by path (``Motives/Credibility``) or by id (``#12``). Every operation is in the
audit log and ``coder codes undo`` reverts the latest one exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from coder.cli.common import (
    DEFAULT_PROJECT,
    LeadOption,
    ProjectOption,
    blind_listing_viewer,
    coder_pair,
    current_user,
    open_store,
)
from coder.cli.output import ListFormat, clip, emit

if TYPE_CHECKING:
    from coder.db.engine import Store

app = typer.Typer(help="Codes in the project's codebook.", no_args_is_help=True)

ActorOption = typer.Option(
    None, "--as", help="Who acts, for the audit log (default: $CODER_USER or your login)."
)


def register(parent: typer.Typer) -> None:
    """Add the ``coder codes`` command group to the main command."""
    parent.add_typer(app, name="codes")


def code_id(store: Store, ref: str) -> int:
    """A code's id from its path or ``#ID`` (merged codes resolve too: they are aliases)."""
    from coder.services.codebook.codes import require_code

    if ref.startswith("#") and ref[1:].isdigit():
        return int(ref[1:])
    with store.read() as session:
        return require_code(session, ref).id


def _coder_actor(store: Store, actor: str | None) -> str:
    """Single-code edits are made by a coder: register the actor as one if new."""
    from coder.services.project.coders import ensure_coder

    name = actor or current_user(store)
    return ensure_coder(store, name, actor=name).name


@app.command("list")
def list_(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Show what this coder sees (blind rules) and their counts."
    ),
    all_: bool = typer.Option(False, "--all", help="Include merged and retired codes."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
    lead: LeadOption = False,
) -> None:
    """List codes as a tree with definitions and the number of codings: a code's own
    ("codings") and with those of the codes under it ("with sub-codes", a theme's total). On a
    blind project, the shared codes and your own, with your counts, unless --lead."""
    from coder.domain.codebook import CODE_FIELDS, code_fields
    from coder.services.codebook.codes import coding_counts, list_codes, with_sub_codes

    store = open_store(project)
    coder = blind_listing_viewer(store, lead=lead, asked=[coder] if coder else []) or coder
    codes = list_codes(store, viewer=coder, include_inactive=all_)
    counts = coding_counts(store, coder=coder)
    totals = with_sub_codes(counts)
    rows = []
    for c in codes:
        label = str(c.path) if fmt is not ListFormat.table else "  " * (c.path.depth - 1) + c.name
        rows.append(
            {
                "code": label,
                "path": str(c.path),
                **code_fields(c),
                "status": c.status,
                "codings": counts.get(c.path, 0),
                "with_sub_codes": totals.get(c.path, 0),
            }
        )
    if fmt is ListFormat.table:
        emit(rows, fmt, columns=["code", "codings", "with_sub_codes", "definition"], title="Codes")
    else:
        emit(rows, fmt, columns=["path", *CODE_FIELDS, "status", "codings", "with_sub_codes"])


@app.command("merge")
def merge(
    source: str = typer.Argument(..., help="The code to merge away (it stays as an alias)."),
    target: str = typer.Argument(..., help="The code that receives its codings."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Merge SOURCE into TARGET: every coding moves; SOURCE's definition goes into history."""
    from coder.services.codebook.themes import merge_codes

    store = open_store(project, writes=True)
    result = merge_codes(
        store,
        actor=actor or current_user(store),
        source_id=code_id(store, source),
        target_id=code_id(store, target),
    )
    typer.echo(result.description)


@app.command("group")
def group(
    codes: list[str] = typer.Argument(..., help="Codes to put under the theme."),
    theme: str = typer.Option(
        ..., "--theme", "-t", help="The theme: an existing code or a new name."
    ),
    under: str | None = typer.Option(None, "--under", help="Parent of a new theme."),
    definition: str = typer.Option("", "--definition", help="Definition of a new theme."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Group codes under a theme (a parent code, created if it does not exist)."""
    from coder.errors import NotFoundError
    from coder.services.codebook.themes import group_codes

    store = open_store(project, writes=True)
    try:
        existing: str | int = code_id(store, theme)
    except NotFoundError:
        existing = theme
    result = group_codes(
        store,
        actor=actor or current_user(store),
        code_ids=[code_id(store, c) for c in codes],
        theme=existing,
        parent_id=code_id(store, under) if under else None,
        definition=definition,
    )
    typer.echo(result.description)


@app.command("split")
def split(
    code: str = typer.Argument(..., help="The code to split."),
    codings: list[int] = typer.Option(..., "--coding", help="Id of a coding to move (repeat)."),
    name: str = typer.Option(..., "--name", "-n", help="Name of the new code beside it."),
    definition: str = typer.Option("", "--definition", help="Definition of the new code."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Split a code: move the chosen codings to a new code beside it."""
    from coder.services.codebook.themes import split_code

    store = open_store(project, writes=True)
    result = split_code(
        store,
        actor=actor or current_user(store),
        code_id=code_id(store, code),
        coding_ids=codings,
        name=name,
        definition=definition,
    )
    typer.echo(result.description)


@app.command("move")
def move(
    code: str = typer.Argument(..., help="The code to move (with its sub-codes)."),
    under: str | None = typer.Option(None, "--under", help="New parent (omit for the top)."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Move a code under another parent, or to the top level."""
    from coder.services.codebook.edit import move_code

    store = open_store(project, writes=True)
    view = move_code(
        store,
        actor=_coder_actor(store, actor),
        code_id=code_id(store, code),
        parent_id=code_id(store, under) if under else None,
    )
    typer.echo(f"moved to {view.path}")


@app.command("rename")
def rename(
    code: str = typer.Argument(..., help="The code to rename."),
    name: str = typer.Argument(..., help="Its new name."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Rename a code."""
    from coder.services.codebook.edit import rename_code

    store = open_store(project, writes=True)
    view = rename_code(
        store, actor=_coder_actor(store, actor), code_id=code_id(store, code), name=name
    )
    typer.echo(f"renamed to {view.path}")


@app.command("retire")
def retire(
    code: str = typer.Argument(..., help="The code to retire (its codings stay)."),
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Retire a code: it keeps its codings but can no longer be applied."""
    from coder.services.codebook.edit import retire_code

    store = open_store(project, writes=True)
    view = retire_code(store, actor=_coder_actor(store, actor), code_id=code_id(store, code))
    typer.echo(f"retired {view.path}")


@app.command("history")
def history(
    code: str = typer.Argument(..., help="The code."),
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The codes merged into a code: their names and definitions, who merged them and when."""
    from coder.services.codebook.themes import code_history

    store = open_store(project)
    rows = code_history(store, code_id(store, code))
    emit(rows, fmt, columns=["event", "path", "definition", "actor", "at"])


@app.command("undo")
def undo(
    project: ProjectOption = DEFAULT_PROJECT,
    actor: str | None = ActorOption,
) -> None:
    """Undo your latest action: a codebook operation (merge, group, split, move, rename,
    retire), a coding, a memo or a decision."""
    from coder.services.undo import undo_latest

    store = open_store(project, writes=True)
    done = undo_latest(store, actor=actor or current_user(store))
    typer.echo(done.description if done else "nothing to undo")


@app.command("align")
def align(
    coders: list[str] = typer.Option(..., "--coders", "-c", help="The two coders: A B."),
    project: ProjectOption = DEFAULT_PROJECT,
    top: int = typer.Option(20, "--top", help="How many scored pairs to list (0: all)."),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Align two coders' codes: overlap of their codings and likeness of names and definitions."""
    from coder.services.codebook.alignment import align_codes

    names = coder_pair(coders)
    result = align_codes(open_store(project), first=names[0], second=names[1])
    pairs = result.ranked if top == 0 else result.ranked[:top]
    rows = [
        {
            names[0]: str(p.first.path),
            names[1]: str(p.second.path),
            "jaccard": round(p.jaccard, 3),
            "words": round(p.similarity, 3),
            "score": round(p.score, 3),
            "both_units": p.both,
            "suggest": "same code" if p.same else ("merge" if p in result.suggestions else ""),
            "first_definition": clip(p.first.definition, 60),
            "second_definition": clip(p.second.definition, 60),
        }
        for p in pairs
    ]
    columns = [names[0], names[1], "jaccard", "words", "score", "both_units", "suggest"]
    if fmt is not ListFormat.table:
        columns += ["first_definition", "second_definition"]
    emit(rows, fmt, columns=columns, title=f"Code alignment: {names[0]} x {names[1]}")
    if fmt is ListFormat.table:
        for p in result.suggestions:
            typer.echo(f"suggest: coder codes merge '{p.second.path}' '{p.first.path}'")

"""``coder coders add|list``."""

from __future__ import annotations

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store
from coder.cli.output import ListFormat, emit

app = typer.Typer(help="Coders: the people who code.", no_args_is_help=True)


def register(parent: typer.Typer) -> None:
    """Add the ``coder coders`` command group to the main command."""
    parent.add_typer(app, name="coders")


@app.command("add")
def add(
    names: list[str] = typer.Argument(..., help="One or more coder names."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Register coders in the project."""
    from coder.services.project.coders import add_coder

    store = open_store(project, writes=True)
    for name in names:
        view = add_coder(store, name, actor=current_user())
        typer.echo(f"added coder {view.name}")


@app.command("list")
def list_(
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the project's coders."""
    from coder.services.project.coders import list_coders

    rows = [vars(c) for c in list_coders(open_store(project))]
    emit(rows, fmt, columns=["name", "kind", "created_at"], title="Coders")

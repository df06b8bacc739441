"""``coder init``: a new, empty project."""

from __future__ import annotations

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, project_of_command
from coder.domain.documents import UnitKind


def register(app: typer.Typer) -> None:
    """Add ``coder init`` to the main command."""
    app.command("init")(init)


def init(
    project: ProjectOption = DEFAULT_PROJECT,
    name: str | None = typer.Option(None, "--name", help="Project name (default: file name)."),
    blind: bool = typer.Option(True, "--blind/--open", help="Coders see only their own work."),
    unit: UnitKind = typer.Option(UnitKind.SENTENCE, "--unit", help="Default unit of analysis."),
    spacy_model: str | None = typer.Option(
        None, "--spacy-model", help="Installed spaCy pipeline to use (default: blank English)."
    ),
) -> None:
    """Create a new, empty project."""
    from coder.services.project.lifecycle import create_project

    store = project_of_command(
        create_project(project, name=name, blind=blind, default_unit=unit, spacy_model=spacy_model)
    )
    typer.echo(f"created project {store.display_name}")

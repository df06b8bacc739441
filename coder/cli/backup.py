"""``coder backup``: a consistent copy of a project while coders keep working."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, open_store


def register(app: typer.Typer) -> None:
    """Add ``coder backup`` to the main command."""
    app.command("backup")(backup)


def backup(
    project: ProjectOption = DEFAULT_PROJECT,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Backup file (default: PROJECT-YYYYmmdd-HHMMSS.backup.db)."
    ),
) -> None:
    """Write a consistent copy of the project to a SQLite file while coders keep working."""
    from coder.services.project.maintenance import backup_project

    report = backup_project(open_store(project, any_schema=True), output)
    typer.echo(
        f"backed up {report.source} to {report.path} ({report.bytes:,} bytes, {report.method});"
        " integrity check passed"
    )

"""``coder check``: verify a project's storage, hashes, references and code tree."""

from __future__ import annotations

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, open_store


def register(app: typer.Typer) -> None:
    """Add ``coder check`` to the main command."""
    app.command("check")(check)


def check(project: ProjectOption = DEFAULT_PROJECT) -> None:
    """Verify a project: storage integrity, document hashes, references, offsets, code tree."""
    from coder.services.project.check import check_project

    report = check_project(open_store(project))
    counts = ", ".join(f"{n} {t}" for t, n in report.counts.items() if n)
    if report.ok:
        typer.echo(f"{report.project}: ok ({counts})")
        return
    for problem in report.problems:
        typer.echo(f"{report.project}: {problem}", err=True)
    typer.echo(f"{report.project}: {len(report.problems)} problem(s) found", err=True)
    raise typer.Exit(1)

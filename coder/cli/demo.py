"""``coder demo``: build the demo project, then open it in the coding TUI."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.code import open_tui
from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user


def register(app: typer.Typer) -> None:
    """Add ``coder demo`` to the main command."""
    app.command("demo")(demo)


def demo(
    project: ProjectOption = DEFAULT_PROJECT,
    no_tui: bool = typer.Option(False, "--no-tui", help="Build the project but do not open it."),
    fresh: bool = typer.Option(
        False, "--fresh", help="Rebuild: an existing demo is kept as a timestamped backup."
    ),
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Who codes in the TUI (default: $CODER_USER or your login)."
    ),
    seeds: Path | None = typer.Option(
        None, "--seeds", help="Seed corpus folder (default: seeds/, installed with coder)."
    ),
    codebook: Path | None = typer.Option(
        None,
        "--codebook",
        help="Example codebook (default: codebooks/evidence-partnerships.yaml, installed).",
    ),
) -> None:
    """Build the demo project from seeds/ and the example codebook, then open the TUI."""
    from coder.services.project.demo import build_demo, existing_demo, set_aside

    user = coder or current_user()
    existing = existing_demo(project)
    if existing is not None and fresh:
        typer.echo(f"kept the previous demo as {set_aside(existing)}")
        existing = None
    if existing is not None:
        typer.echo(f"{existing} exists: opening it (use --fresh to rebuild)")
    else:
        summary = build_demo(
            project, seeds=seeds, codebook=codebook, user=user, progress=typer.echo
        )
        typer.echo(
            f"built {summary.path}: {summary.documents} documents, {summary.codes} codes, "
            + ", ".join(f"{n} codings by {c}" for c, n in summary.example_codings.items())
            + " (example data)"
        )
    if not no_tui:
        open_tui(project, user)

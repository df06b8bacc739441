"""``coder init``, ``coder demo`` and ``coder code``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store
from coder.domain.documents import UnitKind


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("code")(code)


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

    store = create_project(
        project, name=name, blind=blind, default_unit=unit, spacy_model=spacy_model
    )
    typer.echo(f"created project {store.display_name}")


def demo(
    project: ProjectOption = DEFAULT_PROJECT,
    no_tui: bool = typer.Option(False, "--no-tui", help="Build the project but do not open it."),
    fresh: bool = typer.Option(
        False, "--fresh", help="Rebuild: an existing demo is kept as a timestamped backup."
    ),
    coder: str | None = typer.Option(
        None, "--coder", "-c", help="Who codes in the TUI (default: $CODER_USER or your login)."
    ),
    seeds: Path = typer.Option(Path("seeds"), "--seeds", help="Seed corpus folder."),
    codebook: Path = typer.Option(
        Path("codebooks/evidence-partnerships.yaml"), "--codebook", help="Example codebook."
    ),
) -> None:
    """Build the demo project from seeds/ and the example codebook, then open the TUI."""
    from coder.db.engine import project_url, sqlite_path
    from coder.services.project.demo import build_demo

    user = coder or current_user()
    path = sqlite_path(project_url(project))
    exists = path.exists() if path is not None else False
    if exists and fresh and path is not None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.{stamp}.bak")
        for suffix in ("", "-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                side.rename(Path(f"{backup}{suffix}"))
        typer.echo(f"kept the previous demo as {backup}")
        exists = False
    if exists:
        typer.echo(f"{path} exists: opening it (use --fresh to rebuild)")
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
        _open_tui(project, user)


def code(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: str | None = typer.Option(
        None, "--coder", "-c", envvar="CODER_USER", help="Your coder name (added if new)."
    ),
) -> None:
    """Open the coding TUI."""
    _open_tui(project, coder or current_user())


def _open_tui(project: str, coder: str) -> None:
    from coder.services.project.coders import ensure_coder
    from coder.tui.app import make_app

    store = open_store(project)
    ensure_coder(store, coder, actor=coder)
    make_app(store, coder=coder).run()

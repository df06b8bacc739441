"""``coder code``: the coding TUI."""

from __future__ import annotations

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store


def register(app: typer.Typer) -> None:
    """Add ``coder code`` to the main command."""
    app.command("code")(code)


def code(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: str | None = typer.Option(
        None, "--coder", "-c", envvar="CODER_USER", help="Your coder name (added if new)."
    ),
    served: bool = typer.Option(
        False,
        "--served",
        help="Run as 'coder serve' does: exports only into the project's export folder.",
    ),
) -> None:
    """Open the coding TUI."""
    open_tui(project, coder or current_user(), served=served)


def open_tui(project: str, coder: str, *, served: bool = False) -> None:
    """Open the coding TUI on ``project`` for ``coder``, who is registered if new."""
    from coder.services.project.coders import ensure_coder
    from coder.tui.app import make_app

    store = open_store(project)
    ensure_coder(store, coder, actor=coder)
    make_app(store, coder=coder, served=served).run()

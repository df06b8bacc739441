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
    open_tui(project, coder, served=served)


def open_tui(project: str, coder: str | None, *, served: bool = False) -> None:
    """Open the coding TUI on ``project`` for ``coder``, who is registered if new.

    Over a coder's own login to a server, the coder is the login's.
    """
    from coder.errors import ConflictError
    from coder.services.project.coders import ensure_coder
    from coder.services.project.team import connected_coder
    from coder.tui.app import make_app

    store = open_store(project, writes=True)
    login = connected_coder(store)
    if login is not None and coder not in (None, login):
        raise ConflictError(
            f"this is {login}'s login to the project: it codes as {login}, not {coder}"
        )
    name = login or coder or current_user()
    ensure_coder(store, name, actor=name)
    make_app(store, coder=name, served=served).run()

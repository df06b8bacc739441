"""``coder serve``: the coding TUI in a web browser (textual-serve)."""

from __future__ import annotations

import os
import shlex
import sys

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store
from coder.errors import MissingExtraError

#: Hosts that only this machine can reach.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def register(app: typer.Typer) -> None:
    """Add ``coder serve`` to the main command."""
    app.command("serve")(serve)


def tui_command(coder: str) -> str:
    """The shell command textual-serve runs for each browser session.

    The project travels in ``CODER_PROJECT`` (inherited by the child), not on the command
    line, so a database password never shows in the process list.
    """
    return shlex.join([sys.executable, "-m", "coder", "code", "--coder", coder])


def serve(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: str | None = typer.Option(
        None, "--coder", "-c", envvar="CODER_USER", help="Who codes (default: $CODER_USER)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; 0.0.0.0 exposes it to the network."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the coding TUI to a web browser at http://HOST:PORT/."""
    try:
        from textual_serve.server import Server
    except ModuleNotFoundError as exc:
        raise MissingExtraError("coder serve", "serve") from exc

    from coder.services.project.coders import ensure_coder
    from coder.services.project.team import connected_coder

    store = open_store(project)
    name = coder or connected_coder(store) or current_user()
    ensure_coder(store, name, actor=name)
    store.dispose()
    os.environ["CODER_PROJECT"] = project
    if host not in LOCAL_HOSTS:
        typer.echo(
            f"warning: listening on {host}: anyone who reaches this port codes as {name}"
            " (there is no login page); prefer an SSH tunnel to 127.0.0.1",
            err=True,
        )
    typer.echo(f"serving the coding TUI for {name} at http://{host}:{port}/ (Ctrl+C stops)")
    Server(tui_command(name), host=host, port=port, title=f"coder: {name}").serve()

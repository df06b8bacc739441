"""``coder serve``: the coding TUI in a web browser (textual-serve), behind a token."""

from __future__ import annotations

import os
import secrets
import shlex
import socket
import sys

import typer

from coder.cli.common import DEFAULT_PROJECT, ProjectOption, current_user, open_store
from coder.errors import ConflictError, MissingExtraError, UsageError

#: Hosts that only this machine can reach.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Where ``--token`` may come from instead of the command line (which others can see).
TOKEN_ENV = "CODER_SERVE_TOKEN"
#: The shortest token accepted from the user (a generated one is 43 characters).
MIN_TOKEN = 16

HOST_HELP = (
    "Address to listen on. The default reaches this machine only (use an SSH tunnel from"
    " elsewhere). 0.0.0.0 exposes the coding screen to the network: anyone with the token"
    " codes as --coder, over plain HTTP (no TLS; put a reverse proxy with TLS in front)."
)


def register(app: typer.Typer) -> None:
    """Add ``coder serve`` to the main command."""
    app.command("serve")(serve)


def tui_command(coder: str) -> str:
    """The shell command textual-serve runs for each browser session.

    The project travels in ``CODER_PROJECT`` (inherited by the child), not on the command
    line, so a database password never shows in the process list. ``exec``: one process per
    session, not a shell and its child. ``--served`` keeps the TUI's exports in the project's
    export folder.
    """
    return "exec " + shlex.join(
        [sys.executable, "-m", "coder", "code", "--coder", coder, "--served"]
    )


def address(host: str, port: int, token: str, public_url: str | None) -> str:
    """The address to open, token included, as a browser would reach this server."""
    if public_url:
        return f"{public_url.rstrip('/')}/?token={token}"
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(
    project: ProjectOption = DEFAULT_PROJECT,
    coder: str | None = typer.Option(
        None, "--coder", "-c", envvar="CODER_USER", help="Who codes (default: $CODER_USER)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help=HOST_HELP),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar=TOKEN_ENV,
        show_envvar=True,
        help="The login token (default: a new random one, printed once). Prefer the"
        " environment variable: a command line is visible to other users.",
    ),
    max_sessions: int = typer.Option(
        4,
        "--max-sessions",
        min=1,
        help="Browser tabs served at once (each runs its own TUI process, about 100 MB).",
    ),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        help="The address browsers use when it is not this server's own, e.g. behind a"
        " reverse proxy with TLS: https://coder.example.org. Only pages from it may connect.",
    ),
) -> None:
    """Serve the coding TUI to a web browser.

    Prints the address to open once, with its login token (as Jupyter does). Only a page
    opened with the token, from this server's own address, gets a session.
    """
    try:
        import textual_serve.server  # noqa: F401 (the optional extra serve_web builds on)
    except ModuleNotFoundError as exc:
        raise MissingExtraError("coder serve", "serve") from exc

    from coder.cli.serve_web import CoderServer, Gate
    from coder.services.project.coders import ensure_coder
    from coder.services.project.team import connected_coder

    if token is not None and len(token) < MIN_TOKEN:
        raise UsageError(f"--token: use at least {MIN_TOKEN} characters")
    token = token or secrets.token_urlsafe(32)
    # The sessions need neither: the token stays in this process.
    os.environ.pop(TOKEN_ENV, None)

    store = open_store(project, writes=True)
    login = connected_coder(store)
    if login is not None and coder is not None and coder.casefold() != login.casefold():
        store.dispose()
        raise ConflictError(
            f"this is {login}'s login to the project: it serves {login}, not {coder}"
        )
    name = login or coder or current_user()
    ensure_coder(store, name, actor=name)
    store.dispose()
    os.environ["CODER_PROJECT"] = project
    if host not in LOCAL_HOSTS:
        typer.echo(
            f"warning: listening on {host}: anyone who has the token and reaches this port codes"
            f" as {name}, over plain HTTP; prefer an SSH tunnel to 127.0.0.1 or a TLS proxy",
            err=True,
        )
    typer.echo(
        f"serving the coding TUI for {name} at {address(host, port, token, public_url)}"
        f" (at most {max_sessions} tabs; Ctrl+C stops)"
    )
    gate = Gate(token, host, public_url, cookie=f"coder-serve-{port}")
    CoderServer(
        tui_command(name),
        gate,
        max_sessions=max_sessions,
        host=host,
        port=port,
        title=f"coder: {name}",
    ).serve()

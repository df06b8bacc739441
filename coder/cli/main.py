"""The ``coder`` command: every command wired in one place, and error handling.

Each top-level command has its own module, ``coder <name>`` -> ``coder/cli/<name>.py``:

=========================================  ===========================
command                                    module
=========================================  ===========================
``coder init``                             ``cli/init.py``
``coder demo``                             ``cli/demo.py``
``coder code``                             ``cli/code.py``
``coder import``                           ``cli/import_.py``
``coder agreement``                        ``cli/agreement.py``
``coder export``                           ``cli/export.py``
``coder reconcile ...``                    ``cli/reconcile.py``
``coder round start|close``, ``rounds``    ``cli/rounds.py``
``coder backup``                           ``cli/backup.py``
``coder check``                            ``cli/check.py``
``coder serve``                            ``cli/serve.py``
``coder project copy|login|logout``        ``cli/project.py``
``coder docs list|show|rename|...|sets``   ``cli/docs.py``
``coder coders add|list``                  ``cli/coders.py``
``coder codes list|merge|...|undo|align``  ``cli/codes.py``
``coder codings list|import``              ``cli/codings.py``
``coder codebook import|export|diff``      ``cli/codebook.py``
=========================================  ===========================

Options shared by the commands are in ``cli/common.py``; table/JSON/CSV printing in
``cli/output.py``. Every module has ``register(app)``; the order below is the order of
``coder --help`` (commands first, then command groups, each in registration order).
"""

from __future__ import annotations

import sys

import typer

from coder import __version__
from coder.cli import (
    agreement,
    backup,
    check,
    code,
    codebook,
    coders,
    codes,
    codings,
    demo,
    docs,
    export,
    import_,
    init,
    project,
    reconcile,
    rounds,
    serve,
)
from coder.errors import CoderError

app = typer.Typer(
    name="coder",
    help="Qualitative thematic coding: import texts, code blind, measure agreement, reconcile.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coder {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """coder: a keyboard-first workbench for team-based qualitative coding."""


for command in (
    init,
    demo,
    code,
    import_,
    agreement,
    export,
    reconcile,
    rounds,
    backup,
    check,
    serve,
    project,
    docs,
    coders,
    codes,
    codings,
    codebook,
):
    command.register(app)


#: Options that take several values after one flag (``--coders A B``), as the docs show them.
MULTI_VALUE_OPTIONS = frozenset({"--coders"})


def expand_multi_value_options(argv: list[str]) -> list[str]:
    """Rewrite ``--coders A B`` as ``--coders A --coders B`` for the parser."""
    out: list[str] = []
    current: str | None = None
    for token in argv:
        if token in MULTI_VALUE_OPTIONS:
            current = token
            out.append(token)
            continue
        if current is not None and not token.startswith("-"):
            if out[-1] != current:
                out.append(current)
            out.append(token)
            continue
        current = None
        out.append(token)
    return out


def run(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning known errors into one-line messages and exit codes.

    Usage errors are reported by the command parser itself (exit status 2); a
    :class:`CoderError` becomes ``coder: error: <message>`` with its exit status, and so does
    a failure of the database (a server that refuses a coder's login what needs the lead).
    """
    command = typer.main.get_command(app)
    args = expand_multi_value_options(list(sys.argv[1:] if argv is None else argv))
    try:
        command.main(args=args, prog_name="coder", standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except CoderError as exc:
        typer.echo(f"coder: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("coder: interrupted", err=True)
        return 130
    except Exception as exc:
        message = database_failure(exc)
        if message is None:
            raise
        typer.echo(f"coder: error: {message}", err=True)
        return 1
    return 0


def database_failure(exc: Exception) -> str | None:
    """The one line for a failure of the database under a command, None for anything else."""
    if "sqlalchemy" not in sys.modules:  # nothing touched a database: not one of its errors
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from coder.services.failures import describe_failure

    return describe_failure(exc) if isinstance(exc, SQLAlchemyError) else None


def entry() -> None:
    """The ``coder`` console script."""
    sys.exit(run())

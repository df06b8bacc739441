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
``coder memos list|show|add|edit|undo``    ``cli/memos.py``
=========================================  ===========================

Options shared by the commands are in ``cli/common.py``; table/JSON/CSV printing in
``cli/output.py``. Every module has ``register(app)``; :data:`COMMANDS` names the module of each
command in the order of ``coder --help`` (commands first, then command groups). A module is
imported only when its command runs or help lists it, so a command's start-up pays for what
that command uses and nothing else (``benchmarks/startup_bench.py``).
"""

from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo, TyperInfo

from coder import __version__
from coder.errors import CoderError, describe_os_error

#: Every ``coder <name>`` and the module under ``coder/cli`` whose ``register(app)`` adds it, in
#: the order of ``coder --help``. A command's module is imported when the command runs (or for
#: ``--help``), so ``coder docs list`` never loads what ``coder agreement`` needs.
COMMANDS: dict[str, str] = {
    "init": "init",
    "demo": "demo",
    "code": "code",
    "import": "import_",
    "agreement": "agreement",
    "export": "export",
    "rounds": "rounds",
    "backup": "backup",
    "check": "check",
    "serve": "serve",
    "reconcile": "reconcile",
    "round": "rounds",
    "project": "project",
    "docs": "docs",
    "coders": "coders",
    "codes": "codes",
    "codings": "codings",
    "codebook": "codebook",
    "memos": "memos",
}


def new_typer(**options: Any) -> typer.Typer:
    """A ``typer.Typer`` with the settings every part of the command line shares."""
    return typer.Typer(
        pretty_exceptions_enable=False, add_completion=False, rich_markup_mode="rich", **options
    )


def load_commands(module_name: str, *, only: str | None = None) -> dict[str, Any]:
    """The commands ``coder/cli/<module_name>.py`` registers, built as the root builds them.

    With ``only``, a command group is built with its sub-command of that name alone, when it
    has one (the one about to run: ``coder docs list`` does not build ``docs rename``'s
    options); without, or for a name it does not have (an error lists them all), whole.
    """
    sub = new_typer()
    import_module(f"coder.cli.{module_name}").register(sub)
    if only is not None:
        sub.registered_groups = [narrowed(info, only) for info in sub.registered_groups]
    return dict(typer.main.get_group(sub).commands)


def narrowed(group: TyperInfo, name: str) -> TyperInfo:
    """The command group ``group`` with only its sub-command ``name``; as it is without one."""
    whole = group.typer_instance
    if whole is None:
        return group
    commands = [info for info in whole.registered_commands if command_name(info) == name]
    groups = [info for info in whole.registered_groups if info.name == name]
    if not commands and not groups:
        return group
    one = copy.copy(whole)
    one.registered_commands, one.registered_groups = commands, groups
    group = copy.copy(group)
    group.typer_instance = one
    return group


def command_name(info: CommandInfo) -> str | None:
    """The name a registered command goes by, as typer names it."""
    if info.name or info.callback is None:
        return info.name
    return typer.main.get_command_name(info.callback.__name__)


class LazyCommands(MutableMapping[str, Any]):
    """The root's commands by name (:data:`COMMANDS`), each built from its module on first use.

    ``next_word`` is the word after the command's name on the command line, the sub-command a
    command group is about to run (:func:`load_commands`'s ``only``).
    """

    def __init__(self) -> None:
        self.built: dict[str, Any] = {}
        self.next_word: str | None = None

    def __getitem__(self, name: str) -> Any:
        if name not in self.built and name in COMMANDS:
            built = load_commands(COMMANDS[name], only=self.next_word)
            for built_name, command in built.items():
                self.built.setdefault(built_name, command)
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.built[name] = command

    def __delitem__(self, name: str) -> None:
        del self.built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self.built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self.built.keys())


class LazyGroup(TyperGroup):
    """The ``coder`` group: it lists every command and imports only the one that runs."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy = self.commands = LazyCommands()

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names alone: TyperGroup's own would build them all

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        after = args[1] if len(args) > 1 else "-"
        self.lazy.next_word = None if after.startswith("-") else after  # not --help
        return super().resolve_command(ctx, args)


app = new_typer(
    name="coder",
    help="Qualitative thematic coding: import texts, code blind, measure agreement, reconcile.",
    no_args_is_help=True,
    cls=LazyGroup,
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
    a failure of the machine under the command (:func:`failure_line`: the database, the disk,
    a folder, a permission); only a bug shows a traceback.
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
        message = failure_line(exc)
        if message is None:
            raise
        typer.echo(f"coder: error: {message}", err=True)
        return 1
    finally:
        close_projects()
    return 0


def close_projects() -> None:
    """Close the projects the command opened (:func:`coder.cli.common.close_projects`); a
    command that opened none never imported that module (``coder --version``)."""
    common = sys.modules.get("coder.cli.common")
    if common is not None:
        common.close_projects()


def failure_line(exc: Exception) -> str | None:
    """The one line for a failure of the machine under a command, None for anything else.

    The operating system's errors (a full disk, a read-only file system, a missing folder, a
    permission) name the file; the database's (busy, a full disk, a read-only project, a
    refusal of a coder's login) say what happened; running out of memory says so.
    """
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, MemoryError):
        return "out of memory: the command was stopped"
    if "sqlalchemy" not in sys.modules and "sqlite3" not in sys.modules:
        return None  # nothing touched a database: not one of its errors
    from coder.services.failures import describe_failure, is_database_error

    return describe_failure(exc) if is_database_error(exc) else None


#: Container objects a command may allocate before the garbage collector first runs.
STARTUP_GC_THRESHOLD = 200_000


def collect_after_startup() -> None:
    """Hold the cyclic garbage collector back until start-up is over.

    Start-up (typer, SQLAlchemy, the models, a command's services) makes 120,000-160,000
    objects that live as long as the process and next to no garbage. Python collects every 700
    new objects and so walks them again and again: a fifth of a listing command's time. With a
    first collection at :data:`STARTUP_GC_THRESHOLD` objects a short command never collects; a
    long one (the TUI, an import) collects once past start-up, and from then on with Python's
    own thresholds.
    """
    defaults = gc.get_threshold()

    def restore(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            gc.set_threshold(*defaults)
            gc.callbacks.remove(restore)

    gc.set_threshold(STARTUP_GC_THRESHOLD, *defaults[1:])
    gc.callbacks.append(restore)


def entry() -> None:
    """The ``coder`` console script (and ``python -m coder``).

    Once the command is done, what it made is frozen (:func:`gc.freeze`) before the process
    exits: Python's exit would otherwise run the cyclic collector over every object start-up
    made (typer, SQLAlchemy, rich, the command's modules) only to free memory that the
    process's end frees anyway, about a fifth of a listing command's time. Nothing is left to
    close by then: :func:`run` closed the projects the command opened, and files, temporary
    folders and workers close themselves (``with``, ``atexit``) as before.
    """
    collect_after_startup()
    status = run()
    gc.freeze()
    sys.exit(status)

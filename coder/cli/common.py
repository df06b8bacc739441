"""Options shared by the commands."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from coder.errors import UsageError

if TYPE_CHECKING:
    from coder.db.engine import Store

DEFAULT_PROJECT = "projects/demo.db"

#: The projects the running command opened, closed when it ends (:func:`close_projects`).
_opened: list[Store] = []

ProjectOption = Annotated[
    str,
    typer.Option(
        "--project",
        "-p",
        envvar="CODER_PROJECT",
        help="Project: a SQLite file (projects/NAME.db) or a database URL.",
        show_envvar=True,
    ),
]


LeadOption = Annotated[
    bool,
    typer.Option(
        "--lead",
        help="As the project lead: list every coder's work even while the project is blind.",
    ),
]


def blind_listing_viewer(store: Store, *, lead: bool, asked: list[str]) -> str | None:
    """Whose work a listing may show: on a blind project run by one of its coders (the login's
    coder, ``$CODER_USER`` or the login name), that coder's alone unless the lead asks
    (``--lead``); None when it may show everyone's (not blind, the lead, or a user who codes
    nothing in the project).

    On SQLite blinding is a convention: the file holds everyone's work. Listings keep it as the
    coding screen does; a server enforces it for each coder's login as well. A listing asked
    for another coder's work (``asked``) is refused in one line rather than shown empty.
    """
    from coder.services.project.coders import list_coders
    from coder.services.project.lifecycle import get_settings

    if lead or not get_settings(store).blind:
        return None
    me = current_user(store)
    humans = {c.name.casefold() for c in list_coders(store) if c.kind == "human"}
    if me.casefold() not in humans:
        return None
    others = [name for name in asked if name.casefold() != me.casefold()]
    if others:
        raise UsageError(
            f"the project is blind: you ({me}) see only your own work, not {others[0]!r}'s;"
            " the project lead adds --lead"
        )
    return me


def open_store(project: str, *, writes: bool = False, any_schema: bool = False) -> Store:
    """Open the project named by ``--project`` (a SQLite file or a database URL).

    A command that ``writes`` upgrades a project an older coder made (after backing it up);
    one that only reads refuses it in one line that says how to upgrade, and ``any_schema``
    opens it as it is (``coder backup``). A command that ``writes`` is refused on a read-only
    project before it starts. What opening found or did (an upgrade, a lost
    write-ahead log) is said on standard error.
    """
    from coder.services.project.lifecycle import open_project

    store = open_project(
        project, schema="any" if any_schema else "upgrade" if writes else "current"
    )
    if writes and store.read_only:
        from coder.errors import ReadOnlyProjectError

        # Refused before the command starts (the coding screen, a reconciliation), not at
        # the first keystroke that would change something.
        store.dispose()
        raise ReadOnlyProjectError(store.display_name)
    for notice in store.notices:
        typer.echo(f"coder: {notice}", err=True)
    return project_of_command(store)


def project_of_command(store: Store) -> Store:
    """``store``, to be closed when the command ends (:func:`close_projects`)."""
    _opened.append(store)
    return store


def close_projects() -> None:
    """Close every project the command opened (``coder.cli.main.run`` calls it at the end).

    Their pooled connections close now, as they would at exit: SQLite checkpoints its log and
    removes the ``-wal`` and ``-shm`` files, PostgreSQL sees its sessions end. The interpreter's
    exit is then left nothing to close (``coder.cli.main.entry``).
    """
    while _opened:
        _opened.pop().dispose()


def current_user(store: Store | None = None) -> str:
    """Who is acting, for the audit log: the coder whose database login ``store`` is
    connected with (a server decides who its logins are), else $CODER_USER, else the login
    name."""
    if store is not None:
        from coder.services.project.team import connected_coder

        login = connected_coder(store)
        if login is not None:
            return login
    try:
        import getpass

        return os.environ.get("CODER_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def coder_names(values: list[str] | None) -> list[str]:
    """The names given to ``--coders``: ``--coders A B``, ``--coders A,B`` or the flag repeated."""
    return [name for item in values or [] for name in item.replace(",", " ").split()]


def coder_pair(values: list[str] | None) -> tuple[str, str]:
    """Exactly two coders given to ``--coders``, else a usage error."""
    names = coder_names(values)
    if len(names) != 2:
        raise typer.BadParameter("name exactly two coders: --coders A B", param_hint="--coders")
    return names[0], names[1]


def parse_key_values(pairs: list[str], option: str) -> dict[str, str]:
    """``key=value`` pairs given to ``option`` (``--attr``, ``--where``), as text.

    Typed attribute values (numbers, dates) come from CSV/XLSX columns, not from the command
    line; filters compare values as text.
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{option} {pair!r}: expected key=value")
        out[key.strip()] = value.strip()
    return out

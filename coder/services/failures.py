"""A database that fails under an action, told as a one-line refusal.

Every service raises :class:`~coder.errors.CoderError` for what it refuses; the database itself
can still fail under any of them (a lock held past the writer's patience, a server that went
away, a connection dropped mid-transaction). :func:`refusing_failures` runs one action and turns
such a failure into a :class:`~coder.errors.DatabaseUnavailableError`, so a screen that catches
``CoderError`` stays up and says what happened, without importing the database toolkit.

On a PostgreSQL project a coder's own login is refused by the server what only the lead may do
(migration 0006): that refusal is told as "this needs the project lead (...)".
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from coder.db.engine import is_transient
from coder.errors import DatabaseUnavailableError, describe_os_error

T = TypeVar("T")

#: SQLSTATE of "permission denied" and of a row refused by row-level security.
INSUFFICIENT_PRIVILEGE = "42501"

_REFUSED_OBJECT = re.compile(r'for (table|view|sequence|function|schema|relation) "?([\w.]+)"?')


def lead_only(message: str) -> str:
    """What a coder's login was refused, from the server's message, as one line."""
    found = _REFUSED_OBJECT.search(message)
    kind, name = found.groups() if found else ("", "")
    if "row-level security" in message:
        what = f"a coder's login writes only its own rows of {name or 'this table'}"
    elif kind in ("table", "view", "relation"):  # a login reaches tables through views
        what = f"{name} is not open to a coder's login"
    elif kind:
        what = f"the {kind} {name} is not open to a coder's login"
    else:
        what = message
    return f"this needs the project lead ({what}); nothing was changed"


#: What SQLite's errors of the machine (not of the change) mean, by the start of its message.
_SQLITE_FAULTS = {
    "database or disk is full": "the disk is full (the database file could not grow)",
    "attempt to write a readonly database": (
        "the database is read-only (its file or folder cannot be written)"
    ),
    "unable to open database file": (
        "a database file cannot be opened (its folder is missing or cannot be written)"
    ),
    "disk i/o error": (
        "the disk failed to read or write (a full disk, a file size limit or a failing disk)"
    ),
}
#: PostgreSQL's: disk full, out of memory, too many connections, read-only transaction.
_SERVER_FAULTS = {
    "53100": "the database server's disk is full",
    "53200": "the database server is out of memory",
    "53300": "the database server has too many connections",
    "25006": "the database is read-only (a standby server?)",
}


def fault_of(exc: BaseException) -> str | None:
    """What went wrong with the machine under an error (a full disk, a read-only file, a lost
    connection: any error of the operating system), or None for an error of the change.

    A batch (an import of many files) stops at such a fault: the next file would meet it too.
    """
    if isinstance(exc, OSError):
        return describe_os_error(exc, with_name=False)
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        message = str(orig).lower()
        return next((v for k, v in _SQLITE_FAULTS.items() if message.startswith(k)), None)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _SERVER_FAULTS:
        return _SERVER_FAULTS[sqlstate]
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "the database connection was lost"
    return None


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is an error of the database (SQLAlchemy's or the SQLite driver's)."""
    return isinstance(exc, SQLAlchemyError | sqlite3.Error)


def describe_failure(exc: BaseException) -> str:
    """One line for a database failure (of SQLAlchemy or the driver itself): busy, a fault of
    the machine (:func:`fault_of`), a refusal of a coder's login, or the driver's first line."""
    if is_transient(exc):
        return "the database is busy (another coder is writing); nothing was changed, try again"
    fault = fault_of(exc)
    if isinstance(exc, OSError):
        return f"{describe_os_error(exc)}; nothing was changed"
    if fault is not None:
        return f"{fault}; nothing was changed"
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
        return lead_only(str(orig).strip().splitlines()[0])
    first = str(orig).strip().splitlines()[:1]
    reason = first[0] if first else type(exc).__name__
    return f"the database refused the change ({reason}); nothing was changed"


def refusing_failures(action: Callable[[], T]) -> T:
    """Run ``action``; a failure of the database under it becomes a one-line CoderError."""
    try:
        return action()
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(describe_failure(exc)) from exc

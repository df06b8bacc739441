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
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from coder.db.engine import is_transient
from coder.errors import DatabaseUnavailableError

T = TypeVar("T")

#: SQLSTATE of "permission denied" and of a row refused by row-level security.
INSUFFICIENT_PRIVILEGE = "42501"

_REFUSED_OBJECT = re.compile(r'for (table|sequence|function|schema|relation) "?([\w.]+)"?')


def lead_only(message: str) -> str:
    """What a coder's login was refused, from the server's message, as one line."""
    found = _REFUSED_OBJECT.search(message)
    kind, name = found.groups() if found else ("", "")
    if "row-level security" in message:
        what = f"a coder's login writes only its own rows of {name or 'this table'}"
    elif kind in ("table", "relation"):
        what = f"{name} is not open to a coder's login"
    elif kind:
        what = f"the {kind} {name} is not open to a coder's login"
    else:
        what = message
    return f"this needs the project lead ({what}); nothing was changed"


def describe_failure(exc: SQLAlchemyError) -> str:
    """One line for a database failure: busy, gone, or the driver's first line."""
    if is_transient(exc):
        return "the database is busy (another coder is writing); nothing was changed, try again"
    if isinstance(exc, DBAPIError):
        if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            return lead_only(str(exc.orig).strip().splitlines()[0])
        if exc.connection_invalidated:
            return "the database connection was lost; nothing was changed, try again"
        first = str(exc.orig).strip().splitlines()[:1] if exc.orig else []
        reason = first[0] if first else type(exc).__name__
        return f"the database refused the change ({reason}); nothing was changed"
    return f"the database refused the change ({type(exc).__name__}); nothing was changed"


def refusing_failures(action: Callable[[], T]) -> T:
    """Run ``action``; a failure of the database under it becomes a one-line CoderError."""
    try:
        return action()
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(describe_failure(exc)) from exc

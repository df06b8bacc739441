"""Coders: the people (and the consensus layer) who code.

Finding a coder by name reads the ``coders`` table with Core (:func:`find_coder_id`), in an
ORM session or a listing's connection; the functions that hand back or write mapped objects
import the ORM where they run, so a listing never loads it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, select

from coder.db.engine import Store
from coder.db.tables import coders
from coder.domain.views import CoderView
from coder.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coder.db.models import Coder

_NAME = re.compile(r"^[\w][\w .@'-]{0,99}$")


def is_valid_coder_name(name: str) -> bool:
    """Whether ``name`` can name a coder: 1-100 word characters, spaces or . @ ' - (not first)."""
    return _NAME.match(name) is not None


def _view(row: Coder | Row[Any]) -> CoderView:
    return CoderView(id=row.id, name=row.name, kind=row.kind, created_at=row.created_at)


def add_coder(store: Store, name: str, *, kind: str = "human", actor: str = "system") -> CoderView:
    """Register a coder; names are unique (case-insensitively) and shown in every report."""
    name = name.strip()
    if not is_valid_coder_name(name):
        raise InputError(repr(name), "a coder name is 1-100 letters, digits, spaces or . @ ' -")
    if kind not in ("human", "consensus"):
        raise InputError(kind, "coder kind must be 'human' or 'consensus'")
    from coder.db.audit import record
    from coder.db.models import Coder

    with store.write() as session:
        existing = find_coder(session, name)
        if existing is not None:
            raise ConflictError(f"coder {existing.name!r} already exists")
        row = Coder(name=name, kind=kind)
        session.add(row)
        session.flush()
        record(session, actor, "create", "coder", row.id, None, {"name": name, "kind": kind})
        return _view(row)


def list_coders(store: Store) -> list[CoderView]:
    with store.read_tables() as connection:
        return [_view(c) for c in connection.execute(select(coders).order_by(coders.c.name))]


def find_coder_id(session: Session | Connection, name: str) -> int | None:
    """The id of the coder with this name, ignoring case, or None."""
    wanted = name.strip().casefold()
    for coder_id, coder_name in session.execute(select(coders.c.id, coders.c.name)):
        if coder_name.casefold() == wanted:
            return int(coder_id)
    return None


def require_coder_id(session: Session | Connection, name: str) -> int:
    """The id of the coder with this name, ignoring case; NotFoundError naming the coders."""
    coder_id = find_coder_id(session, name)
    if coder_id is None:
        names = session.execute(select(coders.c.name)).scalars()
        known = ", ".join(sorted(names)) or "none yet"
        raise NotFoundError(
            f"unknown coder {name!r} (coders: {known}; add one with 'coder coders add')"
        )
    return coder_id


def find_coder(session: Session, name: str) -> Coder | None:
    """The coder with this name, ignoring case, or None."""
    from coder.db.models import Coder

    coder_id = find_coder_id(session, name)
    return None if coder_id is None else session.get(Coder, coder_id)


def require_coder(session: Session, name: str) -> Coder:
    from coder.db.models import Coder

    row = session.get(Coder, require_coder_id(session, name))
    assert row is not None  # found in this transaction
    return row


def get_or_create_coder(session: Session, name: str, *, actor: str = "system") -> Coder:
    from coder.db.audit import record
    from coder.db.models import Coder

    row = find_coder(session, name)
    if row is None:
        row = Coder(name=name.strip(), kind="human")
        session.add(row)
        session.flush()
        record(session, actor, "create", "coder", row.id, None, {"name": row.name, "kind": "human"})
    return row


def ensure_coder(store: Store, name: str, *, actor: str) -> CoderView:
    """The named coder, registered first if new (opening the TUI as a new person)."""
    with store.write() as session:
        return _view(get_or_create_coder(session, name, actor=actor))

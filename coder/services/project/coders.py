"""Coders: the people (and the consensus layer) who code."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Coder
from coder.domain.views import CoderView
from coder.errors import ConflictError, InputError, NotFoundError

_NAME = re.compile(r"^[\w][\w .@'-]{0,99}$")


def is_valid_coder_name(name: str) -> bool:
    """Whether ``name`` can name a coder: 1-100 word characters, spaces or . @ ' - (not first)."""
    return _NAME.match(name) is not None


def _view(row: Coder) -> CoderView:
    return CoderView(id=row.id, name=row.name, kind=row.kind, created_at=row.created_at)


def add_coder(store: Store, name: str, *, kind: str = "human", actor: str = "system") -> CoderView:
    """Register a coder; names are unique (case-insensitively) and shown in every report."""
    name = name.strip()
    if not is_valid_coder_name(name):
        raise InputError(repr(name), "a coder name is 1-100 letters, digits, spaces or . @ ' -")
    if kind not in ("human", "consensus"):
        raise InputError(kind, "coder kind must be 'human' or 'consensus'")
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
    with store.read() as session:
        return [_view(c) for c in session.scalars(select(Coder).order_by(Coder.name))]


def find_coder(session: Session, name: str) -> Coder | None:
    """The coder with this name, ignoring case, or None."""
    wanted = name.strip().casefold()
    for row in session.scalars(select(Coder)):
        if row.name.casefold() == wanted:
            return row
    return None


def require_coder(session: Session, name: str) -> Coder:
    row = find_coder(session, name)
    if row is None:
        known = ", ".join(sorted(c.name for c in session.scalars(select(Coder)))) or "none yet"
        raise NotFoundError(
            f"unknown coder {name!r} (coders: {known}; add one with 'coder coders add')"
        )
    return row


def get_or_create_coder(session: Session, name: str, *, actor: str = "system") -> Coder:
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

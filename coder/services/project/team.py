"""Coders on a shared PostgreSQL server: one login role per coder, blind coding by the server.

Migration 0002 puts row-level security policies on ``codings``, ``codes``, ``memos`` and
``audit_log``. A coder who connects with their own login role (granted here) sees only their
own codings, private codes, coding memos and audit entries while the project is blind, whatever
query they run, and cannot write rows in another coder's name. The project owner (the role that
created the project and ran its migrations) is not subject to the policies, so the lead's
reports, agreement and exports see everything.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.engine import make_url

from coder.db.audit import record
from coder.db.engine import Store
from coder.db.models import Coder
from coder.errors import ConflictError, InputError
from coder.services.project.coders import require_coder

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: Tables a coder changes while coding; everything else is read-only to a coder's role (in
#: particular project_settings, so a coder cannot switch blind coding off).
CODER_WRITES: dict[str, str] = {
    "codings": "INSERT, UPDATE, DELETE",
    "codes": "INSERT, UPDATE",
    "memos": "INSERT, UPDATE, DELETE",
    "document_status": "INSERT, UPDATE",
    "code_pins": "INSERT, UPDATE, DELETE",
    "audit_log": "INSERT",
    # Removing a coding the consensus was built from clears the reference to it, as the
    # foreign key's ON DELETE SET NULL would; the service does it so that undo can restore it.
    "consensus_sources": "UPDATE (source_coding_id)",
}


def _require_postgresql(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":
        raise ConflictError(
            f"{store.display_name}: coder logins need a PostgreSQL project; on SQLite blind"
            " coding is enforced by coder itself (copy the project to a server with"
            " 'coder project copy')"
        )


def _quote(conn: Connection, identifier: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(identifier)


def _literal(value: str) -> str:
    # PostgreSQL DDL takes no bind parameters; standard_conforming_strings is on by default
    # since 9.1, so doubling single quotes is the whole escaping.
    return "'" + value.replace("'", "''") + "'"


def grant_login(
    store: Store, coder: str, *, role: str, password: str | None = None, actor: str = "system"
) -> str:
    """Let ``coder`` connect as the PostgreSQL role ``role`` (created if new); returns the URL.

    Must be run by the project owner with the CREATEROLE privilege. Idempotent: run it again
    after upgrading coder so that tables added by new migrations are granted too.
    """
    _require_postgresql(store)
    if not _ROLE.match(role):
        raise InputError(repr(role), "a login role is 1-63 lower-case letters, digits or _")
    with store.write() as session:
        conn = session.connection()
        me = require_coder(session, coder)
        taken = session.scalars(
            select(Coder.name).where(Coder.db_role == role, Coder.id != me.id)
        ).first()
        if taken is not None:
            raise ConflictError(f"login role {role!r} already belongs to coder {taken!r}")
        owner = conn.execute(text("SELECT current_user")).scalar_one()
        if role == owner:
            raise ConflictError(f"{role!r} owns the project; give each coder a role of their own")
        quoted = _quote(conn, role)
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        secret = f" PASSWORD {_literal(password)}" if password else ""
        verb = "ALTER" if exists else "CREATE"
        conn.execute(text(f"{verb} ROLE {quoted} LOGIN{secret}"))
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.execute(text(f"GRANT CONNECT ON DATABASE {_quote(conn, database)} TO {quoted}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {quoted}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
        for table, privileges in CODER_WRITES.items():
            conn.execute(text(f"GRANT {privileges} ON {table} TO {quoted}"))
        before = me.db_role
        session.execute(update(Coder).where(Coder.id == me.id).values(db_role=role))
        record(
            session, actor, "grant_login", "coder", me.id, {"db_role": before}, {"db_role": role}
        )
    url = make_url(store.url).set(username=role, password=None)
    return url.render_as_string(hide_password=True)


def revoke_login(store: Store, coder: str, *, actor: str = "system") -> None:
    """Take the coder's login role off this project (the role itself is left to the admin)."""
    _require_postgresql(store)
    with store.write() as session:
        conn = session.connection()
        me = require_coder(session, coder)
        if me.db_role is None:
            raise ConflictError(f"coder {me.name!r} has no login on this project")
        quoted = _quote(conn, me.db_role)
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}"))
        conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}"))
        before = me.db_role
        session.execute(update(Coder).where(Coder.id == me.id).values(db_role=None))
        record(session, actor, "revoke_login", "coder", me.id, {"db_role": before}, None)


def connected_coder(store: Store) -> str | None:
    """The coder this connection logs in as (by its PostgreSQL role), or None."""
    if store.engine.dialect.name != "postgresql":
        return None
    with store.read() as session:
        return session.scalars(
            select(Coder.name).where(Coder.db_role == func.current_user())
        ).first()

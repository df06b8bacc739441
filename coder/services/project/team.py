"""Coders on a shared PostgreSQL server: one login role per coder, permissions by the server.

The lead is the project owner (the role that created the project and ran its migrations): not
subject to row-level security, so reports, agreement, reconciliation and exports see
everything. A coder connects with a login role of their own; migration 0006 gives every table
row-level security and defines ``coder_grant_login(role)``, which grants a login what a coder
may do: read the documents and shared codes, read and write only their own codings, memos,
document status, pins and private codes, add audit entries in their own name, and nothing
else. While the project is blind, what holds other coders' work (their rows, rounds, code
history, reconciliation, the consensus) is invisible to the login, whatever query it runs.
Rows a coder inserts take ids from a sequence of their own, so ids reveal no counts. A login
may query no table itself (so no plan of ``EXPLAIN`` counts rows it cannot see): migration 0007
gives it views of the same names in the schema ``coder_gate``, through which it reads and
writes under the same policies (``coder_open_gate``).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.engine import make_url

from coder.db.engine import Store
from coder.db.tables import coders
from coder.errors import ConflictError, InputError
from coder.services.project.coders import require_coder

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _require_postgresql(store: Store) -> None:
    if store.engine.dialect.name != "postgresql":
        raise ConflictError(
            f"{store.display_name}: coder logins need a PostgreSQL project; on a shared SQLite"
            " file blind coding is a convention that coder keeps, not enforced (copy the"
            " project to a server with 'coder project copy')"
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

    Must be run by the project owner with the CREATEROLE privilege. Idempotent (migrations
    that add tables re-grant every login themselves).
    """
    from coder.db.audit import record
    from coder.db.models import Coder

    _require_postgresql(store)
    login = connected_coder(store)
    if login is not None:
        raise ConflictError(
            f"this needs the project lead (this is {login}'s login, which gives no logins)"
        )
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
            text(
                "SELECT rolsuper OR rolbypassrls OR pg_has_role(rolname, current_user, 'MEMBER')"
                " FROM pg_roles WHERE rolname = :r"
            ),
            {"r": role},
        ).first()
        if exists is not None and exists[0]:
            raise ConflictError(
                f"role {role!r} is exempt from row-level security (a superuser, BYPASSRLS or"
                " a member of the project owner); give the coder a plain role"
            )
        secret = f" PASSWORD {_literal(password)}" if password else ""
        verb = "ALTER" if exists else "CREATE"
        conn.execute(text(f"{verb} ROLE {quoted} LOGIN{secret}"))
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.execute(text(f"GRANT CONNECT ON DATABASE {_quote(conn, database)} TO {quoted}"))
        before = me.db_role
        if before is not None and before != role:
            _revoke(conn, before)
        session.execute(update(Coder).where(Coder.id == me.id).values(db_role=role))
        # The grants, the row-level security they work under, the coder's own id sequence
        # and the gate the login reaches the tables through are the schema's: one function,
        # defined by migration 0007 (coder_open_gate runs 0006's coder_grant_login).
        # Rebuilding the gate waits for every coder's open transaction on it; a login left
        # idle in one must not hold the lead (and, behind him, every other coder) for long.
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        conn.execute(text("SELECT coder_open_gate(:r)"), {"r": role})
        record(
            session, actor, "grant_login", "coder", me.id, {"db_role": before}, {"db_role": role}
        )
    url = make_url(store.url).set(username=role, password=None)
    return url.render_as_string(hide_password=True)


#: Columns of pg_class that give a table's size: hidden from the project's database users
#: but its owner by :func:`hide_table_statistics`.
_SIZE_COLUMNS = ("reltuples", "relpages", "relallvisible")
#: Functions that give a table's size on disk.
_SIZE_FUNCTIONS = (
    "pg_relation_size(regclass)",
    "pg_relation_size(regclass, text)",
    "pg_table_size(regclass)",
    "pg_indexes_size(regclass)",
    "pg_total_relation_size(regclass)",
    "pg_database_size(oid)",
    "pg_database_size(name)",
    "pg_tablespace_size(oid)",
    "pg_tablespace_size(name)",
    # How much was written, and when: the write-ahead log's position and statistics, the
    # transaction counter, the locks and the activity of other sessions.
    "pg_current_wal_lsn()",
    "pg_current_wal_insert_lsn()",
    "pg_current_wal_flush_lsn()",
    "pg_stat_get_wal()",
    "pg_current_xact_id()",
    "txid_current()",
    "pg_current_snapshot()",
    "txid_current_snapshot()",
    "pg_lock_status()",
    "pg_stat_get_activity(integer)",
)


def hide_table_statistics(store: Store) -> bool:
    """Hide from every role of the project's database but its owner (and superusers) what
    PostgreSQL shows anyone about a table's size: ``pg_class.reltuples``, ``relpages`` and
    ``relallvisible``, the size functions, and the row counters of the cumulative statistics
    (``pg_stat_get_*`` of a table or an index, which ``pg_stat_user_tables`` and its kin
    call). A coder's login could otherwise count the rows it cannot read.

    Privileges on the system catalogs are a superuser's: returns False, changing nothing,
    when the connected role is not one. Idempotent. The same goes for the database's size, the
    write-ahead log's position and statistics, the transaction counter, the lock table and
    other sessions' activity, which show how much others write and when. (The planner's
    estimates are out of a login's reach by the gate of migration 0007.)
    """
    _require_postgresql(store)
    with store.write() as session:
        conn = session.connection()
        if not conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar():
            return False
        owner = conn.execute(
            text(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
            )
        ).scalar_one()
        lead = _quote(conn, owner)
        visible = conn.execute(
            text(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'pg_catalog.pg_class'::regclass"
                " AND attnum > 0 AND NOT attisdropped AND attname <> ALL(:hidden) ORDER BY attnum"
            ),
            {"hidden": list(_SIZE_COLUMNS)},
        ).scalars()
        columns = ", ".join(_quote(conn, c) for c in visible)
        conn.execute(text("REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC"))
        conn.execute(text(f"GRANT SELECT ({columns}) ON pg_catalog.pg_class TO PUBLIC"))
        conn.execute(text(f"GRANT SELECT ON pg_catalog.pg_class TO {lead}"))
        counters = conn.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p"
                " WHERE p.pronamespace = 'pg_catalog'::regnamespace"
                " AND p.proname LIKE 'pg\\_stat\\_get\\_%'"
                " AND p.pronargs = 1 AND p.proargtypes[0] = 'oid'::regtype"
            )
        ).scalars()
        for function in (*_SIZE_FUNCTIONS, *counters):
            conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC"))
            conn.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {lead}"))
    return True


def revoke_login(store: Store, coder: str, *, actor: str = "system") -> None:
    """Take the coder's login role off this project (the role itself is left to the admin)."""
    from coder.db.audit import record
    from coder.db.models import Coder

    _require_postgresql(store)
    with store.write() as session:
        conn = session.connection()
        me = require_coder(session, coder)
        if me.db_role is None:
            raise ConflictError(f"coder {me.name!r} has no login on this project")
        _revoke(conn, me.db_role)
        before = me.db_role
        session.execute(update(Coder).where(Coder.id == me.id).values(db_role=None))
        record(session, actor, "revoke_login", "coder", me.id, {"db_role": before}, None)


def _revoke(conn: Connection, role: str) -> None:
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        return
    quoted = _quote(conn, role)
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}"))
    if conn.execute(text("SELECT to_regprocedure('public.coder_row_id(regclass)')")).scalar():
        conn.execute(text(f"REVOKE ALL ON FUNCTION public.coder_row_id(regclass) FROM {quoted}"))
    gate = conn.execute(text("SELECT to_regnamespace('coder_gate')")).scalar()
    if gate is not None:
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA coder_gate FROM {quoted}"))
        conn.execute(text(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA coder_gate FROM {quoted}"))
        conn.execute(text(f"REVOKE ALL ON SCHEMA coder_gate FROM {quoted}"))
    database = _quote(conn, conn.execute(text("SELECT current_database()")).scalar_one())
    conn.execute(text(f"ALTER ROLE {quoted} IN DATABASE {database} RESET search_path"))


def connected_coder(store: Store) -> str | None:
    """The coder this connection logs in as (by its PostgreSQL role), or None."""
    if store.engine.dialect.name != "postgresql":
        return None
    with store.read_tables() as connection:
        return connection.scalars(
            select(coders.c.name).where(coders.c.db_role == func.current_user())
        ).first()

"""Exact undo for every undoable action: record every row created, changed or deleted.

An operation runs inside :func:`tracking`; the rows the session flushes are captured as plain
JSON (before and after), stored in the operation's audit entry, and :func:`revert` puts every
row back as it was: same ids, same timestamps. Only ORM changes are seen, so an operation that
deletes a row deletes its dependants through the ORM too (database cascades are not tracked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, event, insert, inspect, select, update
from sqlalchemy.orm import Session

from coder.db.models import AuditEntry, Base, UTCDateTime
from coder.errors import ConflictError

Row = dict[str, Any]


def _table(obj: Any) -> Table:
    table: Table = obj.__table__
    return table


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def row_of(obj: Any, *, original: bool = False) -> Row:
    """The columns of a mapped object as JSON; with ``original``, the values before this flush."""
    state = inspect(obj)
    out: Row = {}
    for column in _table(obj).columns:
        attr = state.mapper.get_property_by_column(column)
        value = getattr(obj, attr.key)
        if original:
            history = state.attrs[attr.key].history
            if history.deleted:
                value = history.deleted[0]
        out[column.name] = _json(value)
    return out


def _from_json(table: Table, row: Row) -> Row:
    out = {}
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(column.type, UTCDateTime) and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        out[column.name] = value
    return out


def _key(table: Table, row: Row) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


@dataclass
class Changes:
    """Rows created, updated (their values before) and deleted, by table name."""

    created: dict[str, list[Row]] = field(default_factory=dict)
    updated: dict[str, list[Row]] = field(default_factory=dict)
    deleted: dict[str, list[Row]] = field(default_factory=dict)

    def _find(self, bucket: dict[str, list[Row]], table: Table, key: tuple[Any, ...]) -> int:
        for i, row in enumerate(bucket.get(table.name, [])):
            if _key(table, row) == key:
                return i
        return -1

    def note_update(self, obj: Any) -> None:
        table = _table(obj)
        key = _key(table, row_of(obj))
        if self._find(self.created, table, key) >= 0 or self._find(self.updated, table, key) >= 0:
            return  # the earliest state is the one to go back to
        self.updated.setdefault(table.name, []).append(row_of(obj, original=True))

    def note_delete(self, obj: Any) -> None:
        table = _table(obj)
        row = row_of(obj, original=True)
        key = _key(table, row)
        created = self._find(self.created, table, key)
        if created >= 0:
            del self.created[table.name][created]
            return
        earlier = self._find(self.updated, table, key)
        if earlier >= 0:
            row = self.updated[table.name].pop(earlier)
        self.deleted.setdefault(table.name, []).append(row)

    def note_create(self, obj: Any) -> None:
        self.created.setdefault(_table(obj).name, []).append(row_of(obj))

    def to_audit(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(before, after) for the audit entry."""
        return (
            {"updated": self.updated, "deleted": self.deleted},
            {"created": self.created},
        )

    def count(self, table: str, bucket: str = "created") -> int:
        """How many rows of ``table`` the operation created (or updated, or deleted)."""
        return len(getattr(self, bucket).get(table, []))

    @property
    def empty(self) -> bool:
        """True if the operation wrote no row at all."""
        return not any(any(b.values()) for b in (self.created, self.updated, self.deleted))


@contextmanager
def tracking(session: Session) -> Iterator[Changes]:
    """Capture every row the session writes inside the block (flushed at the end)."""
    changes = Changes()
    pending: list[Any] = []

    def before_flush(sess: Session, _context: Any, _instances: Any) -> None:
        # The audit log is append-only: its entries are never part of what an undo takes back.
        for obj in sess.dirty:
            if not isinstance(obj, AuditEntry) and sess.is_modified(obj, include_collections=False):
                changes.note_update(obj)
        for obj in sess.deleted:
            if not isinstance(obj, AuditEntry):
                changes.note_delete(obj)
        pending.extend(obj for obj in sess.new if not isinstance(obj, AuditEntry))

    def after_flush(_sess: Session, _context: Any) -> None:
        for obj in pending:
            changes.note_create(obj)
        pending.clear()

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "after_flush", after_flush)
    try:
        yield changes
        session.flush()
    finally:
        event.remove(session, "before_flush", before_flush)
        event.remove(session, "after_flush", after_flush)


def is_changeset(before: Any, after: Any) -> bool:
    """Whether an audit entry's ``before`` and ``after`` hold a changeset :func:`revert` reads.

    Entries written by earlier versions of coder for single edits held a snapshot of one row
    instead; they are not changesets and cannot be reverted.
    """
    return (
        isinstance(before, dict)
        and isinstance(after, dict)
        and isinstance(after.get("created"), dict)
        and isinstance(before.get("updated"), dict)
        and isinstance(before.get("deleted"), dict)
    )


def inverse(
    session: Session, before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changeset that :func:`revert` of (``before``, ``after``) is about to make.

    Read from the rows as they are now, before the revert: stored as the undo's own audit
    entry, it lets :func:`revert` redo what the undo took back.
    """
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    session.flush()
    conn = session.connection()

    def current(bucket: dict[str, list[Row]]) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for name, rows in bucket.items():
            table = tables[name]
            for row in rows:
                where = [c == row[c.name] for c in table.primary_key.columns]
                found = conn.execute(select(table).where(*where)).mappings().first()
                if found is None:
                    raise ConflictError(f"a row of {name} this undo needs is gone; cannot undo")
                out.setdefault(name, []).append({k: _json(v) for k, v in found.items()})
        return out

    return (
        {"updated": current(before.get("updated", {})), "deleted": current(after["created"])},
        {"created": before.get("deleted", {})},
    )


def revert(session: Session, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Put back the rows an operation changed, from its audit entry's ``before`` and ``after``.

    Order matters for foreign keys: changed rows go back first (holding back references to rows
    that are still deleted), then created rows go, deleted rows return, and the held-back
    references are set last. Raises ConflictError if the rows have changed since.
    """
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    order = [t.name for t in Base.metadata.sorted_tables]
    created: dict[str, list[Row]] = after.get("created", {})
    updated: dict[str, list[Row]] = before.get("updated", {})
    deleted: dict[str, list[Row]] = before.get("deleted", {})
    session.flush()
    conn = session.connection()
    gone = {(name, _key(tables[name], r)) for name, rows in deleted.items() for r in rows}
    held: list[tuple[Table, Row]] = []
    for name in order:
        table = tables[name]
        for row in updated.get(name, []):
            values = _from_json(table, row)
            later = {}
            for fk in table.foreign_keys:
                target = fk.column.table.name
                value = values.get(fk.parent.name)
                if value is not None and (target, (value,)) in gone:
                    later[fk.parent.name] = values.pop(fk.parent.name)
            _update(conn, table, values)
            if later:
                held.append((table, {**later, **{c.name: row[c.name] for c in table.primary_key}}))
    for name in reversed(order):
        table = tables[name]
        for row in created.get(name, []):
            where = [c == row[c.name] for c in table.primary_key.columns]
            if conn.execute(delete(table).where(*where)).rowcount != 1:
                raise ConflictError(f"a row of {name} made by this operation is gone; cannot undo")
    for name in order:
        rows = deleted.get(name, [])
        if rows:
            conn.execute(insert(tables[name]), [_from_json(tables[name], r) for r in rows])
    for table, values in held:
        _update(conn, table, values)
    session.expire_all()


def _update(conn: Any, table: Table, values: Row) -> None:
    keys = {c.name for c in table.primary_key.columns}
    where = [c == values[c.name] for c in table.primary_key.columns]
    columns = [table.c[k] for k in values if k not in keys]
    current = conn.execute(select(*columns).where(*where)).mappings().first()
    if current is None:
        raise ConflictError(f"a row of {table.name} changed by this operation is gone; cannot undo")
    # Only the columns that differ are written: a coder's database role may update just the
    # columns its own actions change (GRANTS in migration 0006).
    changes = {k: v for k, v in values.items() if k not in keys and current[k] != v}
    if changes:
        conn.execute(update(table).where(*where).values(**changes))

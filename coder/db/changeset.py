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

from sqlalchemy import Table, bindparam, delete, event, insert, inspect, select, tuple_, update
from sqlalchemy.orm import Session

from coder.db.models import AuditEntry, Base, UTCDateTime
from coder.errors import ConflictError

Row = dict[str, Any]


def _table(obj: Any) -> Table:
    table: Table = obj.__table__
    return table


def as_json(value: Any) -> Any:
    """A column value as the audit log keeps it (a timestamp as ISO 8601 text)."""
    return value.isoformat() if isinstance(value, dt.datetime) else value


_ATTRIBUTES: dict[type[Any], tuple[tuple[str, str], ...]] = {}


def _attributes(cls: type[Any]) -> tuple[tuple[str, str], ...]:
    """(column name, attribute name) of every column of a mapped class, in table order."""
    if cls not in _ATTRIBUTES:
        mapper = inspect(cls)
        _ATTRIBUTES[cls] = tuple(
            (column.name, mapper.get_property_by_column(column).key)
            for column in _table(cls).columns
        )
    return _ATTRIBUTES[cls]


def row_of(obj: Any, *, original: bool = False) -> Row:
    """The columns of a mapped object as JSON; with ``original``, the values before this flush."""
    pairs = _attributes(type(obj))
    if not original:
        return {name: as_json(getattr(obj, key)) for name, key in pairs}
    state = inspect(obj)
    out: Row = {}
    for name, key in pairs:
        value = getattr(obj, key)
        history = state.attrs[key].history
        if history.deleted:
            value = history.deleted[0]
        out[name] = as_json(value)
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
    # The keys in ``created`` and ``updated``, so that noting a row among thousands is not a
    # search through them all.
    _keys: dict[tuple[str, str], set[tuple[Any, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _has(self, bucket: str, table: Table, key: tuple[Any, ...]) -> bool:
        return key in self._keys.get((bucket, table.name), ())

    def _add(self, bucket: str, table: Table, rows: list[Row]) -> None:
        getattr(self, bucket).setdefault(table.name, []).extend(rows)
        keys = self._keys.setdefault((bucket, table.name), set())
        names = [c.name for c in table.primary_key.columns]
        if len(names) == 1:
            (name,) = names
            keys.update([(r[name],) for r in rows])
        else:
            keys.update(_key(table, r) for r in rows)

    def _pop(self, bucket: str, table: Table, key: tuple[Any, ...]) -> Row:
        rows: list[Row] = getattr(self, bucket)[table.name]
        index = next(i for i, row in enumerate(rows) if _key(table, row) == key)
        self._keys[(bucket, table.name)].discard(key)
        return rows.pop(index)

    def note_update(self, obj: Any) -> None:
        table = _table(obj)
        key = _key(table, row_of(obj))
        if self._has("created", table, key) or self._has("updated", table, key):
            return  # the earliest state is the one to go back to
        self._add("updated", table, [row_of(obj, original=True)])

    def note_delete(self, obj: Any) -> None:
        table = _table(obj)
        row = row_of(obj, original=True)
        key = _key(table, row)
        if self._has("created", table, key):
            self._pop("created", table, key)
            return
        if self._has("updated", table, key):
            row = self._pop("updated", table, key)
        self.deleted.setdefault(table.name, []).append(row)

    def note_create(self, obj: Any) -> None:
        self._add("created", _table(obj), [row_of(obj)])

    def note_created_rows(self, table: Table, rows: list[Row]) -> None:
        """Note rows written in a set (not through the ORM), each in full, as JSON."""
        self._add("created", table, rows)

    def note_updated_rows(self, table: Table, rows: list[Row]) -> None:
        """Note rows about to be updated in a set, each in full as it is now, as JSON.

        Each row is noted once: a row this operation created or already changed keeps the
        state noted first.
        """
        self._add(
            "updated",
            table,
            [
                r
                for r in rows
                if not self._has("created", table, _key(table, r))
                and not self._has("updated", table, _key(table, r))
            ],
        )

    def note_deleted_rows(self, table: Table, rows: list[Row]) -> None:
        """Note rows about to be deleted in a set, each in full as it is now, as JSON.

        A row this operation created is simply forgotten; one it changed is noted as it was
        before the change.
        """
        for row in rows:
            key = _key(table, row)
            if self._has("created", table, key):
                self._pop("created", table, key)
                continue
            if self._has("updated", table, key):
                row = self._pop("updated", table, key)
            self.deleted.setdefault(table.name, []).append(row)

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


#: Keys per statement when rows are read or deleted by key: within every backend's limit on
#: bound parameters (SQLite's 32,766, PostgreSQL's 65,535) even for two-column keys.
KEYS_PER_STATEMENT = 5_000


def _chunks(items: list[Any], size: int = KEYS_PER_STATEMENT) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _by_key(table: Table, keys: list[tuple[Any, ...]]) -> Any:
    """A WHERE clause for the rows of ``table`` with these primary keys."""
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        return columns[0].in_([k[0] for k in keys])
    return tuple_(*columns).in_(keys)


def _fetch(conn: Any, table: Table, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Row]:
    """The rows of ``table`` with these primary keys as they are now, by key (read in sets)."""
    out: dict[tuple[Any, ...], Row] = {}
    for part in _chunks(keys):
        for found in conn.execute(select(table).where(_by_key(table, part))).mappings():
            row = dict(found)
            out[_key(table, row)] = row
    return out


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
            found = _fetch(conn, table, [_key(table, r) for r in rows])
            now = out.setdefault(name, [])
            for row in rows:
                here = found.get(_key(table, row))
                if here is None:
                    raise ConflictError(f"a row of {name} this undo needs is gone; cannot undo")
                now.append({k: as_json(v) for k, v in here.items()})
        return out

    return (
        {"updated": current(before.get("updated", {})), "deleted": current(after["created"])},
        {"created": before.get("deleted", {})},
    )


def revert(session: Session, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Put back the rows an operation changed, from its audit entry's ``before`` and ``after``.

    Order matters for foreign keys: changed rows go back first (holding back references to rows
    that are still deleted), then created rows go, deleted rows return, and the held-back
    references are set last. Rows are read, changed and deleted in sets, so an import of
    100,000 rows is undone in a few statements. Raises ConflictError if the rows have changed
    since.
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
        values_list = []
        for row in updated.get(name, []):
            values = _from_json(table, row)
            later = {}
            for fk in table.foreign_keys:
                target = fk.column.table.name
                value = values.get(fk.parent.name)
                if value is not None and (target, (value,)) in gone:
                    later[fk.parent.name] = values.pop(fk.parent.name)
            values_list.append(values)
            if later:
                held.append((table, {**later, **{c.name: row[c.name] for c in table.primary_key}}))
        if values_list:
            _update(conn, table, values_list)
    for name in reversed(order):
        if created.get(name):
            _delete(conn, tables[name], created[name])
    for name in order:
        rows = deleted.get(name, [])
        if rows:
            conn.execute(insert(tables[name]), [_from_json(tables[name], r) for r in rows])
    for table, values in held:
        _update(conn, table, [values])
    session.expire_all()


def _delete(conn: Any, table: Table, rows: list[Row]) -> None:
    """Delete the rows an operation created, in sets; a row of a table that refers to itself
    (a code's parent) goes before the rows it refers to."""
    keys = [_key(table, r) for r in rows]
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    while keys:
        batch = keys
        if own:
            # Rows no remaining row refers to (leaves first); a cycle goes one row at a time.
            pending = set(keys)
            referred = {(r[c],) for r in rows if _key(table, r) in pending for c in own}
            batch = [k for k in keys if k not in referred] or keys[-1:]
        for part in _chunks(batch):
            if conn.execute(delete(table).where(_by_key(table, part))).rowcount != len(part):
                raise ConflictError(
                    f"a row of {table.name} made by this operation is gone; cannot undo"
                )
        done = set(batch)
        keys = [k for k in keys if k not in done]


def _update(conn: Any, table: Table, rows: list[Row]) -> None:
    """Write back the values of rows (Python values, primary key included), in the given order.

    Only the columns that differ are written: a coder's database role may update just the
    columns its own actions change (GRANTS in migration 0006).
    """
    keys = {c.name for c in table.primary_key.columns}
    current = _fetch(conn, table, [_key(table, r) for r in rows])
    runs: list[tuple[tuple[str, ...], list[Row]]] = []
    for values in rows:
        now = current.get(_key(table, values))
        if now is None:
            raise ConflictError(
                f"a row of {table.name} changed by this operation is gone; cannot undo"
            )
        changes = {k: v for k, v in values.items() if k not in keys and now[k] != v}
        if not changes:
            continue
        columns = tuple(sorted(changes))
        params = {f"k_{k}": values[k] for k in keys} | {f"v_{k}": v for k, v in changes.items()}
        # Consecutive rows changing the same columns go in one executemany, in order.
        if runs and runs[-1][0] == columns:
            runs[-1][1].append(params)
        else:
            runs.append((columns, [params]))
    for columns, params_list in runs:
        statement = (
            update(table)
            .where(*[table.c[k] == bindparam(f"k_{k}") for k in sorted(keys)])
            .values({k: bindparam(f"v_{k}") for k in columns})
        )
        conn.execute(statement, params_list)

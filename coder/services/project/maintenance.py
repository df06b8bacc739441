"""Keeping a project safe: copy between databases and online backup (checks: check.py)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url

from coder.db.engine import Store, connect, sqlite_path
from coder.db.migrate import upgrade
from coder.db.models import Base
from coder.db.sqlite_files import backup_database, open_sqlite
from coder.domain.project import BackupReport, CopyReport
from coder.errors import CoderError, ConflictError, InputError
from coder.services.failures import fault_of

#: Rows moved per INSERT statement while copying; keeps memory flat on large corpora.
COPY_BATCH = 500

ProgressCallback = Callable[[str, int], None]


# ---------------------------------------------------------------------------------------------
# Content hashes and consistent reads (shared by copy verification, check and tests)


def _canonical(value: Any) -> Any:
    # One representation per value whatever the backend returned: SQLite and PostgreSQL give
    # the same Python types through the models, except that JSON key order may differ.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _primary_key_order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _rows(conn: Connection, table: Table) -> Iterator[tuple[Any, ...]]:
    query = select(table).order_by(*_primary_key_order(table))
    result = conn.execution_options(yield_per=COPY_BATCH).execute(query)
    for row in result:
        yield tuple(row)


def table_fingerprint(conn: Connection, table: Table) -> tuple[int, str]:
    """(row count, sha256 over every row in primary-key order) of one table."""
    digest = hashlib.sha256()
    count = 0
    for row in _rows(conn, table):
        count += 1
        line = json.dumps([_canonical(v) for v in row], ensure_ascii=False, default=str)
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return count, digest.hexdigest()


def project_fingerprint(store: Store) -> dict[str, tuple[int, str]]:
    """Row count and content hash of every table, read in one snapshot."""
    with read_snapshot(store) as conn:
        return {t.name: table_fingerprint(conn, t) for t in Base.metadata.sorted_tables}


@contextmanager
def read_snapshot(store: Store) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of the database throughout."""
    conn = store.engine.connect()
    try:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        if conn.dialect.name == "sqlite":
            # A WAL read transaction pins its snapshot at the first read: take it now.
            conn.execute(text("SELECT count(*) FROM sqlite_master"))
        yield conn
    finally:
        conn.rollback()
        conn.close()


# ---------------------------------------------------------------------------------------------
# Copy


def _is_empty(store: Store) -> bool:
    names = set(inspect(store.engine).get_table_names())
    if not names:
        return True
    known = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    if names - known:
        return False
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if (
                table.name in names
                and conn.execute(select(func.count()).select_from(table)).scalar()
            ):
                return False
    return True


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    # Columns that point into the same table (codes.parent_id, documents.previous_id) may point
    # forward to a row not yet inserted: write them as NULL first and set them afterwards.
    deferred = _self_references(table)
    pk = [c.name for c in table.primary_key.columns]
    pending: list[dict[str, Any]] = []
    count = 0
    batch: list[dict[str, Any]] = []
    for row in _rows(src, table):
        values = dict(zip(table.columns.keys(), row, strict=True))
        if deferred and any(values[c] is not None for c in deferred):
            pending.append(
                {**{f"k_{c}": values[c] for c in pk}, **{c: values[c] for c in deferred}}
            )
            values.update({c: None for c in deferred})
        batch.append(values)
        if len(batch) >= COPY_BATCH:
            dst.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        dst.execute(insert(table), batch)
        count += len(batch)
    if pending:
        statement = (
            update(table)
            .where(*[table.c[c] == bindparam(f"k_{c}") for c in pk])
            .values({c: bindparam(c) for c in deferred})
        )
        for start in range(0, len(pending), COPY_BATCH):
            dst.execute(statement, pending[start : start + COPY_BATCH])
    return count


def reset_sequences(dst: Connection) -> None:
    """Move each PostgreSQL id sequence past the largest id in its table."""
    # Rows were inserted with their ids, so PostgreSQL's sequences still start at 1: move each
    # past the largest id or the next insert would collide. Ids past a sequence's maximum
    # came from coders' logins, whose own sequences start past them (migration 0006).
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        sequence = dst.execute(
            text(
                "SELECT CASE WHEN to_regclass(:t) IS NULL THEN NULL"
                " ELSE pg_get_serial_sequence(:t, :c) END"
            ),
            {"t": table.name, "c": pk[0].name},
        ).scalar()
        if sequence:
            dst.execute(
                text(
                    f"SELECT setval(:s, COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT"
                    f" NULL) FROM {table.name} WHERE {pk[0].name} <= (SELECT seqmax FROM"
                    " pg_sequence WHERE seqrelid = CAST(:s AS regclass))"
                ),
                {"s": sequence},
            )


def copy_project(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
) -> CopyReport:
    """Copy a whole project (every table, ids preserved) into an empty database, then verify.

    The source is read in one consistent snapshot, so coders may keep working while it runs;
    the destination is written in one transaction and must be empty. Afterwards every table
    is compared (row count and content hash); a difference is an error.
    """
    from coder.services.project.lifecycle import open_project

    src = open_project(source, schema="current")
    try:
        refuse_coder_login(src, "a copy of the project")
        created = _new_sqlite_file(destination)
        dst = connect(destination, must_exist=False)
    except CoderError:
        src.dispose()
        raise
    try:
        if src.url == dst.url:
            raise ConflictError(f"{src.display_name}: source and destination are the same")
        if created is not None:
            created.parent.mkdir(parents=True, exist_ok=True)
        if not _is_empty(dst):
            raise ConflictError(
                f"{dst.display_name}: destination is not empty; copy only into a new database"
            )
        upgrade(dst)
        report = CopyReport(source=src.display_name, destination=dst.display_name)
        with read_snapshot(src) as read, dst.engine.begin() as write:
            for table in Base.metadata.sorted_tables:
                report.rows[table.name] = _copy_table(read, write, table)
                if progress:
                    progress(table.name, report.rows[table.name])
            if write.dialect.name == "postgresql":
                reset_sequences(write)
            # Compared with what this snapshot saw, not with the source now: coders may have
            # committed since, and that must not fail a backup taken while they work.
            before = {t.name: table_fingerprint(read, t) for t in Base.metadata.sorted_tables}
        after = project_fingerprint(dst)
        different = sorted(name for name in before if before[name] != after.get(name))
        if different:
            raise CoderError(
                f"{dst.display_name}: copy differs from the source in {', '.join(different)}"
            )
        return report
    except BaseException:
        dst.dispose()
        if created is not None:  # a SQLite file this copy made: leave nothing half-written
            for leftover in (created, *(created.with_name(created.name + s) for s in SIDE_FILES)):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        src.dispose()
        dst.dispose()


#: The files SQLite keeps beside a database while it is open.
SIDE_FILES = ("-wal", "-shm", "-journal")


def _new_sqlite_file(destination: str | os.PathLike[str]) -> Path | None:
    """The SQLite file a copy to ``destination`` will create, or None (a server, or a file
    that exists already and must be left alone)."""
    from coder.db.engine import project_url

    path = sqlite_path(project_url(destination))
    return path if path is not None and not path.exists() else None


def refuse_coder_login(store: Store, what: str) -> None:
    """Refuse ``what`` (a copy, a backup, a check) over a coder's own login: the server shows
    that login only the coder's own work and the shared rows, so it would miss the rest."""
    from coder.services.project.team import connected_coder

    login = connected_coder(store)
    if login is not None:
        raise ConflictError(
            f"{store.display_name}: {what} needs the project lead ({login}'s login sees only"
            " part of the project)"
        )


# ---------------------------------------------------------------------------------------------
# Backup


def default_backup_path(store: Store, now: dt.datetime | None = None) -> Path:
    """``projects/demo-20260101-120000.backup.db`` next to a SQLite project, else in cwd."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = sqlite_path(store.url)
    if path is not None:
        return path.with_name(f"{path.stem}-{stamp}.backup.db")
    name = make_url(store.url).database or "project"
    return Path(f"{name}-{stamp}.backup.db")


def backup_project(store: Store, output: Path | None = None) -> BackupReport:
    """Write a consistent copy of the project to a new SQLite file while coders keep working.

    SQLite uses the online backup API (pages copied under a read snapshot, writers keep
    going); a PostgreSQL project is copied table by table from one repeatable-read snapshot
    into a SQLite file (``pg_dump`` is the server-side alternative). The copy is then checked.
    """
    refuse_coder_login(store, "a backup")
    target = Path(output) if output is not None else default_backup_path(store)
    if target.exists():
        raise ConflictError(f"{target}: exists already; choose another backup file name")
    source_path = sqlite_path(store.url)
    method = "sqlite online backup" if source_path else "table copy from a repeatable-read snapshot"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if source_path is not None:
            backup_database(source_path, target)
        else:
            partial = target.with_name(target.name + ".partial")
            partial.unlink(missing_ok=True)
            try:
                copy_project(store.url, partial)
            except BaseException:
                with contextlib.suppress(OSError):
                    partial.unlink(missing_ok=True)
                raise
            partial.replace(target)
    except BaseException as exc:
        fault = fault_of(exc)
        if fault is None:
            raise
        raise InputError(str(target), f"cannot write the backup: {fault}") from exc
    problems = sqlite_integrity(target)
    if problems:
        raise CoderError(f"{target}: backup failed its integrity check: {problems[0]}")
    return BackupReport(
        source=store.display_name, path=target, bytes=target.stat().st_size, method=method
    )


def sqlite_integrity(path: Path) -> list[str]:
    """Problems PRAGMA integrity_check and foreign_key_check report for a SQLite file."""
    conn = open_sqlite(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: points to a missing {parent} row")
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()

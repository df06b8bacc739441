"""Engines and session factories. Nothing is created at import time."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from coder.db.sqlite_files import lost_wal_frames, read_only_uri
from coder.errors import InputError, MissingExtraError, NotFoundError, ReadOnlyProjectError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

#: Execution option that marks a session as one that will write.
WRITE_OPTION = "coder_write"
#: Execution option for schema migrations: SQLite must rebuild tables with foreign keys off.
MIGRATE_OPTION = "coder_migrate"

#: How long a SQLite writer waits for another process's lock before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 15_000


def project_url(path_or_url: str | os.PathLike[str]) -> str:
    """Turn a project path (``projects/demo.db``) or an SQLAlchemy URL into a URL."""
    value = os.fspath(path_or_url)
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise InputError(value, f"not a valid database URL ({exc})") from None
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases or in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets coders read while another writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_read_only_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # A read-only file keeps the journal mode it has: switching to WAL would be a write.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # A write transaction takes the lock up front (BEGIN IMMEDIATE), so concurrent writers
    # queue on busy_timeout instead of failing with "database is locked" when a read
    # transaction tries to upgrade; readers stay deferred and never block anyone under WAL.
    options = conn.get_execution_options()
    if options.get(MIGRATE_OPTION):
        # PRAGMA foreign_keys is a no-op inside a transaction, so it goes before BEGIN; the
        # migration checks foreign keys itself before it commits (coder.db.migrate).
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif options.get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, echo: bool = False, read_only_uri: str | None = None) -> Engine:
    """Create an engine with the project's connection settings.

    ``read_only_uri`` (see :func:`coder.db.sqlite_files.read_only_uri`) opens a SQLite file
    that cannot be written through that URI, read-only.
    """
    if make_url(url).get_backend_name() == "sqlite":
        if read_only_uri is None:
            engine = create_engine(
                url, echo=echo, connect_args={"isolation_level": None, "check_same_thread": False}
            )
            event.listen(engine, "connect", _on_sqlite_connect)
        else:
            engine = create_engine(
                url,
                echo=echo,
                creator=lambda: sqlite3.connect(
                    read_only_uri, uri=True, isolation_level=None, check_same_thread=False
                ),
            )
            event.listen(engine, "connect", _on_read_only_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    try:
        return create_engine(url, echo=echo, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        if str(exc.name).startswith("psycopg"):
            raise MissingExtraError("a PostgreSQL project", "postgres") from exc
        raise


#: How long a writer keeps retrying to take the write lock before the error reaches the user.
WRITE_LOCK_PATIENCE_S = 300.0

#: PostgreSQL SQLSTATEs that mean "try again": serialization failure, deadlock, lock timeout.
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_transient(exc: BaseException) -> bool:
    """Whether a database error is a passing conflict (lock, serialization) worth retrying."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        return "database is locked" in message or "database is busy" in message
    return getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES


def backoff_delays(
    *, first: float = 0.02, cap: float = 1.0, patience: float = WRITE_LOCK_PATIENCE_S
) -> Iterator[float]:
    """Exponential backoff with full jitter (sleep times), until ``patience`` seconds are spent.

    Jitter keeps coders who collided once from colliding again in lockstep (the "full jitter"
    scheme of Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
    """
    deadline = time.monotonic() + patience
    ceiling = first
    while time.monotonic() < deadline:
        yield random.uniform(0, ceiling)
        ceiling = min(cap, ceiling * 2)


def begin_write(session: Session) -> None:
    """Open the session's write transaction, retrying while another writer holds the lock."""
    delays = backoff_delays()
    while True:
        try:
            session.connection(execution_options={WRITE_OPTION: True})
            return
        except OperationalError as exc:
            session.rollback()
            delay = next(delays, None)
            if not is_transient(exc) or delay is None:
                raise
            time.sleep(delay)


@dataclass
class Store:
    """An open project database: its URL and engine, and the ORM sessions made from it.

    ``read_only`` is set for a SQLite file this process cannot write (it is opened read-only);
    ``lost_wal_frames`` counts the page writes a vanished write-ahead log took with it (see
    :func:`coder.db.sqlite_files.lost_wal_frames`); ``notices`` are what opening it found or
    did that the user should know.
    """

    url: str
    engine: Engine
    read_only: bool = False
    notices: tuple[str, ...] = ()
    lost_wal_frames: int = 0

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """The ORM's sessions, made on first use: a command that only reads tables with Core
        (:meth:`read_tables`) never loads ``sqlalchemy.orm``."""
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work that changes the project: commits on success, rolls back on error.

        Taking the write lock is retried with backoff (see :func:`begin_write`), so a busy
        database makes a coder wait rather than see "database is locked". A read-only project
        is refused here, before anything is done, in one line.
        """
        if self.read_only:
            raise ReadOnlyProjectError(self.display_name)
        with self.session_factory() as session:
            begin_write(session)
            try:
                yield session
            except BaseException:
                session.rollback()
                raise
            session.commit()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (closed, never committed, when the block ends)."""
        with self.session_factory() as session:
            yield session

    @contextmanager
    def read_tables(self) -> Iterator[Connection]:
        """A read-only unit of work over the Core tables (:mod:`coder.db.tables`): one
        connection and its transaction, rolled back when the block ends, as :meth:`read`'s
        session is. Listings read this way and so never load the ORM."""
        with self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def display_name(self) -> str:
        path = sqlite_path(self.url)
        return str(path) if path else make_url(self.url).render_as_string(hide_password=True)


def connect(path_or_url: str | os.PathLike[str], *, must_exist: bool = True) -> Store:
    """Connect to a project database without changing it.

    With ``must_exist``, a missing SQLite file is an error rather than a new empty file, and a
    file that is not a SQLite database is reported as such.
    """
    url = project_url(path_or_url)
    path = sqlite_path(url)
    uri: str | None = None
    lost = 0
    if path is not None and must_exist:
        if not path.exists():
            raise NotFoundError(f"{path}: no such project (create it with 'coder init')")
        if path.is_dir():
            raise InputError(str(path), "is a directory, not a project database")
        if not path.is_file():
            raise InputError(str(path), "is not a regular file, not a project database")
        try:
            with path.open("rb") as fh:
                header = fh.read(16)
        except PermissionError:
            raise InputError(str(path), "permission denied: cannot read the project") from None
        if header and header != b"SQLite format 3\x00":
            raise InputError(str(path), "is not a coder project (not a SQLite database)")
        uri = read_only_uri(path)
        lost = lost_wal_frames(path)
    elif path is not None and _cannot_create(path):
        raise InputError(str(path), "cannot create a project here: the folder is read-only")
    engine = make_engine(url, read_only_uri=uri)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise InputError(Store(url, engine).display_name, reason) from None
    store = Store(url, engine, read_only=uri is not None, lost_wal_frames=lost)
    if lost:
        store.notices += (f"warning: {store.display_name}: {lost_wal_problem(store)}",)
    return store


def _cannot_create(path: Path) -> bool:
    return not path.exists() and path.parent.is_dir() and not os.access(path.parent, os.W_OK)


def lost_wal_problem(store: Store) -> str:
    """What a lost write-ahead log cost, in one line (read before SQLite forgot it)."""
    return (
        f"its -wal file is gone but its -shm says it held {store.lost_wal_frames} page"
        " write(s) not yet in the database: what was committed since the last checkpoint is"
        " lost (was the -wal file deleted, or left behind when the project was copied?);"
        " restore a backup or check what is missing"
    )


def table_names(store: Store) -> set[str]:
    """The tables of the project's schema, as this connection reaches them: a coder's login
    on PostgreSQL reads and writes through views of the same names (migration 0007)."""
    inspector = inspect(store.engine)
    return set(inspector.get_table_names()) | set(inspector.get_view_names())

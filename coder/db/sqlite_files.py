"""The files of a SQLite project on disk: whether it can be written, and what a lost WAL left.

A project in WAL mode is three files: the database, its write-ahead log (``-wal``, holding
committed transactions not yet copied into the database) and the log's index (``-shm``).

* **Read-only projects.** SQLite opens a file it cannot write read-only by itself, but a WAL
  database needs its ``-shm``: in a folder that cannot be written (a read-only mount, someone
  else's folder) it cannot make one and fails with "unable to open database file".
  :func:`read_only_uri` says how to open such a project for reading: ``mode=ro`` when the
  folder is writable (SQLite makes the ``-shm``), ``immutable=1`` when nobody can write the
  folder either (so nobody can be writing the database), or a refusal when the log holds
  changes that could only be read through an index that cannot be made.
* **A lost write-ahead log.** Deleting ``-wal`` while coder has it open, then a crash, loses
  every transaction since the last checkpoint, and SQLite opens what is left without a word.
  The ``-shm`` a crash leaves behind still says how many frames the log held and how many
  had been copied into the database (:func:`lost_wal_frames`); the first connection to open
  the project rebuilds the index and the evidence is gone, so this is read before opening.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
from pathlib import Path
from urllib.parse import quote

from coder.errors import InputError

#: ``iVersion`` of the WAL-index header (https://sqlite.org/walformat.html).
_WAL_INDEX_VERSION = 3007000
# Two copies of the 48-byte header, then the checkpoint information (nBackfill first).
_HEADER = struct.Struct("=IIIBBHII")
_HEADER_SIZE = 48
_BACKFILL = struct.Struct("=I")
_BACKFILL_AT = 2 * _HEADER_SIZE


def side_file(database: Path, suffix: str) -> Path:
    """``database`` with ``-wal``, ``-shm`` or ``-journal`` added to its name."""
    return database.with_name(database.name + suffix)


def writable(database: Path) -> bool:
    """Whether this process can write the database and make its side files."""
    return os.access(database, os.W_OK) and os.access(database.parent, os.W_OK)


def read_only_uri(database: Path) -> str | None:
    """The ``file:`` URI that opens ``database`` read-only, or None when it can be written.

    Raises :class:`InputError` when it cannot be read safely at all: its folder cannot be
    written and its write-ahead log holds changes without an index to read them through.
    """
    if writable(database):
        return None
    uri = "file:" + quote(str(database.resolve()))
    if os.access(database.parent, os.W_OK):
        return uri + "?mode=ro"
    wal, shm = side_file(database, "-wal"), side_file(database, "-shm")
    if _size(wal) > 0:
        if shm.exists():
            return uri + "?mode=ro"  # SQLite reads the log through the index as it is
        raise InputError(
            str(database),
            "its folder is read-only and its -wal file holds changes not yet in the database:"
            " copy the project with its -wal file to a writable folder to open it",
        )
    return uri + "?mode=ro&immutable=1"


def open_sqlite(database: Path, *, timeout: float = 15.0) -> sqlite3.Connection:
    """A plain :mod:`sqlite3` connection to ``database`` (backup, integrity check), read-only
    through :func:`read_only_uri` when this process cannot write it."""
    uri = read_only_uri(database)
    if uri is None:
        return sqlite3.connect(database, timeout=timeout)
    return sqlite3.connect(uri, uri=True, timeout=timeout)


def backup_database(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` with SQLite's online backup API.

    Pages are copied in one step under one read snapshot, so the copy is consistent while
    other processes commit (WAL lets them). The copy is written to ``target.partial`` and
    renamed when complete, in rollback-journal mode (one file); a failure removes the partial
    file and raises (:class:`OSError` or :class:`sqlite3.Error`), leaving no ``target``.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        reading = open_sqlite(source)
        try:
            writing = sqlite3.connect(partial)
            try:
                reading.backup(writing, pages=-1)
                writing.execute("PRAGMA journal_mode=DELETE")
            finally:
                writing.close()
        finally:
            reading.close()
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def lost_wal_frames(database: Path) -> int:
    """Frames of committed transactions the ``-shm`` records in a ``-wal`` that is gone.

    Zero when the log is there, when there is no index, or when every frame it lists had been
    copied into the database before the log went.
    """
    wal, shm = side_file(database, "-wal"), side_file(database, "-shm")
    if wal.exists() or not shm.exists():
        return 0
    try:
        with shm.open("rb") as fh:
            head = fh.read(_BACKFILL_AT + _BACKFILL.size)
    except OSError:
        return 0
    if len(head) < _BACKFILL_AT + _BACKFILL.size or head[:_HEADER_SIZE] != head[48:96]:
        return 0  # no index written, or one torn mid-update: nothing to go by
    version, _, _, initialised, _, _, frames, _ = _HEADER.unpack_from(head)
    if version != _WAL_INDEX_VERSION or not initialised:
        return 0
    (backfilled,) = _BACKFILL.unpack_from(head, _BACKFILL_AT)
    return max(int(frames) - int(backfilled), 0)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

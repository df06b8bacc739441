"""Where exports go (from the TUI: never the shell's cwd) and the files they never replace."""

from __future__ import annotations

from pathlib import Path

from coder.db.engine import Store, sqlite_path
from coder.io.output import sqlite_files


def export_folder(store: Store, project_name: str) -> Path:
    """``exports/`` next to the project file; for a server database, ``~/<project>/exports``."""
    path = sqlite_path(store.url)
    if path is not None:
        return path.expanduser().resolve().parent / "exports"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in project_name).strip(".")
    return Path.home() / (safe or "coder") / "exports"


def project_files(store: Store) -> tuple[Path, ...]:
    """The files an export must never replace: a SQLite project's database, ``-wal``, ``-shm``
    and ``-journal`` (see :func:`coder.io.output.write_file_safely`); none for a server."""
    path = sqlite_path(store.url)
    return sqlite_files(path) if path is not None else ()

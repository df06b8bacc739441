"""Where an export from the TUI goes unless the coder says otherwise: never the shell's cwd."""

from __future__ import annotations

from pathlib import Path

from coder.db.engine import Store, sqlite_path


def export_folder(store: Store, project_name: str) -> Path:
    """``exports/`` next to the project file; for a server database, ``~/<project>/exports``."""
    path = sqlite_path(store.url)
    if path is not None:
        return path.expanduser().resolve().parent / "exports"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in project_name).strip(".")
    return Path.home() / (safe or "coder") / "exports"

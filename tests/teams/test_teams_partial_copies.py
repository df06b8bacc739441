"""A copy or backup that fails half-way leaves no file, and `coder check` calls a file with the
tables but not the project (what a failed copy used to leave) what it is: not ok."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Table

from coder.cli.main import run
from coder.db.engine import Store, connect
from coder.db.migrate import upgrade
from coder.errors import CoderError
from coder.services.project import maintenance
from coder.services.project.maintenance import backup_project, copy_project


def fail_at_codings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the table copy stop with an error when it reaches the codings."""
    copy_table: Callable[[Connection, Connection, Table], int] = maintenance._copy_table

    def failing(src: Connection, dst: Connection, table: Table) -> int:
        if table.name == "codings":
            raise CoderError("the disk filled up (simulated)")
        return copy_table(src, dst, table)

    monkeypatch.setattr(maintenance, "_copy_table", failing)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_copy_that_fails_leaves_no_file(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fail_at_codings(monkeypatch)
    with pytest.raises(CoderError, match="simulated"):
        copy_project(project.url, out / "copy.db")
    assert leftovers(out) == []


def test_a_backup_from_a_server_that_fails_leaves_no_file(
    project: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if project.engine.dialect.name == "sqlite":
        pytest.skip("a SQLite project is backed up page by page, not table by table")
    out = tmp_path / "out"
    out.mkdir()
    fail_at_codings(monkeypatch)
    with pytest.raises(CoderError, match="simulated"):
        backup_project(project, out / "backup.db")
    assert leftovers(out) == []


def test_check_says_a_file_without_the_project_is_not_ok(
    new_db_url: Callable[[str], str], capsys: Any
) -> None:
    url = new_db_url("tables_only")
    store = connect(url, must_exist=False)
    try:
        upgrade(store)  # the tables, and no project settings: an unfinished copy
    finally:
        store.dispose()
    assert run(["check", "-p", url]) == 1
    err = capsys.readouterr().err
    assert "no project settings row" in err and "problem(s) found" in err

"""`coder project copy`, `coder backup` and `coder check` as a user types them."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import text
from typer.testing import CliRunner

from coder.cli import backup, check, project
from coder.db.engine import Store
from coder.errors import CoderError


def run(*args: str) -> tuple[int, str]:
    """Run the commands the way coder.cli.main wires them; a CoderError is a one-line message."""
    app = typer.Typer()
    for command in (backup, check, project):
        command.register(app)
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, CoderError):
        return 1, f"coder: error: {result.exception}"
    return result.exit_code, result.output


def test_check_backup_and_copy_from_the_command_line(project: Store, tmp_path: Path) -> None:
    code, out = run("check", "-p", project.url)
    assert code == 0 and ": ok (" in out and "3 documents" in out

    target = tmp_path / "safe.db"
    code, out = run("backup", "-p", project.url, "-o", str(target))
    assert code == 0 and str(target) in out and "integrity check passed" in out
    code, out = run("backup", "-p", project.url, "-o", str(target))
    assert code == 1 and "exists already" in out

    copy = tmp_path / "copy.db"
    code, out = run("project", "copy", project.url, str(copy))
    assert code == 0 and "verified equal" in out and "codes:" in out
    code, out = run("project", "copy", project.url, str(copy))
    assert code == 1 and "not empty" in out

    with project.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET text = 'changed' WHERE name = 'doc-2'"))
    code, out = run("check", "-p", project.url)
    assert code == 1 and "'doc-2'" in out and "problem(s) found" in out

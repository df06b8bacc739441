"""Fixtures shared by the whole suite.

Every test that needs a project gets a fresh, empty database: a SQLite file in tmp_path by
default, or a new database on the PostgreSQL server named by ``CODER_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from coder.db.engine import Store
from coder.services.project.lifecycle import create_project

REPO = Path(__file__).resolve().parents[1]
SERVER_URL = os.environ.get("CODER_TEST_DATABASE_URL")

#: Whole modules by marker, beside the rules of :func:`layer_markers`; single slow tests carry
#: ``@pytest.mark.slow`` themselves.
MODULE_MARKERS = {
    "tests/tui/test_tui_e2e.py": ("e2e", "slow"),  # the real `coder code` in tmux
    "tests/teams/test_teams_serve.py": ("e2e", "slow"),  # `coder serve` in headless chromium
    "tests/teams/test_teams_load.py": ("slow",),  # four coders at once, SIGKILL at random
    "tests/teams/test_teams_blind_server.py": ("postgres",),  # row-level security
    "tests/teams/test_teams_pg_attack.py": ("postgres",),  # a coder's login, attacked
}


def layer_markers(item: pytest.Item) -> set[str]:
    """The markers a test earns by where it lives and what it drives.

    A test is ``tui`` when its module imports the Textual app (anything from ``coder.tui``) or
    when it takes a snapshot; the modules in :data:`MODULE_MARKERS` get theirs by path.
    """
    path = Path(str(item.path)).relative_to(REPO).as_posix()
    names = set(MODULE_MARKERS.get(path, ()))
    module = getattr(item, "module", None)
    imported = vars(module).values() if module is not None else ()
    if any(str(getattr(v, "__module__", "")).startswith("coder.tui") for v in imported):
        names.add("tui")
    if "snap_compare" in getattr(item, "fixturenames", ()):
        names.add("tui")
    return names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test by layer so that ``-m "not slow and not tui ..."`` selects the fast ones."""
    for item in items:
        for name in sorted(layer_markers(item)):
            item.add_marker(name)


def pytest_report_header(config: pytest.Config) -> str:
    if SERVER_URL:
        return f"database: {make_url(SERVER_URL).render_as_string(hide_password=True)}"
    return "database: SQLite (set CODER_TEST_DATABASE_URL for PostgreSQL)"


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """A URL of a database that exists and is empty."""
    if not SERVER_URL:
        yield f"sqlite:///{tmp_path / 'project.db'}"
        return
    name = f"coder_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            drop_database(conn, name)
        admin.dispose()


def drop_database(conn: Connection, name: str) -> None:
    """Drop a test database, and the role coder_open_gate made for its coders' logins
    (migration 0007), which outlives it otherwise."""
    gates = list(
        conn.execute(
            text(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE 'coder\\_gate\\_' ||"
                " (SELECT oid FROM pg_database WHERE datname = :n) || '\\_%'"
            ),
            {"n": name},
        ).scalars()
    )
    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    for gate in gates:
        conn.execute(text(f'DROP ROLE IF EXISTS "{gate}"'))


@pytest.fixture
def store(empty_db_url: str) -> Iterator[Store]:
    """A new project (blind, sentence units) with no documents."""
    s = create_project(empty_db_url, name="test")
    try:
        yield s
    finally:
        s.dispose()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO

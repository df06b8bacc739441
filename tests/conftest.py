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
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coder.db.engine import Store
from coder.services.project.lifecycle import create_project

REPO = Path(__file__).resolve().parents[1]
SERVER_URL = os.environ.get("CODER_TEST_DATABASE_URL")


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
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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

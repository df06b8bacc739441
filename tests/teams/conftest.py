"""Fixtures for the team, load and fault tests: extra databases and populated projects."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from coder.db.engine import Store
from tests.conftest import drop_database
from tests.factories import team_project

SERVER_URL = os.environ.get("CODER_TEST_DATABASE_URL")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMA_0001 = FIXTURES / "schema_0001.db"


@pytest.fixture
def new_db_url(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of URLs of new empty databases on the test backend (dropped afterwards)."""
    created: list[str] = []
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT") if SERVER_URL else None

    def make(label: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'{label}.db'}"
        name = f"coder_test_{label}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                drop_database(conn, name)
        admin.dispose()


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    """A private copy of the project made by schema revision 0001."""
    target = tmp_path / "old.db"
    shutil.copyfile(SCHEMA_0001, target)
    return target


@pytest.fixture
def project(store: Store) -> Store:
    return team_project(store)

"""Fixtures for the TUI tests: a small blind project with two documents and a codebook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from coder.db.engine import Store
from tests.dbdump import dump
from tests.factories import tui_project

State = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def project(store: Store) -> Store:
    return tui_project(store)


def rows_but_audit(store: Store) -> State:
    """Every row of every table but the audit log, which grows by design (undo is recorded)."""
    return {table: rows for table, rows in dump(store).items() if table != "audit_log"}


@pytest.fixture
def state() -> Callable[[Store], State]:
    return rows_but_audit

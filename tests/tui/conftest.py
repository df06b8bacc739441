"""Fixtures for the TUI tests: a small blind project with two documents and a codebook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tui_project import build_project, table_state

from coder.db.engine import Store


@pytest.fixture
def project(store: Store) -> Store:
    return build_project(store)


@pytest.fixture
def state() -> Callable[[Store], dict[str, list[tuple[Any, ...]]]]:
    return table_state

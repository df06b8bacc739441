"""Fixtures of the reconciliation tests."""

from __future__ import annotations

from typing import Any

import pytest
from reconcile_project import build

from coder.db.engine import Store


@pytest.fixture
def built(store: Store) -> dict[str, Any]:
    return build(store)


@pytest.fixture
def project(store: Store, built: dict[str, Any]) -> Store:
    return store

"""Fixtures of the reconciliation tests."""

from __future__ import annotations

from typing import Any

import pytest

from coder.db.engine import Store
from tests.factories import reconcile_project


@pytest.fixture
def built(store: Store) -> dict[str, Any]:
    return reconcile_project(store)


@pytest.fixture
def project(store: Store, built: dict[str, Any]) -> Store:
    return store

"""The services' project: two interviews cut at full stops, a codebook, three coders."""

from __future__ import annotations

import pytest

from coder.db.engine import Store
from tests.factories import services_project


@pytest.fixture
def project(store: Store) -> Store:
    return services_project(store)

"""The export tests' projects: three documents with attributes, a two-theme codebook, two
human coders and (in ``consensus_project``) a consensus coder; built without spaCy, with every
timestamp fixed, so the exports are byte-for-byte stable (see ``tests/factories.py``)."""

from __future__ import annotations

import pytest

from coder.db.engine import Store
from tests import factories


@pytest.fixture
def paper_project(store: Store) -> Store:
    """Documents, codebook, alice's and bob's codings; no consensus coder."""
    return factories.paper_project(store)


@pytest.fixture
def consensus_project(store: Store) -> Store:
    """``paper_project`` plus a consensus coder with its own codings."""
    return factories.consensus_project(store)

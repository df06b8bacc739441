"""Golden files: an output compared byte for byte with a file kept in the repository.

After a deliberate change of output, regenerate the files with

    CODER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/codebook tests/exports tests/reports

and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

UPDATE_VARIABLE = "CODER_UPDATE_GOLDEN"


def updating() -> bool:
    """True when the run should rewrite the golden files instead of checking them."""
    return os.environ.get(UPDATE_VARIABLE) == "1"


def assert_golden(path: Path, actual: str | bytes) -> None:
    """Assert that ``actual`` (text is compared as UTF-8) equals the golden file at ``path``.

    With ``CODER_UPDATE_GOLDEN=1`` the file is written first. A missing file fails the test
    with the command that creates it.
    """
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: run with {UPDATE_VARIABLE}=1 to create it")
    expected = path.read_bytes()
    if isinstance(actual, str):
        # Text shows a readable diff; bytes were compared exactly either way.
        assert actual == expected.decode("utf-8"), f"differs from {path}"
    else:
        assert data == expected, f"differs from {path}"

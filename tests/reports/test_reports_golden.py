"""Golden files for the text formats of the agreement report.

The reports are built from fixed arrays with a seeded bootstrap and a fixed clock, so every
byte is reproducible. After a deliberate change, regenerate with
``CODER_UPDATE_GOLDEN=1 pytest tests/reports`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.domain.agreement import Level
from coder.reports.agreement import render_agreement
from tests.factories import agreement_report
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"

CASES = [
    ("unit", 2, "table", "unit2.table.txt"),
    ("unit", 2, "md", "unit2.md"),
    ("unit", 2, "csv", "unit2.csv"),
    ("unit", 2, "json", "unit2.json"),
    ("unit", 3, "table", "unit3.table.txt"),
    ("unit", 3, "md", "unit3.md"),
    ("character", 2, "table", "character2.table.txt"),
    ("character", 2, "md", "character2.md"),
    ("character", 2, "csv", "character2.csv"),
    ("span", 2, "table", "span2.table.txt"),
    ("span", 2, "md", "span2.md"),
    ("span", 2, "json", "span2.json"),
]


@pytest.mark.parametrize(("level", "n_coders", "fmt", "golden"), CASES)
def test_report_matches_golden_file(level: Level, n_coders: int, fmt: str, golden: str) -> None:
    rendered = render_agreement(agreement_report(level, n_coders), fmt)
    assert isinstance(rendered, str)
    assert_golden(GOLDEN / golden, rendered)


def test_every_golden_file_is_used() -> None:
    """A stale golden file (a case renamed or removed) would otherwise linger unnoticed."""
    used = {case[3] for case in CASES}
    assert {p.name for p in GOLDEN.iterdir()} == used

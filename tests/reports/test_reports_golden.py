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
from tests.golden import assert_golden
from tests.reports.agreement_cases import full_report, rare_codes_report

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
#: Rare, unused, weak, middling and common codes: every flag, at 80 columns as redirected.
RARE = [("table", "rare.table.txt"), ("md", "rare.md"), ("html", "rare.html")]


@pytest.mark.parametrize(("level", "n_coders", "fmt", "golden"), CASES)
def test_report_matches_golden_file(level: Level, n_coders: int, fmt: str, golden: str) -> None:
    rendered = render_agreement(full_report(level, n_coders), fmt)
    assert isinstance(rendered, str)
    assert_golden(GOLDEN / golden, rendered)


@pytest.mark.parametrize(("fmt", "golden"), RARE)
def test_rare_codes_report_matches_golden_file(fmt: str, golden: str) -> None:
    from coder.reports._terminal import render_table

    report = rare_codes_report()
    rendered = render_table(report, 80) if fmt == "table" else render_agreement(report, fmt)
    assert isinstance(rendered, str)
    assert_golden(GOLDEN / golden, rendered)


def test_every_golden_file_is_used() -> None:
    """A stale golden file (a case renamed or removed) would otherwise linger unnoticed."""
    used = {case[3] for case in CASES} | {golden for _, golden in RARE}
    assert {p.name for p in GOLDEN.iterdir()} == used

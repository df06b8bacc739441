"""``coder codes list``: a theme's codings with those of its sub-codes, under the blind rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.factories import code_named

BOOK = """\
codebook: rollup
codes:
  - name: Motives
    children:
      - name: Impact
        children:
          - name: Policy
      - name: Money
  - name: Barriers
"""

TEXT = "We partnered early. Trust mattered most. Money was short. Policy moved slowly.\n"


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path) -> str:
    """Two coders' codings on a three-level tree, made through the commands and the service a
    coder's keystroke drives; the theme itself is applied once as well."""
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "book.yaml").write_text(BOOK)
    for argv in (
        ["init", "-p", empty_db_url],
        ["import", "-p", empty_db_url, str(tmp_path / "a.txt")],
        ["codebook", "import", "-p", empty_db_url, str(tmp_path / "book.yaml")],
        ["coders", "add", "alice", "bob", "-p", empty_db_url],
    ):
        assert run(argv) == 0, argv
    store = open_project(empty_db_url)
    try:
        for coder, code, start, end in (
            ("alice", "Motives", 0, 19),
            ("alice", "Motives/Impact", 0, 19),
            ("alice", "Motives/Impact/Policy", 58, 78),
            ("alice", "Motives/Money", 41, 57),
            ("bob", "Motives/Impact/Policy", 58, 78),
            ("bob", "Motives/Impact/Policy", 20, 40),
            ("bob", "Barriers", 41, 57),
        ):
            code_named(store, coder=coder, document="a", code=code, start=start, end=end)
    finally:
        store.dispose()
    return empty_db_url


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, tuple[int, int]]:
    """(own codings, with sub-codes) of each code path, as ``codes list -f json`` gives them."""
    capsys.readouterr()
    assert run(["codes", "list", "-f", "json", *argv]) == 0
    rows = json.loads(capsys.readouterr().out)
    return {row["path"]: (row["codings"], row["with_sub_codes"]) for row in rows}


def test_a_theme_counts_its_own_codings_and_those_of_every_code_under_it(
    project: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_USER", "lead")  # codes nothing: sees everyone's work
    assert listed(capsys, "-p", project) == {
        "Motives": (1, 6),  # its own coding, Impact's, Policy's three and Money's
        "Motives/Impact": (1, 4),
        "Motives/Impact/Policy": (3, 3),
        "Motives/Money": (1, 1),
        "Barriers": (1, 1),
    }
    assert listed(capsys, "-p", project, "--coder", "bob")["Motives"] == (0, 2)
    capsys.readouterr()
    assert run(["codes", "list", "-p", project]) == 0
    table = capsys.readouterr().out
    assert "with sub codes" in table


def test_on_a_blind_project_a_coder_sees_the_totals_of_their_own_codings_unless_the_lead_asks(
    project: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_USER", "alice")  # a new project is blind
    mine = listed(capsys, "-p", project)
    assert mine["Motives"] == (1, 4) and mine["Motives/Impact/Policy"] == (1, 1)
    assert mine["Barriers"] == (0, 0)
    assert run(["codes", "list", "-p", project, "--coder", "bob"]) == 2
    assert "blind" in capsys.readouterr().err
    assert listed(capsys, "-p", project, "--lead")["Motives"] == (1, 6)

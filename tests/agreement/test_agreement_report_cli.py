"""``coder agreement`` as a methodologist runs it: redirected at 80 columns every column stays,
codes nobody applied are hidden unless asked, headings nobody can apply are left out and named,
and the paragraph says whether the project was blind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.factories import code_named, sentence_spans

PARENT = "Partnership outcomes that take a long time to describe"
TRUST = f"{PARENT}/Relational trust between researchers and officials"
MONEY = f"{PARENT}/Practical arrangements for funding and timelines"
UNUSED = f"{PARENT}/Never applied by anybody"
BOOK = f"""\
codes:
  - name: {PARENT}
    children:
      - name: Relational trust between researchers and officials
      - name: Practical arrangements for funding and timelines
      - name: Never applied by anybody
"""
TEXT = " ".join(f"Sentence number {i} says something." for i in range(40)) + "\n"


def _project(url: str, tmp_path: Path, *, blind: bool) -> str:
    (tmp_path / "interview.txt").write_text(TEXT)
    (tmp_path / "book.yaml").write_text(BOOK)
    assert run(["init", "-p", url, "--blind" if blind else "--open"]) == 0
    assert run(["import", "-p", url, str(tmp_path / "interview.txt")]) == 0
    assert run(["codebook", "import", "-p", url, str(tmp_path / "book.yaml")]) == 0
    assert run(["coders", "add", "ann", "ben", "-p", url]) == 0
    store = open_project(url)
    spans = sentence_spans(store, "interview")
    plan = {
        # Trust: 16 sentences each, 14 shared (enough units); money: 3 each, the same ones.
        ("ann", TRUST): [*range(0, 16)],
        ("ben", TRUST): [*range(0, 14), 30, 31],
        ("ann", MONEY): [20, 22, 24],
        ("ben", MONEY): [20, 22, 24],
    }
    for (coder, code), sentences in plan.items():
        for i in sentences:
            start, end = spans[i]
            code_named(store, coder=coder, document="interview", start=start, end=end, code=code)
    store.dispose()
    return url


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path) -> str:
    return _project(empty_db_url, tmp_path, blind=True)


def _report(
    project: str, capsys: pytest.CaptureFixture[str], *extra: str, fmt: str = "table"
) -> str:
    capsys.readouterr()
    assert run(["agreement", "-p", project, "--coders", "ann", "ben", "-f", fmt, *extra]) == 0
    return capsys.readouterr().out


def test_redirected_at_80_columns_every_column_and_figure_stays(
    project: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = _report(project, capsys)
    data = json.loads(_report(project, capsys, fmt="json"))
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    flat = " ".join(out.split())
    for header in ("Coded A/B", "Kappa", "Alpha [95% CI]", "Flag", "AC1 (SE)", "Agree", "Pos.",
                   "PABAK", "Prev.", "PI", "BI", "Sentences", "Agreement"):  # fmt: skip
        assert header in flat, header
    by_name = {c["name"]: c for c in data["result"]["per_code"]}
    for name in (TRUST, MONEY):
        code = by_name[name]
        alpha = f"{code['alpha']['value']:.3f}"
        low, high = code["alpha_ci"]["low"], code["alpha_ci"]["high"]
        assert f"{alpha} [{low:.3f}, {high:.3f}]" in flat
        assert f"{code['ac1']['value']:.3f} ({code['ac1_se']:.3f})" in flat
        assert f"{code['pabak']['value']:.3f}" in flat
    assert "ok" in flat and "~ too few units" in flat
    # A long code path is wrapped inside its column, never cut.
    assert "Relational trust between" in flat and "researchers and officials" in flat


def test_codes_nobody_applied_are_hidden_unless_asked(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("table", "md"):
        text = " ".join(_report(project, capsys, fmt=fmt).split())
        assert "Never applied by anybody" in text  # named in the note, not as a row
        assert "not listed (--all-codes lists it)" in text
    md = _report(project, capsys, fmt="md")
    assert "| Never applied by anybody" not in md.replace(PARENT + "/", "")
    shown = _report(project, capsys, "--all-codes", fmt="md")
    assert f"| {UNUSED} |" in shown
    assert "not listed" not in shown


def test_a_parent_nobody_applied_is_a_heading_left_out_and_named(
    project: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(_report(project, capsys, fmt="json"))
    assert PARENT not in data["code_paths"]
    assert data["headings"] == [PARENT]
    assert f"1 heading code that nobody can apply: {PARENT}" in data["excluded"]
    assert f"heading code that nobody can apply: {PARENT}" in data["methods"]
    # The pooled figure is over the codes that can be applied: three of them.
    assert data["result"]["overall"]["alpha"]["value"] is not None
    assert len(data["result"]["per_code"]) == 3


def test_the_paragraph_says_independently_only_for_a_blind_project(
    project: str, empty_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blind = json.loads(_report(project, capsys, fmt="json"))
    assert blind["blind"] is True and "so each coded independently" in blind["methods"]
    other = tmp_path / "open"
    other.mkdir()
    url = _project(f"sqlite:///{other / 'open.db'}", other, blind=False)
    open_ = json.loads(_report(url, capsys, fmt="json"))
    assert open_["blind"] is False
    assert "independently" not in open_["methods"]
    assert "in a project that was not blind" in open_["methods"]

"""``coder agreement`` from the command line, on a small coded project."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.factories import code_named

BOOK = """\
codes:
  - name: Trust
  - name: Funding
"""
TEXT = "We partnered early. Trust mattered most.\n\nFunding was short. Timelines slipped.\n"


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path) -> str:
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / "book.yaml").write_text(BOOK)
    assert run(["init", "-p", empty_db_url]) == 0
    assert run(["import", "-p", empty_db_url, str(tmp_path / "a.txt")]) == 0
    assert run(["codebook", "import", "-p", empty_db_url, str(tmp_path / "book.yaml")]) == 0
    assert run(["coders", "add", "ann", "ben", "-p", empty_db_url]) == 0
    store = open_project(empty_db_url)
    for coder, start, end, code in [
        ("ann", 20, 40, "Trust"),
        ("ben", 20, 40, "Trust"),
        ("ann", 42, 60, "Funding"),
        ("ben", 0, 19, "Funding"),
    ]:
        code_named(store, coder=coder, document="a", start=start, end=end, code=code)
    store.dispose()
    return empty_db_url


def test_json_report_carries_every_figure(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["agreement", "-p", project, "--coders", "ann", "ben", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    per_code = {c["name"]: c for c in data["result"]["per_code"]}
    assert per_code["Trust"]["kappa"]["value"] == pytest.approx(1.0)
    # Funding: ann codes sentence 3, ben sentence 1; of 4 sentences they agree on 2 (absent).
    assert per_code["Funding"]["percent_agreement"]["value"] == pytest.approx(0.5)
    assert data["result"]["coders"] == ["ann", "ben"]
    assert data["request"]["unit"] == "sentence" and "Krippendorff" in data["methods"]


def test_table_and_files(project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["agreement", "-p", project, "--coders", "ann", "ben"]) == 0
    out = capsys.readouterr().out
    assert "Trust" in out and "Funding" in out and "nan" not in out
    target = tmp_path / "report.csv"
    assert (
        run(["agreement", "-p", project, "-c", "ann", "-c", "ben", "-f", "csv", "-o", str(target)])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r["code"] for r in rows] == ["Trust", "Funding"]
    xlsx = tmp_path / "report.xlsx"
    assert (
        run(["agreement", "-p", project, "--coders", "ann", "ben", "-f", "xlsx", "-o", str(xlsx)])
        == 0
    )
    assert "Per code" in load_workbook(xlsx).sheetnames
    html = tmp_path / "report.html"
    assert (
        run(["agreement", "-p", project, "--coders", "ann", "ben", "-f", "html", "-o", str(html)])
        == 0
    )
    assert "<svg" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["--coders", "ann"], 2, "at least two coders"),
        (["--coders", "ann", "zed"], 1, "unknown coder 'zed'"),
        (["--coders", "ann", "ben", "--codes", "Nope"], 1, "unknown code 'Nope'"),
        (["--coders", "ann", "ben", "--docs", "zzz"], 1, "unknown document 'zzz'"),
        (["--coders", "ann", "ben", "--level", "word"], 2, "'word'"),
        (["--coders", "ann", "ben", "-f", "xlsx"], 2, "needs a file"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(
    project: str, argv: list[str], code: int, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["agreement", "-p", project, *argv]) == code
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err

"""The command line as a user drives it: exit codes, messages, formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.dbdump import dump
from tests.factories import code_named

BOOK = """\
codebook: CLI test
codes:
  - name: Relationships
    colour: "#0072B2"
    children:
      - name: Trust
        definition: Confidence that the partner will deliver.
        keywords: [trust]
  - name: Funding
    definition: Money for the work.
"""


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path) -> str:
    assert run(["init", "-p", empty_db_url]) == 0
    (tmp_path / "a.txt").write_text("We partnered early.\n\nTrust mattered most.\n")
    (tmp_path / "book.yaml").write_text(BOOK)
    assert run(["import", "-p", empty_db_url, str(tmp_path / "a.txt"), "--attr", "role=lead"]) == 0
    assert run(["codebook", "import", "-p", empty_db_url, str(tmp_path / "book.yaml")]) == 0
    assert run(["coders", "add", "alice", "bob", "-p", empty_db_url]) == 0
    return empty_db_url


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(argv) == 0
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


def test_docs_list_formats(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _json(capsys, ["docs", "list", "-p", project, "--format", "json"])
    assert [(d["name"], d["sentences"], d["paragraphs"], d["attributes"]) for d in docs] == [
        ("a", 2, 2, {"role": "lead"})
    ]
    assert run(["docs", "list", "-p", project, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["name"] == "a" and rows[0]["attributes"] == "role=lead"
    assert run(["docs", "list", "-p", project]) == 0
    assert "Documents (1)" in capsys.readouterr().out


def test_codes_and_codings_listings(project: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = open_project(project)
    code_named(
        store,
        coder="alice",
        document="a",
        start=21,
        end=41,
        code="Relationships/Trust",
        memo="key moment",
    )
    store.dispose()
    codes = _json(capsys, ["codes", "list", "-p", project, "-f", "json"])
    assert [(c["path"], c["codings"]) for c in codes] == [
        ("Relationships", 0),
        ("Relationships/Trust", 1),
        ("Funding", 0),
    ]
    codings = _json(capsys, ["codings", "list", "-p", project, "-f", "json", "--coder", "alice"])
    assert [(c["code"], c["text"], c["memo"]) for c in codings] == [
        ("Relationships/Trust", "Trust mattered most.", "key moment")
    ]
    assert _json(capsys, ["codings", "list", "-p", project, "-f", "json", "-c", "bob"]) == []


def test_codebook_export_round_trip(project: str, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    assert run(["codebook", "export", "-p", project, "-f", "yaml", "-o", str(out)]) == 0
    from coder.io.codebook import read_codebook

    book = read_codebook(out)
    assert [c.name for c in book.codes] == ["Relationships", "Funding"]
    assert book.codes[0].children[0].definition == "Confidence that the partner will deliver."


def test_bad_codebook_changes_nothing(
    project: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - name: New code\n  - name: Funding\n    colour: notacolour\n")
    store = open_project(project)
    before = dump(store)
    capsys.readouterr()
    assert run(["codebook", "import", "-p", project, str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coder: error: ") and "bad.yaml:4" in err
    assert dump(store) == before
    store.dispose()


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["docs", "show", "nope"], 1, "unknown document 'nope'"),
        (["codings", "list", "--coder", "mallory"], 1, "unknown coder 'mallory'"),
        (["codings", "list", "--code", "Nope/Code"], 1, "unknown code 'Nope/Code'"),
        (["coders", "add", "alice"], 1, "already exists"),
        (["import", "--attr", "novalue", "x.txt"], 2, "expected key=value"),
        (["docs", "list", "--format", "yaml"], 2, "Invalid value"),
        (["codebook", "export", "-f", "docx"], 2, "'docx'"),
    ],
)
def test_errors_are_one_line_with_exit_codes(
    project: str, argv: list[str], code: int, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run([*argv, "-p", project]) == code
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err


def test_missing_project_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["docs", "list", "-p", str(tmp_path / "none.db")]) == 1
    assert "none.db: no such project (create it with 'coder init')" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_project_from_environment(
    project: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CODER_PROJECT", project)
    docs = _json(capsys, ["docs", "list", "-f", "json"])
    assert len(docs) == 1


def test_notebook_api_dataframes(project: str) -> None:
    import coder

    with coder.open(project) as p:
        code_named(p.store, coder="bob", document="a", start=0, end=19, code="Funding")
        docs = p.documents()
        assert list(docs["name"]) == ["a"] and docs.loc[0, "attr_role"] == "lead"
        assert str(docs.loc[0, "text"]).startswith("We partnered early.")
        codes = p.codes()
        assert list(codes["path"]) == ["Relationships", "Relationships/Trust", "Funding"]
        codings = p.codings()
        assert codings[["document", "start", "end", "code", "coder"]].values.tolist() == [
            ["a", 0, 19, "Funding", "bob"]
        ]


def test_demo_builds_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The seed corpus and the codebook ship inside the package: no seeds/ or codebooks/ in
    the working directory is needed. A second run opens the demo; --fresh rebuilds it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODER_USER", "newcomer")
    assert not (tmp_path / "seeds").exists()
    assert run(["demo", "--no-tui", "-p", "d.db"]) == 0
    built = (
        f"built {tmp_path / 'd.db'}: 12 documents, 34 codes, 400 codings by example-coder-A,"
        " 342 codings by example-coder-B (example data)"
    )
    assert built in capsys.readouterr().out
    store = open_project(str(tmp_path / "d.db"))
    try:
        assert len(dump(store)["documents"]) == 12
    finally:
        store.dispose()

    assert run(["demo", "--no-tui", "-p", "d.db"]) == 0
    assert f"{tmp_path / 'd.db'} exists: opening it" in capsys.readouterr().out

    assert run(["demo", "--no-tui", "--fresh", "-p", "d.db"]) == 0
    out = capsys.readouterr().out
    assert f"kept the previous demo as {tmp_path / 'd.db'}." in out and built in out
    assert len(list(tmp_path.glob("d.db.*.bak"))) == 1


def test_a_coder_lists_only_their_own_work_on_a_blind_project_unless_the_lead_asks(
    project: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blinding on a shared SQLite file is a convention the listings keep (README).
    store = open_project(project)
    for coder, start, end in (("alice", 0, 19), ("bob", 21, 41)):
        code_named(store, coder=coder, document="a", start=start, end=end, code="Funding")
    store.dispose()
    monkeypatch.setenv("CODER_USER", "alice")
    mine = _json(capsys, ["codings", "list", "-p", project, "-f", "json"])
    assert [(c["coder"], c["start"]) for c in mine] == [("alice", 0)]
    counts = _json(capsys, ["codes", "list", "-p", project, "-f", "json"])
    assert {c["path"]: c["codings"] for c in counts}["Funding"] == 1
    capsys.readouterr()
    assert run(["codings", "list", "-p", project, "--coder", "bob"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "blind" in err and "'bob'" in err and "--lead" in err
    everyone = _json(capsys, ["codings", "list", "-p", project, "-f", "json", "--lead"])
    assert sorted(str(c["coder"]) for c in everyone) == ["alice", "bob"]
    # Someone who codes nothing here (the lead, a script) is not blinded.
    monkeypatch.setenv("CODER_USER", "lead")
    assert len(_json(capsys, ["codings", "list", "-p", project, "-f", "json"])) == 2

"""``coder docs`` corrections and ``coder import --new-version`` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli.main import run
from coder.services.documents.corpus import list_documents
from coder.services.documents.reading import get_document
from coder.services.project.lifecycle import open_project
from tests.dbdump import dump
from tests.factories import code_named

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two interviews (one with attributes), a codebook, alice, and two codings by alice."""
    monkeypatch.setenv("CODER_USER", "lead")
    assert run(["init", "-p", empty_db_url]) == 0
    (tmp_path / "int-1.txt").write_text("We partnered early.\n\nTrust mattered most.\n")
    (tmp_path / "int-2.txt").write_text("Funding was short.\n")
    (tmp_path / "book.yaml").write_text("codebook: t\ncodes:\n  - name: Trust\n")
    argv = ["import", "-p", empty_db_url, str(tmp_path / "int-1.txt"), "--attr", "role=lead"]
    assert run(argv) == 0
    assert run(["import", "-p", empty_db_url, str(tmp_path / "int-2.txt")]) == 0
    assert run(["codebook", "import", "-p", empty_db_url, str(tmp_path / "book.yaml")]) == 0
    assert run(["coders", "add", "alice", "-p", empty_db_url]) == 0
    store = open_project(empty_db_url)
    try:
        for start, end in ((0, 19), (21, 41)):
            code_named(store, coder="alice", document="int-1", code="Trust", start=start, end=end)
    finally:
        store.dispose()
    return empty_db_url


def _out(capsys: Capture, argv: list[str], code: int = 0) -> str:
    capsys.readouterr()
    assert run(argv) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


def _names(url: str, where: dict[str, str] | None = None) -> list[str]:
    store = open_project(url)
    try:
        return [d.name for d in list_documents(store, where=where)]
    finally:
        store.dispose()


def test_rename_then_undo(project: str, capsys: Capture) -> None:
    said = _out(capsys, ["docs", "rename", "int-1", "Ana", "-p", project])
    assert said.strip() == "renamed document 'int-1' to 'Ana'"
    assert _names(project) == ["Ana", "int-2"]
    said = _out(capsys, ["docs", "rename", "int-2", "Ana", "-p", project], code=1)
    assert said.strip() == "coder: error: a document named 'Ana' already exists"
    said = _out(capsys, ["docs", "undo", "-p", project])
    assert said.strip() == "undid: renamed document 'int-1' to 'Ana'"
    assert _names(project) == ["int-1", "int-2"]


def _answering(argv: list[str], answer: str) -> tuple[int, str]:
    """Run a command that asks, typing ``answer`` at its prompt."""
    from typer.testing import CliRunner

    from coder.cli.main import app

    result = CliRunner().invoke(app, argv, input=answer)
    return result.exit_code, result.output


def _tables(url: str) -> dict[str, object]:
    store = open_project(url)
    try:
        out: dict[str, object] = dict(dump(store))
    finally:
        store.dispose()
    out.pop("audit_log")
    return out


def test_remove_asks_first_and_says_how_many_codings_go(project: str, capsys: Capture) -> None:
    before = _tables(project)
    code, said = _answering(["docs", "remove", "int-1", "-p", project], "n\n")
    assert code == 1 and "Remove 'int-1' (version 1) with 2 codings by 1 coder? [y/N]" in said
    assert "Aborted" in said and _tables(project) == before
    code, said = _answering(["docs", "remove", "int-2", "-p", project], "y\n")
    assert code == 0 and "removed 'int-2' (version 1) with 0 codings by 0 coders" in said
    said = _out(capsys, ["docs", "remove", "int-1", "--yes", "-p", project])
    assert said.strip() == "removed 'int-1' (version 1) with 2 codings by 1 coder"
    assert _names(project) == []
    said = _out(capsys, ["docs", "undo", "-p", project])
    assert said.strip() == "undid: removed document 'int-1' (version 1) with 2 codings by 1 coder"
    _out(capsys, ["docs", "undo", "-p", project])
    assert _tables(project) == before


def test_set_and_unset_attributes(project: str, capsys: Capture) -> None:
    said = _out(capsys, ["docs", "set", "int-2", "role=funder", "year=2021", "-p", project])
    assert said.strip() == "changed the attributes of 'int-2': role=funder, year=2021"
    _out(capsys, ["docs", "unset", "int-1", "role", "-p", project])
    assert _names(project, where={"role": "funder"}) == ["int-2"]
    said = _out(capsys, ["docs", "unset", "int-1", "role", "-p", project], code=1)
    assert "'int-1' has no attribute 'role'" in said
    said = _out(capsys, ["docs", "set", "int-1", "nonsense", "-p", project], code=2)
    assert "expected key=value" in said


def test_attributes_from_a_sheet(project: str, capsys: Capture, tmp_path: Path) -> None:
    sheet = tmp_path / "cases.csv"
    sheet.write_text("Name,age,site\nint-1,34,north\nint-2,51,\n", encoding="utf-8")
    said = _out(capsys, ["docs", "attributes", "--from", str(sheet), "-p", project], code=1)
    assert "no column 'name'" in said
    argv = ["docs", "attributes", "--from", str(sheet), "--key-column", "Name", "-p", project]
    assert _out(capsys, argv).strip() == "set 3 value(s) of 2 document(s)"
    store = open_project(project)
    try:
        assert get_document(store, "int-1").summary.attributes == {
            "role": "lead",
            "age": 34,
            "site": "north",
        }
        assert get_document(store, "int-2").summary.attributes == {"age": 51}
    finally:
        store.dispose()
    sheet.write_text("Name,age\nint-1,35\nint-9,3\n", encoding="utf-8")
    said = _out(capsys, argv, code=1)
    assert said.strip().endswith("no document named 'int-9' in the project; nothing was changed")


def test_sets(project: str, capsys: Capture) -> None:
    _out(capsys, ["docs", "sets", "create", "Wave 1", "-d", "first wave", "-p", project])
    said = _out(capsys, ["docs", "sets", "add", "Wave 1", "int-2", "-p", project])
    assert said.strip() == "added 1 document(s) to 'Wave 1'"
    said = _out(capsys, ["docs", "sets", "list", "-f", "json", "-p", project])
    assert json.loads(said) == [
        {"set": "Wave 1", "documents": 1, "names": ["int-2"], "description": "first wave"}
    ]
    listed = _out(capsys, ["docs", "list", "--set", "Wave 1", "-f", "json", "-p", project])
    assert [d["name"] for d in json.loads(listed)] == ["int-2"]
    _out(capsys, ["docs", "sets", "remove", "Wave 1", "int-2", "-p", project])
    said = _out(capsys, ["docs", "sets", "delete", "Wave 1", "-p", project])
    assert said.strip() == "deleted document set 'Wave 1' (0 document(s) stay in the project)"
    said = _out(capsys, ["docs", "list", "--set", "Wave 1", "-p", project], code=1)
    assert "unknown document set 'Wave 1'" in said


def test_a_changed_file_needs_new_version_and_versions_can_be_made_current(
    project: str, capsys: Capture, tmp_path: Path
) -> None:
    changed = tmp_path / "md" / "int-1.md"
    changed.parent.mkdir()
    changed.write_text("# Interview\n\nWe partnered late.\n")
    said = _out(capsys, ["import", str(changed), "-p", project], code=1)
    assert (
        f"coder: error: {changed}: a document named 'int-1' already exists (version 1); use"
        " --new-version to add this as its new version"
    ) in said
    said = _out(capsys, ["import", str(changed), "--new-version", "-p", project])
    assert "imported new version: int-1 (version 2, keeping role from version 1)" in said
    versions = json.loads(_out(capsys, ["docs", "versions", "int-1", "-f", "json", "-p", project]))
    assert [(v["version"], v["current"], v["codings"], v["format"]) for v in versions] == [
        (1, "", 2, "txt"),
        (2, "current", 0, "md"),
    ]
    shown = json.loads(
        _out(capsys, ["docs", "show", "int-1", "-v", "1", "-f", "json", "-p", project])
    )
    assert shown[0]["text"].startswith("We partnered early.")
    said = _out(capsys, ["docs", "current", "int-1", "--version", "1", "-p", project])
    assert said.strip() == "made version 1 of 'int-1' current again (now version 3)"
    shown = json.loads(_out(capsys, ["docs", "show", "int-1", "-f", "json", "-p", project]))
    assert (shown[0]["version"], shown[0]["text"]) == (
        3,
        "We partnered early.\n\nTrust mattered most.\n",
    )
    said = _out(capsys, ["docs", "current", "int-1", "--version", "7", "-p", project], code=1)
    assert "document 'int-1' has no version 7" in said


def test_a_redirected_listing_is_never_cut_at_the_right_edge(project: str, capsys: Capture) -> None:
    """A listing too wide for 80 columns wrapped its last column's words off the page and lost
    the table's right edge when piped; now it wraps within the table or widens to fit, and a
    long attribute is cut with an ellipsis, never hidden."""
    long_name = "a-document-with-a-rather-long-name-from-a-survey-export"
    assert run(["docs", "rename", "int-2", long_name, "-p", project]) == 0
    pairs = ["speakers=Adam Stacoviak, Jerod Santo", "start_time=00:00:05.790", "site=north"]
    assert run(["docs", "set", long_name, *pairs, "-p", project]) == 0
    table = _out(capsys, ["docs", "list", "-p", project])
    body = [line for line in table.splitlines() if line.startswith(("│", "┃"))]
    assert body and all(line.rstrip().endswith(("│", "┃")) for line in body), table
    assert long_name in table and "speakers=Adam Stacoviak," in table and "Jerod S…" in table
    assert "site=north" in table and "more)" not in table

"""``coder memos`` and the memos of ``coder docs show``, as a user types them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coder.cli.main import run
from coder.services.project.lifecycle import open_project
from tests.factories import code_named

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def project(empty_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A blind project: two interviews, codes Trust and Risk/Money, coders alice and bob, one
    memo of each kind by alice (coding, document, code, journal) and a coding memo by bob."""
    monkeypatch.setenv("CODER_USER", "lead")
    url = empty_db_url
    assert run(["init", "-p", url]) == 0
    (tmp_path / "int-1.txt").write_text("We partnered early.\n\nTrust mattered most.\n")
    (tmp_path / "int-2.txt").write_text("Funding was short.\n")
    book = (
        "codebook: t\ncodes:\n  - name: Trust\n  - name: Risk\n    children:\n      - name: Money\n"
    )
    (tmp_path / "book.yaml").write_text(book)
    for name in ("int-1", "int-2"):
        assert run(["import", "-p", url, str(tmp_path / f"{name}.txt")]) == 0
    assert run(["codebook", "import", "-p", url, str(tmp_path / "book.yaml")]) == 0
    for coder in ("alice", "bob"):
        assert run(["coders", "add", coder, "-p", url]) == 0
    store = open_project(url)
    try:
        code_named(
            store,
            coder="alice",
            document="int-1",
            code="Trust",
            start=0,
            end=19,
            memo="Alice on early partnering",
        )
        code_named(
            store,
            coder="bob",
            document="int-2",
            code="Risk/Money",
            start=0,
            end=18,
            memo="Bob thinks funding is the RISK",
        )
    finally:
        store.dispose()
    assert (
        run(["memos", "add", "Interview felt rushed", "--doc", "int-1", "--as", "alice", "-p", url])
        == 0
    )
    assert (
        run(
            [
                "memos",
                "add",
                "Money covers budgets",
                "--code",
                "Risk/Money",
                "--as",
                "alice",
                "-p",
                url,
            ]
        )
        == 0
    )
    assert run(["memos", "add", "Round one started", "--as", "alice", "-p", url]) == 0
    return url


def _out(capsys: Capture, argv: list[str], code: int = 0) -> str:
    capsys.readouterr()
    assert run(argv) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


def _list(capsys: Capture, project: str, *args: str) -> list[dict[str, Any]]:
    rows = json.loads(_out(capsys, ["memos", "list", "-f", "json", "-p", project, *args]))
    assert isinstance(rows, list)
    return rows


def test_every_kind_is_listed(project: str, capsys: Capture) -> None:
    rows = _list(capsys, project)
    assert [(r["kind"], r["author"], r["text"]) for r in rows] == [
        ("coding", "alice", "Alice on early partnering"),
        ("coding", "bob", "Bob thinks funding is the RISK"),
        ("document", "alice", "Interview felt rushed"),
        ("code", "alice", "Money covers budgets"),
        ("project", "alice", "Round one started"),
    ]
    assert rows[0]["on"] == "int-1 0-19 Trust"
    assert rows[2]["on"] == "int-1" and rows[3]["on"] == "Risk/Money"
    for kind in ("coding", "document", "code", "project"):
        assert {r["kind"] for r in _list(capsys, project, "--kind", kind)} == {kind}
    table = _out(capsys, ["memos", "list", "-p", project])
    assert "Memos (5)" in table and "project" in table and "journal" in table


def test_filters_and_search(project: str, capsys: Capture) -> None:
    by_doc = _list(capsys, project, "--doc", "int-1")
    assert [r["text"] for r in by_doc] == ["Alice on early partnering", "Interview felt rushed"]
    by_code = _list(capsys, project, "--code", "Risk")  # the code and its sub-codes
    assert [r["text"] for r in by_code] == [
        "Bob thinks funding is the RISK",
        "Money covers budgets",
    ]
    assert [r["author"] for r in _list(capsys, project, "--coder", "bob")] == ["bob"]
    found = _list(capsys, project, "--search", "risk FUNDING")  # every word, any case
    assert [r["text"] for r in found] == ["Bob thinks funding is the RISK"]
    assert _list(capsys, project, "--search", "risk partnering") == []
    # By lemma, as the document search: "partners" finds "partnering", "budget" "budgets".
    found = _list(capsys, project, "--search", "partners")
    assert [r["text"] for r in found] == ["Alice on early partnering"]
    found = _list(capsys, project, "--search", "budget")
    assert [r["text"] for r in found] == ["Money covers budgets"]
    said = _out(capsys, ["memos", "list", "--kind", "nope", "-p", project], code=1)
    assert "unknown memo kind 'nope'" in said


def test_blind_project_shows_a_coder_only_their_own(
    project: str, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_USER", "bob")
    assert [r["author"] for r in _list(capsys, project)] == ["bob"]
    said = _out(capsys, ["memos", "list", "--coder", "alice", "-p", project], code=2)
    assert "the project is blind" in said
    assert len(_list(capsys, project, "--lead")) == 5
    alice_journal = _list(capsys, project, "--lead", "--kind", "project")[0]["id"]
    said = _out(capsys, ["memos", "show", str(alice_journal), "-p", project], code=1)
    assert "bob has no memo" in said
    assert "Round one started" in _out(
        capsys, ["memos", "show", str(alice_journal), "--lead", "-p", project]
    )
    shown = json.loads(_out(capsys, ["docs", "show", "int-1", "-f", "json", "-p", project]))
    assert shown[0]["memos"] == []
    shown = json.loads(
        _out(capsys, ["docs", "show", "int-1", "-f", "json", "--lead", "-p", project])
    )
    assert [m["text"] for m in shown[0]["memos"]] == [
        "Alice on early partnering",
        "Interview felt rushed",
    ]


def test_docs_show_prints_the_memos(
    project: str, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_USER", "alice")
    said = _out(capsys, ["docs", "show", "int-1", "-p", project])
    assert "memos (2)" in said and "Interview felt rushed" in said
    assert "Alice on early partnering" in said


def test_show_edit_and_own_memos_only(project: str, capsys: Capture) -> None:
    journal = _list(capsys, project, "--kind", "project")[0]["id"]
    said = _out(capsys, ["memos", "show", str(journal), "-p", project])
    assert f"memo {journal} (project) by alice on (journal)" in said
    assert "Round one started" in said
    argv = ["memos", "edit", str(journal), "Round one began", "--as", "alice", "-p", project]
    assert _out(capsys, argv).strip() == f"memo {journal}: update"
    assert "Round one began" in _out(capsys, ["memos", "show", str(journal), "-p", project])
    argv = ["memos", "edit", str(journal), "mine now", "--as", "bob", "-p", project]
    assert "bob has no memo with id" in _out(capsys, argv, code=1)
    assert _out(capsys, ["memos", "undo", "--as", "alice", "-p", project]).strip()
    assert "Round one started" in _out(capsys, ["memos", "show", str(journal), "-p", project])


def test_undo_of_an_add(project: str, capsys: Capture) -> None:
    argv = ["memos", "add", "A second thought", "--doc", "int-2", "--as", "bob", "-p", project]
    assert _out(capsys, argv).strip() == "memo: create"
    assert "A second thought" in [r["text"] for r in _list(capsys, project, "--doc", "int-2")]
    said = _out(capsys, ["memos", "undo", "--as", "bob", "-p", project])
    assert "memo" in said
    assert "A second thought" not in [r["text"] for r in _list(capsys, project)]
    argv = ["memos", "add", "x", "--doc", "int-1", "--code", "Trust", "-p", project]
    assert "at most one of" in _out(capsys, argv, code=2)


# Code memos in codebook exports (issue 14) -----------------------------------------------------


def _bob_memo_on_money(url: str) -> None:
    argv = ["memos", "add", "Bob: budgets only", "--code", "Risk/Money", "--as", "bob", "-p", url]
    assert run(argv) == 0


def test_codebook_exports_carry_code_memos_scoped_to_the_coder_while_blind(
    project: str, tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bob_memo_on_money(project)
    capsys.readouterr()
    monkeypatch.setenv("CODER_USER", "alice")
    assert run(["codebook", "export", "-f", "json", "-p", project]) == 0
    book = json.loads(capsys.readouterr().out)
    money = book["codes"][1]["children"][0]
    assert money["name"] == "Money"
    # alice sees her own memo, not bob's, nor bob's counts.
    assert money["memos"] == [{"author": "alice", "text": "Money covers budgets"}]
    assert money["count"] == 0
    assert run(["codebook", "export", "-f", "md", "-p", project]) == 0
    markdown = capsys.readouterr().out
    assert "**Memos:**" in markdown and "- Money covers budgets (alice)" in markdown
    assert "Bob" not in markdown
    # The lead sees everyone's memos, oldest first, and everyone's counts.
    assert run(["codebook", "export", "-f", "json", "--lead", "-p", project]) == 0
    money = json.loads(capsys.readouterr().out)["codes"][1]["children"][0]
    assert [m["author"] for m in money["memos"]] == ["alice", "bob"] and money["count"] == 1
    assert run(["codebook", "export", "-f", "yaml", "--lead", "--no-memos", "-p", project]) == 0
    assert "memos" not in capsys.readouterr().out


def test_a_codebook_exported_with_memos_imports_back_without_them(
    project: str, tmp_path: Path, capsys: Capture
) -> None:
    for fmt in ("yaml", "json", "csv"):
        path = tmp_path / f"exported.{fmt}"
        assert run(["codebook", "export", "-f", fmt, "-o", str(path), "-p", project]) == 0
        assert "Money covers budgets" in path.read_text(encoding="utf-8-sig")
        capsys.readouterr()
        assert run(["codebook", "import", str(path), "-p", project]) == 0
        assert "0 code(s) added, 0 updated" in capsys.readouterr().out


def test_the_codebook_appendix_shows_code_memos_in_every_format(
    project: str, tmp_path: Path
) -> None:
    from docx import Document as Docx
    from openpyxl import load_workbook

    _bob_memo_on_money(project)
    files = {}
    for fmt in ("codebook-md", "codebook-docx", "codebook-html", "codebook-xlsx", "codebook-csv"):
        files[fmt] = tmp_path / f"book.{fmt.split('-')[1]}"
        assert run(["export", "--format", fmt, "-o", str(files[fmt]), "-p", project]) == 0
    for fmt in ("codebook-md", "codebook-html", "codebook-csv"):
        text = files[fmt].read_text(encoding="utf-8-sig")
        assert "Money covers budgets" in text and "Bob: budgets only" in text, fmt
    cells = [c.text for t in Docx(str(files["codebook-docx"])).tables for c in t._cells]
    assert "Money covers budgets (alice)" in cells and "Bob: budgets only (bob)" in cells
    sheet = load_workbook(files["codebook-xlsx"]).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("memos")
    money = next(r for r in rows if r[1] == "Risk/Money")
    assert money[column] == "Money covers budgets (alice)\n\nBob: budgets only (bob)"


def test_quote_books_and_codebooks_leave_memos_out_when_asked(project: str, tmp_path: Path) -> None:
    quotes, bare = tmp_path / "quotes.md", tmp_path / "bare.md"
    argv = ["export", "--format", "quotes-md", "--coder", "alice", "-p", project]
    assert run([*argv, "-o", str(quotes)]) == 0
    assert run([*argv, "--no-memos", "-o", str(bare)]) == 0
    assert "Alice on early partnering" in quotes.read_text()
    assert "We partnered early." in bare.read_text()
    assert "Alice on early partnering" not in bare.read_text()
    book = tmp_path / "book.md"
    assert (
        run(["export", "--format", "codebook-md", "--no-memos", "-o", str(book), "-p", project])
        == 0
    )
    assert "Money" in book.read_text() and "Money covers budgets" not in book.read_text()


def test_memos_are_plain_text_and_listed_as_they_are(project: str, capsys: Capture) -> None:
    """A memo cannot carry terminal escape sequences to whoever lists it, and text that looks
    like Rich markup is shown as written, not read as markup (``[/]`` stopped the listing)."""
    before = _list(capsys, project)
    for text in ("a\x1b]0;pwned\x07b", "clear\x1b[2J", "csi\x9b2J"):
        said = _out(capsys, ["memos", "add", text, "--as", "alice", "-p", project], code=1)
        assert said.count("\n") == 1 and "control character U+" in said, said
    assert _list(capsys, project) == before
    odd = "odd [/] closing and [link=http://evil]click[/link] [bold]b"
    assert _out(capsys, ["memos", "add", odd, "--as", "alice", "-p", project]).startswith("added")
    table = _out(capsys, ["memos", "list", "-p", project])
    assert "Traceback" not in table and "[bold]b" in table and "\x1b]8" not in table
    assert _list(capsys, project)[-1]["text"] == odd
    shown = _out(capsys, ["docs", "show", "int-1", "-p", project])
    assert "Traceback" not in shown and "We partnered early." in shown

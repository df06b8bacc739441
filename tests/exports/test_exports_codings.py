"""Codings as CSV/XLSX, and ``coder codings import`` reading them back (all or nothing)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from coder.cli import codings as codings_cli
from coder.cli import export as export_cli
from coder.db.engine import Store
from coder.domain.exports import ExportOptions
from coder.errors import InputError
from coder.io.escaping import csv_value
from coder.reports.codings_table import CODING_COLUMNS
from coder.services.codebook.codes import list_codes
from coder.services.coding.codings import list_codings
from coder.services.coding.importing import import_codings
from coder.services.exports.formats import render_export
from coder.services.project.coders import add_coder, list_coders
from coder.services.project.lifecycle import create_project
from tests.dbdump import dump
from tests.factories import PAPER_TEXTS, paper_documents
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _comparable(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (c.document, c.start, c.end, str(c.code_path), c.coder, c.memo or "", c.text)
        for c in list_codings(store)
    )


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Store]:
    """A second project with the same documents, codebook and coders, and no codings."""
    store = create_project(f"sqlite:///{tmp_path / 'target.db'}", name="target")
    paper_documents(store)
    yield store
    store.dispose()


def test_codings_csv_golden(paper_project: Store) -> None:
    data = render_export(paper_project, "codings-csv")
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark"
    assert_golden(GOLDEN / "codings.csv", data.decode("utf-8-sig"))


def test_codings_csv_filters(paper_project: Store) -> None:
    rows = _csv_rows(
        render_export(
            paper_project,
            "codings-csv",
            ExportOptions(coders=("alice",), codes=("Practicalities",), where={"year": "2021"}),
        )
    )
    assert rows[0] == list(CODING_COLUMNS)
    body = rows[1:]
    assert {r[4] for r in body} == {"alice"}
    assert {r[0] for r in body} == {"interview-01", "report-03"}
    assert all(r[3].startswith("Practicalities/") for r in body)
    assert len(body) == 3


def test_codings_xlsx_matches_csv(paper_project: Store) -> None:
    data = render_export(paper_project, "codings-xlsx")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws.title == "Codings"
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    values = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    # The same text; the CSV's formula-like cells carry an apostrophe the XLSX does not need.
    csv_rows = _csv_rows(render_export(paper_project, "codings-csv"))
    assert values == [[csv_value(v) for v in row] for row in csv_rows]
    # Text beginning with "=" is stored as text, not turned into a formula.
    formula_like = next(c for c in ws["G"] if str(c.value).startswith("= The evidence"))
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert ws["G2"].alignment.wrap_text


@pytest.mark.parametrize("fmt", ["codings-csv", "codings-xlsx"])
def test_round_trip(paper_project: Store, target: Store, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"codings.{fmt.split('-')[1]}"
    path.write_bytes(render_export(paper_project, fmt))
    report = import_codings(target, path, actor="t")
    assert report.codings == 9 and report.memos == 2
    assert _comparable(target) == _comparable(paper_project)


def test_import_creates_coders_and_codes(target: Store, tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text(
        "document,start,end,code,coder\n"
        "interview-01,0,10,Motives/New code/Deeper,dora\n"
        "interview-01,0,10,Motives/Impact,dora\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown coder 'dora'"):
        import_codings(target, path, actor="t")
    with pytest.raises(InputError, match="unknown code 'Motives/New code/Deeper'"):
        import_codings(target, path, actor="t", create_coders=True)
    report = import_codings(target, path, actor="t", create_coders=True, create_codes=True)
    assert report.coders_created == ["dora"]
    assert report.codes_created == ["Motives/New code", "Motives/New code/Deeper"]
    assert "dora" in {c.name for c in list_coders(target)}
    paths = [str(c.path) for c in list_codes(target)]
    assert paths.index("Motives/New code/Deeper") == paths.index("Motives/New code") + 1
    assert sorted((c.coder, str(c.code_path)) for c in list_codings(target)) == [
        ("dora", "Motives/Impact"),
        ("dora", "Motives/New code/Deeper"),
    ]


HEADER = "document,start,end,code,coder,memo,text\n"
GOOD = "interview-01,0,10,Motives/Impact,alice,,We partner\n"
LONG = len(PAPER_TEXTS["interview-01"])

# (file name, content, expected part of the message)
BAD: list[tuple[str, bytes, str]] = [
    (
        "unknown-doc.csv",
        (HEADER + GOOD + "nope,0,5,Motives,alice,,\n").encode(),
        "row 3: unknown document 'nope'",
    ),
    (
        "unknown-code.csv",
        (HEADER + GOOD + "interview-01,0,5,Motives/Nope,alice,,\n").encode(),
        "row 3: unknown code 'Motives/Nope'",
    ),
    (
        "unknown-coder.csv",
        (HEADER + GOOD + "interview-01,0,5,Motives,zed,,\n").encode(),
        "row 3: unknown coder 'zed'",
    ),
    (
        "not-a-number.csv",
        (HEADER + GOOD + "interview-01,zero,5,Motives,alice,,\n").encode(),
        "row 3: start must be a whole number, found 'zero'",
    ),
    (
        "end-before-start.csv",
        (HEADER + GOOD + "interview-01,9,3,Motives,alice,,\n").encode(),
        "row 3: start 9 and end 3: need 0 <= start < end",
    ),
    (
        "negative.csv",
        (HEADER + GOOD + "interview-01,-1,3,Motives,alice,,\n").encode(),
        "row 3: start -1 and end 3",
    ),
    (
        "past-end.csv",
        (HEADER + GOOD + f"interview-01,0,{LONG + 1},Motives,alice,,\n").encode(),
        f"outside document 'interview-01', which has {LONG} characters",
    ),
    (
        "other-version.csv",
        (HEADER + GOOD + "interview-01,0,10,Motives,alice,,We Partner\n").encode(),
        "row 3: the text does not match document 'interview-01' at 0-10",
    ),
    ("duplicate.csv", (HEADER + GOOD + GOOD).encode(), "row 3: duplicate of row 2"),
    (
        "existing.csv",
        (HEADER + GOOD + "interview-01,0,44,Motives/Impact,alice,,\n").encode(),
        "row 3: alice already coded interview-01 0-44 with 'Motives/Impact' in the project",
    ),
    (
        "missing-column.csv",
        b"document,start,end,code\ninterview-01,0,5,Motives\n",
        "row 1: the header lacks the column(s) coder",
    ),
    ("unknown-column.csv", b"document,start,end,cdoe,coder,path\n", "row 1: unknown column 'cdoe'"),
    ("hinted-column.csv", b"doc,start,end,code,coder\n", "(did you mean 'document'?)"),
    ("empty.csv", b"", "the file is empty"),
    ("header-only.csv", HEADER.encode(), "the file has a header but no codings"),
    (
        "latin1.csv",
        (HEADER + "interview-01,0,5,Motives,alice,caf\xe9,\n").encode("latin-1"),
        "row 2: is not UTF-8 text",
    ),
    (
        "empty-cell.csv",
        (HEADER + GOOD + "interview-01,,5,Motives,alice,,\n").encode(),
        "row 3: the 'start' cell is empty",
    ),
    (
        "too-many-cells.csv",
        (HEADER + GOOD + "interview-01,0,5,Motives,alice,,,extra\n").encode(),
        "row 3: 8 cells but the header has 7 columns",
    ),
    (
        "empty-path-part.csv",
        (HEADER + GOOD + "interview-01,0,5,Motives//Impact,alice,,\n").encode(),
        "row 3: the code path 'Motives//Impact' has an empty name in it",
    ),
    ("codings.txt", (HEADER + GOOD).encode(), "use .csv or .xlsx"),
    ("binary.csv", b"PK\x03\x04\x00\x00", "is a binary file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_write_nothing(
    paper_project: Store, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(paper_project)
    with pytest.raises(InputError) as caught:
        import_codings(paper_project, path, actor="t", create_codes="Nope" not in message)
    assert str(caught.value).startswith(str(path)), "the message names the file"
    assert message in str(caught.value)
    assert dump(paper_project) == before


def test_bad_xlsx_row_names_spreadsheet_row(paper_project: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["document", "start", "end", "code", "coder"])
    ws.append(["interview-01", 0, 10, "Motives/Impact", "bob"])
    ws.append([])
    ws.append(["interview-01", 5.5, 10, "Motives/Impact", "bob"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    before = dump(paper_project)
    with pytest.raises(InputError, match=r"bad\.xlsx: row 4: start must be a whole number"):
        import_codings(paper_project, path, actor="t")
    assert dump(paper_project) == before


def test_damaged_xlsx(paper_project: Store, tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"damaged\.xlsx: not a zip archive"):
        import_codings(paper_project, path, actor="t")


def test_retired_code_refused(paper_project: Store, tmp_path: Path) -> None:
    from sqlalchemy import select

    from coder.db.models import Code

    with paper_project.write() as s:
        code = s.scalars(select(Code).where(Code.name == "Funding")).one()
        code.status = "retired"
    path = tmp_path / "retired.csv"
    path.write_text(HEADER + "interview-01,0,5,Practicalities/Funding,bob,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: code 'Practicalities/Funding' is retired"):
        import_codings(paper_project, path, actor="t")


def test_semicolon_csv_and_memo(target: Store, tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(
        "Document;Start;End;Code;Coder;Memo\ninterview-02;0;6;Motives;alice;first look\n",
        encoding="utf-8-sig",
    )
    assert import_codings(target, path, actor="t").memos == 1
    (coding,) = list_codings(target)
    assert (coding.text, coding.memo) == ("Policy", "first look")


def _app() -> typer.Typer:
    app = typer.Typer()
    export_cli.register(app)
    codings_cli.register(app)
    return app


def test_cli_export_and_import(paper_project: Store, target: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    app = _app()
    out = tmp_path / "codings.xlsx"
    result = runner.invoke(
        app, ["export", "-p", paper_project.url, "--format", "codings-xlsx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["codings", "import", str(out), "-p", target.url])
    assert result.exit_code == 0, result.output
    assert "9 coding(s) imported, 2 memo(s)" in result.output
    assert _comparable(target) == _comparable(paper_project)
    add_coder(target, "erin")
    result = runner.invoke(app, ["export", "-p", target.url, "--format", "codings-xlsx"])
    assert result.exit_code != 0
    assert "binary format" in str(result.exception)


def test_cli_export_options(consensus_project: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    app = _app()
    url = consensus_project.url
    result = runner.invoke(app, ["export", "-p", url, "--format", "help"])
    assert result.exit_code == 0 and "matrix-xlsx" in result.output
    result = runner.invoke(
        app,
        ["export", "-p", url, "-f", "quotes-csv", "--attrs", "role, year", "-w", "year=2022"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert {(r["document"], r["role"], r["year"]) for r in rows} == {
        ("interview-02", "policy-maker", "2022")
    }
    out = tmp_path / "matrix.xlsx"
    result = runner.invoke(
        app,
        ["export", "-p", url, "-f", "matrix-xlsx", "--by", "year", "--rollup", "1", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert load_workbook(out)["Codings"]["A2"].value == "Motives"
    for args, message in [
        (["-f", "quotes-csv", "-w", "year"], "expected key=value"),
        (["-f", "nope"], "unknown export format 'nope'"),
        (["-f", "matrix-csv", "--by", "year", "--rollup", "0"], "--rollup must be 1 or more"),
        (["-f", "quotes-md", "-c", "alice", "-c", "bob"], "shows one coder's codings"),
    ]:
        result = runner.invoke(app, ["export", "-p", url, *args])
        assert result.exit_code != 0
        assert message in str(result.exception), args

"""Exports of a hostile project run nothing: no spreadsheet formula, no script, no crash.

Every CSV and XLSX the commands write, and the CSV listings, are read back as a spreadsheet
would: no CSV cell starts a formula (OWASP's CSV-injection advice) and no XLSX cell is one,
while every hostile text is still there, whole. Markdown is rendered (markdown-it, raw HTML
on, link checks off) and HTML read: no script, no ``javascript:`` link. The LibreOffice check
is in ``test_exports_libreoffice.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from coder.cli.main import run
from coder.io.escaping import csv_value, is_formula_like
from coder.services.exports.formats import export_formats
from coder.services.project.lifecycle import create_project
from tests.exports.hostile import DDE, FORMULAS, LINK, SCRIPT, hostile_project

AGREEMENT = ["agreement", "-c", "ana", "-c", "ben", "-u", "document", "--bootstrap", "0"]
#: Commands writing CSV: (label, arguments after -p PROJECT; a file is added with -o).
CSV_COMMANDS = {
    "codings-csv": ["export", "-f", "codings-csv"],
    "codebook-csv": ["export", "-f", "codebook-csv"],
    "quotes-csv": ["export", "-f", "quotes-csv", "-c", "ana"],
    "matrix-csv": ["export", "-f", "matrix-csv", "-c", "ana", "--by", "role"],
    "agreement-csv": [*AGREEMENT, "-f", "csv"],
    "codebook-export-csv": ["codebook", "export", "-f", "csv"],
}
#: Listings printed to stdout as CSV.
LISTINGS = {
    "codes-list": ["codes", "list", "-f", "csv"],
    "codings-list": ["codings", "list", "-f", "csv"],
    "docs-list": ["docs", "list", "-f", "csv"],
}
XLSX_COMMANDS = {
    "codings-xlsx": ["export", "-f", "codings-xlsx"],
    "codebook-xlsx": ["export", "-f", "codebook-xlsx"],
    "quotes-xlsx": ["export", "-f", "quotes-xlsx", "-c", "ana"],
    "matrix-xlsx": ["export", "-f", "matrix-xlsx", "-c", "ana", "--by", "role"],
    "agreement-xlsx": [*AGREEMENT, "-f", "xlsx"],
}
MARKDOWN_COMMANDS = {
    "codebook-md": ["export", "-f", "codebook-md", "-c", "ana", "--examples", "2"],
    "quotes-md": ["export", "-f", "quotes-md", "-c", "ana"],
    "codebook-export-md": ["codebook", "export", "-f", "md"],
    "agreement-md": [*AGREEMENT, "-f", "md"],
}
HTML_COMMANDS = {
    "codebook-html": ["export", "-f", "codebook-html", "-c", "ana", "--examples", "2"],
    "agreement-html": [*AGREEMENT, "-f", "html"],
}


@pytest.fixture
def hostile(empty_db_url: str) -> Iterator[str]:
    """The URL of the hostile project (SQLite, or PostgreSQL under CODER_TEST_DATABASE_URL)."""
    store = create_project(empty_db_url, name="hostile")
    hostile_project(store)
    store.dispose()
    yield empty_db_url


def export_file(project: str, args: list[str], path: Path) -> Path:
    """Run ``coder ARGS -p PROJECT -o PATH`` as a user does; it must succeed."""
    assert run([*args, "-p", project, "-o", str(path)]) == 0
    return path


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_no_formula_cell(cells: list[str]) -> None:
    """No cell a spreadsheet would run; the hostile texts are all there once unescaped."""
    runnable = [c for c in cells if is_formula_like(c)]
    assert runnable == [], f"cells a spreadsheet would evaluate: {runnable}"
    texts = " ".join(csv_value(c) for c in cells)
    escaped = [c for c in cells if csv_value(c) != c]
    assert escaped, "the hostile texts never reached the file: the test would prove nothing"
    assert any(t in texts for t in FORMULAS)


@pytest.mark.parametrize("label", sorted(CSV_COMMANDS))
def test_csv_exports_start_no_formula(hostile: str, tmp_path: Path, label: str) -> None:
    path = export_file(hostile, CSV_COMMANDS[label], tmp_path / f"{label}.csv")
    assert_no_formula_cell(csv_cells(path.read_text(encoding="utf-8-sig")))


@pytest.mark.parametrize("label", sorted(LISTINGS))
def test_csv_listings_start_no_formula(
    hostile: str, capsys: pytest.CaptureFixture[str], label: str
) -> None:
    capsys.readouterr()
    assert run([*LISTINGS[label], "-p", hostile]) == 0
    assert_no_formula_cell(csv_cells(capsys.readouterr().out))


def test_a_plain_number_stays_a_number(hostile: str, tmp_path: Path) -> None:
    """The code named "-3" and the attribute "-3" are numbers to a spreadsheet, not formulas:
    written as they are. Figures such as a negative prevalence index stay numbers too."""
    codes = csv_cells(export_file(hostile, CSV_COMMANDS["codebook-csv"], tmp_path / "b.csv")
                      .read_text(encoding="utf-8-sig"))  # fmt: skip
    assert "'=1+1/-3" in codes  # the path starts with "=": escaped as a whole
    listing = tmp_path / "docs.csv"
    export_file(hostile, CSV_COMMANDS["quotes-csv"], listing)
    rows = list(csv.DictReader(io.StringIO(listing.read_text(encoding="utf-8-sig"))))
    assert {r["document"] for r in rows} >= {"'-3+4 report", "'+1+2 notes"}
    assert not any(r["document"].startswith("''") for r in rows)


@pytest.mark.parametrize("label", sorted(XLSX_COMMANDS))
def test_xlsx_exports_hold_no_formula(hostile: str, tmp_path: Path, label: str) -> None:
    path = export_file(hostile, XLSX_COMMANDS[label], tmp_path / f"{label}.xlsx")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, f"a formula in {name}"
    workbook = load_workbook(path)
    values: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    values.append(cell.value)
                    if is_formula_like(cell.value):
                        # Kept as text even when someone edits the cell in Excel.
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
    assert any(v.startswith("=1+1") for v in values), "the hostile names never reached it"


@pytest.mark.parametrize(
    "fmt",
    [f.name for f in export_formats()],
)
def test_every_export_format_of_the_hostile_project_is_written(
    hostile: str, tmp_path: Path, fmt: str
) -> None:
    """Control characters XML cannot hold, scripts and formulas: no format crashes on them."""
    path = export_file(
        hostile, ["export", "-f", fmt, "-c", "ana", "--by", "role"], tmp_path / f"out.{fmt}"
    )
    assert path.stat().st_size > 0


def _rendered(markdown: str) -> str:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # markdown-it refuses javascript: links itself; other renderers do not, so neither does
    # this check: the escaping must stop them on its own.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return str(md.render(markdown))


@pytest.mark.parametrize("label", sorted(MARKDOWN_COMMANDS))
def test_markdown_exports_carry_no_script(hostile: str, tmp_path: Path, label: str) -> None:
    text = export_file(hostile, MARKDOWN_COMMANDS[label], tmp_path / f"{label}.md").read_text(
        encoding="utf-8"
    )
    html = _rendered(text)
    for tag in ("<script", "<img"):
        assert tag not in text.lower() and tag not in html.lower()
    assert 'href="javascript' not in html.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html, "the name itself must show"
    if label != "agreement-md":  # the report names codes, not definitions
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "the text itself must show"


def test_markdown_escaping_is_needed() -> None:
    """The renderer of the test above does run raw HTML and javascript: links."""
    html = _rendered(f"{SCRIPT}\n\n[click](javascript:alert(1))\n")
    assert "<script>" in html and 'href="javascript:alert(1)"' in html


@pytest.mark.parametrize("label", sorted(HTML_COMMANDS))
def test_html_exports_escape_every_text(hostile: str, tmp_path: Path, label: str) -> None:
    text = export_file(hostile, HTML_COMMANDS[label], tmp_path / f"{label}.html").read_text(
        encoding="utf-8"
    )
    assert "<script>alert" not in text and "<img" not in text
    assert 'href="javascript' not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    if label == "codebook-html":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert DDE.replace("'", "&#39;") in text
    else:
        assert LINK.replace('"', "&#34;") in text or LINK.replace('"', "&quot;") in text

"""The paper documents: codebook, quote book and framework matrix, in every format.

Text formats are compared with golden files; DOCX and XLSX are opened again with python-docx
and openpyxl, checked for structure and values, and their extracted text compared with a
golden file too.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from docx import Document
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from coder.db.engine import Store
from coder.domain.exports import ExportOptions, clean_quote
from coder.errors import UsageError
from coder.io.escaping import csv_value
from coder.services.exports.formats import export_formats, render_export
from tests.factories import PAPER_TEXTS, code_named
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden"
QUOTES = ExportOptions(attributes=("role", "year"), max_quote_chars=120)
MATRIX = ExportOptions(by="role", max_quote_chars=120)


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(data), newline="")))


def style_name(paragraph: Paragraph) -> str:
    """The name of a Word paragraph's style ("" when it has none)."""
    style = paragraph.style
    return (style.name or "") if style is not None else ""


def _docx_text(data: bytes) -> str:
    """Headings, paragraphs and table rows in document order, one per line."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            style = block.find(".//{*}pStyle")
            name = style.get(next(iter(style.attrib))) if style is not None else ""
            if text:
                lines.append(f"[{name}] {text}" if name else text)
        elif tag == "tbl":
            for row in block.iterchildren():
                if not row.tag.endswith("}tr"):
                    continue
                cells = [
                    "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                    for cell in row.iterchildren()
                    if cell.tag.endswith("}tc")
                ]
                lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def _sheet_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data))
    lines: list[str] = []
    for ws in workbook.worksheets:
        lines.append(f"== {ws.title}")
        for row in ws.iter_rows(values_only=True):
            lines.append(" | ".join("" if v is None else str(v) for v in row))
    return "\n".join(lines) + "\n"


# --- codebook ------------------------------------------------------------------------------


def test_every_format_is_registered() -> None:
    names = {f.name for f in export_formats()}
    for kind, formats in {
        "codebook": ("md", "docx", "html", "csv", "xlsx"),
        "quotes": ("md", "docx", "csv", "xlsx"),
        "matrix": ("xlsx", "csv"),
        "codings": ("csv", "xlsx"),
    }.items():
        assert {f"{kind}-{f}" for f in formats} <= names


@pytest.mark.parametrize("fmt", ["codebook-md", "codebook-html", "codebook-csv"])
def test_codebook_text_golden(consensus_project: Store, fmt: str) -> None:
    data = render_export(
        consensus_project, fmt, ExportOptions(examples=2, title="Partnership codebook")
    )
    name = f"{fmt}.{fmt.split('-')[1]}"
    assert_golden(GOLDEN / name, _text(data))


def test_codebook_counts_follow_the_consensus_coder(consensus_project: Store) -> None:
    rows = {r["path"]: r["count"] for r in _csv(render_export(consensus_project, "codebook-csv"))}
    # The consensus coder has one theme-level coding and dropped alice's "rapid answers" one.
    assert rows["Motives"] == "1"
    assert rows["Practicalities/Time | timing"] == "2"
    rows = {
        r["path"]: r["count"]
        for r in _csv(
            render_export(consensus_project, "codebook-csv", ExportOptions(coders=("bob",)))
        )
    }
    assert rows["Motives/Credibility"] == "2" and rows["Motives/Impact"] == "0"


def test_codebook_counts_everyone_without_consensus(paper_project: Store) -> None:
    md = _text(render_export(paper_project, "codebook-md"))
    assert "Count: codings by all coders (alice, bob)." in md
    rows = {r["path"]: r["count"] for r in _csv(render_export(paper_project, "codebook-csv"))}
    assert rows["Motives/Credibility"] == "4"
    with pytest.raises(UsageError, match="no consensus coder yet: choose one with --coder"):
        render_export(paper_project, "codebook-md", ExportOptions(examples=1))


def test_codebook_csv_is_importable(consensus_project: Store, tmp_path: object) -> None:
    from pathlib import Path

    from coder.io.codebook import read_codebook

    path = Path(str(tmp_path)) / "book.csv"
    path.write_bytes(render_export(consensus_project, "codebook-csv"))
    book = read_codebook(path)
    assert [str(p) for p, _ in book.walk()][:3] == [
        "Motives",
        "Motives/Impact",
        "Motives/Credibility",
    ]


def test_codebook_docx(consensus_project: Store) -> None:
    data = render_export(consensus_project, "codebook-docx", ExportOptions(examples=2))
    document = Document(io.BytesIO(data))
    headings = [
        (style_name(p), p.text) for p in document.paragraphs if style_name(p).startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "■ 1 Motives"),
        ("Heading 2", "1.1 Impact"),
        ("Heading 2", "1.2 Credibility"),
        ("Heading 1", "■ 2 Practicalities"),
        ("Heading 2", "2.1 Funding"),
        ("Heading 2", "2.2 Time | timing"),
    ]
    motives = document.tables[0]
    cells = {row.cells[0].text: row.cells[1].text for row in motives.rows}
    assert cells["Definition"] == "Why people partner."
    assert cells["When not to use"] == "How the partnership went (use Practicalities)."
    assert cells["Count"] == "1"
    assert cells["From the data"].startswith("“Summary.” report-03")
    assert document.core_properties.created.year == 2000, "no clock in the output"
    assert_golden(GOLDEN / "codebook-docx.txt", _docx_text(data))


def test_codebook_xlsx(consensus_project: Store) -> None:
    data = render_export(consensus_project, "codebook-xlsx")
    ws = load_workbook(io.BytesIO(data))["Codebook"]
    header = [c.value for c in ws[1]]
    assert header == [
        "no",
        "path",
        "level",
        "definition",
        "inclusion",
        "exclusion",
        "example",
        "colour",
        "keywords",
        "count",
    ]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "C2"
    assert [ws.cell(r, 2).value for r in range(2, 8)] == [
        "Motives",
        "Motives/Impact",
        "Motives/Credibility",
        "Practicalities",
        "Practicalities/Funding",
        "Practicalities/Time | timing",
    ]
    assert [ws.cell(r, 3).value for r in range(2, 8)] == [1, 2, 2, 1, 2, 2]
    assert ws["D2"].alignment.wrap_text
    assert ws["H2"].fill.fgColor.rgb.endswith("0072B2")
    assert ws.column_dimensions["D"].width == 45
    assert_golden(GOLDEN / "codebook-xlsx.txt", _sheet_text(data))


# --- quote book ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["quotes-md", "quotes-csv"])
def test_quotes_text_golden(consensus_project: Store, fmt: str) -> None:
    data = render_export(consensus_project, fmt, QUOTES)
    assert_golden(GOLDEN / f"{fmt}.{fmt.split('-')[1]}", _text(data))


def test_quotes_need_a_coder_without_consensus(paper_project: Store) -> None:
    with pytest.raises(UsageError) as caught:
        render_export(paper_project, "quotes-md")
    assert "no consensus coder yet: choose one with --coder NAME (coders: alice, bob)" in str(
        caught.value
    )
    md = _text(render_export(paper_project, "quotes-md", ExportOptions(coders=("bob",))))
    assert "Coded passages by bob" in md and "alice" not in md


def test_quotes_filters(consensus_project: Store) -> None:
    rows = _csv(
        render_export(
            consensus_project,
            "quotes-csv",
            ExportOptions(codes=("Motives",), where={"role": "policy-maker"}, attributes=("role",)),
        )
    )
    assert {(r["code"], r["document"], r["role"]) for r in rows} == {
        ("Motives", "report-03", "policy-maker"),
        ("Motives/Credibility", "interview-02", "policy-maker"),
    }
    assert [r["no"] for r in rows] == ["1.1", "2.1", "2.2"]
    rows = _csv(
        render_export(consensus_project, "quotes-csv", ExportOptions(documents=("interview-01",)))
    )
    assert {r["document"] for r in rows} == {"interview-01"}
    with pytest.raises(UsageError, match="no document has the attribute"):
        render_export(consensus_project, "quotes-csv", ExportOptions(attributes=("rol",)))


def test_quotes_clean_and_cut() -> None:
    assert clean_quote("  Trust mattered most.\n\nFunding ", 100) == (
        "Trust mattered most. Funding",
        28,
        False,
    )
    quote, length, cut = clean_quote(PAPER_TEXTS["report-03"], 120)
    assert cut and length == len(PAPER_TEXTS["report-03"]) and len(quote) <= 120
    assert quote.endswith("…") and PAPER_TEXTS["report-03"].startswith(quote[:-1])
    assert not quote[:-1].endswith(" ")


def test_quotes_docx(consensus_project: Store) -> None:
    data = render_export(consensus_project, "quotes-docx", QUOTES)
    document = Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs if style_name(p) == "Heading 1"] == [
        "Motives",
        "Practicalities",
    ]
    assert len(document.tables) == 5
    first = document.tables[0]
    # Three columns: attributes and memo sit on lines under the quote, never squeezed.
    assert [c.text for c in first.rows[0].cells] == ["No.", "Quote", "Source"]
    assert [c.text for c in first.rows[1].cells] == [
        "1.1",
        "“Summary.”\nrole: policy-maker; year: 2021\nMemo: theme-level coding",
        "report-03",
    ]
    long_cell = document.tables[4].rows[-1].cells[1].text
    assert "(shortened; 887 characters in full)" in long_cell
    assert_golden(GOLDEN / "quotes-docx.txt", _docx_text(data))


def test_quotes_xlsx(consensus_project: Store) -> None:
    data = render_export(consensus_project, "quotes-xlsx", QUOTES)
    ws = load_workbook(io.BytesIO(data))["Quotes"]
    values = [
        [("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)
    ]
    expected = [
        [csv_value(v) for v in r.values()]
        for r in _csv(render_export(consensus_project, "quotes-csv", QUOTES))
    ]
    # The same text; the CSV's formula-like cells carry an apostrophe the XLSX does not need.
    assert values[1:] == expected
    quote_col = values[0].index("quote") + 1
    assert ws.cell(2, quote_col).alignment.wrap_text
    assert ws.freeze_panes == "A2"


# --- framework matrix ----------------------------------------------------------------------


def test_matrix_csv_golden(consensus_project: Store) -> None:
    assert_golden(
        GOLDEN / "matrix-csv.csv",
        _text(render_export(consensus_project, "matrix-csv", MATRIX)),
    )


def test_matrix_rollup_counts_themes(consensus_project: Store) -> None:
    rows = _csv(render_export(consensus_project, "matrix-csv", ExportOptions(by="year", rollup=1)))
    counts = {(r["code"], r["value"]): int(r["codings"]) for r in rows}
    assert counts == {
        ("Motives", "2021"): 2,  # interview-01 impact, report-03 summary
        ("Motives", "2022"): 2,
        ("Practicalities", "2021"): 3,
        ("Practicalities", "2022"): 0,
    }


def test_matrix_counts_a_passage_once_per_row(consensus_project: Store) -> None:
    start = PAPER_TEXTS["interview-02"].index("Researchers wanted rigour.")
    code_named(
        consensus_project,
        coder="consensus",
        document="interview-02",
        start=start,
        end=start + 26,
        code="Motives/Impact",
    )
    rolled = _csv(
        render_export(consensus_project, "matrix-csv", ExportOptions(by="year", rollup=1))
    )
    assert {(r["code"], r["value"]): int(r["codings"]) for r in rolled}[("Motives", "2022")] == 2
    flat = _csv(render_export(consensus_project, "matrix-csv", ExportOptions(by="year")))
    flat_counts = {(r["code"], r["value"]): int(r["codings"]) for r in flat}
    assert flat_counts[("Motives/Impact", "2022")] == 1
    # The theme's row rolls up its codes: the passage under Impact and Credibility counts once.
    assert flat_counts[("Motives", "2022")] == 2


def test_matrix_theme_rows_roll_up_their_codes(consensus_project: Store) -> None:
    """Without --rollup a theme's row is the union of its codes' rows, not 0."""
    rows = _csv(render_export(consensus_project, "matrix-csv", MATRIX))
    codings = {(r["code"], r["value"]): int(r["codings"]) for r in rows}
    cases = {(r["code"], r["value"]): int(r["cases"]) for r in rows}
    # Practicalities has no passage of its own: Funding (1) and Time (1) in interview-01.
    assert codings[("Practicalities", "researcher")] == 2
    assert cases[("Practicalities", "researcher")] == 1
    # Motives: its own passage in report-03 and Credibility's two in interview-02.
    assert codings[("Motives", "policy-maker")] == 3
    assert cases[("Motives", "policy-maker")] == 2


def test_matrix_needs_by(consensus_project: Store) -> None:
    with pytest.raises(UsageError, match=r"needs --by ATTRIBUTE .*attributes: role, source, year"):
        render_export(consensus_project, "matrix-xlsx")
    with pytest.raises(UsageError, match="no document has the attribute 'colour'"):
        render_export(consensus_project, "matrix-xlsx", ExportOptions(by="colour"))


def test_matrix_xlsx(consensus_project: Store) -> None:
    data = render_export(consensus_project, "matrix-xlsx", MATRIX)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Codings", "Cases", "Quotes", "About"]
    counts = workbook["Codings"]
    # The first header says what the sheet counts.
    assert [c.value for c in counts[1]] == [
        "coded passages (codings)",
        "policy-maker",
        "researcher",
        "Total",
    ]
    table = {row[0]: row[1:] for row in counts.iter_rows(min_row=2, values_only=True)}
    assert table["Motives / Credibility"] == (2, 0, 2)
    assert table["Practicalities / Time | timing"] == (1, 1, 2)
    assert table["Motives"] == (3, 1, 4)
    assert table["Practicalities"] == (1, 2, 3)
    assert table["All codes"] == (4, 3, 7)
    cases = workbook["Cases"]
    assert cases.cell(1, 1).value == "cases (documents)"
    by_case = {row[0]: row[1:] for row in cases.iter_rows(min_row=2, values_only=True)}
    assert by_case["Motives"] == (2, 1, 3)
    assert by_case["All codes"] == (2, 1, 3)
    quotes = workbook["Quotes"]
    cell = quotes.cell(row=4, column=2)
    assert isinstance(cell.value, str)
    assert cell.value.split("\n\n") == [
        "“Researchers wanted rigour.” (interview-02)",
        "“= The evidence had to be credible | defensible <&> public.” (interview-02)",
    ]
    assert cell.data_type == "s" and cell.alignment.wrap_text
    assert quotes.row_dimensions[4].height and quotes.row_dimensions[4].height > 15
    assert_golden(GOLDEN / "matrix-xlsx.txt", _sheet_text(data))

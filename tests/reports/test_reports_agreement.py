"""Agreement reports: content a reader relies on, in every format."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import re

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from coder.domain.agreement import Level
from coder.domain.codebook import CodePath
from coder.reports.agreement import (
    agreement_renderables,
    methods_paragraph,
    render_agreement,
    supported_report_formats,
)
from tests.factories import REPORT_CODE_PATHS, REPORT_CODERS, REPORT_DOCUMENTS
from tests.reports.agreement_cases import full_report, rare_codes_report

LEVELS = [("unit", 2), ("unit", 3), ("character", 2), ("span", 2)]


def _text(fmt: str, level: Level = "unit", n_coders: int = 2) -> str:
    rendered = render_agreement(full_report(level, n_coders), fmt)
    assert isinstance(rendered, str)
    return rendered


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def test_supported_formats_all_render() -> None:
    report = full_report()
    assert supported_report_formats() == ("table", "md", "html", "csv", "xlsx", "json")
    for fmt in supported_report_formats():
        assert render_agreement(report, fmt)


def test_unknown_format_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'pdf'.*table, md, html"):
        render_agreement(full_report(), "pdf")


# ---------------------------------------------------------------- undefined values, never "nan"


@pytest.mark.parametrize(("level", "n_coders"), LEVELS)
@pytest.mark.parametrize("fmt", ["table", "md", "html", "csv", "json"])
def test_no_format_ever_prints_nan(level: Level, n_coders: int, fmt: str) -> None:
    text = _text(fmt, level, n_coders)
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "NaN" not in text


def test_a_code_nobody_applied_is_listed_only_when_asked() -> None:
    report = full_report()
    theme = report.result.per_code[0]
    assert not any(theme.coded) and theme.alpha is not None
    assert theme.alpha.reason == "no variation"
    for fmt in ("table", "md"):
        text = render_agreement(report, fmt)
        assert isinstance(text, str)
        assert not re.search(r"^\|? ?Theme \|", text, re.MULTILINE)
        assert "that no coder applied is not listed (--all-codes lists it): Theme." in " ".join(
            text.split()
        )
    every = dataclasses.replace(report, request=dataclasses.replace(report.request, all_codes=True))
    assert "(1) undefined: no variation" in render_agreement(every, "table")
    assert re.search(r"\| Theme \|.*undefined: no variation", str(render_agreement(every, "md")))
    page = lxml_html.fromstring(render_agreement(every, "html"))
    row = page.xpath("//table[contains(@class, 'per-code')]//tr[th[text()='Theme']]")[0]
    assert "undefined: no variation" in row.text_content()
    chart_row = page.xpath("//*[local-name()='g'][@data-code='Theme']")[0]
    assert "undefined: no variation" in chart_row.text_content()
    hidden = lxml_html.fromstring(render_agreement(report, "html"))
    assert not hidden.xpath("//*[local-name()='g'][@data-code='Theme']")


def test_csv_lists_every_code_leaves_undefined_empty_and_gives_the_reason() -> None:
    rows = list(csv.DictReader(io.StringIO(_text("csv"))))
    assert [r["code"] for r in rows] == [str(p) for p in REPORT_CODE_PATHS]
    theme, sub_a = rows[0], rows[1]
    assert theme["alpha"] == "" and theme["alpha_reason"] == "no variation"
    assert theme["kappa"] == "" and theme["kappa_reason"] == "no variation"
    assert theme["flag"] == "n/a"
    report = full_report()
    code = report.result.per_code[1]
    assert code.alpha is not None and code.alpha_ci is not None and code.ac1 is not None
    # Numbers are unformatted: they round-trip exactly.
    assert float(sub_a["alpha"]) == code.alpha.value
    assert float(sub_a["alpha_ci_low"]) == code.alpha_ci.low
    assert float(sub_a["ac1"]) == code.ac1.value and float(sub_a["ac1_se"]) == code.ac1_se
    assert int(sub_a["coded_ana"]) == code.coded[0]
    assert sub_a["alpha_reason"] == "" and sub_a["flag"] == "too few units"


def test_json_carries_every_figure_with_null_for_undefined() -> None:
    report = full_report()
    data = json.loads(_text("json"))
    assert data["project"] == "fixture"
    assert data["generated_at"] == "2025-03-14T09:26:53+00:00"
    assert data["documents"] == list(REPORT_DOCUMENTS)
    assert data["code_paths"] == [str(p) for p in REPORT_CODE_PATHS]
    assert data["codings_per_coder"] == {"ana": 9, "ben": 8}
    assert data["excluded"] == list(report.excluded)
    assert data["request"]["coders"] == ["ana", "ben"]
    assert data["request"]["unit"] == "sentence"
    assert data["request"]["n_boot"] == 200
    theme = data["result"]["per_code"][0]
    assert theme["alpha"]["value"] is None
    assert theme["alpha"]["reason"] == "no variation"
    assert theme["alpha_ci"]["low"] is None
    sub_a = data["result"]["per_code"][1]
    assert sub_a["alpha"]["value"] == report.result.per_code[1].alpha.value  # type: ignore[union-attr]
    assert sub_a["units_by_coders"] == list(report.result.per_code[1].units_by_coders)
    assert data["result"]["overall"]["alpha"]["value"] == report.result.overall.alpha.value
    assert len(data["result"]["disagreements"]) == len(report.result.disagreements or [])
    assert len(data["result"]["per_code_document"]) == len(report.result.per_code_document)
    assert data["methods"] == methods_paragraph(report)
    assert [f["flag"] for f in data["summary"]["flags"]] == [
        "n/a", "too few units", "too few units", "too few units",
    ]  # fmt: skip


# ---------------------------------------------------------------------------- terminal table


def test_terminal_table_fits_100_columns_and_flags_codes_in_words() -> None:
    text = render_agreement(rare_codes_report(), "table")
    assert isinstance(text, str)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert _line(text, "Common").rstrip().endswith("ok")
    assert _line(text, "Weak").rstrip().endswith("!! low")
    assert _line(text, "Middling").rstrip().endswith("! tentative")
    rare = _line(text, "Rare")
    assert "1.000 [1.000, 1.000]" in rare and rare.rstrip().endswith("~ too few units")


def test_terminal_renderables_print_in_colour_on_a_terminal() -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    for renderable in agreement_renderables(rare_codes_report()):
        console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in out  # colour codes...
    assert "!! low" in re.sub(r"\x1b\[[0-9;]*m", "", out)  # ...and the word, not colour alone


def test_terminal_lists_pairs_for_three_coders() -> None:
    text = _text("table", "unit", 3)
    assert "Coder pairs" in text
    for pair in ("ana - ben", "ana - cleo", "ben - cleo"):
        assert pair in text
    assert "Fleiss k" in text


def test_character_level_shows_the_nvivo_caveat() -> None:
    for fmt in ("table", "md", "html"):
        text = _text(fmt, "character")
        assert "NVivo" in " ".join(text.split())


@pytest.mark.parametrize("width", [60, 80, 100, 140])
@pytest.mark.parametrize(("level", "n_coders"), LEVELS)
def test_terminal_keeps_every_column_at_any_width(level: Level, n_coders: int, width: int) -> None:
    """Narrow lines split a table into parts; a column is never cut off."""
    from coder.reports._terminal import render_table

    report = full_report(level, n_coders)
    text = render_table(report, width)
    assert max(len(line) for line in text.splitlines()) <= width
    flat = " ".join(text.split())
    headers = ["Coded", "Flag"] + (
        ["u-alpha"] if level == "span" else ["Kappa" if n_coders == 2 else "Fleiss k"]
    )
    if level != "span":
        headers += ["AC1 (SE)" if level == "unit" else "AC1", "Agree", "Pos.", "PABAK", "Prev."]
        headers += ["Per code and document", "Sentences" if level == "unit" else "Characters"]
    if n_coders == 2 and level != "span":
        headers += ["PI", "BI"]
    for header in headers:
        assert header in flat, header
    for code in report.result.per_code[1:]:
        counts = "/".join(str(n) for n in code.coded)
        assert counts in flat


# ------------------------------------------------------------------------------------- html


def _chart(level: Level = "unit", n_coders: int = 2):
    page = lxml_html.fromstring(_text("html", level, n_coders))
    svgs = page.xpath("//*[local-name()='svg']")
    assert len(svgs) == 1
    return page, svgs[0]


@pytest.mark.parametrize(("level", "n_coders"), LEVELS)
def test_html_chart_has_a_whisker_per_defined_code_and_reference_lines(
    level: Level, n_coders: int
) -> None:
    report = full_report(level, n_coders)
    page, svg = _chart(level, n_coders)
    whiskers = svg.xpath(".//*[local-name()='line'][@class='ci']")
    points = svg.xpath(".//*[local-name()='circle'][@class='point']")
    charted = {
        "unit": lambda c: c.alpha,
        "character": lambda c: c.kappa,
        "span": lambda c: c.unitized_alpha,
    }[level]
    shown = [c for c in report.result.per_code if any(c.coded)]
    defined = [c for c in shown if charted(c).is_defined]
    assert len(points) == len(defined)
    if level == "unit":
        assert len(whiskers) == len(defined) == 3
        for line, code in zip(whiskers, defined, strict=True):
            assert code.alpha_ci is not None
            assert float(line.get("data-low")) == pytest.approx(code.alpha_ci.low, abs=1e-6)
            assert float(line.get("data-high")) == pytest.approx(code.alpha_ci.high, abs=1e-6)
            assert float(line.get("x1")) <= float(line.get("x2"))
    else:
        assert whiskers == []  # no interval is computed at this level
    refs = {
        r.get("data-value") for r in svg.xpath(".//*[local-name()='line'][contains(@class,'ref ')]")
    }
    assert refs == {"0.667", "0.8"}
    # Accessible: a title and a description the svg points to.
    title = svg.xpath("./*[local-name()='title']")[0].text
    desc = svg.xpath("./*[local-name()='desc']")[0].text
    assert svg.get("role") == "img" and title and desc
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert page.xpath("//figcaption")


def test_html_reference_lines_sit_at_their_values_on_the_axis() -> None:
    _, svg = _chart()
    ticks = {
        float(t.text): float(t.get("x"))
        for t in svg.xpath(".//*[local-name()='text'][@class='tick']")
    }
    x0, x1 = ticks[0.0], ticks[1.0]
    for ref in svg.xpath(".//*[local-name()='line'][contains(@class,'ref ')]"):
        value = float(ref.get("data-value"))
        assert float(ref.get("x1")) == pytest.approx(x0 + value * (x1 - x0), abs=0.2)


def test_html_is_self_contained_with_all_sections() -> None:
    text = _text("html", "unit", 3)
    assert "<script" not in text.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    page = lxml_html.fromstring(text)
    for section in ("methods", "chart", "per-code", "per-code-agreement", "summary",
                    "per-document", "per-code-document", "pairs", "confusion",
                    "excluded"):  # fmt: skip
        assert page.xpath(f"//section[@id='{section}']"), section
    assert page.xpath("//title")[0].text == "Inter-coder agreement: fixture"
    methods = page.xpath("//section[@id='methods']/p")[0].text_content()
    assert methods == methods_paragraph(full_report("unit", 3))
    header = page.xpath("//header")[0].text_content()
    for expected in ("ana", "ben", "cleo", "sentences", "2025-03-14 09:26 UTC"):
        assert expected in header


def test_html_code_by_document_table_matches_the_result() -> None:
    report = full_report()
    page = lxml_html.fromstring(render_agreement(report, "html"))
    rows = page.xpath("//table[contains(@class, 'per-code-document')]/tbody/tr")
    assert len(rows) == len(report.result.per_code_document)
    for tr, entry in zip(rows, report.result.per_code_document, strict=True):
        names = [th.text_content() for th in tr.xpath("./th")]
        assert names == [str(REPORT_CODE_PATHS[entry.code]), REPORT_DOCUMENTS[entry.doc]]
        cells = [td.text_content() for td in tr.xpath("./td")]
        assert cells[:3] == [str(entry.n_units), str(entry.coded[0]), str(entry.coded[1])]


def test_html_confusion_table_counts_match_the_result() -> None:
    report = full_report()
    page = lxml_html.fromstring(_text("html"))
    table = page.xpath("//table[@class='confusion']")[0]
    body = table.xpath("./tbody/tr")
    confusion = report.result.confusion
    assert confusion is not None
    # "Theme" was applied by nobody, so its row and column are left out.
    labels = [tr.xpath("./th")[0].text_content() for tr in body]
    assert labels == ["1. Theme/Sub a", "2. Theme/Sub b", "3. Other | pipes", "4. (no code)"]
    keep = [1, 2, 3, 4]
    for tr, i in zip(body, keep, strict=True):
        cells = [td.text_content() for td in tr.xpath("./td")]
        assert [int(c) if c else 0 for c in cells] == [int(confusion.counts[i, j]) for j in keep]


# ------------------------------------------------------------------------------------- xlsx


def _workbook(level: Level = "unit", n_coders: int = 2):
    data = render_agreement(full_report(level, n_coders), "xlsx")
    assert isinstance(data, bytes)
    return load_workbook(io.BytesIO(data))


def test_xlsx_sheets_headers_and_numbers() -> None:
    report = full_report()
    wb = _workbook()
    assert wb.sheetnames == [
        "Per code", "Summary", "Per document", "Per code and document", "Confusion",
        "Disagreements", "Method",
    ]  # fmt: skip
    ws = wb["Per code"]
    headers = [c.value for c in ws[1]]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2"
    column = {h: i for i, h in enumerate(headers)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [str(p) for p in REPORT_CODE_PATHS]
    theme, sub_a = rows[0], rows[1]
    assert theme[column["alpha"]] is None
    assert theme[column["alpha_reason"]] == "no variation"
    alpha = report.result.per_code[1].alpha
    assert alpha is not None
    assert sub_a[column["alpha"]] == pytest.approx(alpha.value)
    assert sub_a[column["flag"]] == "too few units" and sub_a[column["too_few_units"]] == "yes"
    cell = ws.cell(row=3, column=column["alpha"] + 1)
    assert isinstance(cell.value, float) and cell.number_format == "0.000"
    assert ws.column_dimensions["A"].width >= len("Other | pipes")
    by_document = list(wb["Per code and document"].iter_rows(min_row=2, values_only=True))
    assert len(by_document) == len(report.result.per_code_document)


def test_xlsx_disagreements_and_method() -> None:
    report = full_report()
    wb = _workbook()
    ws = wb["Disagreements"]
    assert [c.value for c in ws[1]] == ["document", "start", "end", "codes_ana", "codes_ben"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(report.result.disagreements or [])
    first = next(iter(report.result.disagreements or []))
    assert rows[0][:3] == (REPORT_DOCUMENTS[first.doc], first.start, first.end)
    names = [str(p) for p in REPORT_CODE_PATHS]
    assert rows[0][3] == ("; ".join(names[k] for k in first.codes[0]) or None)
    method = {r[0]: r[1] for r in wb["Method"].iter_rows(min_row=2, values_only=True)}
    assert method["methods paragraph"] == methods_paragraph(report)
    assert method["n_boot"] == 200 and method["level"] == "unit"


def test_xlsx_pairs_sheet_only_for_more_than_two_coders() -> None:
    assert "Pairs" not in _workbook().sheetnames
    wb = _workbook("unit", 3)
    rows = list(wb["Pairs"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [
        (REPORT_CODERS[0], REPORT_CODERS[1]),
        (REPORT_CODERS[0], REPORT_CODERS[2]),
        (REPORT_CODERS[1], REPORT_CODERS[2]),
    ]  # fmt: skip
    assert all(isinstance(r[2], float) and not math.isnan(r[2]) for r in rows)


def test_xlsx_span_level_has_no_unit_tables() -> None:
    wb = _workbook("span")
    assert "Confusion" not in wb.sheetnames and "Disagreements" not in wb.sheetnames
    assert "Per code and document" not in wb.sheetnames
    headers = [c.value for c in wb["Per document"][1]]
    assert "unitized_alpha" in headers


# ------------------------------------------------------------------------ large-project paths


@pytest.mark.parametrize("n_coders", [2, 3])
def test_json_disagreements_match_the_tables_own_records(n_coders: int) -> None:
    """The report reads the disagreement arrays itself (for speed); it must agree with them."""
    report = full_report("unit", n_coders)
    assert report.result.disagreements is not None
    data = json.loads(render_agreement(report, "json"))
    expected = report.result.disagreements.to_dict()
    assert expected and data["result"]["disagreements"] == expected


def test_long_code_paths_break_after_a_slash_within_100_columns() -> None:
    report = full_report("unit", 3)
    long_paths = tuple(
        CodePath(("Partnership outcomes", "Relational", f"Long descriptive sub-code name {i}"))
        for i in range(len(report.code_paths))
    )
    text = render_agreement(dataclasses.replace(report, code_paths=long_paths), "table")
    assert isinstance(text, str)
    assert max(len(line) for line in text.splitlines()) <= 100
    # Paths break after a separator (or between words), continuation lines indented; every
    # figure stays on the path's first line.
    lines = text.splitlines()
    assert "  Long descriptive sub-code name 1" in lines
    firsts = [line for line in lines if line.startswith("Partnership outcomes/")]
    assert "0.789 [0.457, 1.000]" in firsts[0] and firsts[0].endswith("~ too few units")


def test_a_long_code_by_document_table_lists_its_lowest_rows_and_says_so() -> None:
    from coder.reports._display import code_document_note, code_document_table

    report = full_report()
    entries = report.result.per_code_document
    table = code_document_table(report, limit=2)
    assert table is not None and len(table.rows) == 2 < len(entries)
    kappas = sorted(round(e.kappa.value, 3) if e.kappa.is_defined else -9.0 for e in entries)
    shown = sorted(float(r[5]) if r[5][0] in "-0123456789" else -9.0 for r in table.rows)
    assert shown == pytest.approx(kappas[:2])
    note = code_document_note(report, limit=2)
    assert f"Listed: the 2 rows with the lowest kappa of {len(entries)}" in note
    assert "Listed" not in code_document_note(report)

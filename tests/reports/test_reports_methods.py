"""Every statement of the methods paragraph, checked against the report's own figures; and what a
methodologist looks for in every format: minimum-data flags, no "-0.000", plurals, the single
sentence that leaves every per-code alpha undefined."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import statistics

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from coder.agreement.planning import krippendorff_minimum_sample
from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.coefficient import Coefficient
from coder.reports.agreement import methods_paragraph, references, render_agreement
from tests.reports.agreement_cases import (
    full_report,
    one_of_each_report,
    rare_codes_report,
    report_from,
    single_sentence_report,
    span_single_sentence_report,
)

TEXT_FORMATS = ("table", "md", "html", "csv", "json")


def _all_reports() -> dict[str, AgreementReport]:
    return {
        "unit2": full_report(),
        "unit2-no-ci": full_report(ci=False),
        "unit3": full_report("unit", 3),
        "character": full_report("character"),
        "span": full_report("span"),
        "rare": rare_codes_report(),
        "rare-not-blind": rare_codes_report(blind=False),
        "single": single_sentence_report(),
        "one-of-each": one_of_each_report(),
        "span-single": span_single_sentence_report(),
    }


REPORTS = _all_reports()


def _text(report: AgreementReport, fmt: str) -> str:
    rendered = render_agreement(report, fmt)
    assert isinstance(rendered, str)
    return rendered


def _xlsx_text(report: AgreementReport) -> str:
    data = render_agreement(report, "xlsx")
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for ws in workbook.worksheets
        for row in ws.iter_rows(values_only=True)
    )


# --------------------------------------------------------------------- references and citations


CITATION = re.compile(
    r"(?P<authors>[A-Z][a-z]+(?:(?:,| &| and) [A-Z][a-z]+)*)(?:'s)?(?:,| \()\s?"
    r"(?P<years>(?:1[89]\d\d|20\d\d)(?:, (?:1[89]\d\d|20\d\d))*)"
)


def _cited(text: str) -> set[tuple[str, str]]:
    """(first author, year) of every citation in the text: "Cohen, 1960", "Gwet's (2008)",
    "Hayes and Krippendorff (2007)", "Krippendorff, 1995, 2004"."""
    out = set()
    for match in CITATION.finditer(text):
        first = re.split(r",| &| and", match["authors"])[0].strip()
        for year in match["years"].split(", "):
            out.add((first, year))
    return out


def _listed(refs: list[str]) -> set[tuple[str, str]]:
    return {(ref.split(",")[0], re.search(r"\((\d{4})\)", ref)[1]) for ref in refs}  # type: ignore[index]


@pytest.mark.parametrize("name", REPORTS)
def test_every_citation_has_a_reference_and_every_reference_is_cited(name: str) -> None:
    report = REPORTS[name]
    text = methods_paragraph(report)
    cited = _cited(text)
    assert cited == _listed(references(report))
    assert ("Krippendorff", "2004") in cited


def test_cohen_is_cited_and_listed_for_two_coders() -> None:
    text = methods_paragraph(full_report())
    assert "Cohen's kappa (Cohen, 1960)" in text
    assert any(ref.startswith("Cohen, J. (1960)") for ref in references(full_report()))


# -------------------------------------------------------------------------------- statements


def test_fleiss_kappa_is_described_in_scotts_lineage() -> None:
    report = full_report("unit", 3)
    text = methods_paragraph(report)
    assert "Fleiss' kappa (Fleiss, 1971), which extends Scott's pi (Scott, 1955), not Cohen's" in (
        text
    )
    assert "generalisation of Cohen" not in text
    refs = references(report)
    assert any(r.startswith("Scott, W. A. (1955)") for r in refs)
    assert any(r.startswith("Fleiss, J. L. (1971)") for r in refs)
    # The pairs table prints Cohen's kappa, so Cohen is cited for it.
    assert "each pair of coders also has Cohen's kappa (Cohen, 1960)" in text


@pytest.mark.parametrize(
    ("blind", "present", "absent"),
    [
        (True, "so each coded independently", "not blind"),
        (False, "in a project that was not blind", "independently"),
        (None, "coded 3 documents (120 sentences).", "blind"),
    ],
)
def test_independently_is_said_only_of_a_blind_project(
    blind: bool | None, present: str, absent: str
) -> None:
    text = methods_paragraph(rare_codes_report(blind=blind))
    assert present in text
    assert absent not in text


def test_confidence_intervals_are_stated_if_and_only_if_computed() -> None:
    report = full_report()
    text = methods_paragraph(report)
    ci = report.result.overall.alpha_ci
    assert ci is not None
    assert f"(95% CI {ci.low:.3f} to {ci.high:.3f}, resampling sentences" in text
    code_ci = report.result.per_code[1].alpha_ci
    assert code_ci is not None
    assert f"from {code_ci.n_boot} resamples of the sentences (seed 7)" in text
    assert "percentile bootstrap interval (Efron & Tibshirani, 1993)" in text
    assert "not the pairs of values that Hayes and Krippendorff (2007) resample" in text
    assert "AC1's standard error is Gwet's (2008) variance estimator." in text
    none = methods_paragraph(full_report(ci=False))
    assert "No confidence intervals were computed for alpha and kappa." in none
    assert "bootstrap" not in none and "CI" not in none
    assert "(no confidence interval computed)" in none
    for fmt in ("md", "table"):
        assert "[" not in _text(full_report(ci=False), fmt).split("Per code: agreement")[0]


def test_thresholds_are_named_with_the_counts_of_the_flags() -> None:
    report = rare_codes_report()
    text = methods_paragraph(report)
    # Common ok, Weak low, Middling tentative; Rare has too few units; Unused nobody applied.
    assert (
        "Of the three codes with enough units and a defined alpha, one had alpha below 0.667, "
        "the lowest level Krippendorff (2004, p. 241) accepts for tentative conclusions, one "
        "from 0.667 to 0.800, good for tentative conclusions only and one at or above 0.800"
    ) in text
    assert "1 of the 4 codes applied falls below it" in text
    assert "One code of the 5 was applied by no coder and has no per-code figure." in text


def test_no_threshold_is_named_when_no_code_can_be_judged() -> None:
    single = methods_paragraph(single_sentence_report())
    assert "0.667" not in single and "0.800" not in single.split("tell alpha from")[1][10:]
    assert "Per-code alpha was undefined for every code applied (one unit only: 2)." in single
    assert "No code could be judged against Krippendorff's standards" in single
    few = methods_paragraph(one_of_each_report())
    assert "every code with a defined value has too few units" in few
    # Only the sentence saying what q is names the thresholds; no judgement does.
    q_sentence = "q, the probability that a code's alpha is below 0.667 and below 0.800"
    assert q_sentence in few
    assert "0.667" not in few.replace(q_sentence, "")


def test_the_figures_in_the_paragraph_are_the_reports_own() -> None:
    report = rare_codes_report()
    text = methods_paragraph(report)
    values = [
        c.alpha.value for c in report.result.per_code if c.alpha is not None and c.alpha.is_defined
    ]
    assert (
        f"Per-code alpha ranged from {min(values):.3f} to {max(values):.3f} (mean "
        f"{statistics.fmean(values):.3f}, median {statistics.median(values):.3f}, over the "
        f"{len(values)} codes where it is defined)"
    ) in text
    overall = report.result.overall
    decisions = len(report.result.per_code) * report.result.n_units
    assert f"Pooled over all {decisions} code-by-sentence decisions" in text
    assert f"alpha was {overall.alpha.value:.3f}" in text
    assert overall.percent_agreement is not None
    assert f"percent agreement {100 * overall.percent_agreement.value:.1f}%" in text
    neither = sum(c.units_by_coders[0] for c in report.result.per_code) / decisions
    assert f"{100 * neither:.1f}% of the decisions being a code no coder applied" in text
    assert "is not the reliability of any code" in text


def test_the_single_sentence_case_says_undefined_everywhere() -> None:
    report = single_sentence_report()
    assert all(c.alpha is not None and not c.alpha.is_defined for c in report.result.per_code)
    assert report.result.overall.alpha.is_defined  # the engine pools 2 decisions into a number
    text = methods_paragraph(report)
    assert "it is undefined (one unit only)" in text
    assert not re.search(r"alpha (was|=) -?\d", text)
    for fmt in ("table", "md", "html"):
        out = " ".join(_text(report, fmt).split())
        assert "Pooled binary alpha: undefined (one unit only)" in out
        assert "1.000 [" not in out
        assert "undefined for every code some coder applied" in out
    data = json.loads(_text(report, "json"))
    assert data["summary"]["pooled_alpha"]["value"] is None
    assert data["summary"]["mean"] is None
    assert {f["flag"] for f in data["summary"]["flags"]} == {"n/a"}


@pytest.mark.parametrize("name", REPORTS)
def test_no_placeholder_and_no_hedged_plural_in_the_paragraph(name: str) -> None:
    text = methods_paragraph(REPORTS[name])
    for bad in ("...", "…", "(s)", "{", "}", "None", "nan ", "-0.000", " 1 codes", " 1 documents"):
        assert bad not in text, bad
    assert not re.search(r"\b1 (codings|documents|sentences|codes)\b", text)


def test_singular_and_plural_forms_with_one_and_two() -> None:
    one = one_of_each_report()
    text = methods_paragraph(one)
    assert "coded 1 document (20 sentences)" in text
    assert "ana made 1 coding and ben 2 codings." in text
    assert "presence or absence of the one code in each sentence" in text
    assert "the one code applied falls below it" in text
    table = _text(one, "table")
    assert "1 document ·" in table and "ana (1 coding)" in table and "ben (2 codings)" in table
    md = _text(one, "md")
    assert "- Coder A: ana (1 coding)" in md and "- Coder B: ben (2 codings)" in md
    single = single_sentence_report()
    assert "coded 1 document (1 sentence)" in methods_paragraph(single)
    two = methods_paragraph(full_report())
    assert "coded 2 documents (13 sentences)" in two
    assert "ana made 9 codings and ben 8 codings." in two
    html = " ".join(lxml_html.fromstring(_text(one, "html")).text_content().split())
    assert "1 document, 20 sentences, 1 code" in html


# ------------------------------------------------------------------------------ minimum data


def test_the_minimum_is_krippendorffs_sample_size_for_a_rare_code() -> None:
    """N p_c for alpha_min 0.800 at p = 0.05, as p_c goes to zero (two coders' codings / 2)."""
    p_c = 1e-5
    per_coder = krippendorff_minimum_sample(0.8, p_c, 0.05, n_coders=2) / 2 * p_c
    assert math.ceil(per_coder) == MIN_CODED_UNITS
    at_667 = krippendorff_minimum_sample(0.667, p_c, 0.05, n_coders=2) / 2 * p_c
    assert 7 < at_667 < 8


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "xlsx"])
def test_a_rare_code_is_flagged_too_few_units_in_every_format(fmt: str) -> None:
    report = rare_codes_report()
    rare = report.result.per_code[1]
    assert rare.alpha is not None and rare.alpha.value == 1.0 and rare.coded == (3, 3)
    text = _xlsx_text(report) if fmt == "xlsx" else _text(report, fmt)
    if fmt == "table" or fmt == "md":
        line = next(line for line in text.splitlines() if re.match(r"\|? ?Rare\b", line))
        assert "too few units" in line and not line.rstrip(" |").endswith("ok")
    elif fmt == "html":
        page = lxml_html.fromstring(text)
        row = page.xpath("//table[contains(@class, 'per-code')]//tr[th[text()='Rare']]")[0]
        assert row.get("class") == "flag-too-few"
        assert "too few units" in row.text_content()
        chart = page.xpath("//*[local-name()='g'][@data-code='Rare']")[0]
        assert "too few units" in chart.text_content()
    elif fmt == "json":
        flags = {f["code"]: f for f in json.loads(text)["summary"]["flags"]}
        assert flags["Rare"] == {"code": "Rare", "flag": "too few units", "too_few_units": True}
        assert flags["Common"]["flag"] == "ok"
    else:
        line = next(line for line in text.splitlines() if line.startswith("Rare"))
        assert "too few units" in line
    methods = methods_paragraph(report)
    assert f"fewer than {MIN_CODED_UNITS} sentences each, on average" in methods
    assert "after Bloch and Kraemer (1989)" in methods


# ------------------------------------------------------------------------------- "-0.000"


def _with_tiny_negatives(report: AgreementReport) -> AgreementReport:
    """Every figure of the first applied code replaced by a value that rounds to -0.000."""
    tiny = Coefficient(-0.0001, None, 0.5, 0.5)
    per_code = list(report.result.per_code)
    per_code[1] = dataclasses.replace(
        per_code[1],
        kappa=tiny,
        alpha=tiny,
        ac1=tiny,
        ac1_se=0.0001,
        pabak=tiny,
        prevalence_index=-0.0001,
        bias_index=-0.0,
    )
    overall = dataclasses.replace(report.result.overall, alpha=tiny, kappa=tiny, mean_alpha=-0.0)
    documents = [dataclasses.replace(d, alpha=tiny) for d in report.result.per_document]
    rows = [dataclasses.replace(r, kappa=tiny, alpha=tiny) for r in report.result.per_code_document]
    result = dataclasses.replace(
        report.result,
        per_code=per_code,
        overall=overall,
        per_document=documents,
        per_code_document=rows,
    )
    return dataclasses.replace(report, result=result)


#: A negative zero as text: "-0.000", "-0.0", "-0" (raw figures such as "-0.0001" are fine).
MINUS_ZERO = re.compile(r"-0(\.0+)?(?![0-9.])")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_no_format_prints_minus_zero(fmt: str) -> None:
    report = _with_tiny_negatives(full_report())
    text = _text(report, fmt)
    assert not MINUS_ZERO.search(text), MINUS_ZERO.search(text)
    if fmt in ("table", "md", "html"):
        assert "0.000" in text


def test_no_spreadsheet_figure_shows_minus_zero() -> None:
    """A cell formatted "0.000" shows -0.0001 as "-0.000": such figures are written as 0."""
    data = render_agreement(_with_tiny_negatives(full_report()), "xlsx")
    assert isinstance(data, bytes)
    workbook = load_workbook(io.BytesIO(data))
    shown = [
        cell.value
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.number_format == "0.000" and isinstance(cell.value, float)
    ]
    assert shown and all(
        not (-0.0005 < v < 0 or (math.copysign(1, v) < 0 and v == 0)) for v in shown
    )


# --------------------------------------------------------------------------------- unitizing


def test_unitizing_figures_below_minus_one_or_on_one_segment_are_explained() -> None:
    # One coder's own overlapping segments and nothing by the other: u-alpha far below -1.
    report = report_from(
        [(0, 0, 60)],
        [(0, 5, 38, 0, 1), (0, 49, 60, 0, 1), (0, 0, 59, 0, 1)],
        ("Odd",),
        ("one-sentence",),
        [60],
        level="span",
    )
    u_alpha = report.result.per_code[0].unitized_alpha
    assert u_alpha is not None and u_alpha.value < -1
    for fmt in ("table", "md", "html", "json"):
        text = " ".join(_text(report, fmt).split())
        assert "u-alpha below -1 for Odd" in text
        assert "read such a value as no agreement, not as a size" in text
        assert "Resting on a single segment: Odd" in text
    assert "too few units" in _text(report, "table")

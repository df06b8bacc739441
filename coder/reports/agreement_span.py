"""The 2016 alpha family and gamma report (``coder agreement --level span --coefficient``).

Laid out as ATLAS.ti's inter-coder agreement output: one row per semantic domain, then one row
per code within its domain, then the methods paragraph naming each coefficient shown with its
source, and the references. Formats: the terminal (plain text), Markdown and JSON.
"""

from __future__ import annotations

import json
from typing import Any

from coder.domain.agreement_span import SpanFamilyReport
from coder.domain.coefficient import Coefficient
from coder.domain.words import fmt_int, plural
from coder.reports._common import fmt_coef, join_words, number_word

__all__ = ["SPAN_FORMATS", "render_span_family", "span_methods", "span_references"]

#: Formats the span-family report is written in.
SPAN_FORMATS = ("table", "md", "json")

REFERENCES = {
    "Krippendorff2016": "Krippendorff, K., Mathet, Y., Bouvry, S., & Widlöcher, A. (2016). On "
    "the reliability of unitizing textual continua: Further developments. Quality & Quantity, "
    "50(6), 2347-2364. https://doi.org/10.1007/s11135-015-0266-1",
    "Krippendorff2019": "Krippendorff, K. (2019). Content Analysis: An Introduction to Its "
    "Methodology (4th ed.), chapter 12. SAGE. https://doi.org/10.4135/9781071878781",
    "Mathet2015": "Mathet, Y., Widlöcher, A., & Métivier, J.-P. (2015). The unified and "
    "holistic method gamma for inter-annotator agreement measure and alignment. Computational "
    "Linguistics, 41(3), 437-479. https://doi.org/10.1162/COLI_a_00227",
}

_ALPHA_DOMAIN = (("u-alpha", "u_alpha"), ("|u-alpha", "binary_u_alpha"), ("cu-alpha", "cu_alpha"))
_ALPHA_CODE = (("|u-alpha (alpha-binary)", "binary_u_alpha"), ("(k)u-alpha", "k_u_alpha"))
_GAMMA_DOMAIN = (("gamma", "gamma"), ("gamma-cat", "gamma_cat"))
_GAMMA_CODE = (("gamma-k", "gamma_k"),)


def _columns(report: SpanFamilyReport) -> tuple[tuple[tuple[str, str], ...], ...]:
    if report.coefficient == "gamma":
        return _GAMMA_DOMAIN, _GAMMA_CODE
    return _ALPHA_DOMAIN, _ALPHA_CODE


def _tables(report: SpanFamilyReport) -> tuple[list[list[str]], list[list[str]]]:
    domain_cols, code_cols = _columns(report)
    domains = [["Domain", "Codes", *(label for label, _ in domain_cols)]]
    for d in report.domains:
        domains.append(
            [d.name, fmt_int(len(d.codes)), *(fmt_coef(getattr(d, a)) for _, a in domain_cols)]
        )
    coders = " / ".join(report.coders)
    codes = [["Domain", "Code", f"Segments ({coders})", *(label for label, _ in code_cols)]]
    for c in report.codes:
        segments = " / ".join(fmt_int(n) for n in c.segments)
        codes.append([c.domain, c.code, segments, *(fmt_coef(getattr(c, a)) for _, a in code_cols)])
    return domains, codes


def _overall(report: SpanFamilyReport) -> str:
    if report.coefficient == "gamma":
        return f"gamma over every code: {fmt_coef(report.gamma)}"
    return (
        f"Cu-alpha across the {plural(len(report.domains), 'domain')}: {fmt_coef(report.Cu_alpha)}"
    )


def span_methods(report: SpanFamilyReport) -> str:
    """The methods paragraph: what was compared, each coefficient shown and its source."""
    docs = plural(len(report.documents), "document")
    parts = [
        f"Agreement between {join_words(list(report.coders))} was measured on the coded "
        f"segments of {docs} ({fmt_int(report.length)} characters, laid end to end as one "
        "continuum).",
        "Semantic domains were "
        + (
            "the top-level themes of the code tree (each theme with the codes under it)."
            if report.domains_from == "code tree"
            else "declared for this report (--domains)."
        ),
    ]
    if report.coefficient == "gamma":
        parts.append(
            "Gamma (Mathet, Widlöcher & Métivier, 2015) aligns the coders' segments by the "
            "exact best alignment and corrects its disorder for chance with "
            f"{number_word(report.gamma_samples)} shuffled continua (seed {report.request.seed}); "
            "it is reported per domain with gamma-cat (agreement on the codes of aligned "
            "segments) and per code as gamma-k, and over every code."
        )
    else:
        parts.append(
            "Krippendorff's alpha family for coded segments (Krippendorff, Mathet, Bouvry & "
            "Widlöcher, 2016; Krippendorff, 2019, ch. 12) is reported per domain as u-alpha "
            "(segments, gaps and codes), |u-alpha (relevant matter versus gaps) and cu-alpha "
            "(the codes where the coders' segments overlap), per code as |u-alpha of the code "
            "alone (ATLAS.ti's alpha-binary) and (k)u-alpha, and across domains as Cu-alpha."
        )
    parts.append(
        "Values below 0.667 are commonly taken as unreliable, and 0.800 as the level for "
        "drawing conclusions (Krippendorff, 2019)."
        if report.coefficient != "gamma"
        else "Gamma is 1 for perfect agreement and 0 for agreement at chance level."
    )
    return " ".join(parts)


def span_references(report: SpanFamilyReport) -> list[str]:
    """The references the methods paragraph cites, alphabetically."""
    keys = (
        ["Mathet2015"]
        if report.coefficient == "gamma"
        else ["Krippendorff2016", "Krippendorff2019"]
    )
    return [REFERENCES[k] for k in sorted(keys)]


def _text_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _md_table(rows: list[list[str]]) -> list[str]:
    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    return [line(rows[0]), "|" + "---|" * len(rows[0]), *(line(r) for r in rows[1:])]


def _title(report: SpanFamilyReport) -> str:
    name = "Gamma" if report.coefficient == "gamma" else "Krippendorff's alpha for coded segments"
    return f"{name}: {report.project}"


def _render_text(report: SpanFamilyReport, table: Any, heading: Any) -> str:
    domains, codes = _tables(report)
    out = [heading(1, _title(report)), "", _overall(report), ""]
    out += [heading(2, "Per semantic domain"), "", *table(domains), ""]
    out += [heading(2, "Per code"), "", *table(codes), ""]
    if report.excluded:
        out += [heading(2, "Left out"), "", *(f"- {e}" for e in report.excluded), ""]
    out += [heading(2, "Methods"), "", span_methods(report), ""]
    out += [heading(2, "References"), "", *(f"- {r}" for r in span_references(report))]
    return "\n".join(out) + "\n"


def _coef(c: Coefficient | None) -> dict[str, Any] | None:
    return None if c is None else c.to_dict()


def _json(report: SpanFamilyReport) -> str:
    data = {
        "project": report.project,
        "coefficient": report.coefficient,
        "coders": list(report.coders),
        "documents": list(report.documents),
        "length": report.length,
        "domains_from": report.domains_from,
        "Cu_alpha": _coef(report.Cu_alpha),
        "gamma": _coef(report.gamma),
        "gamma_samples": report.gamma_samples,
        "per_domain": [
            {"domain": d.name, "codes": list(d.codes)}
            | {
                k: _coef(getattr(d, k))
                for k in ("u_alpha", "binary_u_alpha", "cu_alpha", "gamma", "gamma_cat")
            }
            for d in report.domains
        ],
        "per_code": [
            {
                "code": c.code,
                "domain": c.domain,
                "segments": dict(zip(report.coders, c.segments, strict=True)),
            }
            | {k: _coef(getattr(c, k)) for k in ("binary_u_alpha", "k_u_alpha", "gamma_k")}
            for c in report.codes
        ],
        "excluded": list(report.excluded),
        "methods": span_methods(report),
        "references": span_references(report),
        "generated_at": report.generated_at.isoformat(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_span_family(report: SpanFamilyReport, fmt: str) -> str:
    """The report as plain text (``table``), Markdown (``md``) or JSON (``json``)."""
    if fmt == "json":
        return _json(report)
    if fmt == "md":
        return _render_text(report, _md_table, lambda level, text: "#" * level + " " + text)
    if fmt == "table":
        return _render_text(
            report, _text_table, lambda level, text: text if level > 1 else text.upper()
        )
    raise ValueError(f"unknown format {fmt!r} (choose {', '.join(SPAN_FORMATS)})")

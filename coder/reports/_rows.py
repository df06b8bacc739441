"""Flat rows of figures for spreadsheets and CSV: raw numbers, ``None`` for undefined values.

Each undefined coefficient leaves its cell empty and says why in the ``<name>_reason`` column
beside it, so a script never meets a "nan" and a reader never loses the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coder.domain.agreement import AgreementReport
from coder.domain.agreement_results import DisagreementTable
from coder.domain.coefficient import BootstrapCI, Coefficient
from coder.reports._common import (
    code_flag,
    code_names,
    coder_letters,
    document_name,
    too_few_units,
)
from coder.reports._summary import document_alpha

Cell = float | int | str | None


@dataclass(frozen=True)
class Sheet:
    """A header and rows; ``number_columns`` are the columns holding figures (not counts)."""

    headers: list[str]
    rows: list[list[Cell]]
    number_columns: frozenset[str] = frozenset()


def _num(x: float | None) -> float | None:
    # "+ 0.0" turns -0.0 into 0.0.
    return None if x is None or math.isnan(float(x)) else float(x) + 0.0


def _coef(c: Coefficient | None) -> tuple[float | None, str | None]:
    if c is None:
        return None, None
    if c.is_defined:
        return float(c.value) + 0.0, None
    return None, c.reason or "not a number"


def _ci(ci: BootstrapCI | None) -> tuple[float | None, float | None]:
    if ci is None:
        return None, None
    return _num(ci.low), _num(ci.high)


def code_sheet(report: AgreementReport) -> Sheet:
    """One row per code with every figure in its own column."""
    result = report.result
    level = report.request.level
    coders = list(result.coders)
    headers = ["code", *(f"coded_{name}" for name in coders), "prevalence", "kappa_name"]
    figures = ["kappa", "alpha", "ac1", "percent_agreement", "positive_agreement", "pabak"]
    figures.append("unitized_alpha")
    for name in figures:
        headers += [name, f"{name}_reason"]
        if name in ("kappa", "alpha"):
            headers += [f"{name}_ci_low", f"{name}_ci_high"]
        if name == "ac1":
            headers.append("ac1_se")
    headers += ["ci_n_boot", "ci_confidence", "prevalence_index", "bias_index"]
    headers += ["char_both", "char_first_only", "char_second_only", "char_neither"]
    headers += ["units_coded", "too_few_units", "flag"]
    rows: list[list[Cell]] = []
    for code, name in zip(result.per_code, code_names(report), strict=True):
        row: list[Cell] = [name, *code.coded, _num(code.prevalence), code.kappa_name or None]
        for figure in figures:
            row += list(_coef(getattr(code, figure)))
            if figure == "kappa":
                row += list(_ci(code.kappa_ci))
            elif figure == "alpha":
                row += list(_ci(code.alpha_ci))
            elif figure == "ac1":
                row.append(_num(code.ac1_se))
        ci = code.alpha_ci or code.kappa_ci
        row += [ci.n_boot if ci else None, ci.confidence if ci else None]
        row += [_num(code.prevalence_index), _num(code.bias_index)]
        char = code.character
        row += (
            [char.both, char.first_only, char.second_only, char.neither]
            if char is not None
            else [None] * 4
        )
        row += [code.units_coded, "yes" if too_few_units(code, level) else "no"]
        row.append(code_flag(code, level).word)
        rows.append(row)
    numbers = {
        h
        for h in headers
        if h in figures
        or h.endswith(("_ci_low", "_ci_high"))
        or h in ("prevalence", "prevalence_index", "bias_index", "ci_confidence", "ac1_se")
    }
    return Sheet(headers, rows, frozenset(numbers))


def overall_sheet(report: AgreementReport) -> Sheet:
    """The pooled figures, one per row: figure, value, reason."""
    overall = report.result.overall
    rows: list[list[Cell]] = []
    alpha_name = "unitized_alpha_pooled" if report.request.level == "span" else "alpha_pooled"
    for name, coefficient in (
        (alpha_name, overall.alpha),
        ("kappa_pooled", overall.kappa),
        ("percent_agreement_pooled", overall.percent_agreement),
    ):
        if coefficient is not None:
            rows.append([name, *_coef(coefficient)])
    rows.append(["mean_alpha", _num(overall.mean_alpha), None])
    if report.request.level != "span":
        rows.append(["mean_kappa", _num(overall.mean_kappa), None])
    rows.append(["n_codes_defined", overall.n_codes_defined, None])
    rows.append(["n_codes", len(report.result.per_code), None])
    rows.append(["n_units", report.result.n_units, None])
    rows.append(["n_documents", len(report.documents), None])
    return Sheet(["figure", "value", "reason"], rows, frozenset({"value"}))


def document_sheet(report: AgreementReport) -> Sheet:
    """One row per document: units, alpha (u-alpha at span level), percent agreement."""
    alpha = "unitized_alpha" if report.request.level == "span" else "alpha"
    headers = ["document", "n_units", alpha, f"{alpha}_reason"]
    headers += ["percent_agreement", "percent_agreement_reason"]
    rows: list[list[Cell]] = [
        [
            document_name(report, d.doc),
            d.n_units,
            *_coef(document_alpha(report, d)),
            *_coef(d.percent_agreement),
        ]
        for d in report.result.per_document
    ]
    return Sheet(headers, rows, frozenset({alpha, "percent_agreement"}))


def pair_sheet(report: AgreementReport) -> Sheet:
    """One row per pair of coders (only when there are more than two)."""
    coders = report.result.coders
    headers = ["first", "second", "cohen_kappa", "cohen_kappa_reason", "alpha", "alpha_reason"]
    headers += ["percent_agreement", "percent_agreement_reason", "mean_kappa"]
    rows: list[list[Cell]] = [
        [
            coders[p.first],
            coders[p.second],
            *_coef(p.kappa),
            *_coef(p.alpha),
            *_coef(p.percent_agreement),
            _num(p.mean_kappa),
        ]
        for p in report.result.per_pair
    ]
    numbers = {"cohen_kappa", "alpha", "percent_agreement", "mean_kappa"}
    return Sheet(headers, rows, frozenset(numbers))


def confusion_sheet(report: AgreementReport) -> Sheet | None:
    """Codes of the first coder (rows) by codes of the second (columns), with "(no code)"."""
    confusion = report.result.confusion
    if confusion is None:
        return None
    coders = report.result.coders
    labels = [*code_names(report), "(no code)"]
    corner = f"{coders[confusion.first]} \\ {coders[confusion.second]}"
    rows: list[list[Cell]] = [
        [label, *(int(n) for n in confusion.counts[i])] for i, label in enumerate(labels)
    ]
    return Sheet([corner, *labels], rows)


def disagreement_entries(
    table: DisagreementTable,
) -> list[tuple[int, int, int, int, list[list[int]]]]:
    """(doc, unit, start, end, codes of each coder) for every disagreement.

    Reads the table's arrays once as Python lists: indexing it row by row costs a few numpy
    slices per row, which adds up to seconds on a project with 100,000 disagreements.
    """
    doc, unit = table.doc.tolist(), table.unit.tolist()
    start, end, ptr = table.start.tolist(), table.end.tolist(), table.ptr.tolist()
    entry_code, entry_coder = table.entry_code.tolist(), table.entry_coder.tolist()
    out = []
    for k in range(len(doc)):
        codes: list[list[int]] = [[] for _ in range(table.n_coders)]
        for e in range(ptr[k], ptr[k + 1]):
            codes[entry_coder[e]].append(entry_code[e])
        out.append((doc[k], unit[k], start[k], end[k], [sorted(c) for c in codes]))
    return out


def disagreement_sheet(report: AgreementReport) -> Sheet | None:
    """One row per unit where the coders' code sets differ: where, and each coder's codes."""
    table = report.result.disagreements
    if table is None:
        return None
    names = code_names(report)
    coders = list(report.result.coders)
    headers = ["document", "start", "end", *(f"codes_{c}" for c in coders)]
    rows: list[list[Cell]] = []
    for doc, _, start, end, per_coder in disagreement_entries(table):
        rows.append(
            [
                document_name(report, doc),
                start,
                end,
                *("; ".join(names[k] for k in codes) for codes in per_coder),
            ]
        )
    return Sheet(headers, rows)


def code_document_sheet(report: AgreementReport) -> Sheet | None:
    """One row per code and document where some coder applied the code (NVivo's layout):
    units, what each coder coded, the coders' table and kappa, alpha, agreement."""
    entries = report.result.per_code_document
    if not entries:
        return None
    coders = list(report.result.coders)
    letters = coder_letters(len(coders))
    masks = range(1 << len(coders))
    cell_names = [
        "cell_" + ("".join(letters[i] for i in range(len(coders)) if m >> i & 1) or "none")
        for m in masks
    ]
    headers = ["code", "document", "n_units", *(f"coded_{c}" for c in coders), *cell_names]
    figures = ["kappa", "alpha", "percent_agreement"]
    for name in figures:
        headers += [name, f"{name}_reason"]
    names = code_names(report)
    rows: list[list[Cell]] = [
        [
            names[e.code],
            document_name(report, e.doc),
            e.n_units,
            *e.coded,
            *e.cells,
            *_coef(e.kappa),
            *_coef(e.alpha),
            *_coef(e.percent_agreement),
        ]
        for e in entries
    ]
    return Sheet(headers, rows, frozenset(figures))


def summary_sheet(report: AgreementReport, facts: dict[str, object]) -> Sheet:
    """The summary across codes (``summary_dict`` of the JSON report), one figure per row."""
    rows: list[list[Cell]] = []
    for key, value in facts.items():
        if key == "flags":
            continue
        if isinstance(value, dict):
            for sub, item in value.items():
                number = item if isinstance(item, int | float) or item is None else str(item)
                rows.append([f"{key}: {sub}", number])
        else:
            rows.append(
                [key, value if isinstance(value, int | float) or value is None else str(value)]
            )
    return Sheet(["figure", "value"], rows, frozenset({"value"}))

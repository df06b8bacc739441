"""What the per-code figures add up to, stated once for the summary, the methods paragraph and
the JSON report, so they cannot disagree: counts of flags, mean and median, the pooled figures
named for what they are, and what to make of unusual unitizing figures.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from coder.domain.agreement import AgreementReport
from coder.domain.agreement_results import DocumentAgreement
from coder.domain.coefficient import ONE_UNIT, Coefficient
from coder.domain.words import fmt_int, plural
from coder.reports._common import (
    Flag,
    code_flag,
    code_names,
    document_name,
    fmt_ci,
    fmt_coef,
    fmt_num,
    fmt_pct,
    join_words,
    kappa_label,
    reliability,
    unit_nouns,
    unused_codes,
)


def pct(c: Coefficient | None) -> str:
    if c is None:
        return ""
    return fmt_pct(c.value) if c.is_defined else fmt_coef(c)


@dataclass(frozen=True)
class CodeSummary:
    """What the per-code reliability figures add up to, as the summary and methods state it."""

    name: str
    n_codes: int
    n_unused: int
    values: list[float]
    undefined: dict[str, int]
    too_few: int
    judged: int
    low: int
    tentative: int
    reliable: int

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)


def code_summary(report: AgreementReport) -> CodeSummary:
    """Facts about the per-code reliability coefficient (alpha; u-alpha at span level), the one
    the flags judge, over the codes some coder applied."""
    level = report.request.level
    values: list[float] = []
    undefined: dict[str, int] = {}
    flags: list[Flag] = []
    unused = set(unused_codes(report))
    for i, code in enumerate(report.result.per_code):
        if i in unused:
            continue
        coefficient = reliability(code, level)
        if coefficient is None or not coefficient.is_defined:
            reason = "not computed" if coefficient is None else coefficient.reason or "not a number"
            undefined[reason] = undefined.get(reason, 0) + 1
            continue
        values.append(coefficient.value)
        flags.append(code_flag(code, level))
    judged = [f for f in flags if f is not Flag.TOO_FEW]
    return CodeSummary(
        name="u-alpha" if level == "span" else "alpha",
        n_codes=len(report.result.per_code),
        n_unused=len(unused),
        values=values,
        undefined=undefined,
        too_few=flags.count(Flag.TOO_FEW),
        judged=len(judged),
        low=judged.count(Flag.LOW),
        tentative=judged.count(Flag.TENTATIVE),
        reliable=judged.count(Flag.RELIABLE),
    )


def neither_share(report: AgreementReport) -> float | None:
    """Share of all code x unit decisions where no coder applied the code (None: not counted)."""
    codes = report.result.per_code
    if not codes or any(not c.units_by_coders for c in codes):
        return None
    total = sum(sum(c.units_by_coders) for c in codes)
    return sum(c.units_by_coders[0] for c in codes) / total if total else None


def pooled_alpha(report: AgreementReport) -> Coefficient:
    """The pooled alpha, undefined when it would rest on a single unit."""
    overall = report.result.overall
    if report.request.level == "unit" and report.result.n_units < 2:
        return Coefficient.undefined(ONE_UNIT)
    return overall.alpha


def document_alpha(report: AgreementReport, document: DocumentAgreement) -> Coefficient:
    """A document's pooled alpha, undefined when the document has a single unit."""
    if report.request.level == "unit" and document.n_units < 2:
        return Coefficient.undefined(ONE_UNIT)
    return document.alpha


def summary_lines(report: AgreementReport) -> list[str]:
    """The summary: mean and median of the per-code figures, then the pooled figures, each
    named for what it is."""
    facts = code_summary(report)
    level = report.request.level
    name = "unitized alpha (u-alpha)" if facts.name == "u-alpha" else "Krippendorff's alpha"
    lines = []
    count = len(facts.values)
    if count > 1:
        text = (
            f"Per-code {name}: mean {fmt_num(facts.mean)}, median {fmt_num(facts.median)}, "
            f"range {fmt_num(min(facts.values))} to {fmt_num(max(facts.values))}, over the "
            f"{plural(count, 'code')} where it is defined"
        )
    elif count == 1:
        text = f"Per-code {name}: {fmt_num(facts.values[0])}, the one code where it is defined"
    else:
        text = f"Per-code {name} is undefined for every code some coder applied"
    if facts.too_few:
        text += f" ({fmt_int(facts.too_few)} with too few units)"
    if facts.undefined:
        text += ("; undefined for " if count else ": ") + _reasons(facts.undefined)
    lines.append(text + ".")
    if facts.n_unused:
        lines.append(
            f"{fmt_int(facts.n_unused)} of the {plural(facts.n_codes, 'code')} "
            f"{'was' if facts.n_unused == 1 else 'were'} applied by no coder and "
            f"{'has' if facts.n_unused == 1 else 'have'} no per-code figure."
        )
    if level == "character":
        kappas = [c.kappa.value for c in report.result.per_code if c.kappa and c.kappa.is_defined]
        if kappas:
            lines.append(
                f"Per-character {kappa_label(report)} (NVivo's figure): mean "
                f"{fmt_num(statistics.fmean(kappas))}, median {fmt_num(statistics.median(kappas))}."
            )
    lines += _pooled_lines(report) if level != "span" else _pooled_span(report)
    return lines


def _pooled_lines(report: AgreementReport) -> list[str]:
    result = report.result
    overall = result.overall
    singular = unit_nouns(report)[0]
    decisions = len(result.per_code) * result.n_units
    alpha = pooled_alpha(report)
    if alpha.is_defined:
        text = (
            f"Pooled binary alpha {fmt_coef(alpha)}"
            + (f" {fmt_ci(overall.alpha_ci)}" if overall.alpha_ci else "")
            + f": all {fmt_int(decisions)} code-by-{singular} decisions pooled into one "
            "presence/absence variable, a figure some tools report; it is not the reliability "
            "of any code, and common codes dominate it"
        )
        if overall.kappa is not None:
            text += f". Pooled {kappa_label(report)} {fmt_coef(overall.kappa)}"
    else:
        text = f"Pooled binary alpha: undefined ({alpha.reason})"
    lines = [text + "."]
    if overall.percent_agreement is not None and overall.percent_agreement.is_defined:
        share = neither_share(report)
        text = f"Pooled percent agreement {pct(overall.percent_agreement)}"
        if share is not None:
            text += (
                f"; in {fmt_pct(share)} of all decisions no coder applied the code, so it says "
                "little about agreement on codes that were applied"
            )
        lines.append(text + ".")
    return lines


def _pooled_span(report: AgreementReport) -> list[str]:
    overall = report.result.overall
    return [
        f"Pooled unitized alpha {fmt_coef(overall.alpha)}: 1 - (sum of observed disagreements) "
        "/ (sum of expected disagreements) over all codes, a summary across codes, not the "
        "reliability of any one."
    ]


def _reasons(counts: dict[str, int]) -> str:
    """ "2 codes (one unit only)" or "3 codes: 2 no variation, 1 one unit only"."""
    total = sum(counts.values())
    if len(counts) == 1:
        return f"{plural(total, 'code')} ({next(iter(counts))})"
    return f"{plural(total, 'code')}: " + ", ".join(f"{n} {r}" for r, n in counts.items())


def unitizing_notes(report: AgreementReport) -> list[str]:
    """At span level, what to make of u-alpha below -1 and of figures resting on one segment."""
    if report.request.level != "span":
        return []
    names = code_names(report)
    out = []
    extreme = [
        f"{names[c.code]} ({fmt_coef(c.unitized_alpha)})"
        for c in report.result.per_code
        if c.unitized_alpha is not None
        and c.unitized_alpha.is_defined
        and c.unitized_alpha.value < -1
    ]
    extreme += [
        f"document {document_name(report, d.doc)} ({fmt_coef(d.alpha)})"
        for d in report.result.per_document
        if d.alpha.is_defined and d.alpha.value < -1
    ]
    if extreme:
        out.append(
            "u-alpha below -1 for " + join_words(extreme) + ": observed disagreement is many "
            "times what chance would produce. When the coders marked little of a long text, "
            "the disagreement expected by chance is tiny and the ratio grows without bound; "
            "read such a value as no agreement, not as a size."
        )
    single = [names[c.code] for c in report.result.per_code if any(c.coded) and min(c.coded) <= 1]
    if single:
        out.append(
            "Resting on a single segment: "
            + join_words(single)
            + " (a coder marked at most one segment): u-alpha then compares where that one "
            "segment lies and says little about how the code is applied."
        )
    return out

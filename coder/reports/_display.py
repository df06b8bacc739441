"""Tables of display text shared by the Markdown and HTML reports.

Cells are final strings: three decimals, percentages, "undefined: <reason>" for undefined
values, and a flag with marker and word for each code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.domain.agreement import AgreementReport
from coder.domain.coefficient import BootstrapCI, Coefficient
from coder.reports._common import (
    Flag,
    code_names,
    coder_letters,
    document_name,
    flag_for,
    fmt_ci,
    fmt_coef,
    fmt_int,
    fmt_num,
    fmt_pct,
    join_words,
    kappa_label,
    reliability,
    unit_nouns,
)


@dataclass(frozen=True)
class DisplayTable:
    """Headers, rows of text, which columns are numeric (right-aligned), and per-row flags."""

    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    flags: list[Flag | None] = field(default_factory=list)


def pct(c: Coefficient | None) -> str:
    if c is None:
        return ""
    return fmt_pct(c.value) if c.is_defined else fmt_coef(c)


def code_table(report: AgreementReport) -> DisplayTable:
    """Per code: counts per coder, prevalence, kappa, alpha with CI, agreement, PABAK, flag."""
    result = report.result
    level = report.request.level
    letters = coder_letters(len(result.coders))
    headers = ["Code", *letters]
    if level == "span":
        headers += ["Unitized alpha", "Flag"]
    else:
        kappa = kappa_label(report)
        headers += ["Prevalence"]
        if level == "unit":
            headers += [f"{kappa} [95% CI]", "Alpha [95% CI]"]
        else:
            headers += [kappa, "Alpha"]
        headers += ["Agreement", "PABAK", "Flag"]
    rows: list[list[str]] = []
    flags: list[Flag | None] = []
    for code, name in zip(result.per_code, code_names(report), strict=True):
        flag = flag_for(reliability(code, level))
        flags.append(flag)
        row = [name, *(fmt_int(n) for n in code.coded)]
        if level == "span":
            row += [fmt_coef(code.unitized_alpha), flag.label]
        else:
            row += [fmt_pct(code.prevalence)]
            if level == "unit":
                row += [_with_ci(code.kappa, code.kappa_ci), _with_ci(code.alpha, code.alpha_ci)]
            else:
                row += [fmt_coef(code.kappa), fmt_coef(code.alpha)]
            row += [pct(code.percent_agreement), fmt_coef(code.pabak), flag.label]
        rows.append(row)
    numeric = set(range(1, len(headers) - 1))
    return DisplayTable(headers, rows, numeric, flags)


def _with_ci(coefficient: Coefficient | None, ci: BootstrapCI | None) -> str:
    """ "0.795 [0.645, 0.907]"; the bare value when no interval was computed."""
    text = fmt_coef(coefficient)
    if coefficient is None or not coefficient.is_defined or ci is None:
        return text
    return f"{text} {fmt_ci(ci)}"


def counted_note(report: AgreementReport) -> str:
    """What the per-coder count columns count."""
    level = report.request.level
    what = "segments marked" if level == "span" else unit_nouns(report)[1] + " coded"
    letters = coder_letters(len(report.result.coders))
    return (
        f"{join_words(letters)}: {what} with the code by each coder "
        f"({'; '.join(f'{k} = {n}' for k, n in zip(letters, report.result.coders, strict=True))})."
    )


def overall_lines(report: AgreementReport) -> list[str]:
    """The pooled figures as short sentences."""
    result = report.result
    overall = result.overall
    n_codes = len(result.per_code)
    if report.request.level == "span":
        return [
            f"Unitized alpha pooled over {n_codes} codes: {fmt_coef(overall.alpha)}",
            f"Mean per-code unitized alpha: {fmt_num(overall.mean_alpha)} "
            f"({overall.n_codes_defined} of {n_codes} codes defined)",
        ]
    _, plural_noun = unit_nouns(report)
    return [
        f"Pooled over {n_codes} codes x {fmt_int(result.n_units)} {plural_noun} "
        f"({fmt_int(n_codes * result.n_units)} decisions): alpha {fmt_coef(overall.alpha)}, "
        f"{kappa_label(report)} {fmt_coef(overall.kappa)}, "
        f"percent agreement {pct(overall.percent_agreement)}",
        f"Mean of per-code values: alpha {fmt_num(overall.mean_alpha)}, kappa "
        f"{fmt_num(overall.mean_kappa)} ({overall.n_codes_defined} of {n_codes} codes defined)",
        "No confidence interval is computed for the pooled figures.",
    ]


def document_table(report: AgreementReport) -> DisplayTable:
    """Per document: units, alpha (unitized at span level), percent agreement."""
    level = report.request.level
    _, plural_noun = unit_nouns(report)
    headers = ["Document", plural_noun.capitalize()]
    headers.append("Unitized alpha" if level == "span" else "Alpha")
    if level != "span":
        headers.append("Agreement")
    rows = []
    flags: list[Flag | None] = []
    for d in report.result.per_document:
        row = [document_name(report, d.doc), fmt_int(d.n_units), fmt_coef(d.alpha)]
        if level != "span":
            row.append(pct(d.percent_agreement))
        rows.append(row)
        flags.append(flag_for(d.alpha))
    return DisplayTable(headers, rows, set(range(1, len(headers))), flags)


def pair_table(report: AgreementReport) -> DisplayTable:
    """Per pair of coders: pooled Cohen's kappa, alpha, agreement, mean per-code kappa."""
    coders = report.result.coders
    headers = ["Coders", "Cohen's kappa", "Alpha", "Agreement", "Mean per-code kappa"]
    rows = [
        [
            f"{coders[p.first]} - {coders[p.second]}",
            fmt_coef(p.kappa),
            fmt_coef(p.alpha),
            pct(p.percent_agreement),
            fmt_num(p.mean_kappa),
        ]
        for p in report.result.per_pair
    ]
    return DisplayTable(headers, rows, {1, 2, 3, 4})


def top_confusions(report: AgreementReport, limit: int = 15) -> DisplayTable | None:
    """The most frequent pairs of different codes (or a code against none) between two coders."""
    confusion = report.result.confusion
    if confusion is None:
        return None
    labels = [*code_names(report), "(no code)"]
    coders = report.result.coders
    counts = confusion.counts
    cells = [
        (int(counts[i, j]), i, j)
        for i in range(counts.shape[0])
        for j in range(counts.shape[1])
        if i != j and counts[i, j] > 0
    ]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    headers = [
        coders[confusion.first],
        coders[confusion.second],
        unit_nouns(report)[1].capitalize(),
    ]
    rows = [[labels[i], labels[j], fmt_int(n)] for n, i, j in cells[:limit]]
    return DisplayTable(headers, rows, {2})

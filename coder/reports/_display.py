"""Tables and sentences of display text shared by every human format of the agreement report.

Cells are final strings: three decimals (never "-0.000"), percentages, "undefined: <reason>" for
undefined values, and a flag with marker and word for each code. The terminal asks for the
``compact`` tables (fewer, shorter columns) and turns "undefined: ..." into footnotes; Markdown
and HTML print the full ones. The summary's sentences are in :mod:`coder.reports._summary`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.agreement_results import CodeAgreement
from coder.domain.coefficient import BootstrapCI, Coefficient
from coder.domain.words import fmt_int, plural
from coder.reports._common import (
    Flag,
    code_flag,
    code_names,
    coder_letters,
    document_name,
    flag_for,
    fmt_ci,
    fmt_coef,
    fmt_num,
    fmt_pct,
    has_min_data_rule,
    join_words,
    kappa_label,
    shown_codes,
    unit_nouns,
    unused_codes,
)
from coder.reports._summary import document_alpha, pct, summary_lines


@dataclass(frozen=True)
class DisplayTable:
    """Headers, rows of text, which columns are numeric (right-aligned), per-row flags, and how
    many leading columns are text (names that may wrap)."""

    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    flags: list[Flag | None] = field(default_factory=list)
    text_columns: int = 1


def with_ci(coefficient: Coefficient | None, ci: BootstrapCI | None) -> str:
    """ "0.795 [0.645, 0.907]"; the bare value when no interval was computed."""
    text = fmt_coef(coefficient)
    if coefficient is None or not coefficient.is_defined or ci is None:
        return text
    return f"{text} {fmt_ci(ci)}"


def ac1_text(code: CodeAgreement) -> str:
    """ "0.912 (0.034)": AC1 with its standard error when there is one."""
    if code.ac1 is None:
        return "not computed"
    text = fmt_coef(code.ac1)
    if code.ac1.is_defined and fmt_num(code.ac1_se) != "n/a":
        text += f" ({fmt_num(code.ac1_se)})"
    return text


# ------------------------------------------------------------------------------ per code


def reliability_table(report: AgreementReport, *, compact: bool = False) -> DisplayTable:
    """Per code: counts per coder and the reliability coefficients (with intervals), flag."""
    result = report.result
    level = report.request.level
    letters = coder_letters(len(result.coders))
    names = code_names(report)
    counts = ["Coded " + "/".join(letters)] if compact else list(letters)
    headers = ["Code", *counts]
    if level == "span":
        headers += ["u-alpha" if compact else "Unitized alpha"]
    elif compact:
        headers += ["Kappa" if len(letters) == 2 else "Fleiss k"]
        headers += ["Alpha [95% CI]" if _has_ci(report) else "Alpha"]
    elif _has_ci(report):
        headers += [f"{kappa_label(report)} [95% CI]", "Alpha [95% CI]"]
    else:
        headers += [kappa_label(report), "Alpha"]
    headers.append("Flag")
    rows: list[list[str]] = []
    flags: list[Flag | None] = []
    for i in shown_codes(report):
        code = result.per_code[i]
        flag = code_flag(code, level)
        cells = ["/".join(fmt_int(n) for n in code.coded)] if compact else _counts(code)
        row = [names[i], *cells]
        if level == "span":
            row.append(fmt_coef(code.unitized_alpha))
        elif compact:
            row += [fmt_coef(code.kappa), with_ci(code.alpha, code.alpha_ci)]
        else:
            row += [with_ci(code.kappa, code.kappa_ci), with_ci(code.alpha, code.alpha_ci)]
        rows.append([*row, flag.label])
        flags.append(flag)
    return DisplayTable(headers, rows, set(range(1, len(headers) - 1)), flags)


def agreement_table(report: AgreementReport, *, compact: bool = False) -> DisplayTable | None:
    """Per code: AC1, percent and positive agreement, PABAK, prevalence, prevalence and bias
    indices (two coders); None at span level, where none of them is defined."""
    result = report.result
    if report.request.level == "span":
        return None
    two = len(result.coders) == 2
    names = code_names(report)
    se = " (SE)" if any(fmt_num(c.ac1_se) != "n/a" for c in result.per_code) else ""
    if compact:
        headers = ["Code", "AC1" + se, "Agree", "Pos.", "PABAK", "Prev."]
        headers += ["PI", "BI"] if two else []
    else:
        headers = ["Code", "Gwet's AC1" + se, "Agreement", "Positive agreement", "PABAK"]
        headers += ["Prevalence"] + (["Prevalence index", "Bias index"] if two else [])
    rows: list[list[str]] = []
    flags: list[Flag | None] = []
    for i in shown_codes(report):
        code = result.per_code[i]
        row = [names[i], ac1_text(code), pct(code.percent_agreement)]
        row += [pct(code.positive_agreement) or "not computed", fmt_coef(code.pabak)]
        row.append(fmt_pct(code.prevalence))
        if two:
            row += [fmt_num(code.prevalence_index), fmt_num(code.bias_index)]
        rows.append(row)
        flags.append(code_flag(code, report.request.level))
    return DisplayTable(headers, rows, set(range(1, len(headers))), flags)


def fmt_p(p: float | None) -> str:
    """A p-value to three decimals, "<0.001" below that, "n/a" when undefined."""
    text = fmt_num(p)
    return "<0.001" if text == "0.000" else text


def precision_table(report: AgreementReport, *, compact: bool = False) -> DisplayTable | None:
    """Per code (unit level): kappa's and alpha's analytical SE, p and interval (Gwet 2014), and
    q = P(alpha < 0.667), P(alpha < 0.800) from the bootstrap (Hayes & Krippendorff 2007)."""
    result = report.result
    if report.request.level != "unit" or all(c.alpha_se is None for c in result.per_code):
        return None
    kappa = "Kappa" if len(result.coders) == 2 else "Fleiss k"
    with_q = any(c.alpha_q for c in result.per_code)
    if compact:
        headers = ["Code", f"{kappa} SE", "p", "Alpha SE", "p", "Alpha CI (t)"]
        headers += ["q<.667", "q<.800"] if with_q else []
    else:
        headers = ["Code", f"{kappa_label(report)} SE", f"{kappa_label(report)} p", "Alpha SE"]
        headers += ["Alpha p", "Alpha 95% CI (analytical)"]
        headers += ["P(alpha < 0.667)", "P(alpha < 0.800)"] if with_q else []
    names = code_names(report)
    rows: list[list[str]] = []
    flags: list[Flag | None] = []
    for i in shown_codes(report):
        code = result.per_code[i]
        row = [names[i]]
        for figure in (code.kappa_se, code.alpha_se):
            row += ["n/a", "n/a"] if figure is None else [fmt_num(figure.se), fmt_p(figure.p_value)]
        a = code.alpha_se
        row.append("n/a" if a is None else f"[{fmt_num(a.low)}, {fmt_num(a.high)}]")
        if with_q:
            q = dict(code.alpha_q)
            row += [fmt_num(q.get(0.667)), fmt_num(q.get(0.8))]
        rows.append(row)
        flags.append(code_flag(code, report.request.level))
    return DisplayTable(headers, rows, set(range(1, len(headers))), flags)


def precision_legend(report: AgreementReport) -> str:
    """What the precision table's columns are, with their sources."""
    text = (
        "SE: analytical standard error of the coefficient (Gwet 2014, ch. 5); p: two-sided test "
        "that it is 0; CI: value +- t(n-1) SE, capped at 1"
    )
    if any(c.alpha_q for c in report.result.per_code):
        text += (
            "; q (q<.667, q<.800; P(alpha < 0.667), P(alpha < 0.800)): share of the bootstrap's "
            "resampled alphas below each threshold, the probability that the code's alpha falls "
            "short of it (Hayes & Krippendorff 2007)"
        )
    return text + ". Gwet's AC1 is his AC2 with identity weights, those of nominal data."


def _counts(code: CodeAgreement) -> list[str]:
    return [fmt_int(n) for n in code.coded]


def _has_ci(report: AgreementReport) -> bool:
    return report.request.level == "unit" and any(
        c.alpha_ci is not None for c in report.result.per_code
    )


def counted_note(report: AgreementReport) -> str:
    """What the per-coder count columns count."""
    level = report.request.level
    what = "segments marked" if level == "span" else unit_nouns(report)[1] + " coded"
    letters = coder_letters(len(report.result.coders))
    return (
        f"{join_words(letters)}: {what} with the code by each coder "
        f"({'; '.join(f'{k} = {n}' for k, n in zip(letters, report.result.coders, strict=True))})."
    )


def flag_legend(report: AgreementReport) -> str:
    """What each flag means, with its source."""
    level = report.request.level
    name = "unitized alpha" if level == "span" else "alpha"
    parts = [f"{f.label}: {name} {f.meaning}" for f in (Flag.LOW, Flag.TENTATIVE, Flag.RELIABLE)]
    text = "Flags: " + "; ".join(parts) + " (Krippendorff 2004, p. 241)"
    if has_min_data_rule(level):
        what = "segments marked" if level == "span" else unit_nouns(report)[1]
        text += (
            f"; {Flag.TOO_FEW.label}: fewer than {MIN_CODED_UNITS} {what} per coder on average, "
            "too little data to judge (Krippendorff's minimum sample size, after Bloch & "
            "Kraemer 1989)"
        )
    return text + f"; {Flag.UNDEFINED.label}: {name} undefined."


def figures_legend(report: AgreementReport) -> str:
    """What the columns of the agreement table are."""
    text = (
        "AC1: Gwet's AC1 (standard error, Gwet 2008); Agreement: percent agreement; Positive "
        "agreement: of the coder pairs where one applied the code, the share where the other "
        "did too; PABAK: prevalence-adjusted bias-adjusted kappa; Prevalence: share of coder x "
        "unit decisions applying the code"
    )
    if len(report.result.coders) == 2:
        text += "; prevalence and bias indices of Byrt, Bishop & Carlin (1993)"
    return text + "."


def hidden_note(report: AgreementReport) -> str:
    """Which codes the tables leave out and how to list them, or ""."""
    unused = unused_codes(report)
    if not unused or report.request.all_codes:
        return ""
    return (
        f"{plural(len(unused), 'code')} that no coder applied "
        f"{'is' if len(unused) == 1 else 'are'} not listed (--all-codes lists "
        f"{'it' if len(unused) == 1 else 'them'}): "
        + ", ".join(code_names(report)[i] for i in unused)
        + "."
    )


# ------------------------------------------------------------------------------ other tables


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
        alpha = document_alpha(report, d)
        row = [document_name(report, d.doc), fmt_int(d.n_units), fmt_coef(alpha)]
        if level != "span":
            row.append(pct(d.percent_agreement))
        rows.append(row)
        flags.append(flag_for(alpha))
    return DisplayTable(headers, rows, set(range(1, len(headers))), flags)


#: Code x document rows a page lists (Markdown, HTML); XLSX, CSV-like sheets and JSON list all.
MAX_PAGE_ROWS = 2_000


def code_document_rows(report: AgreementReport, limit: int) -> list[int] | None:
    """Which rows of ``per_code_document`` to list: all (None), or the ``limit`` with the lowest
    kappa (undefined first), in table order."""
    entries = report.result.per_code_document
    if len(entries) <= limit:
        return None
    lowest = sorted(range(len(entries)), key=lambda i: lowest_first(entries[i].kappa))[:limit]
    return sorted(lowest)


def lowest_first(coefficient: Coefficient) -> float:
    """A sort key: lowest value first, undefined values before all."""
    return coefficient.value if coefficient.is_defined else -9.0


def code_document_table(
    report: AgreementReport, *, compact: bool = False, limit: int = MAX_PAGE_ROWS
) -> DisplayTable | None:
    """Per code and document, as NVivo's coding comparison lists them: units, what each coder
    coded, kappa, alpha, agreement and (in full) the share of units in each cell of the coders'
    table. Only pairs where some coder applied the code, at most ``limit`` of them (see
    :func:`code_document_rows`). None when there are no rows."""
    result = report.result
    entries = result.per_code_document
    if not entries:
        return None
    chosen = code_document_rows(report, limit)
    indices = list(range(len(entries))) if chosen is None else chosen
    letters = coder_letters(len(result.coders))
    two = len(letters) == 2
    names = code_names(report)
    unit = unit_nouns(report)[1].capitalize()
    headers = ["Code", "Document", unit]
    headers += ["Coded " + "/".join(letters)] if compact else letters
    short = "Kappa" if two else "Fleiss k"
    headers += [short if compact else kappa_label(report), "Alpha", "Agreement"]
    if not compact:
        headers += ["A and B", "Neither", "A only", "B only"] if two else ["All", "None"]
    rows = []
    for index in indices:
        entry = entries[index]
        counts = [fmt_int(n) for n in entry.coded]
        row = [names[entry.code], document_name(report, entry.doc), fmt_int(entry.n_units)]
        row += ["/".join(counts)] if compact else counts
        row += [fmt_coef(entry.kappa), fmt_coef(entry.alpha), pct(entry.percent_agreement)]
        if not compact:
            cells = entry.cells
            total = sum(cells) or 1
            chosen_cells = [3, 0, 1, 2] if two else [len(cells) - 1, 0]
            row += [fmt_pct(cells[k] / total) for k in chosen_cells]
        rows.append(row)
    flags: list[Flag | None] = [flag_for(entries[i].kappa) for i in indices]
    return DisplayTable(headers, rows, set(range(2, len(headers))), flags, text_columns=2)


def code_document_note(report: AgreementReport, limit: int = MAX_PAGE_ROWS) -> str:
    """What the code x document table shows, and which rows when not all of them."""
    letters = coder_letters(len(report.result.coders))
    unit = unit_nouns(report)[1]
    text = (
        f"One row per code and document where some coder applied the code (NVivo's coding "
        f"comparison layout, over {unit}); kappa and alpha within the document. A figure "
        "within one document rests on few units: read these rows to see where the coders "
        "differ, not as reliability estimates."
    )
    if len(letters) == 2:
        text += (
            f" A and B: share of the document's {unit} both coded; Neither: neither did; A only, "
            "B only: one coder did."
        )
    total = len(report.result.per_code_document)
    if total > limit:
        text += (
            f" Listed: the {limit:,} rows with the lowest kappa of {total:,}; the XLSX and JSON "
            "reports have every row."
        )
    return text


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
    return DisplayTable(headers, rows, {2}, text_columns=2)


# Names kept for coder/reports/_markdown.py (superseded by _agreement_markdown.py).
code_table = reliability_table
overall_lines = summary_lines
__all__ = [
    "DisplayTable",
    "agreement_table",
    "code_document_note",
    "code_document_table",
    "code_table",
    "counted_note",
    "document_table",
    "figures_legend",
    "flag_legend",
    "fmt_p",
    "hidden_note",
    "lowest_first",
    "overall_lines",
    "pair_table",
    "pct",
    "precision_legend",
    "precision_table",
    "reliability_table",
    "top_confusions",
    "with_ci",
]

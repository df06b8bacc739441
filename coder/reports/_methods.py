"""The methods paragraph: what was measured, how, on what, with which result, and what was left out.

Every number in it comes from the report; a figure that was not computed (a confidence
interval at character level, say) is said to be missing rather than filled in.
"""

from __future__ import annotations

from coder.domain.agreement import AgreementReport
from coder.domain.coefficient import Coefficient
from coder.reports._common import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    Flag,
    flag_for,
    fmt_int,
    fmt_num,
    fmt_pct,
    join_words,
    number_word,
    overlap_rule,
    plural,
    reliability,
    undefined_count,
    unit_nouns,
)

KRIPPENDORFF_2004 = (
    "Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.). Sage."
)
COHEN_1960 = (
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and "
    "Psychological Measurement, 20(1), 37-46."
)
FLEISS_1971 = (
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
    "Psychological Bulletin, 76(5), 378-382."
)
KRIPPENDORFF_1995 = (
    "Krippendorff, K. (1995). On the reliability of unitizing continuous data. "
    "Sociological Methodology, 25, 47-76."
)


def references(report: AgreementReport) -> list[str]:
    """The works the methods paragraph cites, in alphabetical order."""
    level = report.request.level
    refs = [KRIPPENDORFF_2004]
    if level == "span":
        refs.append(KRIPPENDORFF_1995)
    else:
        refs.append(COHEN_1960 if len(report.result.coders) == 2 else FLEISS_1971)
    return sorted(refs)


def methods_paragraph(report: AgreementReport) -> str:
    """A ready methods paragraph for a paper: coders, units, coefficient, value, CI, exclusions."""
    result = report.result
    level = report.request.level
    coders = list(result.coders)
    n_docs = len(report.documents)
    n_codes = len(result.per_code)
    singular, plural_noun = unit_nouns(report)
    sentences = [
        f"{number_word(len(coders), capital=True)} coders ({join_words(coders)}) independently "
        f"coded {plural(n_docs, 'document')} ({plural(result.n_units, singular, plural_noun)})."
    ]
    sentences.append(_codings_sentence(report))
    if report.request.rollup is not None:
        sentences.append(
            f"Codes were rolled up to their ancestors at depth {report.request.rollup} of the "
            "codebook, so agreement is reported per theme."
        )
    if level == "span":
        sentences += _span_sentences(report, n_codes)
    elif level == "character":
        sentences += _character_sentences(report, n_codes)
    else:
        sentences += _unit_sentences(report, n_codes, singular)
    sentences += _flag_sentences(report)
    sentences.append(_excluded_sentence(report))
    return " ".join(s for s in sentences if s)


def _codings_sentence(report: AgreementReport) -> str:
    counts = [
        (name, fmt_int(report.codings_per_coder.get(name, 0))) for name in report.result.coders
    ]
    first, *rest = counts
    text = f"{first[0]} made {first[1]} codings"
    return join_words([text] + [f"{name} {n}" for name, n in rest]) + "."


def _kappa_citation(report: AgreementReport) -> str:
    if len(report.result.coders) == 2:
        return "Cohen's kappa (Cohen, 1960)"
    return "Fleiss' kappa (Fleiss, 1971), the multi-coder generalisation of Cohen's (1960) kappa"


def _unit_sentences(report: AgreementReport, n_codes: int, unit: str) -> list[str]:
    result = report.result
    overall = result.overall
    out = [
        f"Agreement on the presence or absence of each of {plural(n_codes, 'code')} in each "
        f"{unit} was measured with Krippendorff's alpha for nominal data (Krippendorff, 2004) "
        f"and {_kappa_citation(report)}; a code counted as applied to a {unit} by a coder "
        f"{overlap_rule(result.overlap, unit)}."
    ]
    decisions = n_codes * result.n_units
    kappa = overall.kappa
    pooled = (
        f"Pooled over all {fmt_int(decisions)} code-by-{unit} decisions, alpha = "
        f"{_value(overall.alpha)}"
    )
    ci = overall.alpha_ci
    if ci is not None and ci.n_valid:
        pooled += (
            f" ({round(100 * ci.confidence)}% CI {fmt_num(ci.low)} to {fmt_num(ci.high)}, "
            f"{fmt_int(ci.n_boot)} bootstrap resamples of {unit}s, each with its decisions on "
            "every code)"
        )
    if kappa is not None:
        pooled += f" and kappa = {_value(kappa)}"
    if overall.percent_agreement is not None:
        pooled += f" (percent agreement {_pct(overall.percent_agreement)})"
    if ci is None or not ci.n_valid:
        pooled += "; no confidence interval was computed for the pooled alpha"
    out.append(pooled + ".")
    out.append(_per_code_summary(report, "alpha"))
    if report.request.ci and any(c.alpha_ci is not None for c in result.per_code):
        n_boot = next(c.alpha_ci.n_boot for c in result.per_code if c.alpha_ci is not None)
        conf = next(c.alpha_ci.confidence for c in result.per_code if c.alpha_ci is not None)
        out.append(
            f"The {round(100 * conf)}% confidence interval of each code's alpha and kappa is the "
            f"percentile interval of {fmt_int(n_boot)} bootstrap resamples of {unit}s "
            f"(seed {report.request.seed})."
        )
    else:
        out.append("No confidence intervals were computed.")
    return out


def _character_sentences(report: AgreementReport, n_codes: int) -> list[str]:
    result = report.result
    overall = result.overall
    out = [
        "Following NVivo's coding comparison, every character was treated as a unit: for each "
        f"of {plural(n_codes, 'code')}, agreement on whether each of the "
        f"{fmt_int(result.n_units)} characters was coded was measured with per-character "
        f"{_kappa_citation(report)} and percent agreement, as NVivo computes them, and with "
        "Krippendorff's alpha for nominal data (Krippendorff, 2004)."
    ]
    pooled = f"Pooled over codes, kappa = {_value(overall.kappa)}, alpha = {_value(overall.alpha)}"
    if overall.percent_agreement is not None:
        pooled += f" and percent agreement {_pct(overall.percent_agreement)}"
    out.append(pooled + ".")
    out.append(_per_code_summary(report, "kappa"))
    out.append(
        "Caveat: characters neither coder coded count as agreement, so long uncoded stretches "
        "inflate kappa's observed agreement and percent agreement, and characters are not "
        "independent units; no confidence intervals were computed for that reason."
    )
    return out


def _span_sentences(report: AgreementReport, n_codes: int) -> list[str]:
    result = report.result
    overall = result.overall
    return [
        f"Agreement on where each of {plural(n_codes, 'code')} applies was measured with "
        "Krippendorff's alpha for unitizing (u-alpha; Krippendorff, 1995, 2004), treating each "
        f"document as a continuum of characters ({fmt_int(result.n_units)} in all) and comparing "
        "the segments the coders marked, with no units of analysis fixed in advance.",
        f"Pooled over codes, u-alpha = {_value(overall.alpha)}; no confidence interval was "
        "computed.",
        _per_code_summary(report, "u-alpha"),
    ]


def _per_code_summary(report: AgreementReport, name: str) -> str:
    level = report.request.level
    values = []
    for code in report.result.per_code:
        coefficient = code.kappa if level == "character" else reliability(code, level)
        if coefficient is not None and coefficient.is_defined:
            values.append(coefficient.value)
    n_codes = len(report.result.per_code)
    if not values:
        return f"Per-code {name} was undefined for every code."
    mean = sum(values) / len(values)
    text = (
        f"Per-code {name} ranged from {fmt_num(min(values))} to {fmt_num(max(values))} "
        f"(mean {fmt_num(mean)} over the {plural(len(values), 'code')} where it is defined"
    )
    if len(values) < n_codes:
        reasons = undefined_count(report, charted=True)
        detail = ", ".join(
            reason if len(reasons) == 1 else f"{n} {reason}" for reason, n in reasons.items()
        )
        n_undefined = n_codes - len(values)
        text += f"; undefined for {plural(n_undefined, 'code')}" + (f": {detail}" if detail else "")
    return text + ")."


def _flag_sentences(report: AgreementReport) -> list[str]:
    level = report.request.level
    flags = [flag_for(reliability(c, level)) for c in report.result.per_code]
    low, tentative = flags.count(Flag.LOW), flags.count(Flag.TENTATIVE)
    name = "u-alpha" if level == "span" else "alpha"
    below = (
        f"{number_word(low, capital=True)} {'code' if low == 1 else 'codes'} had"
        if low
        else "No code had"
    )
    between = "no other code" if low else "none"
    if tentative:
        between = f"{number_word(tentative)} more"
    return [
        f"{below} {name} below {ALPHA_TENTATIVE:.3f}, the lowest level Krippendorff (2004, "
        f"p. 241) accepts for tentative conclusions; {between} fell short of "
        f"{ALPHA_RELIABLE:.3f}, his standard for reliable data."
    ]


def _excluded_sentence(report: AgreementReport) -> str:
    parts = []
    request = report.request
    if request.documents:
        parts.append(f"only the documents named ({plural(len(request.documents), 'name')})")
    if request.where:
        parts.append(
            "only documents with " + join_words([f"{k} = {v}" for k, v in request.where.items()])
        )
    if request.codes:
        parts.append("only the codes " + join_words(list(request.codes)) + " and their sub-codes")
    scope = f"The analysis included {join_words(parts)}. " if parts else ""
    if report.excluded:
        items = "; ".join(e.strip() for e in report.excluded)
        return f"{scope}Excluded: {items}" + ("" if items.endswith(".") else ".")
    return f"{scope}Nothing in the selection was excluded."


def _value(coefficient: Coefficient | None) -> str:
    if coefficient is None:
        return "not computed"
    if coefficient.is_defined:
        return fmt_num(coefficient.value)
    return f"undefined ({coefficient.reason})"


def _pct(coefficient: Coefficient | None) -> str:
    if coefficient is not None and coefficient.is_defined:
        return fmt_pct(coefficient.value)
    return "undefined"

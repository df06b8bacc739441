"""The methods paragraph: what was measured, how, on what, with which result, and what was left out.

Every sentence is built from a fact of this run: blindness from the project's settings, the
units, the coefficients computed and their true lineage, the figures (through
:func:`coder.reports._display.code_summary`, which the summary uses too), plural forms. A
figure that was not computed is said to be missing, never filled in. Each sentence records the
works it cites, and :func:`references` lists exactly those.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.words import fmt_int, plural
from coder.reports._common import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    fmt_num,
    fmt_pct,
    join_words,
    number_word,
    overlap_rule,
    too_few_units,
    unit_nouns,
    unused_codes,
)
from coder.reports._summary import CodeSummary, code_summary, neither_share, pooled_alpha

WORKS = {
    "Bloch1989": "Bloch, D. A., & Kraemer, H. C. (1989). 2 x 2 kappa coefficients: Measures of "
    "agreement or association. Biometrics, 45(1), 269-287.",
    "Byrt1993": "Byrt, T., Bishop, J., & Carlin, J. B. (1993). Bias, prevalence and kappa. "
    "Journal of Clinical Epidemiology, 46(5), 423-429.",
    "Cicchetti1990": "Cicchetti, D. V., & Feinstein, A. R. (1990). High agreement but low "
    "kappa: II. Resolving the paradoxes. Journal of Clinical Epidemiology, 43(6), 551-558.",
    "Cohen1960": "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational "
    "and Psychological Measurement, 20(1), 37-46.",
    "Efron1993": "Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. "
    "Chapman & Hall.",
    "Fleiss1971": "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. "
    "Psychological Bulletin, 76(5), 378-382.",
    "Gwet2008": "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the "
    "presence of high agreement. British Journal of Mathematical and Statistical Psychology, "
    "61(1), 29-48.",
    "Gwet2014": "Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced "
    "Analytics.",
    "Hayes2007": "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard "
    "reliability measure for coding data. Communication Methods and Measures, 1(1), 77-89.",
    "Krippendorff1995": "Krippendorff, K. (1995). On the reliability of unitizing continuous "
    "data. Sociological Methodology, 25, 47-76.",
    "Krippendorff2004": "Krippendorff, K. (2004). Content Analysis: An Introduction to Its "
    "Methodology (2nd ed.). Sage.",
    "Scott1955": "Scott, W. A. (1955). Reliability of content analysis: The case of nominal "
    "scale coding. Public Opinion Quarterly, 19(3), 321-325.",
}


@dataclass
class _Paragraph:
    """Sentences and the works they cite."""

    sentences: list[str] = field(default_factory=list)
    cited: set[str] = field(default_factory=set)

    def add(self, sentence: str, *works: str) -> None:
        if sentence:
            self.sentences.append(sentence)
            self.cited.update(works)

    def text(self) -> str:
        return " ".join(self.sentences)


def methods_paragraph(report: AgreementReport) -> str:
    """A methods paragraph for a paper, every sentence true of this run."""
    return _build(report).text()


def references(report: AgreementReport) -> list[str]:
    """The works the methods paragraph cites, in alphabetical order."""
    return sorted(WORKS[key] for key in _build(report).cited)


def _build(report: AgreementReport) -> _Paragraph:
    level = report.request.level
    paragraph = _Paragraph()
    paragraph.add(_coders_sentence(report))
    paragraph.add(_codings_sentence(report))
    if report.request.rollup is not None:
        paragraph.add(
            f"Codes were rolled up to their ancestors at depth {report.request.rollup} of the "
            "codebook, so agreement is reported per theme."
        )
    if level == "span":
        _span_sentences(report, paragraph)
    elif level == "character":
        _character_sentences(report, paragraph)
    else:
        _unit_sentences(report, paragraph)
    _minimum_data_sentence(report, paragraph)
    facts = code_summary(report)
    _results_sentences(report, facts, paragraph)
    _threshold_sentence(facts, paragraph)
    if level == "unit":
        _pooled_sentence(report, paragraph)
    paragraph.add(_excluded_sentence(report))
    return paragraph


def _coders_sentence(report: AgreementReport) -> str:
    coders = list(report.result.coders)
    singular, plural_noun = unit_nouns(report)
    unit = (
        ""
        if report.request.level != "unit"
        else f" ({plural(report.result.n_units, singular, plural_noun)})"
    )
    text = (
        f"{number_word(len(coders), capital=True)} coders ({join_words(coders)}) coded "
        f"{plural(len(report.documents), 'document')}{unit}"
    )
    if report.blind is True:
        return text + (
            " in a blind project: no coder could see another's codings, so each coded "
            "independently."
        )
    if report.blind is False:
        return text + (
            " in a project that was not blind: each coder could see the others' codings, so "
            "the codings are not independent and agreement may be overstated."
        )
    return text + "."


def _codings_sentence(report: AgreementReport) -> str:
    counts = [(name, report.codings_per_coder.get(name, 0)) for name in report.result.coders]
    (first, n_first), *rest = counts
    parts = [f"{first} made {plural(n_first, 'coding')}"]
    parts += [f"{name} {plural(n, 'coding')}" for name, n in rest]
    return join_words(parts) + "."


def _kappa_phrase(report: AgreementReport) -> tuple[str, tuple[str, ...]]:
    if len(report.result.coders) == 2:
        return "Cohen's kappa (Cohen, 1960)", ("Cohen1960",)
    return (
        "Fleiss' kappa (Fleiss, 1971), which extends Scott's pi (Scott, 1955), not Cohen's "
        "kappa, to more than two coders",
        ("Fleiss1971", "Scott1955"),
    )


def _has_ac1(report: AgreementReport) -> bool:
    return any(c.ac1 is not None for c in report.result.per_code)


def _has_ac1_se(report: AgreementReport) -> bool:
    return any(c.ac1 is not None and not math.isnan(c.ac1_se) for c in report.result.per_code)


def _unit_sentences(report: AgreementReport, paragraph: _Paragraph) -> None:
    result = report.result
    unit = unit_nouns(report)[0]
    kappa, kappa_works = _kappa_phrase(report)
    measures = [
        "Krippendorff's alpha for nominal data (Krippendorff, 2004)",
        kappa,
    ]
    works = ["Krippendorff2004", *kappa_works]
    if _has_ac1(report):
        measures.append("Gwet's AC1 (Gwet, 2008)")
        works.append("Gwet2008")
    pairs = ""
    if result.per_pair:
        pairs = "; each pair of coders also has Cohen's kappa (Cohen, 1960)"
        works.append("Cohen1960")
    paragraph.add(
        f"Agreement on the presence or absence of {_each_code(len(result.per_code))}"
        f" in each {unit} was measured with {join_words(measures)}{pairs}; a code counted as "
        f"applied to a {unit} by a coder {overlap_rule(result.overlap, unit)}.",
        *works,
    )
    _companion_sentence(report, paragraph)
    _interval_sentence(report, paragraph)
    _precision_sentence(report, paragraph)


def _companion_sentence(report: AgreementReport, paragraph: _Paragraph) -> None:
    positive = any(c.positive_agreement is not None for c in report.result.per_code)
    indices = len(report.result.coders) == 2
    parts = ["percent agreement"]
    works = ["Byrt1993"]
    if positive:
        parts.append("positive specific agreement (Cicchetti & Feinstein, 1990)")
        works.append("Cicchetti1990")
    pabak = "the prevalence-adjusted bias-adjusted kappa (PABAK; Byrt, Bishop & Carlin, 1993)"
    if indices:
        pabak += " with its prevalence and bias indices"
    parts.append(pabak)
    paragraph.add(
        f"{_first_upper(join_words(parts))} are reported beside them, because agreement on a "
        "rarely applied code is mostly agreement on its absence.",
        *works,
    )


def _interval_sentence(report: AgreementReport, paragraph: _Paragraph) -> None:
    unit = unit_nouns(report)[1]
    ci = next((c.alpha_ci for c in report.result.per_code if c.alpha_ci is not None), None)
    se = " AC1's standard error is Gwet's (2008) variance estimator." if _has_ac1_se(report) else ""
    if ci is None:
        paragraph.add(
            "No confidence intervals were computed for alpha and kappa." + se,
            *(["Gwet2008"] if se else []),
        )
        return
    paragraph.add(
        f"The {round(100 * ci.confidence)}% confidence interval of each code's alpha and kappa "
        f"is a percentile bootstrap interval (Efron & Tibshirani, 1993) from "
        f"{fmt_int(ci.n_boot)} resamples of the {unit} (seed {report.request.seed}), which "
        "resamples units, not the pairs of values that Hayes and Krippendorff (2007) resample."
        + se,
        "Efron1993",
        "Hayes2007",
        *(["Gwet2008"] if se else []),
    )


def _precision_sentence(report: AgreementReport, paragraph: _Paragraph) -> None:
    with_q = any(c.alpha_q for c in report.result.per_code)
    q = "; q, the probability that a code's alpha is below 0.667 and below 0.800, is the share "
    q += "of its bootstrapped alphas below each (Hayes & Krippendorff, 2007)."
    ac2 = " Gwet's AC1 is his AC2 with identity weights (nominal data)."
    if any(c.alpha_se is not None for c in report.result.per_code):
        paragraph.add(
            "Standard errors, analytical 95% intervals and p-values of alpha and kappa are Gwet's "
            "(2014, ch. 5) linearised variance estimators"
            + (q if with_q else ".")
            + (ac2 if _has_ac1(report) else ""),
            "Gwet2014", *(["Hayes2007"] if with_q else []),
        )  # fmt: skip


def _character_sentences(report: AgreementReport, paragraph: _Paragraph) -> None:
    result = report.result
    kappa, works = _kappa_phrase(report)
    paragraph.add(
        "Following NVivo's coding comparison, every character was treated as a unit: for "
        f"{_each_code(len(result.per_code))}, agreement on whether each of the "
        f"{fmt_int(result.n_units)} characters was coded was measured with per-character "
        f"{kappa} and percent agreement, as NVivo computes them, and with Krippendorff's alpha "
        "for nominal data (Krippendorff, 2004).",
        "Krippendorff2004",
        *works,
    )
    paragraph.add(
        "Caveat: characters neither coder coded count as agreement, so long uncoded stretches "
        "inflate kappa's observed agreement and percent agreement, and characters are not "
        "independent units; for that reason no confidence intervals were computed and no "
        "minimum number of coded units applies."
    )


def _span_sentences(report: AgreementReport, paragraph: _Paragraph) -> None:
    result = report.result
    paragraph.add(
        f"Agreement on where {_each_code(len(result.per_code))} applies was "
        "measured with Krippendorff's alpha for unitizing (u-alpha; Krippendorff, 1995, 2004), "
        f"treating each document as a continuum of characters ({fmt_int(result.n_units)} in "
        "all) and comparing the segments the coders marked, with no units of analysis fixed in "
        "advance; no confidence intervals were computed.",
        "Krippendorff1995",
        "Krippendorff2004",
    )


def _minimum_data_sentence(report: AgreementReport, paragraph: _Paragraph) -> None:
    level = report.request.level
    if level == "character":
        return
    what = "segments" if level == "span" else unit_nouns(report)[1]
    unused = set(unused_codes(report))
    applied = [c for i, c in enumerate(report.result.per_code) if i not in unused]
    below = sum(too_few_units(c, level) for c in applied)
    paragraph.add(
        f"A code the coders applied to fewer than {MIN_CODED_UNITS} {what} each, on average, "
        "is reported as having too few units and is not judged against any threshold: for a "
        "rarely applied code, that is the minimum sample Krippendorff (2004) gives, after "
        "Bloch and Kraemer (1989), to tell alpha from 0.800 at p = 0.05; "
        f"{_how_many_below(below, len(applied))}.",
        "Krippendorff2004",
        "Bloch1989",
    )


def _results_sentences(report: AgreementReport, facts: CodeSummary, paragraph: _Paragraph) -> None:
    name = facts.name
    if facts.n_unused:
        paragraph.add(
            f"{_count(facts.n_unused, 'code', capital=True)} of the {fmt_int(facts.n_codes)} "
            f"{'was' if facts.n_unused == 1 else 'were'} applied by no coder and "
            f"{'has' if facts.n_unused == 1 else 'have'} no per-code figure."
        )
    if not facts.values:
        text = f"Per-code {name} was undefined for every code applied"
        if facts.undefined:
            text += " (" + "; ".join(f"{r}: {fmt_int(n)}" for r, n in facts.undefined.items()) + ")"
        paragraph.add(text + ".")
    elif len(facts.values) == 1:
        text = f"Per-code {name} was {fmt_num(facts.values[0])} (the one code where it is defined"
        if facts.undefined:
            reasons = ", ".join(f"{r}: {fmt_int(n)}" for r, n in facts.undefined.items())
            text += f"; undefined for {plural(sum(facts.undefined.values()), 'code')} ({reasons})"
        paragraph.add(text + ").")
    else:
        text = (
            f"Per-code {name} ranged from {fmt_num(min(facts.values))} to "
            f"{fmt_num(max(facts.values))} (mean {fmt_num(facts.mean)}, median "
            f"{fmt_num(facts.median)}, over the {plural(len(facts.values), 'code')} where it is "
            "defined"
        )
        if facts.undefined:
            reasons = ", ".join(f"{r}: {fmt_int(n)}" for r, n in facts.undefined.items())
            text += f"; undefined for {plural(sum(facts.undefined.values()), 'code')} ({reasons})"
        paragraph.add(text + ").")
    if report.request.level == "character":
        kappas = [
            c.kappa.value
            for c in report.result.per_code
            if c.kappa is not None and c.kappa.is_defined
        ]
        if kappas:
            paragraph.add(
                f"Per-character kappa, NVivo's figure, ranged from {fmt_num(min(kappas))} to "
                f"{fmt_num(max(kappas))}."
            )


def _threshold_sentence(facts: CodeSummary, paragraph: _Paragraph) -> None:
    name = facts.name
    if not facts.judged:
        why = (
            "every code with a defined value has too few units"
            if facts.values
            else f"{name} is undefined for every code applied"
        )
        paragraph.add(f"No code could be judged against Krippendorff's standards: {why}.")
        return
    counts = [
        f"{_none_or(facts.low)} had {name} below {ALPHA_TENTATIVE:.3f}, the lowest level "
        "Krippendorff (2004, p. 241) accepts for tentative conclusions",
        f"{_none_or(facts.tentative)} from {ALPHA_TENTATIVE:.3f} to {ALPHA_RELIABLE:.3f}, good "
        "for tentative conclusions only",
        f"{_none_or(facts.reliable)} at or above {ALPHA_RELIABLE:.3f}, his standard for "
        "reliable data",
    ]
    paragraph.add(
        f"Of the {_count(facts.judged, 'code')} with enough units and a defined {name}, "
        f"{join_words(counts)}.",
        "Krippendorff2004",
    )


def _pooled_sentence(report: AgreementReport, paragraph: _Paragraph) -> None:
    result = report.result
    overall = result.overall
    singular, plural_noun = unit_nouns(report)
    alpha = pooled_alpha(report)
    decisions = fmt_int(len(result.per_code) * result.n_units)
    if not alpha.is_defined:
        paragraph.add(
            f"No alpha pooled over all code-by-{singular} decisions is given: it is undefined "
            f"({alpha.reason})."
        )
        return
    text = (
        f"Pooled over all {decisions} code-by-{singular} decisions as one presence/absence "
        f"variable, alpha was {fmt_num(alpha.value)}"
    )
    ci = overall.alpha_ci
    if ci is not None and ci.n_valid:
        text += (
            f" ({round(100 * ci.confidence)}% CI {fmt_num(ci.low)} to {fmt_num(ci.high)}, "
            f"resampling {plural_noun} with all their decisions)"
        )
    else:
        text += " (no confidence interval computed)"
    agreement = overall.percent_agreement
    if agreement is not None and agreement.is_defined:
        text += f" and percent agreement {fmt_pct(agreement.value)}"
        share = neither_share(report)
        if share is not None:
            text += f", {fmt_pct(share)} of the decisions being a code no coder applied"
    paragraph.add(
        text + "; this pooled figure is given for comparison with tools that report one, and is "
        "not the reliability of any code."
    )


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(n: int, singular: str, *, capital: bool = False) -> str:
    """ "one code", "12 codes": numbers below ten in words, as APA style has them."""
    return f"{number_word(n, capital=capital)} {singular if n == 1 else singular + 's'}"


def _each_code(n: int) -> str:
    return "the one code" if n == 1 else f"each of {plural(n, 'code')}"


def _how_many_below(below: int, applied: int) -> str:
    """ "3 of the 28 codes applied fall below it", "the one code applied falls below it"."""
    if below == 0:
        return "no code applied falls below it"
    if applied == 1:
        return "the one code applied falls below it"
    if below == applied:
        return f"all {plural(applied, 'code')} applied fall below it"
    verb = "falls" if below == 1 else "fall"
    return f"{fmt_int(below)} of the {plural(applied, 'code')} applied {verb} below it"


def _none_or(n: int) -> str:
    return "none" if n == 0 else number_word(n)


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
        items = "; ".join(e.strip().rstrip(".") for e in report.excluded)
        return f"{scope}Left out: {items}."
    return f"{scope}Nothing in the selection was left out."

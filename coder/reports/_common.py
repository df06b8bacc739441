"""Shared pieces of every agreement report format: thresholds, flags, labels, number formats.

Every renderer reads the same ``AgreementReport`` through these helpers, so a code flagged weak
in the terminal is flagged weak in the HTML, and an undefined value reads the same everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.agreement_results import CodeAgreement
from coder.domain.coefficient import BootstrapCI, Coefficient
from coder.domain.words import fmt_int

#: Krippendorff (2004), *Content Analysis*, 2nd ed., p. 241: rely on variables with alpha >= .800;
#: consider those between .667 and .800 only for tentative conclusions.
ALPHA_TENTATIVE = 0.667
ALPHA_RELIABLE = 0.800


class Flag(Enum):
    """How a code's reliability compares with Krippendorff's standards."""

    LOW = ("!!", "low", "below 0.667, Krippendorff's lowest acceptable level")
    TENTATIVE = ("!", "tentative", "0.667 to 0.8: tentative conclusions only")
    RELIABLE = ("", "ok", "0.8 or above")
    TOO_FEW = (
        "~",
        "too few units",
        f"coded on fewer than {MIN_CODED_UNITS} units per coder on average: too little data to "
        "judge",
    )
    UNDEFINED = ("?", "n/a", "coefficient undefined")

    @property
    def marker(self) -> str:
        return self.value[0]

    @property
    def word(self) -> str:
        return self.value[1]

    @property
    def meaning(self) -> str:
        return self.value[2]

    @property
    def label(self) -> str:
        """Marker and word, so the flag never depends on colour alone."""
        return f"{self.marker} {self.word}".strip()

    @property
    def css_class(self) -> str:
        """The class the HTML page and its chart style the flag by."""
        if self is Flag.TOO_FEW:
            return "too-few"
        return "undefined" if self is Flag.UNDEFINED else self.word


def flag_for(coefficient: Coefficient | None) -> Flag:
    """The flag of a reliability coefficient (alpha, or unitized alpha at span level)."""
    if coefficient is None or not coefficient.is_defined:
        return Flag.UNDEFINED
    if coefficient.value < ALPHA_TENTATIVE:
        return Flag.LOW
    if coefficient.value < ALPHA_RELIABLE:
        return Flag.TENTATIVE
    return Flag.RELIABLE


def reliability(code: CodeAgreement, level: str) -> Coefficient | None:
    """The coefficient a code is flagged on: unitized alpha at span level, otherwise alpha."""
    return code.unitized_alpha if level == "span" else code.alpha


def has_min_data_rule(level: str) -> bool:
    """Whether the minimum-data rule applies: units and segments are counted, characters are
    not independent units."""
    return level in ("unit", "span")


def too_few_units(code: CodeAgreement, level: str) -> bool:
    """Fewer than ``MIN_CODED_UNITS`` units (segments at span level) coded per coder, on average."""
    return has_min_data_rule(level) and code.mean_coded < MIN_CODED_UNITS


def code_flag(code: CodeAgreement, level: str) -> Flag:
    """A code's flag: undefined, too few units (minimum-data rule), or its threshold band."""
    coefficient = reliability(code, level)
    if coefficient is None or not coefficient.is_defined:
        return Flag.UNDEFINED
    if too_few_units(code, level):
        return Flag.TOO_FEW
    return flag_for(coefficient)


def shown_codes(report: AgreementReport) -> list[int]:
    """Indices of the codes the tables list: those some coder applied, or all with
    ``--all-codes``."""
    codes = report.result.per_code
    return [i for i, c in enumerate(codes) if report.request.all_codes or any(c.coded)]


def unused_codes(report: AgreementReport) -> list[int]:
    """Indices of the codes no coder applied."""
    return [i for i, c in enumerate(report.result.per_code) if not any(c.coded)]


@dataclass(frozen=True)
class ChartSpec:
    """Which coefficient a level's chart shows, and its interval when one was computed."""

    name: str
    symbol: str


def chart_spec(level: str) -> ChartSpec:
    """Alpha at unit level, kappa at character level (NVivo's figure), unitized alpha for spans."""
    if level == "character":
        return ChartSpec("per-character Cohen's kappa", "kappa")
    if level == "span":
        return ChartSpec("unitized alpha", "u-alpha")
    return ChartSpec("Krippendorff's alpha", "alpha")


def chart_value(code: CodeAgreement, level: str) -> tuple[Coefficient | None, BootstrapCI | None]:
    """The charted coefficient of a code and its bootstrap interval (None when not computed)."""
    if level == "character":
        return code.kappa, None
    if level == "span":
        return code.unitized_alpha, None
    return code.alpha, code.alpha_ci


def coder_letters(n: int) -> list[str]:
    """Short column labels for coders: A, B, C, ... Z, then C27, C28, ..."""
    return [chr(ord("A") + i) if i < 26 else f"C{i + 1}" for i in range(n)]


def kappa_label(report: AgreementReport) -> str:
    """ "Cohen's kappa" for two coders, "Fleiss' kappa" for more."""
    return "Cohen's kappa" if len(report.result.coders) == 2 else "Fleiss' kappa"


def code_names(report: AgreementReport) -> list[str]:
    """Code paths as text, indexed like the result's codes."""
    if len(report.code_paths) == len(report.result.codes):
        return [str(p) for p in report.code_paths]
    return list(report.result.codes)


def is_number(x: float | None) -> bool:
    return x is not None and not math.isnan(float(x))


def fixed(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` decimals, never "-0.000": a value that rounds to zero is zero."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def fmt_num(x: float | None, digits: int = 3) -> str:
    """A figure to ``digits`` decimals, or "n/a" (never "nan", never "-0.000")."""
    return fixed(float(x), digits) if x is not None and is_number(x) else "n/a"


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """A proportion as a percentage, or "n/a"."""
    return f"{fixed(100 * float(x), digits)}%" if x is not None and is_number(x) else "n/a"


def fmt_ci(ci: BootstrapCI | None, digits: int = 3) -> str:
    """ "[0.645, 0.907]", "[CI n/a]" when no resample had a defined value, "" when not computed."""
    if ci is None:
        return ""
    if not (is_number(ci.low) and is_number(ci.high)):
        return "[CI n/a]"
    return f"[{fixed(ci.low, digits)}, {fixed(ci.high, digits)}]"


def undefined_text(coefficient: Coefficient) -> str:
    return f"undefined: {coefficient.reason or 'not a number'}"


def fmt_coef(coefficient: Coefficient | None, digits: int = 3, *, long: bool = True) -> str:
    """A coefficient's value; undefined ones as "undefined: <reason>" (or "n/a" if not ``long``).

    ``None`` (a figure this level does not compute) is an empty string.
    """
    if coefficient is None:
        return ""
    if coefficient.is_defined:
        return fixed(coefficient.value, digits)
    return undefined_text(coefficient) if long else "n/a"


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_word(n: int, *, capital: bool = False) -> str:
    """Numbers below ten in words (APA style), larger ones with thousands separators."""
    word = _NUMBER_WORDS[n] if 0 <= n < 10 else fmt_int(n)
    return word.capitalize() if capital else word


def join_words(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_UNIT_NOUNS = {
    "sentence": ("sentence", "sentences"),
    "paragraph": ("paragraph", "paragraphs"),
    "turn": ("speaker turn", "speaker turns"),
    "document": ("document", "documents"),
}


def unit_nouns(report: AgreementReport) -> tuple[str, str]:
    """Singular and plural of the unit of analysis ("sentence", "sentences")."""
    if report.request.level in ("character", "span"):
        return ("character", "characters")
    return _UNIT_NOUNS.get(str(report.request.unit), (str(report.request.unit),) * 2)


def overlap_rule(overlap: str, unit: str) -> str:
    """The overlap rule in words: when a coding counts as applying a code to a unit."""
    if overlap == "majority":
        return f"when one of the coder's codings with that code covered at least half of the {unit}"
    if overlap == "full":
        return f"when the coder's codings with that code covered the whole {unit}"
    return f"when one of the coder's codings with that code overlapped any part of the {unit}"


def document_name(report: AgreementReport, index: int) -> str:
    return report.documents[index] if 0 <= index < len(report.documents) else f"#{index}"


def undefined_count(report: AgreementReport, *, charted: bool = False) -> dict[str, int]:
    """How many codes have an undefined reliability (or ``charted``) coefficient, by reason."""
    counts: dict[str, int] = {}
    level = report.request.level
    for code in report.result.per_code:
        coefficient = chart_value(code, level)[0] if charted else reliability(code, level)
        if coefficient is not None and not coefficient.is_defined:
            reason = coefficient.reason or "not a number"
            counts[reason] = counts.get(reason, 0) + 1
    return counts

"""Agreement coefficients for categorical ratings: percent agreement and the kappa family.

Reliability data is a coders x units matrix (list of lists or 2-D array); ``None`` or NaN is a
missing rating. ``rows="units"`` takes a table with a row per unit and a column per coder, and
a pandas DataFrame is read as a column per coder (:func:`.layouts.reliability_data`). Every
function returns a ``Coefficient``: a value, or NaN with the reason it is undefined (see
``coder.domain.coefficient``). Decisions common to all functions:

* A unit counts toward observed agreement only when at least two coders rated it.
* Fewer than two such units: "one unit only" (a chance-corrected coefficient from a single
  unit is not an estimate of anything); none: "no unit rated by two or more coders".
* Expected agreement of 1 (every rating the same category): "no variation".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from coder.agreement.chance import chance_corrected
from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import FloatArray, encode, encode_pair
from coder.domain.coefficient import NO_PAIRABLE, ONE_CATEGORY, ONE_UNIT, Coefficient

Weights = Literal["linear", "quadratic"] | None

__all__ = [
    "PabakResult",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "pabak",
    "percent_agreement",
    "scott_pi",
]


def _pairs_check(n_units: int) -> Coefficient | None:
    if n_units == 0:
        return Coefficient.undefined(NO_PAIRABLE)
    if n_units == 1:
        return Coefficient.undefined(ONE_UNIT)
    return None


@dataclass(frozen=True, slots=True)
class _MultiRater:
    """Gwet's (2014) quantities for any number of raters with missing ratings."""

    observed: float  # p_a: mean over units rated by >= 2 coders of the agreeing-pair share
    pi: FloatArray  # pi_k: mean over rated units of the share of ratings in category k
    n_pairable_units: int
    n_categories: int


def _multi_rater(
    data: Any, categories: Sequence[Any] | None = None, rows: Rows = None
) -> _MultiRater:
    enc = encode(reliability_data(data, rows=rows), categories)
    counts = enc.unit_counts()
    ratings = counts.sum(axis=1)
    pairable = ratings >= 2
    n_pairable = int(pairable.sum())
    if n_pairable:
        r = ratings[pairable]
        agreeing = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1)
        observed = float(np.mean(agreeing / (r * (r - 1))))
    else:
        observed = math.nan
    rated = ratings >= 1
    if rated.any():
        pi = (counts[rated] / ratings[rated, None]).mean(axis=0)
    else:
        pi = np.zeros(enc.n_categories)
    return _MultiRater(observed, pi, n_pairable, enc.n_categories)


def percent_agreement(data: Any, *, rows: Rows = None) -> Coefficient:
    """Proportion of agreeing coder pairs, averaged over units (mean pairwise agreement).

    For a unit rated by ``r_i >= 2`` coders, ``r_ik`` of whom chose category k, the share of
    agreeing pairs is ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``; percent agreement is its mean
    over units rated by two or more coders (Gwet 2014, *Handbook of Inter-Rater Reliability*,
    4th ed., ch. 2, "p_a"; with two coders and no missing data it is the plain proportion of
    units on which the coders agree). Units with fewer than two ratings are skipped. Undefined
    ("no unit rated by two or more coders") when no unit has two ratings; a single unit is fine.
    """
    m = _multi_rater(data, rows=rows)
    if m.n_pairable_units == 0:
        return Coefficient.undefined(NO_PAIRABLE)
    return Coefficient(m.observed, None, m.observed, math.nan)


def _agreement_weights(n_categories: int, weights: Weights) -> FloatArray:
    index = np.arange(n_categories, dtype=np.float64)
    if n_categories < 2:
        return np.ones((n_categories, n_categories))
    distance = np.abs(index[:, None] - index[None, :]) / (n_categories - 1)
    if weights == "linear":
        return 1.0 - distance
    return 1.0 - distance**2


def cohen_kappa(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    weights: Weights = None,
    categories: Sequence[Any] | None = None,
) -> Coefficient:
    """Cohen's kappa for two coders, optionally weighted.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o = sum_k p_kk`` the observed proportion of
    agreement and ``p_e = sum_k p_k. p_.k`` the agreement expected from each coder's own
    marginal distribution (Cohen 1960, *Educational and Psychological Measurement* 20:37-46).

    Weighted kappa (Cohen 1968, *Psychological Bulletin* 70:213-220) uses agreement weights
    ``w_ij = 1 - |i - j| / (q - 1)`` ("linear") or ``1 - (i - j)^2 / (q - 1)^2`` ("quadratic")
    over the q ordered categories: ``p_o = sum w_ij p_ij``, ``p_e = sum w_ij p_i. p_.j``.
    Category order is ``categories`` when given, else the sorted distinct ratings; pass
    ``categories`` when some are unused or the natural sort is not the scale's order.

    Units either coder left missing are dropped. Undefined: "no variation" when ``p_e == 1``
    (both coders used one and the same category), "one unit only", and "no unit rated by two
    or more coders".
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"unknown weights {weights!r}: use None, 'linear' or 'quadratic'")
    codes_a, codes_b, q = encode_pair(a, b, categories)
    problem = _pairs_check(len(codes_a))
    if problem:
        return problem
    n = len(codes_a)
    table = np.bincount(codes_a * q + codes_b, minlength=q * q).reshape(q, q) / n
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    if weights is None:
        return chance_corrected(float(np.trace(table)), float(rows @ cols))
    w = _agreement_weights(q, weights)
    return chance_corrected(float((w * table).sum()), float(rows @ w @ cols))


def scott_pi(a: Sequence[Any] | np.ndarray, b: Sequence[Any] | np.ndarray) -> Coefficient:
    """Scott's pi for two coders.

    ``pi = (p_o - p_e) / (1 - p_e)`` with ``p_e = sum_k ((p_k. + p_.k) / 2)^2``: chance
    agreement from the pooled distribution of both coders' ratings (Scott 1955, "Reliability of
    content analysis: the case of nominal scale coding", *Public Opinion Quarterly* 19:321-325).
    Units either coder left missing are dropped; undefined cases as for ``cohen_kappa``.
    """
    codes_a, codes_b, q = encode_pair(a, b)
    problem = _pairs_check(len(codes_a))
    if problem:
        return problem
    n = len(codes_a)
    observed = float(np.mean(codes_a == codes_b))
    pooled = (np.bincount(codes_a, minlength=q) + np.bincount(codes_b, minlength=q)) / (2 * n)
    return chance_corrected(observed, float(pooled @ pooled))


def fleiss_kappa(data: Any, *, rows: Rows = None) -> Coefficient:
    """Fleiss' kappa for any number of coders, missing ratings allowed.

    ``kappa = (p_a - p_e) / (1 - p_e)``; ``p_a`` is the mean over units rated by ``r_i >= 2``
    coders of ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))`` and ``p_e = sum_k pi_k^2`` with
    ``pi_k`` the mean over rated units of ``r_ik / r_i`` (Fleiss 1971, "Measuring nominal scale
    agreement among many raters", *Psychological Bulletin* 76:378-382; the generalisation to
    missing ratings is Gwet's 2014 *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2; with
    no missing rating it is exactly Fleiss' formula). Undefined as for ``cohen_kappa``.
    """
    m = _multi_rater(data, rows=rows)
    problem = _pairs_check(m.n_pairable_units)
    if problem:
        return problem
    return chance_corrected(m.observed, float(m.pi @ m.pi))


def gwet_ac1(
    data: Any, categories: Sequence[Any] | None = None, *, rows: Rows = None
) -> Coefficient:
    """Gwet's AC1 for any number of coders, missing ratings allowed.

    ``AC1 = (p_a - p_e) / (1 - p_e)`` with ``p_a`` as in ``fleiss_kappa`` and
    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` (Gwet 2008, "Computing inter-rater reliability
    and its variance in the presence of high agreement", *British Journal of Mathematical and
    Statistical Psychology* 61:29-48; Gwet 2014, *Handbook*, ch. 2). q is the number of
    ``categories`` when given, else the number of distinct ratings observed. Undefined: "only
    one category" when q < 2, plus the cases of ``cohen_kappa``.
    """
    m = _multi_rater(data, categories, rows)
    problem = _pairs_check(m.n_pairable_units)
    if problem:
        return problem
    q = m.n_categories
    if q < 2:
        return Coefficient.undefined(ONE_CATEGORY, m.observed)
    return chance_corrected(m.observed, float(m.pi @ (1.0 - m.pi)) / (q - 1))


def brennan_prediger(
    data: Any, categories: Sequence[Any] | None = None, *, rows: Rows = None
) -> Coefficient:
    """Brennan and Prediger's kappa_n (Bennett et al.'s S) for any number of coders.

    ``(p_a - 1/q) / (1 - 1/q)`` with ``p_a`` as in ``fleiss_kappa`` and chance agreement 1/q for
    q equally likely categories (Brennan & Prediger 1981, "Coefficient kappa: some uses, misuses,
    and alternatives", *Educational and Psychological Measurement* 41:687-699). q is the number
    of ``categories`` when given, else of distinct ratings observed. Undefined: "only one
    category" when q < 2, and the cases of ``cohen_kappa``.
    """
    m = _multi_rater(data, categories, rows)
    problem = _pairs_check(m.n_pairable_units)
    if problem:
        return problem
    if m.n_categories < 2:
        return Coefficient.undefined(ONE_CATEGORY, m.observed)
    return chance_corrected(m.observed, 1.0 / m.n_categories)


@dataclass(frozen=True, slots=True)
class PabakResult:
    """PABAK with the prevalence and bias indices of Byrt, Bishop & Carlin (1993).

    ``both`` (a), ``first_only`` (b), ``second_only`` (c) and ``neither`` (d) are the cells of
    the 2 x 2 table, "first"/"second" being the coders in argument order and "only" meaning
    that coder rated the unit positive and the other did not.
    """

    pabak: Coefficient
    prevalence_index: float
    bias_index: float
    kappa: Coefficient
    both: int
    first_only: int
    second_only: int
    neither: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "pabak": self.pabak.to_dict(),
            "prevalence_index": None
            if math.isnan(self.prevalence_index)
            else self.prevalence_index,
            "bias_index": None if math.isnan(self.bias_index) else self.bias_index,
            "kappa": self.kappa.to_dict(),
            "table": [self.both, self.first_only, self.second_only, self.neither],
        }


def pabak_from_table(both: int, first_only: int, second_only: int, neither: int) -> PabakResult:
    """``PabakResult`` from the four cells of a 2 x 2 table (see ``pabak``)."""
    n = both + first_only + second_only + neither
    if n == 0:
        nan = Coefficient.undefined(NO_PAIRABLE)
        return PabakResult(nan, math.nan, math.nan, nan, 0, 0, 0, 0)
    p_o = (both + neither) / n
    pabak_value = Coefficient(2.0 * p_o - 1.0, None, p_o, 0.5)
    if n == 1:
        kappa = Coefficient.undefined(ONE_UNIT)
    else:
        p_first, p_second = (both + first_only) / n, (both + second_only) / n
        kappa = chance_corrected(p_o, p_first * p_second + (1 - p_first) * (1 - p_second))
    return PabakResult(
        pabak_value,
        (both - neither) / n,
        (first_only - second_only) / n,
        kappa,
        int(both),
        int(first_only),
        int(second_only),
        int(neither),
    )


def pabak(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    categories: Sequence[Any] | None = None,
) -> PabakResult:
    """Prevalence-adjusted bias-adjusted kappa for two coders and binary ratings.

    From the 2 x 2 table with cells a (both positive), b and c (disagreements) and d (both
    negative), n = a + b + c + d (Byrt, Bishop & Carlin 1993, "Bias, prevalence and kappa",
    *Journal of Clinical Epidemiology* 46:423-429):

    * ``PABAK = 2 p_o - 1`` with ``p_o = (a + d) / n``;
    * prevalence index ``PI = (a - d) / n``; bias index ``BI = (b - c) / n``;
    * and Cohen's kappa, which they relate as
      ``kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)``.

    The positive category is the second of ``categories`` when given, else the larger of the
    two sorted values (1 of 0/1, True of False). Units either coder left missing are dropped.
    More than two categories is a ValueError. PABAK is defined from one unit on; with none, all
    figures are NaN with reason "no unit rated by two or more coders".
    """
    codes_a, codes_b, q = encode_pair(a, b, categories)
    if q > 2:
        raise ValueError(f"PABAK needs binary ratings, got {q} categories")
    if categories is not None and len(categories) != 2:
        raise ValueError("PABAK needs exactly two categories")
    if q == 1 and categories is None:
        # One observed value: it is the "positive" one only if it is truthy (1, True).
        encoded = encode([list(a), list(b)])
        positive_is_only_value = bool(encoded.categories[0]) if len(encoded.categories) else False
        codes_a = codes_a if positive_is_only_value else codes_a - 1
        codes_b = codes_b if positive_is_only_value else codes_b - 1
    positive_a, positive_b = codes_a == 1, codes_b == 1
    return pabak_from_table(
        int(np.sum(positive_a & positive_b)),
        int(np.sum(positive_a & ~positive_b)),
        int(np.sum(~positive_a & positive_b)),
        int(np.sum(~positive_a & ~positive_b)),
    )

"""Weighted chance-corrected coefficients for any number of coders: Gwet's AC2, Conger's kappa,
and weighted Fleiss, Brennan-Prediger and Krippendorff, with each one's per-unit linearisation.

All follow Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., chs. 2-5, as his R
package irrCAC computes them (``agree.coeff3.raw.r``). For reliability data with n units (units
nobody rated are dropped), q categories and agreement weights ``w_kl`` (:mod:`.weights`):

* ``r_ik`` coders put unit i in category k, ``r_i = sum_k r_ik``; ``r*_ik = sum_l w_kl r_il``;
* ``p_a = mean over units with r_i >= 2 of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))``;
* ``pi_k = mean over the n units of r_ik / r_i``;
* ``coefficient = (p_a - p_e) / (1 - p_e)`` with each coefficient's own ``p_e``.

``data`` is a coders x units matrix (``rows="units"`` for a row per unit and a column per coder;
a pandas DataFrame is read as a column per coder: :func:`.layouts.reliability_data`).
Each coefficient is returned as a ``Coefficient`` (``observed`` = p_a, ``expected`` = p_e);
``linearised`` gives the per-unit terms its analytical variance is computed from
(:mod:`.variance`). Undefined: "no unit rated by two or more coders", "one unit only" (one such
unit), "only one category" (q < 2), "no variation" (``p_e == 1``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.chance import chance_corrected
from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import FloatArray, IntArray, encode
from coder.agreement.weights import Weights, weight_matrix
from coder.domain.coefficient import NO_PAIRABLE, ONE_CATEGORY, ONE_UNIT, Coefficient

__all__ = [
    "conger_kappa",
    "gwet_ac2",
    "weighted_brennan_prediger",
    "weighted_fleiss_kappa",
    "weighted_krippendorff_alpha",
]


@dataclass(frozen=True, slots=True)
class RaterCounts:
    """Reliability data as Gwet's matrices, units nobody rated dropped.

    ``codes[coder, unit]`` is a category index or -1; ``counts[unit, k]`` is ``r_ik``;
    ``weights`` the q x q agreement weights.
    """

    codes: IntArray
    counts: FloatArray
    weights: FloatArray
    categories: np.ndarray

    @property
    def n_units(self) -> int:
        return int(self.counts.shape[0])

    @property
    def n_categories(self) -> int:
        return int(self.counts.shape[1])


def rater_counts(
    data: Any, weights: Weights = "identity", categories: Sequence[Any] | None = None
) -> RaterCounts:
    """``RaterCounts`` of a coders x units matrix (``None``/NaN missing)."""
    enc = encode(data, categories)
    counts = enc.unit_counts()
    rated = counts.sum(axis=1) > 0
    return RaterCounts(
        enc.codes[:, rated], counts[rated], weight_matrix(weights, enc.categories), enc.categories
    )


@dataclass(frozen=True, slots=True)
class Linearised:
    """A coefficient and the per-unit terms of its linearisation (Gwet 2014, ch. 5).

    ``variance = (1 - f) * sum((terms - centre)^2) / divisor`` with ``f = n_sampled /
    population_size``; intervals use Student's t with ``df`` degrees of freedom.
    """

    coefficient: Coefficient
    terms: FloatArray
    centre: float
    divisor: float
    n_sampled: int
    df: float


def _undefined_units(n_pairable: int) -> Coefficient | None:
    if n_pairable == 0:
        return Coefficient.undefined(NO_PAIRABLE)
    if n_pairable == 1:
        return Coefficient.undefined(ONE_UNIT)
    return None


@dataclass(frozen=True, slots=True)
class _Agreement:
    observed: float  # p_a
    per_unit: FloatArray  # sum_q / (r_i (r_i - 1)), 0 where r_i < 2
    pairable: np.ndarray
    ratings: FloatArray  # r_i
    pi: FloatArray


def _agreement(rc: RaterCounts) -> _Agreement:
    counts, w = rc.counts, rc.weights
    ratings = counts.sum(axis=1)
    pairable = ratings >= 2
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    pairs = ratings * (ratings - 1.0)
    per_unit = np.divide(sum_q, pairs, out=np.zeros_like(sum_q), where=pairable)
    observed = float(per_unit[pairable].mean()) if pairable.any() else math.nan
    pi = (counts / ratings[:, None]).mean(axis=0) if len(counts) else np.zeros(rc.n_categories)
    return _Agreement(observed, per_unit, pairable, ratings, pi)


def _linearise(
    rc: RaterCounts, a: _Agreement, expected: float, expected_per_unit: FloatArray | None
) -> Linearised:
    """Gwet's linearisation for the coefficients whose ``p_a`` averages pairable units."""
    value = chance_corrected(a.observed, expected)
    n, n2 = rc.n_units, int(a.pairable.sum())
    if not value.is_defined:
        return Linearised(value, np.zeros(n), math.nan, math.nan, n, n - 1.0)
    kappa = value.value
    terms = (n / n2) * (a.per_unit - expected * a.pairable) / (1.0 - expected)
    if expected_per_unit is not None:
        terms = terms - 2.0 * (1.0 - kappa) * (expected_per_unit - expected) / (1.0 - expected)
    return Linearised(value, terms, kappa, n * (n - 1.0), n, n - 1.0)


def _checked(rc: RaterCounts, need_two_categories: bool) -> tuple[_Agreement, Linearised | None]:
    a = _agreement(rc)
    problem = _undefined_units(int(a.pairable.sum()))
    if problem is None and need_two_categories and rc.n_categories < 2:
        problem = Coefficient.undefined(ONE_CATEGORY, a.observed)
    if problem is None:
        return a, None
    return a, Linearised(problem, np.zeros(rc.n_units), math.nan, math.nan, rc.n_units, math.nan)


def linearised_percent_agreement(rc: RaterCounts) -> Linearised:
    """Weighted percent agreement ``p_a`` (no chance correction) and its per-unit terms."""
    a, problem = _checked(rc, need_two_categories=False)
    if problem:
        return problem
    n, n2 = rc.n_units, int(a.pairable.sum())
    value = Coefficient(a.observed, None, a.observed, math.nan)
    return Linearised(value, (n / n2) * a.per_unit, a.observed, n * (n - 1.0), n, n - 1.0)


def linearised_gwet(rc: RaterCounts) -> Linearised:
    """Gwet's AC1/AC2: ``p_e = T_w sum_k pi_k (1 - pi_k) / (q (q - 1))``, ``T_w = sum w_kl``."""
    a, problem = _checked(rc, need_two_categories=True)
    if problem:
        return problem
    q = rc.n_categories
    scale = float(rc.weights.sum()) / (q * (q - 1.0))
    expected = scale * float(a.pi @ (1.0 - a.pi))
    per_unit = scale * (rc.counts @ (1.0 - a.pi)) / a.ratings
    return _linearise(rc, a, expected, per_unit)


def linearised_fleiss(rc: RaterCounts) -> Linearised:
    """Fleiss' kappa: ``p_e = sum_kl w_kl pi_k pi_l``."""
    a, problem = _checked(rc, need_two_categories=False)
    if problem:
        return problem
    w = rc.weights
    expected = float(a.pi @ w @ a.pi)
    pi_w = (w @ a.pi + w.T @ a.pi) / 2.0
    return _linearise(rc, a, expected, (rc.counts @ pi_w) / a.ratings)


def linearised_brennan_prediger(rc: RaterCounts) -> Linearised:
    """Brennan-Prediger: ``p_e = sum_kl w_kl / q^2`` (no per-unit chance term)."""
    a, problem = _checked(rc, need_two_categories=True)
    if problem:
        return problem
    expected = float(rc.weights.sum()) / rc.n_categories**2
    return _linearise(rc, a, expected, None)


def linearised_conger(rc: RaterCounts) -> Linearised:
    """Conger's kappa: ``p_e = sum_kl w_kl (pbar_k pbar_l - s_kl / r)``.

    ``p_gk`` is coder g's share of category k among its own ratings, ``pbar_k`` its mean over
    the r coders and ``s_kl`` their covariance (divisor r - 1): the mean over coder pairs of
    each pair's Cohen-type chance agreement (Conger 1980). Coders who rated nothing are left
    out. The per-unit chance terms are irrCAC's ``lambda_ig``.
    """
    a, problem = _checked(rc, need_two_categories=False)
    if problem:
        return problem
    codes = rc.codes[(rc.codes >= 0).any(axis=1)]
    r, n, q = codes.shape[0], rc.n_units, rc.n_categories
    if r < 2:
        single = Coefficient.undefined(NO_PAIRABLE)
        return Linearised(single, np.zeros(n), math.nan, math.nan, n, math.nan)
    present = codes >= 0
    rows = np.repeat(np.arange(r), n)[present.ravel()]
    classified = np.bincount(rows * q + codes[present], minlength=r * q).reshape(r, q)
    n_g = classified.sum(axis=1).astype(np.float64)
    p = classified / n_g[:, None]
    p_mean = p.mean(axis=0)
    s = (p.T @ p - r * np.outer(p_mean, p_mean)) / (r - 1.0)
    w = rc.weights
    expected = float((w * (np.outer(p_mean, p_mean) - s / r)).sum())
    c = (r * p_mean[None, :] - p) @ w  # c[g, l] = sum_k w_kl (r pbar_k - p_gk)
    d = (p * c).sum(axis=1)
    own = np.where(present, np.take_along_axis(c, np.where(present, codes, 0), axis=1), 0.0)
    lam = (n / n_g)[:, None] * (own - (present - (n_g / n)[:, None]) * d[:, None])
    return _linearise(rc, a, expected, lam.sum(axis=0) / (r * (r - 1.0)))


def linearised_krippendorff(rc: RaterCounts) -> Linearised:
    """Krippendorff's alpha in Gwet's form (Gwet 2014, ch. 2; irrCAC ``krippen.alpha.raw``).

    Over the n' units with ``r_i >= 2``, ``rbar`` their mean number of ratings and
    ``eps = 1 / sum r_i``: ``p'_a = mean sum_k r_ik (r*_ik - 1) / (rbar (r_i - 1))``,
    ``p_a = (1 - eps) p'_a + eps``, ``pi_k = mean r_ik / rbar``, ``p_e = sum w_kl pi_k pi_l``.
    With identity weights this is Krippendorff's nominal alpha; with quadratic weights on
    numeric categories, his interval alpha. The variance uses n' units and, as irrCAC does,
    ``n - 1`` degrees of freedom for the n units rated at all.
    """
    a, problem = _checked(rc, need_two_categories=False)
    if problem:
        return problem
    keep = a.pairable
    counts, ratings, w = rc.counts[keep], a.ratings[keep], rc.weights
    n_pairable = len(ratings)
    mean_r = float(ratings.mean())
    eps = 1.0 / float(ratings.sum())
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    unit_pa = sum_q / (mean_r * (ratings - 1.0))
    pa_prime = float(unit_pa.mean())
    observed = (1.0 - eps) * pa_prime + eps
    pi = (counts / mean_r).mean(axis=0)
    expected = float(pi @ w @ pi)
    value = chance_corrected(observed, expected)
    if not value.is_defined:
        return Linearised(value, np.zeros(n_pairable), math.nan, math.nan, rc.n_units, math.nan)
    alpha_prime = (pa_prime - expected) / (1.0 - expected)
    spread = (ratings - mean_r) / mean_r
    terms = (unit_pa - pa_prime * spread - expected) / (1.0 - expected)
    pi_w = (w @ pi + w.T @ pi) / 2.0
    expected_per_unit = counts @ pi_w / mean_r - expected * spread
    terms = terms - 2.0 * (1.0 - alpha_prime) * (expected_per_unit - expected) / (1.0 - expected)
    divisor = n_pairable * (n_pairable - 1.0)
    return Linearised(value, terms, alpha_prime, divisor, rc.n_units, rc.n_units - 1.0)


def _estimate(
    engine: Callable[[RaterCounts], Linearised],
    data: Any,
    weights: Weights,
    categories: Sequence[Any] | None,
    rows: Rows,
) -> Coefficient:
    return engine(rater_counts(reliability_data(data, rows=rows), weights, categories)).coefficient


def gwet_ac2(
    data: Any,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Gwet's AC2: AC1 with agreement weights, any number of coders, missing ratings allowed.

    ``AC2 = (p_a - p_e) / (1 - p_e)``, ``p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)`` with
    ``T_w`` the sum of all weights (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed.,
    ch. 3; Gwet 2008, *BJMSP* 61:29-48, for AC1). ``weights``: a scheme of :mod:`.weights`
    ("identity" gives AC1) or a q x q matrix. ``categories`` fixes the category set (list every
    point of the scale, used or not: q enters ``p_e``). Undefined cases in the module docstring.
    """
    return _estimate(linearised_gwet, data, weights, categories, rows)


def conger_kappa(
    data: Any,
    weights: Weights = "identity",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Conger's kappa: Fleiss-type ``p_a``, chance agreement averaged over coder pairs.

    ``p_e = sum_kl w_kl (pbar_k pbar_l - s_kl / r)``, the mean over the r (r - 1) / 2 pairs of
    coders of Cohen's chance agreement (Conger 1980, "Integration and generalization of kappas
    for multiple raters", *Psychological Bulletin* 88:322-328; Gwet 2014, ch. 2, with missing
    ratings). With two coders and no missing rating it is Cohen's (weighted) kappa.
    """
    return _estimate(linearised_conger, data, weights, categories, rows)


def weighted_fleiss_kappa(
    data: Any,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Fleiss' kappa with agreement weights: ``p_e = sum_kl w_kl pi_k pi_l`` (Gwet 2014, ch. 3).

    With "identity" it equals ``fleiss_kappa``.
    """
    return _estimate(linearised_fleiss, data, weights, categories, rows)


def weighted_brennan_prediger(
    data: Any,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Brennan-Prediger with agreement weights: ``p_e = sum_kl w_kl / q^2`` (Gwet 2014, ch. 3).

    With "identity" it equals ``brennan_prediger``.
    """
    return _estimate(linearised_brennan_prediger, data, weights, categories, rows)


def weighted_krippendorff_alpha(
    data: Any,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Krippendorff's alpha with agreement weights, in Gwet's (2014, ch. 3) formulation.

    Alpha with disagreement ``1 - w_kl``: "identity" is nominal alpha, "quadratic" on numeric
    categories interval alpha, "ratio" the ratio alpha. The weights of other schemes give
    alphas Krippendorff did not define (his ordinal alpha is ``krippendorff_alpha(...,
    "ordinal")``, not "ordinal" weights). Formula in ``linearised_krippendorff``.
    """
    return _estimate(linearised_krippendorff, data, weights, categories, rows)

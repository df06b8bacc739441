"""Two-coder coefficients from the contingency table, weighted, and Light's kappa.

For two coders the ratings form a q x q table ``p_kl`` (share of units the first coder put in
k and the second in l), over the units both rated. With agreement weights ``w_kl``
(:mod:`.weights`): ``p_a = sum_kl w_kl p_kl``. The variances are Gwet's (2014, *Handbook of
Inter-Rater Reliability*, 4th ed., ch. 5) for a contingency table, as irrCAC's
``kappa2.table`` and ``scott2.table`` compute them:

    ``v = (1 - f) / (n (1 - p_e)^2) [sum_kl p_kl (w_kl - (1 - c)(b_k + b'_l))^2``
    ``    - (p_a - 2 (1 - c) p_e)^2]``

with ``b_k = sum_l w_kl p_.l`` and ``b'_l = sum_k w_kl p_k.`` for Cohen's kappa and both the
weighted pooled shares for Scott's pi. Written per unit, it is the mean squared deviation of
one term per unit, which is what Light's kappa averages over pairs of coders.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from coder.agreement.chance import chance_corrected
from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import IntArray, encode
from coder.agreement.weighted import Linearised
from coder.agreement.weights import Weights, weight_matrix
from coder.domain.coefficient import NO_PAIRABLE, ONE_UNIT, Coefficient

__all__ = ["light_kappa", "weighted_cohen_kappa", "weighted_scott_pi"]


def _table_terms(first: IntArray, second: IntArray, w: np.ndarray, pooled: bool) -> Linearised:
    """Cohen's (``pooled=False``) or Scott's kappa of two coded vectors, with per-unit terms."""
    n = len(first)
    if n < 2:
        reason = NO_PAIRABLE if n == 0 else ONE_UNIT
        return Linearised(Coefficient.undefined(reason), np.zeros(n), math.nan, math.nan, n, 0.0)
    q = w.shape[0]
    table = np.bincount(first * q + second, minlength=q * q).reshape(q, q) / n
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    observed = float((w * table).sum())
    if pooled:
        pooled_share = (rows + cols) / 2.0
        expected = float(pooled_share @ w @ pooled_share)
        row_term, col_term = w @ pooled_share, w.T @ pooled_share
    else:
        expected = float(rows @ w @ cols)
        row_term, col_term = w @ cols, w.T @ rows
    value = chance_corrected(observed, expected)
    if not value.is_defined:
        return Linearised(value, np.zeros(n), math.nan, math.nan, n, n - 1.0)
    c = value.value
    unit = w[first, second] - (1.0 - c) * (row_term[first] + col_term[second])
    terms = unit / (1.0 - expected)
    centre = (observed - 2.0 * (1.0 - c) * expected) / (1.0 - expected)
    return Linearised(value, terms, centre, float(n) * n, n, n - 1.0)


def _pair(
    a: Any, b: Any, weights: Weights, categories: Sequence[Any] | None
) -> tuple[IntArray, IntArray, np.ndarray]:
    stacked = np.vstack([a, b]) if isinstance(a, np.ndarray) else [list(a), list(b)]
    enc = encode(stacked, categories)
    both = (enc.codes >= 0).all(axis=0)
    return enc.codes[0, both], enc.codes[1, both], weight_matrix(weights, enc.categories)


def linearised_cohen(
    a: Any, b: Any, weights: Weights = "identity", categories: Sequence[Any] | None = None
) -> Linearised:
    """Cohen's kappa of two coders with its per-unit terms (units either left missing dropped)."""
    first, second, w = _pair(a, b, weights, categories)
    return _table_terms(first, second, w, pooled=False)


def linearised_scott(
    a: Any, b: Any, weights: Weights = "identity", categories: Sequence[Any] | None = None
) -> Linearised:
    """Scott's pi of two coders with its per-unit terms (units either left missing dropped)."""
    first, second, w = _pair(a, b, weights, categories)
    return _table_terms(first, second, w, pooled=True)


def weighted_cohen_kappa(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
) -> Coefficient:
    """Cohen's weighted kappa with any of Gwet's weight schemes or a q x q matrix.

    ``kappa_w = (p_a - p_e) / (1 - p_e)``, ``p_e = sum_kl w_kl p_k. p_.l`` (Cohen 1968,
    *Psychological Bulletin* 70:213-220; weights as Gwet 2014, ch. 3). Unlike
    ``cohen_kappa(weights="linear")``, which spaces categories by rank, numeric categories are
    spaced by value here, as irrCAC does. Undefined cases as ``cohen_kappa``.
    """
    return linearised_cohen(a, b, weights, categories).coefficient


def weighted_scott_pi(
    a: Sequence[Any] | np.ndarray,
    b: Sequence[Any] | np.ndarray,
    weights: Weights = "quadratic",
    categories: Sequence[Any] | None = None,
) -> Coefficient:
    """Scott's pi with agreement weights: ``p_e = sum_kl w_kl pi_k pi_l``, pooled marginals.

    Scott (1955), *Public Opinion Quarterly* 19:321-325; weights and variance as Gwet (2014,
    chs. 3 and 5; irrCAC ``scott2.table``). Undefined cases as ``scott_pi``.
    """
    return linearised_scott(a, b, weights, categories).coefficient


def linearised_light(
    data: Any,
    weights: Weights = "identity",
    categories: Sequence[Any] | None = None,
    rows: Rows = None,
) -> Linearised:
    """Light's kappa with per-unit terms: each unit's Cohen terms averaged over coder pairs."""
    enc = encode(reliability_data(data, rows=rows), categories)
    complete = (enc.codes >= 0).all(axis=0)
    codes = enc.codes[:, complete]
    w = weight_matrix(weights, enc.categories)
    pairs = [
        _table_terms(codes[g], codes[h], w, pooled=False)
        for g, h in combinations(range(codes.shape[0]), 2)
    ]
    n = codes.shape[1]
    undefined = next((p for p in pairs if not p.coefficient.is_defined), None)
    if undefined is not None:
        return undefined
    value = float(np.mean([p.coefficient.value for p in pairs]))
    observed = float(np.mean([p.coefficient.observed for p in pairs]))
    expected = float(np.mean([p.coefficient.expected for p in pairs]))
    terms = np.mean([p.terms for p in pairs], axis=0)
    centre = float(np.mean([p.centre for p in pairs]))
    return Linearised(
        Coefficient(value, None, observed, expected), terms, centre, float(n) * n, n, n - 1.0
    )


def light_kappa(
    data: Any,
    weights: Weights = "identity",
    categories: Sequence[Any] | None = None,
    *,
    rows: Rows = None,
) -> Coefficient:
    """Light's kappa: the mean of Cohen's kappa over every pair of coders.

    Light (1971), "Measures of response agreement for qualitative data", *Psychological
    Bulletin* 76:365-377; as R's irr ``kappam.light``, units with any missing rating are
    dropped, so every pair is compared on the same units. ``observed``/``expected`` are the
    pairs' mean ``p_o``/``p_e``. Undefined when any pair's kappa is (that pair's reason: one
    coder pair using a single category makes the mean undefined).
    """
    return linearised_light(data, weights, categories, rows).coefficient

"""Analytical standard errors, intervals and p-values of kappa and alpha, and q from the
bootstrap, for presence/absence data, vectorised over codes.

The binary, no-missing-data case of :func:`coder.agreement.variance.agreement_precision` (Gwet
2014, *Handbook of Inter-Rater Reliability*, 4th ed., ch. 5; irrCAC's linearisations), computed
from mask tables ``h[code, mask]`` (units by the set of coders applying the code, see
:mod:`.binary`): every per-unit term depends on a unit only through its mask, so the sums over
units are sums over at most 2^m masks and a project with 100,000 units and many codes takes
milliseconds. The tests check the figures against ``agreement_precision`` to 1e-9.

* Cohen's kappa (two coders): ``v = sum_u (t_u - c)^2 / n^2``, ``t_u = (w_u - (1 - kappa)
  (p_.s + p_f.)) / (1 - p_e)`` for a unit the coders put in (f, s), ``c = (p_a - 2 (1 - kappa)
  p_e) / (1 - p_e)`` (irrCAC ``kappa2.table``).
* Fleiss' kappa (three or more) and Krippendorff's alpha (Gwet's form, centred on alpha'):
  ``t_u = (p_a|u - p_e) / (1 - p_e) - 2 (1 - c) (p_e|u - p_e) / (1 - p_e)`` with ``p_e|u =
  sum_k pi_k r_uk / m``, ``v = sum_u (t_u - c)^2 / (n (n - 1))`` (irrCAC ``fleiss.kappa.raw``,
  ``krippen.alpha.raw``).

Intervals use Student's t with n - 1 degrees of freedom (upper bound capped at 1), the p-value
tests "coefficient = 0" two-sided. ``alpha_q`` is Hayes & Krippendorff's (2007) q =
P(alpha < threshold): the share of the per-code bootstrap's resampled alphas below it, from the
very resamples the report's interval is taken from (:mod:`.unit_level`'s chunks and seeds).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from coder.agreement import binary
from coder.agreement.bootstrap import bootstrap_tables
from coder.agreement.distributions import student_t_cdf, student_t_ppf
from coder.agreement.ratings import FloatArray
from coder.domain.agreement_results import Analytical

__all__ = ["Q_THRESHOLDS", "alpha_q", "binary_precision", "q_below"]

#: The thresholds q is reported for: Krippendorff's 0.667 and 0.800.
Q_THRESHOLDS = (0.667, 0.8)


@functools.lru_cache(maxsize=256)
def _t_quantile(probability: float, df: float) -> float:
    """Student's t quantile, once per (probability, df): every code of a report shares them."""
    return student_t_ppf(probability, df)


def _precision(value: float, se: float, n: float, confidence: float) -> Analytical | None:
    if math.isnan(value) or math.isnan(se) or n < 2:
        return None
    df = n - 1.0
    margin = _t_quantile(1.0 - (1.0 - confidence) / 2.0, float(df)) * se
    t = value / se if se > 0 else math.copysign(math.inf, value) if value != 0 else math.nan
    p = 2.0 * student_t_cdf(-abs(t), df) if not math.isnan(t) else math.nan
    return Analytical(se, value - margin, min(1.0, value + margin), p, confidence)


def _variances(h: FloatArray, m: int) -> tuple[FloatArray, FloatArray]:
    """Per code: the variance of kappa (Cohen or Fleiss) and of alpha."""
    n_masks = 1 << m
    masks = np.arange(n_masks)
    k = binary.popcounts(m).astype(np.float64)  # coders applying the code, per mask
    n = h.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (h @ k) / (n * m)  # share of decisions applying the code
        pe = p**2 + (1 - p) ** 2
        unit_pa = (k * (k - 1) + (m - k) * (m - k - 1)) / (m * (m - 1))
        pa = (h @ unit_pa) / n
        unit_pe = ((m - k)[None, :] * (1 - p)[:, None] + k[None, :] * p[:, None]) / m
        c = (pa - pe) / (1 - pe)  # Fleiss' kappa = alpha' (Gwet's centre for alpha)
        terms = (unit_pa[None, :] - pe[:, None]) / (1 - pe)[:, None] - 2 * (1 - c)[:, None] * (
            unit_pe - pe[:, None]
        ) / (1 - pe)[:, None]
        fleiss = (h * (terms - c[:, None]) ** 2).sum(axis=1) / (n * (n - 1))
        if m != 2:
            return fleiss, fleiss
        first, second = (masks & 1).astype(np.float64), ((masks >> 1) & 1).astype(np.float64)
        f1 = (h @ first) / n  # first coder's share applying
        s1 = (h @ second) / n
        cohen_pe = f1 * s1 + (1 - f1) * (1 - s1)
        cohen_pa = (h @ (first == second).astype(np.float64)) / n
        kappa = (cohen_pa - cohen_pe) / (1 - cohen_pe)
        # row_term[f] = second coder's share of f, col_term[s] = first coder's share of s.
        row = np.where(first[None, :] == 1, s1[:, None], 1 - s1[:, None])
        col = np.where(second[None, :] == 1, f1[:, None], 1 - f1[:, None])
        unit = (first == second)[None, :] - (1 - kappa)[:, None] * (row + col)
        t = unit / (1 - cohen_pe)[:, None]
        centre = (cohen_pa - 2 * (1 - kappa) * cohen_pe) / (1 - cohen_pe)
        cohen = (h * (t - centre[:, None]) ** 2).sum(axis=1) / n**2
    return cohen, fleiss


def binary_precision(
    h: FloatArray, n_coders: int, confidence: float = 0.95
) -> tuple[list[Analytical | None], list[Analytical | None]]:
    """Per code, kappa's and alpha's analytical precision (None where undefined)."""
    h = np.asarray(h, dtype=np.float64)
    kappa_var, alpha_var = _variances(h, n_coders)
    kappa, alpha = binary.kappa(h, n_coders), binary.alpha(h, n_coders)
    n = h.sum(axis=1)
    out_kappa, out_alpha = [], []
    for i in range(len(h)):
        kv, av = float(kappa_var[i]), float(alpha_var[i])
        k_value, a_value = kappa.coefficient(i).value, alpha.coefficient(i).value
        out_kappa.append(
            _precision(k_value, math.sqrt(kv) if kv >= 0 else math.nan, n[i], confidence)
        )
        out_alpha.append(
            _precision(a_value, math.sqrt(av) if av >= 0 else math.nan, n[i], confidence)
        )
    return out_kappa, out_alpha


def alpha_q(
    h: FloatArray,
    n_coders: int,
    n_boot: int,
    seed: int,
    thresholds: Sequence[float] = Q_THRESHOLDS,
) -> list[tuple[tuple[float, float], ...]]:
    """Per code, ``((threshold, q), ...)``: the share of bootstrapped alphas below each threshold.

    The resamples are ``unit_level``'s (same chunks of codes, same seeds), so q and the
    report's percentile interval come from one bootstrap; q is NaN when no resample had a
    defined alpha.
    """
    h = np.asarray(h, dtype=np.float64)
    chunk = max(1, 4_000_000 // (n_boot * h.shape[1]))
    out: list[tuple[tuple[float, float], ...]] = []
    for lo in range(0, len(h), chunk):
        values = binary.alpha(
            bootstrap_tables(h[lo : lo + chunk], n_boot, seed + lo), n_coders
        ).value
        out.extend(q_below(values[:, k], thresholds) for k in range(values.shape[1]))
    return out


def q_below(
    values: FloatArray, thresholds: Sequence[float] = Q_THRESHOLDS
) -> tuple[tuple[float, float], ...]:
    """``((threshold, q), ...)`` of one code's bootstrapped alphas: the share of the defined
    ones below each threshold (NaN when none is defined)."""
    finite = values[np.isfinite(values)]
    return tuple(
        (float(t), float(np.mean(finite < t)) if finite.size else math.nan) for t in thresholds
    )

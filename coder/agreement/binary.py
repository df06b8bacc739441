"""Presence/absence agreement from counts of units by coder set, vectorised over many tables.

A *mask table* ``H[g, mask]`` counts the units of group g (a code, a document, a bootstrap
resample) whose set of coders that applied the code is ``mask`` (bit i = coder i). With every
coder deciding every unit (applied or not), these counts are all the coefficients need, so a
whole project's per-code figures are a few array operations over an (n_codes, 2^m) table.
The formulas are the binary, no-missing-data cases of the general functions in
``coefficients`` and ``alpha`` (tests check they agree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coder.agreement.ratings import FloatArray
from coder.domain.coefficient import NO_DATA, NO_VARIATION, ONE_UNIT, Coefficient

MAX_CODERS = 12


def popcounts(n_coders: int) -> np.ndarray:
    """Number of coders in each mask 0 .. 2^m - 1."""
    masks = np.arange(1 << n_coders)
    return np.array([bin(int(x)).count("1") for x in masks], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Figures:
    """Arrays (one entry per table) of value, observed and expected terms, and reason."""

    value: FloatArray
    observed: FloatArray
    expected: FloatArray
    reason: np.ndarray  # object array of str | None

    def coefficient(self, i: int) -> Coefficient:
        reason = self.reason[i]
        if reason is not None:
            return Coefficient.undefined(str(reason), self.observed[i], self.expected[i])
        return Coefficient(
            float(self.value[i]), None, float(self.observed[i]), float(self.expected[i])
        )

    def coefficients(self) -> list[Coefficient]:
        """``coefficient(i)`` for every i, reading each array once (100,000 tables in a
        fraction of a second instead of seconds)."""
        rows = zip(
            self.value.tolist(),
            self.observed.tolist(),
            self.expected.tolist(),
            self.reason.tolist(),
            strict=True,
        )
        return [
            Coefficient(value, None, observed, expected)
            if reason is None
            else Coefficient.undefined(str(reason), observed, expected)
            for value, observed, expected, reason in rows
        ]


def _figures(
    value: FloatArray,
    observed: FloatArray,
    expected: FloatArray,
    n_units: FloatArray,
    no_variation: np.ndarray,
    min_units: int = 2,
) -> Figures:
    reason = np.full(value.shape, None, dtype=object)
    reason[no_variation] = NO_VARIATION
    if min_units > 1:
        reason[n_units == 1] = ONE_UNIT
    reason[n_units == 0] = NO_DATA
    value = np.where(reason == None, value, np.nan)  # noqa: E711 (elementwise on object array)
    return Figures(value.astype(float), observed, expected, reason)


def _split(h: FloatArray, n_coders: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(k_hist, n_units, n_positive)``: units by number of coders applying the code."""
    h = np.asarray(h, dtype=np.float64)
    counts = popcounts(n_coders)
    k_hist = np.zeros((*h.shape[:-1], n_coders + 1))
    for k in range(n_coders + 1):
        k_hist[..., k] = h[..., counts == k].sum(axis=-1)
    n_units = k_hist.sum(axis=-1)
    n_positive = k_hist @ np.arange(n_coders + 1, dtype=np.float64)
    return k_hist, n_units, n_positive


def percent_agreement(h: FloatArray, n_coders: int) -> Figures:
    """Mean share of agreeing coder pairs per unit (see ``coefficients.percent_agreement``)."""
    k_hist, n_units, _ = _split(h, n_coders)
    m = n_coders
    k = np.arange(m + 1, dtype=np.float64)
    agreeing = (k * (k - 1) + (m - k) * (m - k - 1)) / (m * (m - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_a = (k_hist @ agreeing) / n_units
    return _figures(p_a, p_a, np.full_like(p_a, np.nan), n_units, np.zeros(p_a.shape, bool), 1)


def kappa(h: FloatArray, n_coders: int) -> Figures:
    """Cohen's kappa for two coders, Fleiss' kappa for more (both from the mask table)."""
    h = np.asarray(h, dtype=np.float64)
    _, n_units, n_positive = _split(h, n_coders)
    with np.errstate(divide="ignore", invalid="ignore"):
        if n_coders == 2:
            p_o = (h[..., 0] + h[..., 3]) / n_units
            first = (h[..., 1] + h[..., 3]) / n_units
            second = (h[..., 2] + h[..., 3]) / n_units
            p_e = first * second + (1 - first) * (1 - second)
        else:
            p_o = percent_agreement(h, n_coders).observed
            p1 = n_positive / (n_units * n_coders)
            p_e = p1**2 + (1 - p1) ** 2
        value = (p_o - p_e) / (1 - p_e)
    return _figures(value, p_o, p_e, n_units, p_e >= 1 - 1e-12)


def alpha(h: FloatArray, n_coders: int) -> Figures:
    """Krippendorff's nominal alpha for binary presence, every coder rating every unit.

    With n = N m values, n_1 positives, n_0 = n - n_1 and o_01 = sum_u k_u (m - k_u) / (m - 1):
    ``alpha = 1 - (n - 1) o_01 / (n_0 n_1)`` (Krippendorff 2011, binary case).
    """
    k_hist, n_units, n_positive = _split(h, n_coders)
    m = float(n_coders)
    k = np.arange(n_coders + 1, dtype=np.float64)
    o01 = k_hist @ (k * (m - k) / (m - 1))
    n = n_units * m
    n0 = n - n_positive
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = 2 * o01 / n
        d_e = 2 * n0 * n_positive / (n * (n - 1))
        value = 1 - d_o / d_e
    return _figures(value, d_o, d_e, n_units, ~(d_e > 0))


def pabak(h: FloatArray, n_coders: int) -> Figures:
    """``2 p_o - 1`` (Byrt et al. 1993); for more than two coders p_o is the mean pairwise
    agreement, which makes it Brennan and Prediger's coefficient with q = 2."""
    pa = percent_agreement(h, n_coders)
    value = 2 * pa.value - 1
    return Figures(value, pa.observed, np.full_like(value, 0.5), pa.reason)


def prevalence_and_bias(h: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Byrt et al.'s prevalence index (a - d)/n and bias index (b - c)/n (two coders)."""
    h = np.asarray(h, dtype=np.float64)
    n = h.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (h[..., 3] - h[..., 0]) / n, (h[..., 1] - h[..., 2]) / n


def pair_projection(n_coders: int, i: int, j: int) -> FloatArray:
    """Matrix mapping an m-coder mask table to the 2-coder table of coders i and j."""
    masks = np.arange(1 << n_coders)
    cell = ((masks >> i) & 1) | (((masks >> j) & 1) << 1)
    projection = np.zeros((1 << n_coders, 4))
    projection[masks, cell] = 1.0
    return projection


def nan_mean(values: list[Coefficient]) -> tuple[float, int]:
    """Mean of the defined values and how many there were."""
    defined = [c.value for c in values if c.is_defined]
    return (float(np.mean(defined)) if defined else math.nan), len(defined)

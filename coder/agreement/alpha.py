"""Krippendorff's alpha via the coincidence matrix, vectorised, for any number of coders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from coder.agreement.ratings import FloatArray, IntArray, encode
from coder.domain.coefficient import NO_PAIRABLE, NO_VARIATION, ONE_UNIT, Coefficient

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

__all__ = ["krippendorff_alpha"]


def krippendorff_alpha(
    data: Any, level: Level = "nominal", categories: Sequence[Any] | None = None
) -> Coefficient:
    """Krippendorff's alpha for any number of coders, with missing ratings.

    ``alpha = 1 - D_o / D_e`` (Krippendorff 2011, "Computing Krippendorff's alpha-reliability",
    Annenberg School for Communication, University of Pennsylvania; Krippendorff 2004,
    *Content Analysis*, 2nd ed., ch. 11):

    * only *pairable* values count: those in units rated by ``m_u >= 2`` coders;
    * coincidences ``o_ck = sum_u (number of c-k pairs of values in unit u) / (m_u - 1)``,
      ``n_c = sum_k o_ck``, ``n = sum_c n_c``;
    * ``D_o = (1/n) sum_c sum_k o_ck delta^2_ck`` and
      ``D_e = 1/(n (n - 1)) sum_c sum_k n_c n_k delta^2_ck``;
    * ``delta^2_ck``: nominal ``[c != k]``; interval ``(c - k)^2``; ratio
      ``((c - k) / (c + k))^2``; ordinal ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` over the
      ordered values.

    ``categories`` fixes the ordered value set (ordinal data given as labels need it); interval
    and ratio need numeric ratings. Undefined: "no unit rated by two or more coders" (nothing
    pairable, e.g. all missing), "one unit only", "no variation" (``D_e == 0``: every pairable
    value is the same).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    enc = encode(data, categories)
    values: FloatArray | None = None
    if level in ("interval", "ratio"):
        try:
            values = np.asarray(enc.categories, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{level} alpha needs numeric ratings") from error
    unit, value, count = _sparse_unit_counts(enc.codes, enc.n_categories)
    return alpha_from_sparse_counts(unit, value, count, enc.n_categories, level, values)


def _sparse_unit_counts(codes: IntArray, n_categories: int) -> tuple[IntArray, IntArray, IntArray]:
    """Non-zero entries ``(unit, value, count)`` of the units x values count matrix, by unit."""
    n_units = codes.shape[1]
    present = codes >= 0
    # Transposed so the flattened keys come out grouped by unit without a sort when V is small.
    keys = (np.arange(n_units)[None, :] * n_categories + codes)[present]
    if n_categories <= 64 and n_units * n_categories <= 50_000_000:
        dense = np.bincount(keys, minlength=n_units * n_categories)
        flat = np.flatnonzero(dense)
        count = dense[flat]
    else:
        flat, count = np.unique(keys, return_counts=True)
    return flat // n_categories, flat % n_categories, count.astype(np.int64)


def alpha_from_sparse_counts(
    unit: IntArray,
    value: IntArray,
    count: Any,
    n_values: int,
    level: Level = "nominal",
    values: FloatArray | None = None,
) -> Coefficient:
    """Alpha from the non-zero entries of the units x values count matrix, sorted by unit."""
    count = np.asarray(count, dtype=np.float64)
    n_units_total = int(unit.max()) + 1 if len(unit) else 0
    m_u = np.bincount(unit, weights=count, minlength=n_units_total)
    pairable_unit = m_u >= 2
    n_pairable_units = float(pairable_unit.sum())
    if n_pairable_units == 0:
        return Coefficient.undefined(NO_PAIRABLE)
    if n_pairable_units < 2:
        return Coefficient.undefined(ONE_UNIT)
    keep = pairable_unit[unit]
    unit, value, count = unit[keep], value[keep], count[keep]
    scale = 1.0 / (m_u[unit] - 1.0)  # each pair within unit u counts 1/(m_u - 1)
    # Diagonal of the coincidence matrix and value totals n_c.
    o_diag = np.bincount(value, weights=count * (count - 1.0) * scale, minlength=n_values)
    n_c = np.bincount(value, weights=count * m_u[unit] * scale - count * scale, minlength=n_values)
    # n_c = sum_u n_uc (m_u - 1) / (m_u - 1), written so it reuses `scale`.
    n = float(n_c.sum())
    if level == "nominal":
        d_o = (n - float(o_diag.sum())) / n
        d_e = (n * n - float(n_c @ n_c)) / (n * (n - 1.0))
    else:
        delta = _delta_squared(level, n_c, values if values is not None else np.arange(n_values))
        o = _coincidences(unit, value, count, scale, n_values)
        d_o = float((o * delta).sum()) / n
        d_e = float(n_c @ delta @ n_c) / (n * (n - 1.0))
    if d_e <= 0.0:
        return Coefficient.undefined(NO_VARIATION, d_o, d_e)
    return Coefficient(1.0 - d_o / d_e, None, d_o, d_e)


def _coincidences(
    unit: IntArray, value: IntArray, count: FloatArray, scale: FloatArray, n_values: int
) -> FloatArray:
    """Full coincidence matrix from sparse counts sorted by unit (pairs formed within units)."""
    starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    sizes = np.diff(np.r_[starts, len(unit)])
    # Every entry is paired with every entry of its unit (sizes^2 pairs per unit, small).
    per_entry = np.repeat(sizes, sizes)
    first_of_group = np.repeat(starts, sizes)
    left = np.repeat(np.arange(len(unit)), per_entry)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(per_entry) - per_entry, per_entry)
    right = np.repeat(first_of_group, per_entry) + offsets
    weight = count[left] * count[right] * scale[left]
    weight = np.where(left == right, count[left] * (count[left] - 1.0) * scale[left], weight)
    o = np.bincount(
        value[left] * n_values + value[right], weights=weight, minlength=n_values * n_values
    )
    return o.reshape(n_values, n_values)


def _delta_squared(level: str, n_c: FloatArray, values: FloatArray) -> FloatArray:
    v = np.asarray(values, dtype=np.float64)
    if level == "interval":
        return (v[:, None] - v[None, :]) ** 2
    if level == "ratio":
        total = v[:, None] + v[None, :]
        diff = v[:, None] - v[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(total != 0, diff / np.where(total == 0, 1, total), 0.0)
        return ratio**2
    # ordinal: the values are already in rank order (sorted or as given by `categories`).
    cumulative = np.r_[0.0, np.cumsum(n_c)]
    low = np.minimum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    high = np.maximum.outer(np.arange(len(n_c)), np.arange(len(n_c)))
    between: FloatArray = cumulative[high + 1] - cumulative[low]
    return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2

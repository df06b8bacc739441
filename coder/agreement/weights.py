"""Agreement weights for weighted coefficients: the eight schemes of Gwet's Handbook.

A weight ``w_kl`` in [0, 1] says how much a rating k by one coder and l by another agree:
1 on the diagonal, 0 for a complete disagreement. Gwet (2014), *Handbook of Inter-Rater
Reliability*, 4th ed., ch. 3 ("Agreement coefficients for ordinal, interval and ratio data"),
defines them over the category values ``x_k`` (sorted), or over ranks ``1..q`` when the
categories are not numbers; ``x_min``/``x_max`` are the smallest and largest values:

* identity: ``w_kl = [k == l]`` (the unweighted coefficients);
* linear: ``1 - |x_k - x_l| / (x_max - x_min)``;
* quadratic: ``1 - (x_k - x_l)^2 / (x_max - x_min)^2``;
* radical: ``1 - sqrt|x_k - x_l| / sqrt(x_max - x_min)``;
* ratio: ``1 - ((x_k - x_l) / (x_k + x_l))^2 / ((x_max - x_min) / (x_max + x_min))^2``;
* ordinal (on ranks): ``M_kl = (|k - l| + 1) |k - l| / 2``, ``w_kl = 1 - M_kl / max M``;
* circular: ``d_kl = sin^2(pi (x_k - x_l) / U)`` with ``U = x_max - x_min + 1``,
  ``w_kl = 1 - d_kl / max d``;
* bipolar: ``d_kl = (x_k - x_l)^2 / ((x_k + x_l - 2 x_min)(2 x_max - x_k - x_l))`` for
  ``k != l`` (0 on the diagonal), ``w_kl = 1 - d_kl / max d``.

These are the formulas of Gwet's R package irrCAC (``weights.gen.r``), which the cross-checks
run against. With one category every scheme is the 1 x 1 matrix ``[[1]]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from coder.agreement.ratings import FloatArray

WeightScheme = Literal[
    "identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"
]
WEIGHT_SCHEMES: tuple[str, ...] = (
    "identity",
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)
Weights = WeightScheme | FloatArray | Sequence[Sequence[float]]

__all__ = ["WEIGHT_SCHEMES", "WeightScheme", "Weights", "agreement_weights", "weight_matrix"]


def category_values(categories: Sequence[Any] | np.ndarray) -> FloatArray:
    """The values weights are computed on: the categories when numeric, else ranks ``1..q``."""
    cats = np.asarray(categories)
    if cats.dtype.kind in "iuf":
        return cats.astype(np.float64)
    if cats.dtype.kind == "O" and all(
        isinstance(c, int | float) and not isinstance(c, bool) for c in cats.tolist()
    ):
        return cats.astype(np.float64)
    return np.arange(1, len(cats) + 1, dtype=np.float64)


def _scaled_disagreement(d: FloatArray) -> FloatArray:
    top = float(d.max())
    return 1.0 - d / top if top > 0 else np.ones_like(d)


def agreement_weights(scheme: WeightScheme, categories: Sequence[Any] | np.ndarray) -> FloatArray:
    """The q x q agreement weights of ``scheme`` over ``categories`` (in their given order).

    Numeric categories are used as values (so 1, 2, 5 are not equally spaced); other
    categories by rank in the order given. "ratio" needs values >= 0 (two categories summing to
    0 divide by zero); a 0 category has weight 1 with itself, where irrCAC's formula gives
    0/0 (NaN), so ratio weights on a scale with a true zero match Krippendorff's ratio alpha.
    Formulas in the module docstring.
    """
    x = category_values(categories)
    q = len(x)
    if scheme not in WEIGHT_SCHEMES:
        raise ValueError(f"unknown weights {scheme!r}: use one of {', '.join(WEIGHT_SCHEMES)}")
    if scheme == "identity" or q < 2:
        return np.eye(q)
    diff = x[:, None] - x[None, :]
    span = float(x.max() - x.min())
    result: FloatArray
    if scheme == "linear":
        result = 1.0 - np.abs(diff) / span
        return result
    if scheme == "quadratic":
        result = 1.0 - diff**2 / span**2
        return result
    if scheme == "radical":
        result = 1.0 - np.sqrt(np.abs(diff)) / np.sqrt(span)
        return result
    if scheme == "ratio":
        total = x[:, None] + x[None, :]
        same = np.eye(q, dtype=bool)
        if np.any(total[~same] == 0) or float(x.max() + x.min()) == 0:
            raise ValueError("ratio weights need categories whose pairwise sums are not 0")
        # A 0 category (a ratio scale's true zero) agrees fully with itself: 0/0 on the
        # diagonal is taken as no difference, as Krippendorff's ratio metric takes it.
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(same, 0.0, diff / np.where(same, 1.0, total))
        result = 1.0 - ratio**2 / (span / float(x.max() + x.min())) ** 2
        return result
    if scheme == "ordinal":
        rank = np.arange(q, dtype=np.float64)
        gap = np.abs(rank[:, None] - rank[None, :])
        return _scaled_disagreement((gap + 1.0) * gap / 2.0)
    if scheme == "circular":
        return _scaled_disagreement(np.sin(np.pi * diff / (span + 1.0)) ** 2)
    # bipolar
    low = x[:, None] + x[None, :] - 2.0 * float(x.min())
    high = 2.0 * float(x.max()) - x[:, None] - x[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(np.eye(q, dtype=bool), 0.0, diff**2 / (low * high))
    return _scaled_disagreement(d)


def weight_matrix(weights: Weights, categories: Sequence[Any] | np.ndarray) -> FloatArray:
    """``agreement_weights`` for a scheme's name, or a caller's q x q matrix checked for shape."""
    if isinstance(weights, str):
        return agreement_weights(weights, categories)
    matrix = np.asarray(weights, dtype=np.float64)
    q = len(categories)
    if matrix.shape != (q, q):
        raise ValueError(f"a weight matrix must be {q} x {q} here, got {matrix.shape}")
    return matrix

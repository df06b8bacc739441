"""Krippendorff's alpha via the coincidence matrix, vectorised, for any number of coders."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import FloatArray, IntArray, encode
from coder.domain.coefficient import NO_PAIRABLE, NO_VARIATION, ONE_UNIT, Coefficient

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
Distance = Callable[[Any, Any], float]
"""A difference function ``delta^2(c, k)`` between two values, already squared (see below)."""
PairKernel = Callable[["IntArray", "IntArray"], "FloatArray"]
"""``delta^2(values[i], values[j])`` for equal-length index arrays ``i``, ``j``, pair by pair."""


@runtime_checkable
class VectorisedDistance(Protocol):
    """A ``Distance`` that can also compute many pairs at once (the set distances can)."""

    def __call__(self, a: Any, b: Any) -> float: ...

    def kernel(self, values: Sequence[Any]) -> PairKernel:
        """The distance between ``values[i]`` and ``values[j]`` for index arrays."""
        ...

    def pair_total(self, values: Sequence[Any], weights: FloatArray) -> float:
        """``sum_c sum_k w_c w_k distance(values[c], values[k])`` over every ordered pair."""
        ...


__all__ = ["Distance", "VectorisedDistance", "krippendorff_alpha"]


def krippendorff_alpha(
    data: Any,
    level: Level = "nominal",
    categories: Sequence[Any] | None = None,
    *,
    distance: Distance | None = None,
    rows: Rows = None,
) -> Coefficient:
    """Krippendorff's alpha for any number of coders, with missing ratings.

    ``data`` is Krippendorff's reliability data matrix, a row per coder and a column per unit
    (list of lists or array, ``None``/NaN missing); ``rows="units"`` takes a table with a row
    per unit and a column per coder instead, and a pandas DataFrame is read as a column per
    coder unless ``rows="coders"`` (:func:`coder.agreement.reliability_data`).

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
    value is the same, or every pair of values is 0 apart).

    ``distance``: a custom difference function ``distance(c, k) -> float`` in place of the
    level's, as DKPro Agreement (``IDistanceFunction``), the ``krippendorff`` package (a
    callable ``level_of_measurement``) and nltk (``AnnotationTask(distance=...)``) accept. It is
    used *as* ``delta^2_ck``, nothing is squared: interval alpha is ``distance=lambda c, k:
    (c - k) ** 2``, and a set distance such as :func:`coder.agreement.masi_distance` plugs in
    directly, as Passonneau (2006) and nltk use it. It must give a finite number >= 0 for every
    pair of observed values, the same for ``(c, k)`` and ``(k, c)`` (``D_e`` evaluates each
    pair once), and 0 for a value and itself (else perfect agreement is below 1).
    Values may be anything hashable (a ``set`` is taken as a ``frozenset``); ``None``/NaN is a
    missing rating. A plain function is called once for every pair of the ``V`` distinct
    pairable values (``V (V + 1) / 2`` calls, for ``D_e``); a ``VectorisedDistance`` (MASI,
    Jaccard) computes them in numpy blocks. Memory stays ``O(V)`` either way. ``level`` stays
    "nominal" and ``categories`` unset with a distance.
    """
    data = reliability_data(data, rows=rows)
    if distance is not None:
        if level != "nominal" or categories is not None:
            raise ValueError("a custom distance replaces the level and its categories: give one")
        return _alpha_with_distance(data, distance)
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    enc = encode(data, categories)
    values: FloatArray | None = None
    if level in ("interval", "ratio"):
        try:
            values = np.asarray(enc.categories, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{level} alpha needs numeric ratings") from error
    unit, value, count = sparse_unit_counts(enc.codes, enc.n_categories)
    return alpha_from_sparse_counts(unit, value, count, enc.n_categories, level, values)


def sparse_unit_counts(codes: IntArray, n_categories: int) -> tuple[IntArray, IntArray, IntArray]:
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


def _alpha_with_distance(data: Any, distance: Distance) -> Coefficient:
    codes, values = encode_hashable(data)
    expected: Callable[[FloatArray], float] | None = None
    if isinstance(distance, VectorisedDistance):
        kernel = distance.kernel(values)
        expected = functools.partial(_expected_from_pair_total, distance, values)
    else:

        def kernel(i: IntArray, j: IntArray) -> FloatArray:
            pairs = zip(i.tolist(), j.tolist(), strict=True)
            return np.array([distance(values[a], values[b]) for a, b in pairs], dtype=np.float64)

    unit, value, count = sparse_unit_counts(codes, len(values))
    return alpha_from_sparse_counts(
        unit, value, count, len(values), kernel=kernel, expected=expected
    )


def _expected_from_pair_total(
    distance: VectorisedDistance, values: Sequence[Any], n_c: FloatArray
) -> float:
    n = float(n_c.sum())
    return distance.pair_total(values, n_c) / (n * (n - 1.0))


def encode_hashable(data: Any) -> tuple[IntArray, list[Hashable]]:
    """A coders x units matrix of hashable values as ``(codes, values)``, -1 for missing.

    ``values`` is in order of first appearance (no sorting: sets, tuples and mixed types have no
    total order). A ``set`` or ``list`` cell is taken as a ``frozenset``; ``None``/NaN is missing.
    """
    if isinstance(data, np.ndarray):
        rows: list[Any] = [list(row) for row in data] if data.ndim == 2 else []
        if data.ndim != 2:
            raise ValueError(f"reliability data must be 2-D (coders x units), got {data.ndim}-D")
    elif isinstance(data, Sequence) and not isinstance(data, str):
        rows = [row for row in data]
    else:
        raise ValueError("reliability data must be a coders x units matrix (list of lists)")
    if any(not isinstance(row, Sequence) or isinstance(row, str) for row in rows):
        raise ValueError("reliability data must be a coders x units matrix (list of lists)")
    lengths = {len(row) for row in rows}
    if len(lengths) > 1:
        raise ValueError(
            f"reliability data rows are ragged: every coder needs one rating (or None) per "
            f"unit, got row lengths {sorted(lengths)}"
        )
    if len(rows) < 2:
        raise ValueError(f"reliability data needs at least 2 coders (rows), got {len(rows)}")
    index: dict[Hashable, int] = {}
    codes = np.full((len(rows), lengths.pop() if lengths else 0), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                continue
            key = frozenset(cell) if isinstance(cell, set | list) else cell
            try:
                codes[i, j] = index.setdefault(key, len(index))
            except TypeError as error:
                raise ValueError(f"ratings must be hashable values: {error}") from error
    return codes, list(index)


def alpha_from_sparse_counts(
    unit: IntArray,
    value: IntArray,
    count: Any,
    n_values: int,
    level: Level = "nominal",
    values: FloatArray | None = None,
    *,
    kernel: PairKernel | None = None,
    expected: Callable[[FloatArray], float] | None = None,
) -> Coefficient:
    """Alpha from the non-zero entries of the units x values count matrix, sorted by unit.

    ``kernel``, when given, gives ``delta^2`` between values by index (the level is then not
    used); it is asked only for the pairs alpha needs, in blocks. ``expected(n_c)``, when given
    with it, computes ``D_e`` from the pairable value totals in its own way (the set distances
    in one go, multi-valued alpha from the pooled codes).
    """
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
    if kernel is not None:
        d_o, d_e = _disagreements_by_kernel(unit, value, count, scale, n_c, kernel, expected)
    elif level == "nominal":
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


_PAIRS_A_BLOCK = 1 << 21


def _disagreements_by_kernel(
    unit: IntArray,
    value: IntArray,
    count: FloatArray,
    scale: FloatArray,
    n_c: FloatArray,
    kernel: PairKernel,
    expected: Callable[[FloatArray], float] | None,
) -> tuple[float, float]:
    """``(D_o, D_e)`` with ``delta^2`` from ``kernel``: each pair of values that meets in a unit
    once for ``D_o``, every pair of pairable values for ``D_e``, a block at a time."""
    n_values = len(n_c)
    n = float(n_c.sum())
    left, right, weight = unit_pairs(unit, count, scale)
    key, where = np.unique(value[left] * n_values + value[right], return_inverse=True)
    observed = np.bincount(where.reshape(-1), weights=weight)
    d_o = float(observed @ _checked(kernel(key // n_values, key % n_values))) / n
    if expected is not None:
        return d_o, expected(n_c)
    # D_e over the upper triangle (a difference function is symmetric), each pair twice.
    present = np.flatnonzero(n_c)
    rows = max(1, _PAIRS_A_BLOCK // max(len(present), 1))
    total = 0.0
    for start in range(0, len(present), rows):
        row_at = np.arange(start, min(start + rows, len(present)))
        i_at = np.repeat(row_at, len(present) - start)
        j_at = np.tile(np.arange(start, len(present)), len(row_at))
        keep = j_at >= i_at
        i, j = present[i_at[keep]], present[j_at[keep]]
        twice = np.where(i == j, 1.0, 2.0)
        total += float((twice * n_c[i] * n_c[j]) @ _checked(kernel(i, j)))
    return d_o, total / (n * (n - 1.0))


def _checked(delta: FloatArray) -> FloatArray:
    if delta.size and (not np.all(np.isfinite(delta)) or float(delta.min()) < 0.0):
        raise ValueError("a distance must be a finite number >= 0 for every pair of values")
    return delta


def _coincidences(
    unit: IntArray, value: IntArray, count: FloatArray, scale: FloatArray, n_values: int
) -> FloatArray:
    """Full coincidence matrix from sparse counts sorted by unit (pairs formed within units)."""
    left, right, weight = unit_pairs(unit, count, scale)
    o = np.bincount(
        value[left] * n_values + value[right], weights=weight, minlength=n_values * n_values
    )
    return o.reshape(n_values, n_values)


def unit_pairs(
    unit: IntArray, count: FloatArray, scale: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Every ordered pair ``(left, right)`` of sparse entries within a unit, and its weight.

    The weight is the pair's contribution to the coincidence matrix: ``n_uc n_uk / (m_u - 1)``,
    ``n_uc (n_uc - 1) / (m_u - 1)`` on the diagonal (``scale`` is ``1 / (m_u - 1)``).
    """
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
    return left, right, weight


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

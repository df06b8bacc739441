"""Agreement on sets of codes per unit: MASI and Jaccard distances, and multi-valued alpha.

A coder may give a unit several codes (a set), one, or none (the empty set, a decision in
itself, distinct from a missing rating). Two published answers:

* Krippendorff's alpha with a distance between sets (Passonneau 2006): every distinct set is a
  value, and ``krippendorff_alpha(data, distance=masi_distance)`` (or ``jaccard_distance``)
  gives partial credit to overlapping sets. Expected disagreement pairs the observed *sets*.
* Multi-valued alpha, ``mv_alpha`` (Krippendorff & Craggs 2016): the same observed
  disagreement over sets, but the expected disagreement pairs sets drawn from the pooled
  *codes*, so chance is what coders would agree on by picking codes, not whole sets.

A ``set``, ``frozenset`` or ``list`` cell is a set of codes, ``None`` (or NaN) a missing
rating; in ``mv_alpha`` a ``tuple`` is a set of codes too and any other value a set of that one
code, so single-valued data is accepted as is. Data is a coders x units matrix, as everywhere
in :mod:`coder.agreement` (``rows="units"`` for a row per unit and a column per coder; a pandas
DataFrame is read as a column per coder: :func:`.layouts.reliability_data`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, cast

import numpy as np

from coder.agreement.alpha import (
    PairKernel,
    alpha_from_sparse_counts,
    encode_hashable,
    sparse_unit_counts,
)
from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import FloatArray, IntArray
from coder.domain.coefficient import Coefficient

__all__ = [
    "SetDistance",
    "jaccard_distance",
    "masi_distance",
    "multi_valued_alpha",
    "mv_alpha",
]


class SetDistance:
    """A distance between two sets of codes that depends only on ``|A & B|``, ``|A|``, ``|B|``.

    Called on two sets (any iterables of codes) like a function, nltk's signature; ``kernel``
    and ``pair_total`` compute it for many pairs at once, which ``krippendorff_alpha(data,
    distance=...)`` uses (a :class:`coder.agreement.alpha.VectorisedDistance`). One formula
    serves all three.
    """

    def __init__(self, name: str, formula: _Formula, doc: str) -> None:
        self.__name__ = name
        self.__doc__ = doc
        self._formula = formula

    def __repr__(self) -> str:
        return f"<set distance {self.__name__}>"

    def __call__(self, a: Iterable[Any], b: Iterable[Any]) -> float:
        a, b = _as_set(a), _as_set(b)
        return float(self._formula(np.float64(len(a & b)), np.float64(len(a)), np.float64(len(b))))

    def kernel(self, values: Sequence[Any]) -> PairKernel:
        """The distance between ``values[i]`` and ``values[j]`` (sets) for index arrays."""
        incidence, size = _incidence(values, bool)
        bits = np.packbits(incidence, axis=1)  # |C & K| by popcount, 8 codes a byte

        def between(i: IntArray, j: IntArray) -> FloatArray:
            shared = np.bitwise_count(bits[i] & bits[j]).sum(axis=1, dtype=np.float64)
            return self._formula(shared, size[i], size[j])

        return between

    def pair_total(self, values: Sequence[Any], weights: FloatArray) -> float:
        """``sum_c sum_k w_c w_k distance(values[c], values[k])`` over every ordered pair.

        The pairs are counted by ``(|C|, |K|, |C & K|)`` (intersections by matrix product, a
        block of rows at a time) and the formula is applied once per count, so the cost is a
        few passes over ``V^2`` small integers however costly the formula.
        """
        used = np.flatnonzero(weights)
        # float32 products of 0/1 rows are exact integers up to 2^24 codes.
        incidence, size_float = _incidence([values[i] for i in used.tolist()], np.float32)
        size = size_float.astype(np.int64)
        w = np.asarray(weights, dtype=np.float64)[used]
        side = int(size.max(initial=0)) + 1
        counted = side**3 <= _MAX_SIZE_BINS  # else sets so large the formula goes pair by pair
        counts = np.zeros(side**3 if counted else 0)
        direct = 0.0
        rows = max(1, _PAIRS_A_BLOCK // max(len(used), 1))
        for start in range(0, len(used), rows):
            block = slice(start, start + rows)
            shared = (incidence[block] @ incidence.T).astype(np.int64)
            pair_weight = w[block, None] * w[None, :]
            if not counted:
                pairs = self._formula(shared, size[block, None], size[None, :])
                direct += float((pair_weight * pairs).sum())
                continue
            key = (size[block, None] * side + size[None, :]) * side + shared
            counts += np.bincount(key.ravel(), weights=pair_weight.ravel(), minlength=side**3)
        if not counted:
            return direct
        a, b, t = (g.astype(np.float64) for g in np.indices((side, side, side)))
        possible = (t <= np.minimum(a, b)).ravel()
        return float(counts[possible] @ self._formula(t, a, b).ravel()[possible])


_PAIRS_A_BLOCK = 1 << 21
_MAX_SIZE_BINS = 1 << 21  # (|C|, |K|, |C & K|) bins: sets of up to 127 codes

_Formula = Callable[[Any, Any, Any], FloatArray]


def _as_set(codes: Iterable[Any]) -> frozenset[Any] | set[Any]:
    return codes if isinstance(codes, set | frozenset) else frozenset(codes)


def _incidence(sets: Sequence[Iterable[Any]], dtype: Any) -> tuple[np.ndarray, FloatArray]:
    """The sets x codes incidence matrix (1 where the set holds the code), and each set's size."""
    index: dict[Hashable, int] = {}
    members = [[index.setdefault(code, len(index)) for code in _as_set(s)] for s in sets]
    incidence = np.zeros((len(members), max(len(index), 1)), dtype=dtype)
    for row, columns in enumerate(members):
        incidence[row, columns] = 1
    return incidence, np.array([len(m) for m in members], dtype=np.float64)


def _safe(x: Any) -> Any:
    return np.where(x > 0, x, 1.0)


def _jaccard(shared: Any, a: Any, b: Any) -> FloatArray:
    union = a + b - shared
    return np.where(union > 0, 1.0 - shared / _safe(union), 0.0)


def _masi(shared: Any, a: Any, b: Any) -> FloatArray:
    union = a + b - shared
    monotonicity = np.where(
        (shared == a) & (shared == b),
        1.0,
        np.where(shared == np.minimum(a, b), 2.0 / 3.0, np.where(shared > 0, 1.0 / 3.0, 0.0)),
    )
    return np.where(union > 0, 1.0 - shared / _safe(union) * monotonicity, 0.0)


def _dice(shared: Any, a: Any, b: Any) -> FloatArray:
    total = a + b
    return np.where(total > 0, 1.0 - 2.0 * shared / _safe(total), 0.0)


jaccard_distance = SetDistance(
    "jaccard_distance",
    _jaccard,
    """Jaccard distance between two sets of codes: ``1 - |A & B| / |A | B|``.

    Jaccard (1912); the set distance Passonneau (2006) starts from. Two empty sets are 0 apart
    (the same decision: no code), an empty and a non-empty set 1 (nltk divides by zero there).
    """,
)

masi_distance = SetDistance(
    "masi_distance",
    _masi,
    """MASI distance, ``1 - J * M`` (Passonneau 2006, "Measuring agreement on set-valued items
    (MASI) for semantic and pragmatic annotation", LREC).

    ``J`` is the Jaccard similarity ``|A & B| / |A | B|`` and ``M`` the monotonicity: 1 when
    ``A == B``, 2/3 when one is a subset of the other, 1/3 when they overlap and each has codes
    the other lacks, 0 when they are disjoint. So ``{a, b}`` against ``{a, b, c, d}`` is
    ``1 - 1/2 * 2/3 = 2/3`` (nltk's doctest). Exact thirds, as nltk 3.10 computes it (older nltk
    releases rounded them to 0.67 and 0.33). Two empty sets are 0 apart, as in
    ``jaccard_distance``.
    """,
)

# mv-alpha's difference between two sets under the nominal metric (Krippendorff & Craggs 2016).
_mv_nominal_delta = SetDistance(
    "mv_nominal_delta", _dice, "``1 - 2 |C & K| / (|C| + |K|)``, 0 for two empty sets."
)


def mv_alpha(data: Any, *, rows: Rows = None) -> Coefficient:
    """Multi-valued alpha, ``mv-alpha = 1 - mvD_o / mvD_e``, nominal (Krippendorff & Craggs 2016,
    "The reliability of multi-valued coding of data", *Communication Methods and Measures*
    10(4): 181-198).

    Values are the sets ``C, K`` of codes coders give a unit (the empty set included). Between
    two sets, with the nominal metric on codes, the difference is
    ``delta(C, K) = (|K - C| + |C - K|) / (|C| + |K|) = 1 - 2 |C & K| / (|C| + |K|)``, 0 for two
    empty sets and 1 for an empty and a non-empty one.

    * ``mvD_o = (1/n) sum_u 1/(m_u - 1) sum_C sum_K n_uC n_uK delta(C, K)``: alpha's observed
      disagreement over the units rated by ``m_u >= 2`` coders, ``n_uC`` coders giving set C to
      unit u, ``n`` the number of pairable sets.
    * ``mvD_e = sum_i sum_j P_i P_j E_ij``: ``P_i`` is the share of the n sets that have ``i``
      codes, and ``E_ij`` the mean of ``delta(C, K)`` over every pair of sets with ``|C| = i``
      and ``|K| = j`` drawn from the pooled codes without replacement, the pair weighted by
      ``prod_{x in C | K} n_x * prod_{x in C & K} (n_x - 1)``, ``n_x`` the number of pairable
      sets containing code x. A pair of sizes that cannot be drawn (no weight) adds 0, as the
      mvalpha R package has it.

    ``E_ij`` depends on the sets only through ``|C & K|``, so it is computed from a generating
    polynomial over the codes (each code in neither set, in C, in K, or in both), not by
    enumerating every pair of subsets: ``O(codes * s^3)`` for sets of up to ``s`` codes.

    When every coder gives every unit exactly one code this is nominal Krippendorff's alpha.
    Reproduces the paper's worked examples (Tables 3, 8 and 9, as transcribed with their
    printed values in Drake's mvalpha R package; the paper itself was not available here).
    Only the nominal metric on codes is implemented (the paper's difference function also takes
    the codes' metric; the mvalpha package offers ordinal, interval and ratio).

    Undefined: "no unit rated by two or more coders", "one unit only" (one pairable unit), "no
    variation" (``mvD_e == 0``, e.g. every pairable set the same).
    """
    codes, sets = encode_hashable(_cells_as_sets(reliability_data(data, rows=rows)))
    unit, value, count = sparse_unit_counts(codes, len(sets))
    return alpha_from_sparse_counts(
        unit,
        value,
        count,
        len(sets),
        kernel=_mv_nominal_delta.kernel(sets),
        expected=functools.partial(_mv_expected_disagreement, sets),
    )


multi_valued_alpha = mv_alpha
"""``mv_alpha`` under its long name."""


def _cells_as_sets(data: Any) -> list[list[frozenset[Any] | None]]:
    rows = [list(row) for row in data] if isinstance(data, np.ndarray) else data
    if not isinstance(rows, list | tuple):
        raise ValueError("reliability data must be a coders x units matrix (list of lists)")
    result: list[list[frozenset[Any] | None]] = []
    for row in rows:
        if not isinstance(row, list | tuple | np.ndarray):
            raise ValueError("reliability data must be a coders x units matrix (list of lists)")
        result.append([_cell_as_set(cell) for cell in row])
    return result


def _cell_as_set(cell: Any) -> frozenset[Any] | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, set | frozenset | list | tuple):
        return frozenset(cell)
    return frozenset([cell])


def _mv_expected_disagreement(sets: Sequence[Any], n_set: FloatArray) -> float:
    """``mvD_e`` from the pairable count of each set (``n_set``, indexed like ``sets``)."""
    n_code: dict[Hashable, float] = {}  # n_x: pairable sets containing code x
    for set_id in np.flatnonzero(n_set).tolist():
        for code in cast(frozenset[Any], sets[set_id]):
            n_code[code] = n_code.get(code, 0.0) + float(n_set[set_id])
    size = np.array([len(cast(frozenset[Any], c)) for c in sets], dtype=np.int64)
    p_size = np.bincount(size, weights=n_set) / float(n_set.sum())
    return _expected_disagreement(np.array(list(n_code.values())), p_size)


def _expected_disagreement(n_code: FloatArray, p_size: FloatArray) -> float:
    """``sum_ij P_i P_j E_ij`` from a generating polynomial over the codes.

    ``g[i, j, t]`` sums the pair weights of every (C, K) with ``|C| = i``, ``|K| = j``,
    ``|C & K| = t``; a code multiplies it by 1 (in neither), ``n_x`` (in C only or K only) or
    ``n_x (n_x - 1)`` (in both). Weights are divided by the total code count so a polynomial of
    high degree stays within floating point range (every term of ``g[i, j]`` has ``i + j``
    factors, so ``E_ij``, a ratio within ``g[i, j]``, is unchanged).
    """
    sizes = np.flatnonzero(p_size)
    top = int(sizes.max())
    total = float(n_code.sum())
    g = np.zeros((top + 1, top + 1, top + 1))
    g[0, 0, 0] = 1.0
    for n_x in n_code[n_code > 0]:
        one, both = n_x / total, n_x * (n_x - 1.0) / (total * total)
        step = g.copy()
        step[1:, :, :] += one * g[:-1, :, :]
        step[:, 1:, :] += one * g[:, :-1, :]
        step[1:, 1:, 1:] += both * g[:-1, :-1, :-1]
        g = step
    t = np.arange(top + 1, dtype=np.float64)
    i, j = np.meshgrid(t, t, indexing="ij")
    total_size = (i + j)[:, :, None]
    delta = np.where(total_size > 0, 1.0 - 2.0 * t / np.where(total_size > 0, total_size, 1.0), 0)
    weight = g.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(weight > 0, (g * delta).sum(axis=2) / np.where(weight > 0, weight, 1), 0)
    p = p_size[: top + 1]
    return float(p @ mean @ p)

"""Krippendorff's alpha family for coded segments of a continuum (2016 paper, 2019 book).

Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the reliability of unitizing textual
continua: Further developments", *Quality & Quantity* 50(6):2347-2364, and Krippendorff (2019),
*Content Analysis*, 4th ed., section 12.6: each coder partitions the continuum into *valued*
segments (a code of one semantic domain, whose codes are mutually exclusive) and *gaps* (∅).
Every coefficient is built from the same coincidence matrix of overlap lengths:

* observed coincidences ``l_ck = 1/(m-1) sum_i sum_{j != i} sum_g sum_h |S_ig(c) ∩ S_jh(k)|``
  over the m coders' sections (values c, k include ∅), so ``l_.. = m L`` for a continuum of L;
* expected coincidences ``e_ck = l_.. (l_c. l_.k - [c = k] s_c) / (l_..^2 - sum_c s_c)`` where
  ``s_c`` sums each section's pairings with itself: ``|S|^2`` for a valued segment (a unit is
  indivisible), ``|S|`` for a gap (gap positions are separable);
* ``alpha = 1 - D_o / D_e``, nominal: ``D_o = l_.. - sum_c l_cc``, ``D_e = l_.. - sum_c e_cc``.

``u_alpha`` uses every value and the gaps; ``binary_u_alpha`` (|uα, ATLAS.ti's "alpha-binary")
merges all values into one, so only relevant-versus-irrelevant matter counts; ``cu_alpha``
keeps only valued-by-valued overlaps (the coding of the segments the coders both marked), each
unit counting the pairable length ``a_g = 1/(m-1) sum_{j != i} |g ∩ valued(j)|`` it brings and
``s_c = sum a_g^2``; ``k_u_alpha`` is cuα's per-value form (Krippendorff et al. 2016, eq. 13b):
``1 - (e_k. / l_k.) (l_k. - l_kk) / (e_k. - e_kk)``; ``Cu_alpha`` (ATLAS.ti's Cu-α) is cuα with
the semantic domains as the values. The book's Figure 12.11 example (three coders, L = 60)
gives uα = 0.510, |uα = 0.413 (0.4136 here: the book rounds the expected coincidences) and
cuα = 0.724; the tests reproduce it.

Overlapping spans of one code by one coder are united (spans that only touch stay two units).
The papers assume a coder's values never overlap; if they do, each overlapping pair is counted,
and a section's self-pairing uses the number of sections it meets (``(sum_p w_p c_p)^2`` for a
valued segment, ``sum_p w_p c_p^2`` for a gap, ``c_p`` the other coders' sections covering
piece p over m-1), which is the formula above whenever values do not overlap. Everything is
interval arithmetic over the elementary pieces between boundaries; nothing is per character.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.intervals import merge_intervals
from coder.agreement.ratings import FloatArray, IntArray
from coder.agreement.segments import coded_segments
from coder.domain.coefficient import NO_DATA, NO_UNITS_MARKED, NO_VARIATION, Coefficient

__all__ = [
    "NO_CODED_OVERLAP",
    "Cu_alpha",
    "UnitizingAlphas",
    "binary_u_alpha",
    "cu_alpha",
    "k_u_alpha",
    "u_alpha",
    "unitizing_alphas",
]

NO_CODED_OVERLAP = "no segments of two coders overlap"


@dataclass(frozen=True, slots=True)
class UnitizingAlphas:
    """The whole family for one semantic domain, as ATLAS.ti reports it.

    ``coverage`` is the share of the pairable matter cuα rests on (``l*_.. / l_..``);
    ``k_coverage[k]`` the share of value k's matter that overlaps another coder's segments.
    """

    values: tuple[Hashable, ...]
    u_alpha: Coefficient
    binary_u_alpha: Coefficient
    cu_alpha: Coefficient
    k_u_alpha: dict[Hashable, Coefficient]
    coverage: float
    k_coverage: dict[Hashable, float]


@dataclass(frozen=True, slots=True)
class _Tables:
    observed: FloatArray  # l_ck, index 0 = gap
    self_pairs: FloatArray  # s_c for uα (sections with gaps)
    pairable_self_pairs: FloatArray  # s_c for cuα (index 0 unused)
    n_units: int


def _tables(
    coder: IntArray, start: IntArray, end: IntArray, value: IntArray, m: int, v: int, length: int
) -> _Tables:
    """Coincidences and self-pairings of values 1..v (0 = gap) on [0, length)."""
    group, st, en = merge_intervals(coder * (v + 1) + value, start, end, merge_touching=False)
    cod, val = group // (v + 1), group % (v + 1)
    bounds = np.unique(np.r_[0, length, st, en]).astype(np.int64)
    w = np.diff(bounds).astype(float)
    a, b = np.searchsorted(bounds, st), np.searchsorted(bounds, en)
    n_pieces = len(w)
    # counts[i][p, c]: coder i's sections of value c covering piece p (gap: 1 when none).
    counts = []
    for i in range(m):
        mine = cod == i
        diff = np.zeros((n_pieces + 1, v + 1))
        np.add.at(diff, (a[mine], val[mine]), 1.0)
        np.add.at(diff, (b[mine], val[mine]), -1.0)
        n_i = np.cumsum(diff, axis=0)[:n_pieces]
        n_i[:, 0] = n_i[:, 1:].sum(axis=1) == 0
        counts.append(n_i)
    total = np.sum(counts, axis=0)
    observed = (total * w[:, None]).T @ total
    for n_i in counts:
        observed -= (n_i * w[:, None]).T @ n_i
    observed /= m - 1
    sections = np.stack([n_i.sum(axis=1) for n_i in counts], axis=1)  # (pieces, m)
    valued = sections - np.stack([n_i[:, 0] for n_i in counts], axis=1)
    c_all = (sections.sum(axis=1, keepdims=True) - sections) / (m - 1)
    c_val = (valued.sum(axis=1, keepdims=True) - valued) / (m - 1)
    zero = np.zeros((1, m))
    cum_all = np.vstack([zero, np.cumsum(w[:, None] * c_all, axis=0)])
    cum_val = np.vstack([zero, np.cumsum(w[:, None] * c_val, axis=0)])
    reach = cum_all[b, cod] - cum_all[a, cod]
    pairable = cum_val[b, cod] - cum_val[a, cod]
    self_pairs = np.bincount(val, weights=reach**2, minlength=v + 1)
    gaps = np.stack([n_i[:, 0] for n_i in counts], axis=1)
    self_pairs[0] = float(np.sum(gaps * w[:, None] * c_all**2))
    pairable_self_pairs = np.bincount(val, weights=pairable**2, minlength=v + 1)
    pairable_self_pairs[0] = 0.0
    return _Tables(observed, self_pairs, pairable_self_pairs, len(st))


def _expected(observed: FloatArray, self_pairs: FloatArray) -> FloatArray | None:
    """``e_ck``, or None when no expected coincidence is defined (nothing pairable)."""
    n = float(observed.sum())
    margin = observed.sum(axis=1)
    denominator = n * n - float(self_pairs.sum())
    if n <= 0 or denominator <= 0:
        return None
    expected: FloatArray = n * (np.outer(margin, margin) - np.diag(self_pairs)) / denominator
    return expected


def _nominal(observed: FloatArray, self_pairs: FloatArray) -> Coefficient:
    """``1 - D_o / D_e`` over a coincidence matrix, disagreements reported per pairable length."""
    expected = _expected(observed, self_pairs)
    n = float(observed.sum())
    if expected is None:
        return Coefficient.undefined(NO_VARIATION)
    d_o = (n - float(np.trace(observed))) / n
    d_e = (n - float(np.trace(expected))) / n
    if not d_e > 1e-15:
        return Coefficient.undefined(NO_VARIATION, d_o, d_e)
    return Coefficient(1.0 - d_o / d_e, None, d_o, d_e)


def _collapse(matrix: FloatArray) -> FloatArray:
    """Gap versus every value taken together: a 2 x 2 table."""
    return np.array(
        [[matrix[0, 0], matrix[0, 1:].sum()], [matrix[1:, 0].sum(), matrix[1:, 1:].sum()]]
    )


def _per_value(observed: FloatArray, self_pairs: FloatArray) -> list[Coefficient]:
    """(k)uα for every value of a valued-only coincidence matrix (2016, eq. 13b)."""
    expected = _expected(observed, self_pairs)
    margin = observed.sum(axis=1)
    out = []
    for k in range(len(margin)):
        if margin[k] <= 0 or expected is None:
            out.append(Coefficient.undefined(NO_CODED_OVERLAP))
            continue
        e_k = float(expected[k].sum())
        d_o = (margin[k] - observed[k, k]) / margin[k]
        d_e = (e_k - expected[k, k]) / e_k if e_k > 0 else 0.0
        if not d_e > 1e-15:
            out.append(Coefficient.undefined(NO_VARIATION, d_o, d_e))
        else:
            out.append(Coefficient(1.0 - d_o / d_e, None, d_o, d_e))
    return out


def _valued(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    value_of: Mapping[Any, Any] | None,
    coders: Sequence[Hashable] | None,
) -> tuple[tuple[Hashable, ...], _Tables | None]:
    """Values (in first-seen order, or ``value_of``'s) and the coincidence tables."""
    if length < 0:
        raise ValueError(f"continuum length must be >= 0, got {length}")
    seg = coded_segments(spans, length, coders=coders)
    if value_of is None:
        labels = list(dict.fromkeys(seg.code.tolist()))
        value_of = {c: c for c in labels}
    else:
        labels = list(dict.fromkeys(value_of.values()))
    index = {label: i + 1 for i, label in enumerate(labels)}
    value = np.array([index.get(value_of.get(c, _OUTSIDE), 0) for c in seg.code], dtype=np.int64)
    keep = value > 0
    if length == 0:
        return tuple(labels), None
    tables = _tables(
        seg.coder[keep],
        seg.start[keep].astype(np.int64),
        seg.end[keep].astype(np.int64),
        value[keep],
        len(seg.coders),
        len(labels),
        length,
    )
    return tuple(labels), tables


_OUTSIDE = object()


def unitizing_alphas(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    *,
    codes: Sequence[Hashable] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> UnitizingAlphas:
    """uα, |uα, cuα and every (k)uα of one semantic domain on the continuum [0, length).

    ``spans`` are ``(coder, start, end, code)``; ``codes`` is the domain (its codes are the
    values; spans of other codes are ignored), by default every code in ``spans``. ``coders``
    lists every coder (one who coded nothing is all gap). Undefined: "no coder marked any unit"
    when no span falls in the domain, "no data" for an empty continuum, "no variation" when
    ``D_e = 0``, and "no segments of two coders overlap" for cuα and (k)uα with nothing to pair.
    Fewer than two coders or a span outside the continuum is a ValueError.
    """
    value_of = None if codes is None else {c: c for c in codes}
    values, tables = _valued(spans, length, value_of, coders)
    if tables is None or tables.n_units == 0:
        reason = NO_DATA if tables is None else NO_UNITS_MARKED
        nothing = Coefficient.undefined(reason)
        return UnitizingAlphas(
            values, nothing, nothing, nothing, dict.fromkeys(values, nothing), 0.0,
            dict.fromkeys(values, 0.0),
        )  # fmt: skip
    observed, sp = tables.observed, tables.self_pairs
    coded = observed[1:, 1:]
    coded_self = tables.pairable_self_pairs[1:]
    margin_all = observed[1:].sum(axis=1)
    margin_coded = coded.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_coverage = np.where(margin_all > 0, margin_coded / margin_all, 0.0)
    cu = _nominal(coded, coded_self) if coded.sum() > 0 else Coefficient.undefined(NO_CODED_OVERLAP)
    return UnitizingAlphas(
        values=values,
        u_alpha=_nominal(observed, sp),
        binary_u_alpha=_nominal(_collapse(observed), np.r_[sp[0], sp[1:].sum()]),
        cu_alpha=cu,
        k_u_alpha=dict(zip(values, _per_value(coded, coded_self), strict=True)),
        coverage=float(coded.sum() / observed.sum()),
        k_coverage={k: float(x) for k, x in zip(values, k_coverage, strict=True)},
    )


def u_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    *,
    codes: Sequence[Hashable] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """Krippendorff's uα (2016, eq. 5; 2019, section 12.6): segments, gaps and their values.

    Nominal ``1 - D_o / D_e`` over the coincidences of every value and the gaps (module
    docstring). Arguments and undefined cases as ``unitizing_alphas``.
    """
    return unitizing_alphas(spans, length, codes=codes, coders=coders).u_alpha


def binary_u_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    *,
    codes: Sequence[Hashable] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """|uα (2016, eq. 6; ATLAS.ti's alpha-binary): relevant matter versus gaps, values merged.

    The coincidence matrix and self-pairings collapse to gap versus valued; then
    ``1 - l_{∅v} / e_{∅v}``. Arguments and undefined cases as ``unitizing_alphas``.
    """
    return unitizing_alphas(spans, length, codes=codes, coders=coders).binary_u_alpha


def cu_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    *,
    codes: Sequence[Hashable] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """cuα (2016, eqs. 10-11): agreement on the values where coded segments overlap.

    Only valued-by-valued coincidences count; a unit's self-pairing is the square of the length
    it pairs with other coders' segments. Arguments and undefined cases as ``unitizing_alphas``.
    """
    return unitizing_alphas(spans, length, codes=codes, coders=coders).cu_alpha


def k_u_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    value: Hashable,
    *,
    codes: Sequence[Hashable] | None = None,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """(k)uα (2016, eq. 13b): the reliability of one value k within cuα's coincidences.

    ``1 - (e_k. / l_k.) (l_k. - l_kk) / (e_k. - e_kk)``; undefined ("no segments of two coders
    overlap") when no segment of value k overlaps another coder's segment. A value outside the
    domain is a KeyError.
    """
    return unitizing_alphas(spans, length, codes=codes, coders=coders).k_u_alpha[value]


def Cu_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    domains: Mapping[Any, Any],
    *,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """Cuα (ATLAS.ti; Krippendorff 2019, section 12.6): cuα with semantic domains as values.

    ``domains`` maps each code to its semantic domain; every code's span becomes a segment
    valued with its domain, and cuα is computed over those. Spans of unmapped codes are ignored.
    Segments of different domains may overlap within a coder (see the module docstring).
    Undefined cases as ``cu_alpha``.
    """
    _, tables = _valued(spans, length, domains, coders)
    if tables is None:
        return Coefficient.undefined(NO_DATA)
    if tables.n_units == 0:
        return Coefficient.undefined(NO_UNITS_MARKED)
    coded = tables.observed[1:, 1:]
    if coded.sum() <= 0:
        return Coefficient.undefined(NO_CODED_OVERLAP)
    return _nominal(coded, tables.pairable_self_pairs[1:])

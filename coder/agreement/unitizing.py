"""Agreement on spans of a continuum: Krippendorff's unitized alpha and NVivo's character kappa.

Spans are ``(coder, start, end, code)`` with ``0 <= start < end <= length``: half-open intervals
of positions (characters). Everything is interval arithmetic on sorted boundaries; no array has
one entry per character.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from coder.agreement.chance import chance_corrected
from coder.agreement.intervals import coverage_by_mask, merge_intervals, sorted_unique
from coder.agreement.ratings import FloatArray, IntArray
from coder.domain.coefficient import (
    NO_DATA,
    NO_UNITS_MARKED,
    NO_VARIATION,
    CharacterAgreement,
    Coefficient,
)

__all__ = [
    "character_kappa",
    "character_table",
    "unitized_alpha",
    "unitized_coefficient",
    "unitizing_disagreements",
    "unitizing_disagreements_by",
]


def _span_arrays(
    spans: Iterable[Sequence[Any]] | np.ndarray, length: int
) -> tuple[list[Any], IntArray, IntArray, IntArray, np.ndarray]:
    """Coder labels in first-seen order, and coder index, start, end, code arrays."""
    if length < 0:
        raise ValueError(f"continuum length must be >= 0, got {length}")
    if isinstance(spans, np.ndarray) and spans.dtype.kind in "iu":
        # Integer array (n, 4): columns coder, start, end, code; no per-span Python work.
        if spans.ndim != 2 or spans.shape[1] != 4:
            raise ValueError("a span array must have shape (n, 4): coder, start, end, code")
        labels_arr, coder = np.unique(spans[:, 0], return_inverse=True)
        start, end = spans[:, 1].astype(np.int64), spans[:, 2].astype(np.int64)
        code: np.ndarray = spans[:, 3]
        rows: list[tuple[Any, ...]] | np.ndarray = spans
        labels: list[Any] = [int(x) for x in labels_arr]
    else:
        rows = [tuple(span) for span in spans]
        if any(len(row) != 4 for row in rows):
            raise ValueError("each span must be (coder, start, end, code)")
        seen: dict[Hashable, int] = {}
        coder = np.array([seen.setdefault(r[0], len(seen)) for r in rows], dtype=np.int64)
        start = np.array([int(r[1]) for r in rows], dtype=np.int64)
        end = np.array([int(r[2]) for r in rows], dtype=np.int64)
        code = np.empty(len(rows), dtype=object)
        code[:] = [r[3] for r in rows]
        labels = [*seen]
    bad = (start < 0) | (end <= start) | (end > length)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"span {tuple(rows[i])!r} is not a non-empty part of the continuum [0, {length})"
        )
    return labels, coder.astype(np.int64), start, end, code


def _sections(
    starts: IntArray, ends: IntArray, breaks: IntArray
) -> tuple[IntArray, IntArray, np.ndarray]:
    """A coder's partition of the line: section boundaries, lengths and unit flags.

    ``breaks`` are the segment (document) boundaries, always section boundaries.
    """
    bounds = sorted_unique(np.r_[breaks, starts, ends])
    first = bounds[:-1]
    if len(starts) == 0:
        return bounds, np.diff(bounds), np.zeros(len(first), dtype=bool)
    index = np.searchsorted(starts, first, side="right") - 1
    is_unit = (index >= 0) & (ends[np.maximum(index, 0)] > first)
    return bounds, np.diff(bounds), is_unit


def unitizing_disagreements(
    segment: IntArray,
    coder: IntArray,
    start: IntArray,
    end: IntArray,
    segment_length: IntArray,
    n_coders: int,
    result_of_segment: IntArray,
    n_results: int,
) -> tuple[FloatArray, FloatArray]:
    """Observed and expected unitizing disagreement ``(D_o, D_e)`` per result.

    The line is cut into segments (say, one document for one code) of ``segment_length``;
    a result pools segments (``result_of_segment``): a code over all documents, or one code in
    one document. Gaps never run across a segment boundary. Spans are positions within their
    segment, one code, already checked. See ``unitized_alpha`` for the formulas.
    """
    (pooled,) = unitizing_disagreements_by(
        segment,
        coder,
        start,
        end,
        segment_length,
        n_coders,
        [(result_of_segment, n_results)],
    )
    return pooled


def unitizing_disagreements_by(
    segment: IntArray,
    coder: IntArray,
    start: IntArray,
    end: IntArray,
    segment_length: IntArray,
    n_coders: int,
    poolings: Sequence[tuple[IntArray, int]],
) -> list[tuple[FloatArray, FloatArray]]:
    """:func:`unitizing_disagreements` for several poolings of the same segments at once
    (``(result_of_segment, n_results)`` each: per code and per code in each document, say),
    cutting the coders' sections and comparing them once."""
    parts = _segment_parts(segment, coder, start, end, segment_length, n_coders)
    return [
        _pooled(parts, np.asarray(result_of_segment, dtype=np.int64), n_results, n_coders)
        for result_of_segment, n_results in poolings
    ]


class _SegmentParts(NamedTuple):
    """What every pooling of the segments needs: per segment, its length and the observed
    disagreement (summed over coder pairs); per unit, its segment and length; per gap, its
    segment and length."""

    segment_length: IntArray
    observed: FloatArray
    unit_segment: IntArray
    unit_len: FloatArray
    gap_segment: IntArray
    gap_len: IntArray


def _segment_parts(
    segment: IntArray,
    coder: IntArray,
    start: IntArray,
    end: IntArray,
    segment_length: IntArray,
    n_coders: int,
) -> _SegmentParts:
    segment_length = np.asarray(segment_length, dtype=np.int64)
    offset = np.r_[0, np.cumsum(segment_length)]
    breaks = offset
    seg, st, en = merge_intervals(
        np.asarray(segment, dtype=np.int64) * n_coders + coder, start, end, merge_touching=False
    )
    span_coder = seg % n_coders
    span_segment = seg // n_coders
    g_start, g_end = offset[span_segment] + st, offset[span_segment] + en
    sections = []
    for i in range(n_coders):
        mine = span_coder == i
        order = np.argsort(g_start[mine])  # a coder's units are disjoint: no ties
        sections.append(_sections(g_start[mine][order], g_end[mine][order], breaks))

    observed = np.zeros(len(segment_length))
    for i in range(n_coders):
        bounds_i, len_i, unit_i = sections[i]
        for j in range(i + 1, n_coders):
            bounds_j, len_j, unit_j = sections[j]
            pieces = sorted_unique(np.r_[bounds_i, bounds_j])[:-1]
            gi = np.searchsorted(bounds_i, pieces, side="right") - 1
            hj = np.searchsorted(bounds_j, pieces, side="right") - 1
            # Each overlapping pair of sections is counted once, however many pieces it spans.
            new = np.r_[True, (gi[1:] != gi[:-1]) | (hj[1:] != hj[:-1])]
            gi, hj, where = gi[new], hj[new], pieces[new]
            b1, l1, u1 = bounds_i[gi].astype(float), len_i[gi].astype(float), unit_i[gi]
            b2, l2, u2 = bounds_j[hj].astype(float), len_j[hj].astype(float), unit_j[hj]
            both = (b1 - b2) ** 2 + (b1 + l1 - b2 - l2) ** 2
            first_in_gap = (b2 <= b1) & (b1 + l1 <= b2 + l2)
            second_in_gap = (b1 <= b2) & (b2 + l2 <= b1 + l1)
            delta = np.where(
                u1 & u2,
                both,
                np.where(
                    u1 & ~u2 & first_in_gap,
                    l1**2,
                    np.where(~u1 & u2 & second_in_gap, l2**2, 0.0),
                ),
            )
            piece_segment = np.searchsorted(offset, where, side="right") - 1
            # Sum over ordered pairs (i, j) and (j, i): delta is symmetric.
            observed += 2.0 * np.bincount(
                piece_segment, weights=delta, minlength=len(segment_length)
            )

    gap_len_parts, gap_segment_parts = [], []
    for bounds, lens, is_unit in sections:
        gaps = ~is_unit
        gap_len_parts.append(lens[gaps])
        gap_segment_parts.append(np.searchsorted(offset, bounds[:-1][gaps], side="right") - 1)
    return _SegmentParts(
        segment_length,
        observed,
        span_segment,
        (g_end - g_start).astype(float),
        np.concatenate(gap_segment_parts).astype(np.int64),
        np.concatenate(gap_len_parts).astype(np.int64),
    )


def _pooled(
    parts: _SegmentParts, result_of_segment: IntArray, n_results: int, n_coders: int
) -> tuple[FloatArray, FloatArray]:
    """``(D_o, D_e)`` per result from the segments' parts."""
    length_r = np.bincount(
        result_of_segment, weights=parts.segment_length.astype(float), minlength=n_results
    )
    observed_r = np.bincount(result_of_segment, weights=parts.observed, minlength=n_results)
    m = float(n_coders)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_o = observed_r / (m * (m - 1.0) * length_r**2)

    # Expected disagreement: units and gaps of every coder, grouped by result.
    unit_len = parts.unit_len
    unit_r = result_of_segment[parts.unit_segment]
    gap_len = parts.gap_len
    gap_r = result_of_segment[parts.gap_segment]
    stride = int(max(gap_len.max(initial=0), unit_len.max(initial=0))) + 2
    order = np.argsort(gap_r * stride + gap_len)  # tied gaps have the same length
    gap_key = (gap_r * stride + gap_len)[order]
    gap_sum = np.r_[0.0, np.cumsum(gap_len[order].astype(float))]
    lo = np.searchsorted(gap_key, unit_r * stride + unit_len.astype(np.int64), side="left")
    hi = np.searchsorted(gap_key, (unit_r + 1) * stride, side="left")
    count = (hi - lo).astype(float)
    # sum over gaps g >= l of (g - l + 1): the positions a unit of length l fits into a gap.
    fits = (gap_sum[hi] - gap_sum[lo]) - (unit_len - 1.0) * count
    n_units_r = np.bincount(unit_r, minlength=n_results).astype(float)
    within = (n_units_r[unit_r] - 1.0) * (2 * unit_len**3 - 3 * unit_len**2 + unit_len) / 3.0
    numerator = np.bincount(unit_r, weights=within + unit_len**2 * fits, minlength=n_results)
    squares = np.bincount(unit_r, weights=unit_len * (unit_len - 1.0), minlength=n_results)
    denominator = m * length_r * (m * length_r - 1.0) - squares
    with np.errstate(divide="ignore", invalid="ignore"):
        d_e = (2.0 / length_r) * numerator / denominator
    return d_o, d_e


def unitized_coefficient(d_o: float, d_e: float, n_units: float) -> Coefficient:
    """``1 - D_o / D_e``; undefined when no coder marked a unit or there is no variation."""
    if n_units == 0:
        return Coefficient.undefined(NO_UNITS_MARKED, d_o, d_e)
    if not d_e > 0.0:
        return Coefficient.undefined(NO_VARIATION, d_o, d_e)
    return Coefficient(1.0 - d_o / d_e, None, d_o, d_e)


def unitized_alpha(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    code: Hashable,
    *,
    coders: Sequence[Hashable] | None = None,
) -> Coefficient:
    """Krippendorff's alpha for unitizing (u-alpha) of one code on a continuum [0, length).

    Each coder's spans of ``code`` are units (overlapping spans of one coder are united; spans
    that merely touch stay two units), and the stretches between them are gaps, so every coder
    partitions the continuum into sections g with begin b, length l and w = 1 for a unit, 0 for
    a gap. Following Krippendorff (2004, *Content Analysis*, 2nd ed., section 12.4; first given
    in Krippendorff 1995, "On the reliability of unitizing continuous data", *Sociological
    Methodology* 25:47-76), for m coders and continuum length L:

    * distance between section g of coder i and section h of coder j:
      ``(b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2`` when both are units and overlap;
      ``l_g^2`` when g is a unit lying wholly inside gap h (and symmetrically ``l_h^2``);
      0 otherwise (two gaps; a unit only partly in a gap is accounted for by its unit pairs);
    * ``D_o = sum_{i != j} sum_g sum_h delta^2 / (m (m - 1) L^2)``;
    * ``D_e = (2 / L) sum_units [ (N - 1)(2 l^3 - 3 l^2 + l) / 3
      + l^2 sum_{gaps G of length >= l} (G - l + 1) ] / [ m L (m L - 1) - sum_units l (l - 1) ]``
      with N the number of units all coders marked: the disagreement expected when the same
      units and gaps are placed at random on the continuum;
    * ``u-alpha = 1 - D_o / D_e``.

    ``coders`` lists every coder (a coder who marked nothing is all gap); by default, the
    coders appearing in ``spans`` under any code. Undefined: "no coder marked any unit" and
    "no variation" (``D_e = 0``, e.g. units filling the whole continuum). Fewer than two coders
    or a span outside the continuum is a ValueError.
    """
    labels, coder, start, end, code_arr = _span_arrays(spans, length)
    coder, n_coders = _coder_index(labels, coder, coders)
    mine = code_arr == code
    if length == 0:
        return Coefficient.undefined(NO_DATA)
    d_o, d_e = unitizing_disagreements(
        np.zeros(int(mine.sum()), dtype=np.int64),
        coder[mine],
        start[mine],
        end[mine],
        np.array([length]),
        n_coders,
        np.array([0]),
        1,
    )
    return unitized_coefficient(float(d_o[0]), float(d_e[0]), float(mine.sum()))


def _coder_index(
    labels: list[Hashable], coder: IntArray, coders: Sequence[Hashable] | None
) -> tuple[IntArray, int]:
    if coders is None:
        n = len(labels)
    else:
        wanted = {c: i for i, c in enumerate(coders)}
        unknown = [label for label in labels if label not in wanted]
        if unknown:
            raise ValueError(f"spans name coders not among `coders`: {unknown[:5]}")
        remap = np.array([wanted[label] for label in labels], dtype=np.int64)
        coder = remap[coder] if len(coder) else coder
        n = len(wanted)
    if n < 2:
        raise ValueError(f"agreement needs at least 2 coders, got {n}")
    return coder, n


def character_table(
    both: float, first_only: float, second_only: float, neither: float
) -> CharacterAgreement:
    """``CharacterAgreement`` from the four character counts (see ``character_kappa``)."""
    total = both + first_only + second_only + neither
    if total <= 0:
        return CharacterAgreement(Coefficient.undefined(NO_DATA), math.nan, 0, 0, 0, 0)
    p_o = (both + neither) / total
    p_first, p_second = (both + first_only) / total, (both + second_only) / total
    kappa = chance_corrected(p_o, p_first * p_second + (1 - p_first) * (1 - p_second))
    return CharacterAgreement(
        kappa, p_o, int(both), int(first_only), int(second_only), int(neither)
    )


def character_kappa(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: int,
    code: Hashable,
    coders: Sequence[Hashable],
) -> CharacterAgreement:
    """NVivo-compatible per-character Cohen's kappa and percent agreement of two coders.

    NVivo's coding comparison query treats each character of a source as a unit that each of
    two users either coded or did not code at the code, and reports Cohen's (1960) kappa over
    those characters, ``(p_o - p_e) / (1 - p_e)`` with ``p_o = (both + neither) / length`` and
    ``p_e = p_A p_B + (1 - p_A)(1 - p_B)``, together with percent agreement ``p_o``. Characters
    neither user coded count as agreement (see ``NVIVO_CAVEAT``); this function reproduces that.

    The four cell counts come from interval arithmetic: each coder's spans of ``code`` are
    united, then one sweep over the sorted boundaries measures what both, one or neither cover.
    ``coders`` names the two coders (first, second). Undefined: "no data" for an empty source
    and "no variation" when neither coder (or both, everywhere) coded anything.
    """
    if len(coders) != 2:
        raise ValueError(f"character kappa compares exactly 2 coders, got {len(coders)}")
    labels, coder, start, end, code_arr = _span_arrays(spans, length)
    position = {c: i for i, c in enumerate(coders)}
    # Coder index within `coders` (-1: someone else, ignored) for each label, then each span.
    remap = np.array([position.get(label, -1) for label in labels] + [-1], dtype=np.int64)
    which = remap[coder] if len(coder) else coder
    keep = (which >= 0) & (code_arr == code)
    coder = which[keep]
    group, st, en = merge_intervals(coder, start[keep], end[keep], merge_touching=True)
    masks = coverage_by_mask(np.zeros_like(group), group, st, en, 1, 2)[0]
    first_only, second_only, both = float(masks[1]), float(masks[2]), float(masks[3])
    neither = length - first_only - second_only - both
    return character_table(both, first_only, second_only, neither)

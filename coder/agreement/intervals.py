"""Interval arithmetic on many groups of half-open spans at once (no per-character work).

Groups are independent lines (a coder's spans of one code in one document, say) laid end to
end: a span ``[start, end)`` of group g lives at ``g * stride + start`` so one sort handles every
group. ``stride`` must exceed every position.
"""

from __future__ import annotations

import numpy as np

from coder.agreement.ratings import FloatArray, IntArray


def sorted_unique(values: IntArray) -> IntArray:
    """``np.unique(values)`` for integers, by one sort.

    numpy 2.3+ answers a bare ``np.unique`` with a hash table and then sorts the result: on the
    hundreds of thousands of span boundaries of a project that is 20-40x slower than sorting
    once and keeping each first occurrence.
    """
    ordered = np.sort(np.asarray(values))
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def merge_intervals(
    group: IntArray, start: IntArray, end: IntArray, *, merge_touching: bool
) -> tuple[IntArray, IntArray, IntArray]:
    """Union of overlapping spans within each group; output sorted by (group, start).

    Spans that only touch (``end == next start``) are merged when ``merge_touching`` is true and
    kept as separate units otherwise (Krippendorff's unitizing treats adjacent units as two).
    """
    if len(start) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    group = np.asarray(group, dtype=np.int64)
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    stride = int(max(end.max(), start.max())) + 1
    order = np.lexsort((start, group))
    g, s, e = group[order], start[order] + group[order] * stride, end[order] + group[order] * stride
    reach = np.maximum.accumulate(e)  # offsets make the running max stay inside each group
    previous_reach = np.r_[np.iinfo(np.int64).min, reach[:-1]]
    new = s > previous_reach if merge_touching else s >= previous_reach
    new[0] = True
    first = np.flatnonzero(new)
    last = np.r_[first[1:], len(s)] - 1
    out_group = g[first]
    return out_group, s[first] - out_group * stride, reach[last] - out_group * stride


def coverage_by_mask(
    group: IntArray,
    coder: IntArray,
    start: IntArray,
    end: IntArray,
    n_groups: int,
    n_coders: int,
) -> FloatArray:
    """``lengths[g, mask]``: positions of group g covered by exactly the coders in ``mask``.

    ``mask`` is a bit set over coders (bit i = coder i). Column 0 (covered by nobody) is left 0:
    only the caller knows the group's length. Spans must already be merged per (group, coder)
    so that a coder never covers a position twice.
    """
    n_masks = 1 << n_coders
    lengths = np.zeros((n_groups, n_masks))
    if len(start) == 0:
        return lengths
    group = np.asarray(group, dtype=np.int64)
    stride = int(np.max(end)) + 1
    bit = np.left_shift(1, np.asarray(coder, dtype=np.int64))
    position = np.r_[group * stride + start, group * stride + end]
    delta = np.r_[bit, -bit]
    order = np.argsort(position, kind="stable")
    position, delta = position[order], delta[order]
    mask = np.cumsum(delta)  # set of coders covering [position[k], position[k + 1])
    width = np.diff(position)
    mask = mask[:-1]
    keep = (width > 0) & (mask > 0)
    seg_group = position[:-1][keep] // stride
    flat = np.bincount(
        seg_group * n_masks + mask[keep], weights=width[keep], minlength=n_groups * n_masks
    )
    return flat.reshape(n_groups, n_masks)

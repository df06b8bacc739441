"""When a code counts as applied to a unit of analysis: the overlap rule.

A coder applies a code to a unit when the union of that coder's codings with that code
overlaps the unit (``overlap="any"``), covers at least half of it (``"majority"``) or all of it
(``"full"``). Everything that compares coders unit by unit (agreement at unit level,
reconciliation) decides this here, so they cannot disagree about which units a coder coded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coder.agreement.intervals import group_start_order, merge_intervals
from coder.agreement.ratings import IntArray
from coder.domain.agreement import OVERLAP_RULES, Overlap
from coder.domain.agreement_results import Codings, Units

__all__ = ["AppliedCodes", "LaidOutUnits", "applied_codes", "codes_on_units", "extent_lengths"]


@dataclass(frozen=True)
class LaidOutUnits:
    """Units sorted by (document, start), with positions in the documents laid end to end.

    ``order[i]`` is the caller's index of sorted unit ``i``; ``offset[d]`` is where document
    ``d`` starts in project-wide positions.
    """

    order: IntArray
    doc: IntArray
    start: IntArray
    end: IntArray
    global_start: IntArray
    global_end: IntArray
    offset: IntArray

    @classmethod
    def of(cls, units: Units, lengths: IntArray) -> LaidOutUnits:
        """Lay ``units`` out over documents of ``lengths``; ``ValueError`` if two overlap."""
        offset = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        stride = int(units.start.max(initial=0)) + 1
        order = group_start_order(units.doc, units.start, units.end, stride)
        doc, start, end = units.doc[order], units.start[order], units.end[order]
        g_start, g_end = offset[doc] + start, offset[doc] + end
        if np.any(g_start[1:] < g_end[:-1]):
            raise ValueError("units of analysis overlap within a document")
        return cls(order, doc, start, end, g_start, g_end, offset)

    def __len__(self) -> int:
        return len(self.order)


@dataclass(frozen=True)
class AppliedCodes:
    """One entry per (coder, code, unit) where the coder applied the code to the unit."""

    coder: IntArray
    code: IntArray
    unit: IntArray


def extent_lengths(units: Units | None, codings: Codings) -> IntArray:
    """Per document, the furthest end of any unit or coding: a length long enough for both."""
    ends = [np.zeros(0, dtype=np.int64)]
    docs = [np.zeros(0, dtype=np.int64)]
    for part in (units, codings):
        if part is not None and len(part):
            ends.append(part.end)
            docs.append(part.doc)
    doc, end = np.concatenate(docs), np.concatenate(ends)
    n_docs = int(doc.max()) + 1 if len(doc) else 0
    lengths = np.zeros(n_docs, dtype=np.int64)
    np.maximum.at(lengths, doc, end)
    return lengths


def applied_codes(
    laid: LaidOutUnits, codings: Codings, n_codes: int, overlap: Overlap
) -> AppliedCodes:
    """Which codes each coder applied to which units (sorted indices into ``laid``)."""
    if overlap not in OVERLAP_RULES:
        raise ValueError(f"unknown overlap rule {overlap!r}: use 'any', 'majority' or 'full'")
    n_units = len(laid)
    g_start, g_end, offset = laid.global_start, laid.global_end, laid.offset
    # Union of each coder's codings of each code, in project-wide positions.
    group, c_start, c_end = merge_intervals(
        codings.coder * n_codes + codings.code,
        offset[codings.doc] + codings.start,
        offset[codings.doc] + codings.end,
        merge_touching=True,
    )
    # Units each merged coding overlaps: those ending after its start and starting before its end.
    first = np.searchsorted(g_end, c_start, side="right")
    stop = np.searchsorted(g_start, c_end, side="left")
    count = np.maximum(stop - first, 0)
    which = np.repeat(np.arange(len(first)), count)
    unit = first[which] + (np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count))
    covered = np.minimum(c_end[which], g_end[unit]) - np.maximum(c_start[which], g_start[unit])
    pair_key = group[which] * n_units + unit
    # Merged codings of a group are disjoint and sorted, so equal keys are adjacent.
    if len(pair_key):
        starts = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
        pair_key, covered = pair_key[starts], np.add.reduceat(covered, starts)
    unit_length = (g_end - g_start)[pair_key % n_units] if len(pair_key) else covered
    if overlap == "any":
        applied = covered > 0
    elif overlap == "majority":
        applied = 2 * covered >= unit_length
    else:
        applied = covered >= unit_length
    pair_key = pair_key[applied]
    e_group, e_unit = pair_key // n_units, pair_key % n_units
    return AppliedCodes(coder=e_group // n_codes, code=e_group % n_codes, unit=e_unit)


def codes_on_units(
    units: Units, codings: Codings, n_codes: int, *, overlap: Overlap
) -> AppliedCodes:
    """Which codes each coder applied to which of ``units`` (the caller's indices).

    The rule ``compute_agreement`` applies at unit level, for callers that compare coders unit
    by unit outside it. ``ValueError`` for overlapping units or an unknown ``overlap``.
    """
    laid = LaidOutUnits.of(units, extent_lengths(units, codings))
    applied = applied_codes(laid, codings, n_codes, overlap)
    return AppliedCodes(applied.coder, applied.code, laid.order[applied.unit])

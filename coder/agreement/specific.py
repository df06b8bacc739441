"""Agreement on one category at a time (specific agreement) and Holsti's index for free segments.

Neither is chance-corrected: they say where coders agree, next to a coefficient that says how
much beyond chance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.ratings import IntArray, encode
from coder.domain.agreement_results import Codings
from coder.domain.coefficient import NO_DATA, NO_PAIRABLE, Coefficient

CATEGORY_UNUSED = "category never rated on a unit rated twice"

__all__ = [
    "SpecificAgreement",
    "holsti_from_counts",
    "holsti_index",
    "negative_agreement",
    "positive_agreement",
    "specific_agreement",
]


@dataclass(frozen=True, slots=True)
class SpecificAgreement:
    """Proportion of specific agreement for each category, in ``categories`` order."""

    categories: tuple[Any, ...]
    values: tuple[Coefficient, ...]

    def __getitem__(self, category: Any) -> Coefficient:
        return self.values[self.categories.index(category)]

    def to_dict(self) -> dict[str, Any]:
        return {str(c): v.to_dict() for c, v in zip(self.categories, self.values, strict=True)}


def specific_agreement(
    data: Any, categories: Sequence[Any] | None = None, *, rows: Rows = None
) -> SpecificAgreement:
    """Proportion of specific agreement ``p_s(k)`` for every category k, any number of coders.

    ``p_s(k) = sum_i r_ik (r_ik - 1) / sum_i r_ik (r_i - 1)`` over units rated by ``r_i >= 2``
    coders, ``r_ik`` of whom chose k: of the pairs of ratings in which one rating is k, the share
    where the other is k too (Uebersax 1982, *Educational and Psychological Measurement*
    42:181-183). With two coders it is ``2 n_kk / (n_k. + n_.k)``, and for binary ratings the
    positive and negative agreement ``2a / (2a + b + c)`` and ``2d / (2d + b + c)`` of Fleiss
    (1975, *Biometrics* 31:651-659) and Cicchetti & Feinstein (1990, *Journal of Clinical
    Epidemiology* 43:551-558). A category no pairable unit received is undefined ("category
    never rated on a unit rated twice"); no pairable unit at all, "no unit rated by two or more
    coders".
    """
    enc = encode(reliability_data(data, rows=rows), categories)
    counts = enc.unit_counts()
    ratings = counts.sum(axis=1)
    pairable = ratings >= 2
    agreeing = (counts[pairable] * (counts[pairable] - 1.0)).sum(axis=0)
    possible = (counts[pairable] * (ratings[pairable, None] - 1.0)).sum(axis=0)
    values = []
    for agree, total in zip(agreeing.tolist(), possible.tolist(), strict=True):
        if not pairable.any():
            values.append(Coefficient.undefined(NO_PAIRABLE))
        elif total == 0:
            values.append(Coefficient.undefined(CATEGORY_UNUSED))
        else:
            values.append(Coefficient(agree / total, None, agree / total, math.nan))
    return SpecificAgreement(tuple(enc.categories.tolist()), tuple(values))


def _binary(data: Any, positive: Any, rows: Rows) -> tuple[SpecificAgreement, Any, Any]:
    result = specific_agreement(data, rows=rows)
    cats = list(result.categories)
    if len(cats) > 2:
        raise ValueError(f"positive/negative agreement needs binary ratings, got {len(cats)}")
    if positive is None:
        if not cats:
            return result, None, None
        positive = cats[-1] if len(cats) == 2 else cats[0]
    negatives = [c for c in cats if c != positive]
    return result, positive, negatives[0] if negatives else None


def positive_agreement(data: Any, positive: Any = None, *, rows: Rows = None) -> Coefficient:
    """Positive specific agreement ``2a / (2a + b + c)`` of binary ratings (any number of coders).

    ``positive`` names the positive value; by default the larger of the two (1 of 0/1, True of
    False). Defined as ``specific_agreement`` for that category.
    """
    result, pos, _ = _binary(data, positive, rows)
    if pos is None or pos not in result.categories:
        return Coefficient.undefined(CATEGORY_UNUSED if result.categories else NO_PAIRABLE)
    return result[pos]


def negative_agreement(data: Any, positive: Any = None, *, rows: Rows = None) -> Coefficient:
    """Negative specific agreement ``2d / (2d + b + c)`` of binary ratings (any number of coders).

    The negative value is the one that is not ``positive`` (default: the smaller of the two).
    """
    result, _, neg = _binary(data, positive, rows)
    if neg is None:
        return Coefficient.undefined(CATEGORY_UNUSED if result.categories else NO_PAIRABLE)
    return result[neg]


def holsti_from_counts(agreements: int, decisions_first: int, decisions_second: int) -> Coefficient:
    """Holsti's coefficient of reliability ``CR = 2 M / (N_1 + N_2)``.

    M coding decisions on which the two coders agree, ``N_1`` and ``N_2`` the decisions each
    made (Holsti 1969, *Content Analysis for the Social Sciences and Humanities*, p. 140).
    Undefined ("no data") when neither coder made a decision.
    """
    total = decisions_first + decisions_second
    if total <= 0:
        return Coefficient.undefined(NO_DATA)
    value = 2.0 * agreements / total
    return Coefficient(value, None, value, math.nan)


def holsti_index(
    codings: Codings, coders: tuple[int, int] = (0, 1), min_overlap: float = 0.0
) -> Coefficient:
    """Holsti's index of two coders' free segments: ``(M_1 + M_2) / (N_1 + N_2)``.

    Each coder's codings (segments they cut themselves) are their decisions. A segment of one
    coder is matched when the other coder has a segment with the same code in the same
    document overlapping it by more than ``min_overlap`` of their union (0: any shared
    character; ATLAS.ti and MAXQDA let the user choose this threshold). ``M_1`` and ``M_2``
    count each coder's matched segments; when matches pair segments one to one this is Holsti's
    ``2 M / (N_1 + N_2)`` (``holsti_from_counts``). Undefined ("no data") when neither coder
    coded anything.
    """
    if not 0.0 <= min_overlap < 1.0:
        raise ValueError(f"min_overlap must be in [0, 1), got {min_overlap}")
    first = codings.coder == coders[0]
    second = codings.coder == coders[1]
    n1, n2 = int(first.sum()), int(second.sum())
    if n1 + n2 == 0:
        return Coefficient.undefined(NO_DATA)
    i, j = _overlapping_pairs(codings, np.flatnonzero(first), np.flatnonzero(second))
    start, end = codings.start, codings.end
    shared = np.minimum(end[i], end[j]) - np.maximum(start[i], start[j])
    union = np.maximum(end[i], end[j]) - np.minimum(start[i], start[j])
    good = (shared > 0) & (shared > min_overlap * union)
    matched = len(np.unique(i[good])) + len(np.unique(j[good]))
    value = matched / (n1 + n2)
    return Coefficient(value, None, value, math.nan)


def _overlapping_pairs(
    codings: Codings, first: IntArray, second: IntArray
) -> tuple[IntArray, IntArray]:
    """Candidate pairs (indices into ``codings``) of a first-coder and a second-coder segment
    with the same document and code whose spans overlap."""
    empty = np.zeros(0, dtype=np.int64)
    if len(first) == 0 or len(second) == 0:
        return empty, empty
    keys = np.stack([codings.doc, codings.code], axis=1)
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = group.reshape(-1).astype(np.int64)
    stride = int(codings.end.max()) + 1
    second_key = group[second] * stride + codings.start[second]
    order = np.argsort(second_key, kind="stable")
    second, second_key = second[order], second_key[order]
    longest = int((codings.end[second] - codings.start[second]).max())
    base = group[first] * stride
    # second segments starting in (start - longest, end) can overlap; others cannot.
    lo = np.searchsorted(second_key, base + codings.start[first] - longest, "right")
    hi = np.searchsorted(second_key, base + codings.end[first], "left")
    sizes = np.maximum(hi - lo, 0)
    i = np.repeat(first, sizes)
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    j = second[np.repeat(lo, sizes) + offsets]
    same = group[i] == group[j]
    return i[same], j[same]

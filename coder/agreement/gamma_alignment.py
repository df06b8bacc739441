"""Gamma's dissimilarities and its exact best alignment (Mathet, Widlöcher & Métivier 2015).

Mathet, Widlöcher & Métivier (2015), "The Unified and Holistic Method Gamma (γ) for
Inter-Annotator Agreement Measure and Alignment", *Computational Linguistics* 41(3):437-479.
With n annotators and units u = (start, end, category):

* positional dissimilarity ``d_pos(u, v) = ((|s_u - s_v| + |e_u - e_v|) / (l_u + l_v))^2 Δ∅``;
* categorical dissimilarity ``d_cat(u, v) = dist(c_u, c_v) Δ∅`` (nominal: 0 or 1, or a matrix);
* combined ``d(u, v) = α d_pos + β d_cat`` (defaults α = β = Δ∅ = 1, as the paper and
  pygamma-agreement set them);
* a unitary alignment holds at most one unit per annotator, the others being the empty unit ∅;
  its disorder ``δ(ā) = (1 / C(n, 2)) sum over its C(n, 2) pairs of d``, a pair with ∅ costing Δ∅;
* an alignment partitions all units into unitary alignments; its disorder is
  ``sum δ(ā) / x̄`` with x̄ the mean number of units per annotator; the best alignment is the one
  of least disorder (the paper's integer program, section 5.1).

The best alignment is found exactly, without a linear-programming solver. A unitary alignment ā
with k units can be optimal only if, for each of its units u, ``sum_{v in ā} d(u, v) <=
Δ∅ (k - 1 + C(n, 2))`` (otherwise taking u out into its own unitary alignment costs less), so no
pair with ``d > Δ∅ (n - 1 + C(n, 2))`` is ever aligned. Those pairs split the units into
independent groups; in each, the candidate unitary alignments are enumerated level by level (one
annotator more each time) and the exact cover of least cost is found by dynamic programming over
the set of units already covered, always covering the earliest uncovered unit next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.ratings import FloatArray, IntArray

__all__ = ["Alignment", "Units", "best_alignment", "dissimilarity_matrix"]


@dataclass(frozen=True, slots=True)
class Units:
    """A continuum's units as arrays; ``category`` indexes the categories (0..k-1)."""

    annotator: IntArray
    start: FloatArray
    end: FloatArray
    category: IntArray
    n_annotators: int

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The best alignment: ``members[a, i]`` is the unit of annotator i in unitary alignment a
    (-1 for the empty unit); ``disorder`` is the alignment's disorder (the observed disorder)."""

    members: IntArray
    unitary_disorders: FloatArray
    disorder: float


def dissimilarity_matrix(
    units: Units,
    rows: IntArray,
    *,
    alpha: float,
    beta: float,
    delta_empty: float,
    category_distance: FloatArray,
) -> FloatArray:
    """``d(u, v)`` for u in ``rows`` and every unit v (Mathet et al. 2015, section 4.2)."""
    s, e = units.start, units.end
    num = np.abs(s[rows, None] - s[None, :]) + np.abs(e[rows, None] - e[None, :])
    den = (e - s)[rows, None] + (e - s)[None, :]
    positional = (num / den) ** 2 * delta_empty
    categorical = category_distance[units.category[rows, None], units.category[None, :]]
    out: FloatArray = alpha * positional + beta * categorical * delta_empty
    return out


def _components(n: int, i: IntArray, j: IntArray) -> IntArray:
    """Connected components (label = smallest member) of the graph with edges (i, j)."""
    label = np.arange(n)
    while True:
        low = np.minimum(label[i], label[j])
        new = label.copy()
        np.minimum.at(new, i, low)
        np.minimum.at(new, j, low)
        new = new[new]  # pointer jumping
        if np.array_equal(new, label):
            return label
        label = new


def _candidates(
    d: FloatArray, annotator: IntArray, n: int, delta_empty: float
) -> tuple[list[IntArray], list[FloatArray]]:
    """Unitary alignments that may be optimal, by size: member indices and pair-sum costs."""
    c2 = n * (n - 1) / 2
    cap = delta_empty * (n - 1 + c2)
    allowed = (d <= cap + 1e-12) & (annotator[:, None] != annotator[None, :])
    k_units = len(annotator)
    tuples = np.arange(k_units)[:, None]
    pair_sum = np.zeros(k_units)
    member_sum = np.zeros((k_units, 1))
    members_out, costs_out = [], []
    k = 1
    while len(tuples):
        # Emit the tuples whose every member passes the take-one-out test at this size.
        ok = np.all(member_sum <= delta_empty * (k - 1 + c2) + 1e-12, axis=1)
        empties = delta_empty * (c2 - k * (k - 1) / 2)
        members_out.append(tuples[ok])
        costs_out.append(pair_sum[ok] + empties)
        if k == n:
            break
        # Extend each tuple by a unit of a later annotator, compatible with every member.
        fits = np.ones((len(tuples), k_units), dtype=bool)
        for col in range(k):
            fits &= allowed[tuples[:, col]]
        fits &= annotator[None, :] > annotator[tuples[:, -1]][:, None]
        t_idx, new = np.nonzero(fits)
        added = d[tuples[t_idx], new[:, None]]  # (t, k): each member's distance to the new unit
        new_member_sum = np.hstack([member_sum[t_idx] + added, added.sum(axis=1, keepdims=True)])
        keep = np.all(new_member_sum <= cap + 1e-12, axis=1)
        tuples = np.hstack([tuples[t_idx], new[:, None]])[keep]
        pair_sum = (pair_sum[t_idx] + added.sum(axis=1))[keep]
        member_sum = new_member_sum[keep]
        k += 1
    return members_out, costs_out


def _exact_cover(n_units: int, masks: list[int], costs: list[float], first: list[int]) -> list[int]:
    """Indices of the candidates covering every unit once at least total cost.

    States are the sets of covered units (bit masks); from a state, the earliest uncovered unit
    is covered by a candidate that contains it and no covered unit. Singletons always exist.
    """
    by_first: list[list[int]] = [[] for _ in range(n_units)]
    for c, f in enumerate(first):
        by_first[f].append(c)
    full = (1 << n_units) - 1
    buckets: list[dict[int, tuple[float, int, int]]] = [{} for _ in range(n_units + 1)]
    buckets[0][0] = (0.0, -1, -1)
    for u in range(n_units):
        for state, (cost, _, _) in buckets[u].items():
            for c in by_first[u]:
                if masks[c] & state:
                    continue
                after = state | masks[c]
                total = cost + costs[c]
                nxt = n_units if after == full else ((~after) & (after + 1)).bit_length() - 1
                best = buckets[nxt].get(after)
                if best is None or total < best[0]:
                    buckets[nxt][after] = (total, state, c)
    chosen = []
    state, at = full, n_units
    while state:
        _, previous, c = buckets[at][state]
        chosen.append(c)
        state = previous
        at = ((~state) & (state + 1)).bit_length() - 1 if state != full else n_units
    return chosen


def _cover_component(
    idx: IntArray, members: list[IntArray], costs: list[FloatArray], annotator: IntArray, n: int
) -> tuple[list[IntArray], list[float]]:
    """Exact cover of one group of units (``idx`` sorted by position) by its candidates."""
    local = np.full(int(idx.max()) + 1, -1, dtype=np.int64)
    local[idx] = np.arange(len(idx))
    masks: list[int] = []
    first: list[int] = []
    flat_costs: list[float] = []
    rows: list[IntArray] = []
    for t, cost in zip(members, costs, strict=True):
        pos = local[t]
        if len(idx) < 63:
            masks += np.bitwise_or.reduce(np.left_shift(1, pos), axis=1).tolist()
        else:
            masks += [sum(1 << x for x in row) for row in pos.tolist()]
        first += pos.min(axis=1).tolist()
        flat_costs += cost.tolist()
        rows += list(t)
    slots, chosen_costs = [], []
    for pick in _exact_cover(len(idx), masks, flat_costs, first):
        slot = np.full(n, -1, dtype=np.int64)
        slot[annotator[rows[pick]]] = rows[pick]
        slots.append(slot)
        chosen_costs.append(flat_costs[pick])
    return slots, chosen_costs


def best_alignment(
    units: Units,
    *,
    alpha: float = 1.0,
    beta: float = 1.0,
    delta_empty: float = 1.0,
    category_distance: FloatArray | None = None,
    dense_limit: int = 1500,
) -> Alignment:
    """The alignment of least disorder (exact) and its disorder; see the module docstring.

    Up to ``dense_limit`` units the dissimilarities are one matrix and the candidates are
    enumerated for all groups at once; past it, group by group (a block of rows at a time).
    """
    n, n_units = units.n_annotators, len(units)
    if n < 2:
        raise ValueError(f"gamma needs at least 2 annotators, got {n}")
    if category_distance is None:
        k = int(units.category.max(initial=0)) + 1
        category_distance = 1.0 - np.eye(k)
    c2 = n * (n - 1) / 2
    cap = delta_empty * (n - 1 + c2) + 1e-12
    params: dict[str, Any] = {
        "alpha": alpha,
        "beta": beta,
        "delta_empty": delta_empty,
        "category_distance": category_distance,
    }
    ann = units.annotator
    dense = n_units <= dense_limit
    full = dissimilarity_matrix(units, np.arange(n_units), **params) if dense else None
    edge_i, edge_j = [], []
    for lo in range(0, n_units, dense_limit):
        rows = np.arange(lo, min(lo + dense_limit, n_units))
        block = full[rows] if full is not None else dissimilarity_matrix(units, rows, **params)
        r, c = np.nonzero((block <= cap) & (ann[rows, None] != ann[None, :]))
        edge_i.append(rows[r])
        edge_j.append(c)
    ei = np.concatenate(edge_i) if edge_i else np.zeros(0, dtype=np.int64)
    ej = np.concatenate(edge_j) if edge_j else np.zeros(0, dtype=np.int64)
    label = _components(n_units, ei, ej)
    order = np.lexsort((units.end, units.start, label))
    size = np.bincount(label, minlength=n_units)
    alone = order[size[label[order]] == 1]
    slots: list[IntArray] = []
    costs: list[float] = []
    if len(alone):
        table = np.full((len(alone), n), -1, dtype=np.int64)
        table[np.arange(len(alone)), ann[alone]] = alone
        slots += list(table)
        costs += [delta_empty * c2] * len(alone)
    grouped = order[size[label[order]] > 1]
    if len(grouped):
        if full is not None:
            members, cands = _candidates(
                full[np.ix_(grouped, grouped)], ann[grouped], n, delta_empty
            )
            levels = []
            for t, c in zip(members, cands, strict=True):
                owner = label[grouped[t[:, 0]]]
                by = np.argsort(owner, kind="stable")
                levels.append((grouped[t[by]], c[by], owner[by]))
        splits = np.flatnonzero(np.diff(label[grouped])) + 1
        for idx in np.split(grouped, splits):
            if full is not None:
                lab = label[idx[0]]
                span = [
                    (np.searchsorted(o, lab), np.searchsorted(o, lab, "right")) for *_, o in levels
                ]
                mine = [t[a:b] for (t, _, _), (a, b) in zip(levels, span, strict=True)]
                mine_costs = [c[a:b] for (_, c, _), (a, b) in zip(levels, span, strict=True)]
            else:
                d = dissimilarity_matrix(units, idx, **params)[:, idx]
                local_members, mine_costs = _candidates(d, ann[idx], n, delta_empty)
                mine = [idx[t] for t in local_members]
            got, got_costs = _cover_component(idx, mine, mine_costs, ann, n)
            slots += got
            costs += got_costs
    table = np.array(slots, dtype=np.int64).reshape(-1, n)
    unitary = np.array(costs, dtype=float) / c2
    disorder = float(unitary.sum() / (n_units / n)) if n_units else 0.0
    return Alignment(table, unitary, disorder)

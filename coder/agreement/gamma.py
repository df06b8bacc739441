"""Gamma, gamma-cat and gamma-k: agreement on free, possibly overlapping, categorized units.

Mathet, Widlöcher & Métivier (2015), "The Unified and Holistic Method Gamma (γ) for
Inter-Annotator Agreement Measure and Alignment", *Computational Linguistics* 41(3):437-479:

    γ = 1 - D_o / D_e

``D_o`` is the disorder of the continuum's best alignment (``gamma_alignment``); ``D_e``, the
disorder expected by chance, is the mean best-alignment disorder of ``n_samples`` random continua
drawn from the observed one (section 5.2; the paper asks for enough samples that the estimate is
within ``precision_level`` at 95%, section 5.3). Two samplers:

* ``"shuffle"``, the paper's and the Gamma software's: for each of the n annotators, a random
  annotator's units shifted by a random pivot on the continuum (units pushed past the end wrap
  around), pivots at least half the mean unit length apart (pygamma-agreement's
  ``ShuffleContinuumSampler``, with integer pivots);
* ``"statistical"``, pygamma-agreement's default: per annotator, a number of units, gaps and
  durations drawn from normal laws fitted to the observed ones, categories by their frequency.

gamma-cat and gamma-k (Mathet 2017, "The Agreement Measure γcat a Complement to γ Focused on
Categorization of a Continuum", hal-01712281, section 4.2.5, as pygamma-agreement computes them):
over the best alignment, each pair of aligned units contributes its categorical dissimilarity
weighted by ``max(0, 1 - α d_pos) / (n_ā - 1)`` (n_ā the units in its unitary alignment) and a
unit aligned with ∅ contributes ``Δ∅^2`` with weight ``Δ∅``; gamma-k keeps the pairs where a unit
has category k. Both are chance-corrected with the same random continua.

Undefined: no unit at all ("no coder marked any unit") and ``D_e = 0`` ("no variation"). A
perfect observed alignment (``D_o = 0``) gives 1, as pygamma-agreement does.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from coder.agreement.gamma_alignment import Alignment, Units, best_alignment
from coder.agreement.ratings import FloatArray
from coder.agreement.segments import coded_segments
from coder.domain.coefficient import NO_UNITS_MARKED, NO_VARIATION, Coefficient

__all__ = ["GammaResult", "Sampling", "gamma", "sample_continuum"]

Sampling = Literal["shuffle", "statistical"]


@dataclass(frozen=True, slots=True)
class GammaResult:
    """γ (``value``, NaN with ``reason`` when undefined), its disorders, gamma-cat, gamma-k."""

    value: float
    reason: str | None
    observed_disorder: float
    expected_disorder: float
    gamma_cat: Coefficient
    gamma_k: dict[Hashable, Coefficient]
    best_alignment: Alignment
    chance_disorders: FloatArray
    categories: tuple[Hashable, ...] = field(default=())

    @property
    def is_defined(self) -> bool:
        return self.reason is None and not math.isnan(self.value)

    @property
    def n_samples(self) -> int:
        return len(self.chance_disorders)

    def __float__(self) -> float:
        return self.value


def _units(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    length: float | None,
    coders: Sequence[Hashable] | None,
    categories: Sequence[Hashable] | None,
) -> tuple[Units, tuple[Hashable, ...]]:
    seg = coded_segments(spans, length, coders=coders)
    if categories is None:
        found = list(dict.fromkeys(seg.code.tolist()))
        with contextlib.suppress(TypeError):  # mixed label types keep first-seen order
            found = sorted(found)
        categories = found
    index = {c: i for i, c in enumerate(categories)}
    missing = [c for c in dict.fromkeys(seg.code.tolist()) if c not in index]
    if missing:
        raise ValueError(f"spans use categories not among `categories`: {missing[:5]}")
    category = np.array([index[c] for c in seg.code], dtype=np.int64)
    units = Units(seg.coder, seg.start, seg.end, category, len(seg.coders))
    return units, tuple(categories)


def _subtract(free: list[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """``free`` minus the interval [lo, hi]."""
    out = []
    for a, b in free:
        if b <= lo or a >= hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo))
        if b > hi:
            out.append((hi, b))
    return out


def _shuffle(units: Units, rng: np.random.Generator, bounds: tuple[float, float]) -> Units:
    n = units.n_annotators
    lo, hi = bounds
    half = float(np.mean(units.end - units.start)) / 2.0
    while True:
        free = [(lo, hi)]
        parts = []
        for new in range(n):
            widths = np.array([b - a for a, b in free])
            if len(free) and widths.sum() > 0:
                a, b = free[int(rng.choice(len(free), p=widths / widths.sum()))]
                pivot = float(int(rng.uniform(a, b)))
                free = _subtract(free, pivot - half, pivot + half)
            else:
                pivot = float(rng.uniform(lo, hi))
            mine = units.annotator == rng.integers(n)
            s, e = units.start[mine] + pivot, units.end[mine] + pivot
            wrap = s > hi
            s[wrap] += lo - hi
            e[wrap] += lo - hi
            parts.append((np.full(len(s), new), s, e, units.category[mine]))
        if any(len(p[1]) for p in parts):
            break
    ann, st, en, cat = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return Units(ann.astype(np.int64), st, en, cat, n)


def _statistical(units: Units, rng: np.random.Generator) -> Units:
    n = units.n_annotators
    order = np.lexsort((units.category, units.end, units.start, units.annotator))
    ann, st, en = units.annotator[order], units.start[order], units.end[order]
    same = ann[1:] == ann[:-1]
    first = np.r_[True, ~same]
    gaps = np.r_[0.0, (st[1:] - en[:-1])[same], st[first][st[first] > 0]]
    counts = np.bincount(units.annotator, minlength=n)
    durations = en - st
    weights = np.bincount(units.category) / len(units.category)
    parts = []
    total = 0
    for a in range(n):
        k = abs(int(rng.normal(counts.mean(), counts.std())))
        if total == 0:
            k = max(1, k)
        total += k
        gap = rng.normal(gaps.mean(), gaps.std(), size=k)
        dur = np.abs(rng.normal(durations.mean(), durations.std(), size=k))
        while np.any(short := dur < 1e-6):
            dur[short] = np.abs(rng.normal(durations.mean(), durations.std(), size=short.sum()))
        ends = np.cumsum(gap + dur)
        cat = rng.choice(len(weights), size=k, p=weights)
        parts.append((np.full(k, a), ends - dur, ends, cat))
    ann2, st2, en2, cat2 = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return Units(ann2.astype(np.int64), st2, en2, cat2.astype(np.int64), n)


def sample_continuum(
    units: Units, rng: np.random.Generator, sampling: Sampling, bounds: tuple[float, float]
) -> Units:
    """One random continuum for the expected disorder (module docstring)."""
    if sampling == "shuffle":
        return _shuffle(units, rng, bounds)
    if sampling == "statistical":
        return _statistical(units, rng)
    raise ValueError(f"sampling must be 'shuffle' or 'statistical', got {sampling!r}")


def _category_disorders(
    units: Units,
    alignment: Alignment,
    n_categories: int,
    alpha: float,
    delta_empty: float,
    distance: FloatArray,
) -> FloatArray:
    """gamma-cat's disorder (entry 0) and gamma-k's for every category k (entry k + 1)."""
    m = alignment.members
    i, j = np.triu_indices(units.n_annotators, 1)
    u, v = m[:, i].ravel(), m[:, j].ravel()
    real_u, real_v = u >= 0, v >= 0
    uc, vc = np.maximum(u, 0), np.maximum(v, 0)
    n_units = np.repeat((m >= 0).sum(axis=1), len(i))
    base = np.where(n_units >= 2, 1.0 / np.maximum(n_units - 1, 1), 0.0)
    s, e = units.start, units.end
    positional = (
        alpha
        * delta_empty
        * ((np.abs(s[uc] - s[vc]) + np.abs(e[uc] - e[vc])) / (e[uc] - s[uc] + e[vc] - s[vc])) ** 2
    )
    both = real_u & real_v
    one_empty = real_u ^ real_v
    weight = np.where(both, base * np.maximum(0.0, 1.0 - positional), 0.0)
    term = np.where(
        both, distance[units.category[uc], units.category[vc]] * delta_empty * weight, 0.0
    )
    term = term + one_empty * delta_empty**2
    weight = weight + one_empty * delta_empty
    # Pair p counts for category k when either of its units has category k (once if both do).
    k_u = np.where(real_u, units.category[uc] + 1, 0)
    k_v = np.where(
        real_v & (~real_u | (units.category[vc] != units.category[uc])), units.category[vc] + 1, 0
    )
    size = n_categories + 1

    def per_k(x: FloatArray) -> FloatArray:
        out: FloatArray = np.bincount(k_u, x, size) + np.bincount(k_v, x, size)
        out[0] = float(np.sum(x))
        return out

    disorder, total = per_k(term), per_k(weight)
    considered = per_k((real_u | real_v).astype(float))
    looped = per_k(both.astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(disorder == 0, 0.0, disorder / total)
    return np.where(looped > 0, ratio, np.where(considered > 0, 0.0, 1.0))


def _chance_corrected(observed: float, expected: float) -> Coefficient:
    if observed == 0:
        return Coefficient(1.0, None, observed, expected)
    if not expected > 0:
        return Coefficient.undefined(NO_VARIATION, observed, expected)
    return Coefficient(1.0 - observed / expected, None, observed, expected)


def gamma(
    spans: Iterable[Sequence[Any]] | np.ndarray,
    *,
    coders: Sequence[Hashable] | None = None,
    length: float | None = None,
    alpha: float = 1.0,
    beta: float = 1.0,
    delta_empty: float = 1.0,
    categories: Sequence[Hashable] | None = None,
    category_distance: FloatArray | None = None,
    sampling: Sampling = "shuffle",
    n_samples: int = 30,
    precision_level: float | None = None,
    seed: int | None = 0,
) -> GammaResult:
    """γ of ``(coder, start, end, category)`` spans, with gamma-cat and every gamma-k.

    ``coders`` lists every annotator (one with no unit still counts); ``length`` bounds the
    continuum for sampling (by default [min(0, first start), last end], as pygamma-agreement).
    ``alpha``, ``beta`` and ``delta_empty`` weight the positional and categorical
    dissimilarities and price the empty unit; ``category_distance[a, b]`` (categories in
    ``categories`` order, by default sorted) replaces the nominal 0/1 distance. ``sampling``,
    ``n_samples``, ``precision_level`` and ``seed`` set how ``D_e`` is estimated. See the module
    docstring for the formulas and the undefined cases.
    """
    units, cats = _units(spans, length, coders, categories)
    k = len(cats)
    distance = (
        1.0 - np.eye(k) if category_distance is None else np.asarray(category_distance, float)
    )
    if distance.shape != (k, k):
        raise ValueError(f"category_distance must be {k} x {k}, got {distance.shape}")
    params: dict[str, Any] = {
        "alpha": alpha,
        "beta": beta,
        "delta_empty": delta_empty,
        "category_distance": distance,
    }
    best = best_alignment(units, **params)
    if len(units) == 0:
        nothing = Coefficient.undefined(NO_UNITS_MARKED)
        return GammaResult(
            math.nan, NO_UNITS_MARKED, math.nan, math.nan, nothing,
            dict.fromkeys(cats, nothing), best, np.zeros(0), cats,
        )  # fmt: skip
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples}")
    rng = np.random.default_rng(seed)
    lo = min(0.0, float(units.start.min()))
    hi = float(units.end.max()) if length is None else float(length)

    def draw(count: int) -> list[tuple[Units, Alignment]]:
        drawn = [sample_continuum(units, rng, sampling, (lo, hi)) for _ in range(count)]
        return [(u, best_alignment(u, **params)) for u in drawn]

    samples = draw(n_samples)
    if precision_level is not None:
        first = np.array([a.disorder for _, a in samples])
        cv = first.std() / first.mean() if first.mean() > 0 else 0.0
        samples += draw(math.ceil((cv * 1.96 / precision_level) ** 2) - n_samples)
    chance = np.array([a.disorder for _, a in samples])
    g = _chance_corrected(best.disorder, float(chance.mean()))

    def disorders(u: Units, a: Alignment) -> FloatArray:
        return _category_disorders(u, a, k, alpha, delta_empty, distance)

    observed_k = disorders(units, best)
    expected_k = np.mean([disorders(u, a) for u, a in samples], axis=0)
    corrected = [
        _chance_corrected(float(o), float(x)) for o, x in zip(observed_k, expected_k, strict=True)
    ]
    present = np.unique(units.category)
    return GammaResult(
        g.value, g.reason, g.observed, g.expected, corrected[0],
        {cats[c]: corrected[int(c) + 1] for c in present}, best, chance, cats,
    )  # fmt: skip

"""Gamma (Mathet, Widlöcher & Métivier 2015): the exact best alignment, gamma, gamma-cat, gamma-k.

The best alignment is checked against a brute-force search over every partition of the units
(hypothesis), and against pygamma-agreement's integer program on 100 random continua when that
package is installed (a test-only dependency): the disorder of pygamma's alignment, recomputed
in float64 (pygamma works in float32), equals ours to 1e-9. Gamma itself is compared with
pygamma-agreement within sampling error (slow).
"""

from __future__ import annotations

import itertools
import logging
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.agreement import gamma
from coder.agreement.gamma_alignment import Units, best_alignment
from coder.domain.coefficient import NO_UNITS_MARKED


def units_of(spans: list[tuple[int, float, float, int]], n: int) -> Units:
    a = np.array([s[0] for s in spans], dtype=np.int64)
    return Units(
        a,
        np.array([s[1] for s in spans], dtype=float),
        np.array([s[2] for s in spans], dtype=float),
        np.array([s[3] for s in spans], dtype=np.int64),
        n,
    )


def pair_d(
    u: tuple[int, float, float, int], v: tuple[int, float, float, int], alpha: float
) -> float:
    pos = ((abs(u[1] - v[1]) + abs(u[2] - v[2])) / ((u[2] - u[1]) + (v[2] - v[1]))) ** 2
    return alpha * pos + float(u[3] != v[3])


def brute_force(spans: list[tuple[int, float, float, int]], n: int, alpha: float) -> float:
    """Least disorder over every partition into unitary alignments (Mathet et al. 2015, 4.3)."""
    c2 = n * (n - 1) / 2

    def cost(group: tuple[int, ...]) -> float:
        k = len(group)
        real = sum(pair_d(spans[i], spans[j], alpha) for i, j in itertools.combinations(group, 2))
        return (real + (c2 - k * (k - 1) / 2)) / c2

    def best(rest: frozenset[int]) -> float:
        if not rest:
            return 0.0
        first = min(rest)
        others = sorted(rest - {first})
        out = math.inf
        for size in range(n):
            for extra in itertools.combinations(others, size):
                group = (first, *extra)
                if len({spans[i][0] for i in group}) != len(group):
                    continue
                out = min(out, cost(group) + best(rest - set(group)))
        return out

    return best(frozenset(range(len(spans)))) / (len(spans) / n)


@st.composite
def small_continua(draw: st.DrawFn) -> tuple[list[tuple[int, float, float, int]], int]:
    n = draw(st.integers(2, 3))
    spans = []
    for _ in range(draw(st.integers(1, 7))):
        start = draw(st.integers(0, 40))
        spans.append(
            (
                draw(st.integers(0, n - 1)),
                start,
                start + draw(st.integers(1, 15)),
                draw(st.integers(0, 1)),
            )
        )
    return [(a, float(s), float(e), c) for a, s, e, c in spans], n


@settings(max_examples=150, deadline=None)
@given(small_continua(), st.sampled_from([1.0, 3.0]))
def test_best_alignment_is_the_least_disorder_of_every_partition(
    data: tuple[list[tuple[int, float, float, int]], int], alpha: float
) -> None:
    spans, n = data
    found = best_alignment(units_of(spans, n), alpha=alpha)
    assert found.disorder == pytest.approx(brute_force(spans, n, alpha), abs=1e-12)
    # A partition: every unit in exactly one unitary alignment, one slot per annotator.
    members = found.members[found.members >= 0]
    assert sorted(members.tolist()) == list(range(len(spans)))


def test_identical_annotators_agree_perfectly() -> None:
    spans = [(c, s, s + 5, "x" if s % 2 else "y") for c in ("a", "b", "c") for s in (0, 10, 21)]
    result = gamma(spans, n_samples=5)
    assert result.observed_disorder == 0.0
    assert result.value == 1.0
    assert result.gamma_cat.value == 1.0


def test_gamma_is_reproducible_with_a_seed_and_uses_every_sampler() -> None:
    spans = [("a", 0, 10, "x"), ("a", 20, 30, "y"), ("b", 2, 11, "x"), ("b", 24, 29, "x")]
    first = gamma(spans, seed=3)
    assert first.n_samples == 30
    assert gamma(spans, seed=3).value == first.value
    stat = gamma(spans, sampling="statistical", seed=3)
    assert stat.observed_disorder == first.observed_disorder
    assert first.value < 1 and stat.value < 1
    assert set(first.gamma_k) == {"x", "y"}
    more = gamma(spans, precision_level=0.02, seed=3)
    assert more.n_samples >= 30


def test_undefined_and_refused() -> None:
    result = gamma([], coders=["a", "b"])
    assert result.reason == NO_UNITS_MARKED and math.isnan(result.value)
    with pytest.raises(ValueError, match="at least 2 coders"):
        gamma([("a", 0, 5, "x")])
    with pytest.raises(ValueError, match="sampling"):
        gamma([("a", 0, 5, "x"), ("b", 0, 5, "x"), ("b", 7, 9, "x")], sampling="bogus")  # type: ignore[arg-type]


def random_spans(rng: np.random.Generator) -> list[tuple[str, int, int, str]]:
    """2-4 annotators, 1-5 distinct units each on [0, 110), 1-3 categories."""
    n = int(rng.integers(2, 5))
    cats = ["a", "b", "c"][: int(rng.integers(1, 4))]
    spans: list[tuple[str, int, int, str]] = []
    for c in range(n):
        seen = set()
        for _ in range(int(rng.integers(1, 6))):
            s = int(rng.integers(0, 90))
            unit = (s, s + int(rng.integers(1, 20)), str(rng.choice(cats)))
            if unit not in seen:  # pygamma keeps a set of units per annotator
                seen.add(unit)
                spans.append((f"c{c}", *unit))
    return spans


def pygamma_disorder(
    pa: object, spans: list[tuple[str, int, int, str]], alpha: float
) -> tuple[float, float]:
    """pygamma's best-alignment disorder as it prints it, and recomputed in float64."""
    from pyannote.core import Segment

    continuum = pa.Continuum()  # type: ignore[attr-defined]
    for a, s, e, c in spans:
        continuum.add(a, Segment(s, e), c)
    dissim = pa.CombinedCategoricalDissimilarity(alpha=alpha, beta=1, delta_empty=1)  # type: ignore[attr-defined]
    alignment = continuum.get_best_alignment(dissim)
    n = len(continuum.annotators)
    total = 0.0
    for unitary in alignment.unitary_alignments:
        units = [u for _, u in unitary.n_tuple]
        for u, v in itertools.combinations(units, 2):
            if u is None or v is None:
                total += 1.0
                continue
            pos = (abs(u.segment.start - v.segment.start) + abs(u.segment.end - v.segment.end)) / (
                u.segment.duration + v.segment.duration
            )
            total += alpha * pos**2 + float(u.annotation != v.annotation)
    mean_units = len(spans) / n
    return float(alignment.disorder), total / (n * (n - 1) / 2) / mean_units


@pytest.mark.slow
def test_best_alignment_matches_pygamma_agreement_on_100_random_continua() -> None:
    pa = pytest.importorskip("pygamma_agreement")
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(15)
    for _ in range(100):
        spans = random_spans(rng)
        alpha = float(rng.choice([1.0, 3.0]))
        ours = gamma(spans, alpha=alpha, n_samples=1).observed_disorder
        printed, exact = pygamma_disorder(pa, spans, alpha)
        assert ours == pytest.approx(exact, abs=1e-9), spans
        assert ours == pytest.approx(printed, rel=1e-5), spans


@pytest.mark.slow
def test_gamma_within_pygamma_agreements_sampling_error() -> None:
    pa = pytest.importorskip("pygamma_agreement")
    from pyannote.core import Segment
    from pygamma_agreement.sampler import ShuffleContinuumSampler

    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(2026)
    z = []
    for t in range(100):
        spans = random_spans(rng)
        continuum = pa.Continuum()
        for a, s, e, c in spans:
            continuum.add(a, Segment(s, e), c)
        np.random.seed(t)
        reference = continuum.compute_gamma(
            pa.CombinedCategoricalDissimilarity(), n_samples=30, sampler=ShuffleContinuumSampler()
        )
        ours = gamma(spans, n_samples=30, seed=t)
        theirs = np.array([a.disorder for a in reference.chance_alignments], dtype=float)
        se = math.hypot(
            theirs.std(ddof=1) / math.sqrt(len(theirs)),
            ours.chance_disorders.std(ddof=1) / math.sqrt(ours.n_samples),
        )
        z.append((ours.expected_disorder - theirs.mean()) / se)
    z_arr = np.array(z)
    # Same distribution of the expected disorder: z-scores centred, of unit spread.
    assert abs(z_arr.mean()) < 0.4 and 0.6 < z_arr.std() < 1.5
    assert np.abs(z_arr).max() < 4.5

"""Sets of codes per unit: multi-valued alpha, MASI and Jaccard distances, and alpha with a
custom distance.

Published worked examples:
* mv-alpha: Krippendorff & Craggs (2016), "The reliability of multi-valued coding of data",
  Communication Methods and Measures 10(4): 181-198, Table 3 (the computational example) and
  Tables 8a-c and 9a-c (how mv-alpha behaves as coders add or change codes). Data and printed
  values as transcribed by Drake's mvalpha R package (CRAN 0.5-0.6: data sets ``ex_table3`` ..
  ``ex_table9c``, values in its ``worksheet.Rmd``, Table 3 to seven digits in its own test,
  ``tests/testthat/test-mvalpha.R``). The paper itself was not available here, so no page is
  cited. The package stores units as rows; here they are transposed to coders x units.
* MASI: the doctest of nltk's ``masi_distance`` (Passonneau 2006's definition, exact thirds).

Cross-checks on random data, to 1e-9: nltk's ``AnnotationTask(distance=...).alpha()`` with its
own MASI and Jaccard distances (test-only dependency, skipped where not installed), and the
``krippendorff`` package with a callable metric.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coder.agreement as agreement
import coder.agreement.alpha as alpha_module
import coder.agreement.sets as sets_module
from coder.agreement import (
    jaccard_distance,
    krippendorff_alpha,
    masi_distance,
    multi_valued_alpha,
    mv_alpha,
)
from coder.agreement.alpha import Distance, Level
from coder.domain.coefficient import NO_PAIRABLE, NO_VARIATION, ONE_UNIT

EPS = 1e-9
N_DATASETS = 120


def coders_by_units(units: list[list[Any]]) -> list[list[Any]]:
    """The mvalpha package's units x observers layout, transposed to coders x units."""
    return [list(row) for row in zip(*units, strict=True)]


def s(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# Krippendorff & Craggs (2016) Table 3: observers F, G, H on four units. None is a unit the
# observer did not code; s() is an observer coding the unit with no value (the empty set).
TABLE_3: list[list[Any]] = [
    [s("b", "d"), s("d"), None],
    [s("a", "b", "d"), s("b"), s("b", "d")],
    [s(), s("a"), s("a")],
    [s("a"), None, None],
]
# Tables 8 and 9: three units, observers F, G, H; only unit 2 (and in 9c every unit) differs.
TABLES_8_9: dict[str, tuple[list[list[Any]], float]] = {
    "8a": (
        [[s("a")] * 3, [s("a", "b", "d")] * 2 + [s("a", "b", "d", "e")], [s("d")] * 3],
        0.947,
    ),
    "8b": ([[s("a")] * 3, [s("a", "b")] * 2 + [s("a", "b", "d")], [s("d")] * 3], 0.923),
    "8c": ([[s("a")] * 3, [s("b")] * 2 + [s("b", "d")], [s("d")] * 3], 0.895),
    "9a": ([[s("a")] * 3, [s("a", "b"), s("a", "d"), s("d", "b")], [s("d")] * 3], 0.716),
    "9b": ([[s("a")] * 3, [s("a", "b"), s("e", "d"), s("f")], [s("d")] * 3], 0.554),
    "9c": (
        [
            [s("a"), s("b"), s("a", "b")],
            [s("a", "b"), s("e", "d"), s("f")],
            [s("b", "d"), s("d"), s("b", "e")],
        ],
        -0.002,
    ),
}


def test_mv_alpha_reproduces_krippendorff_craggs_table_3() -> None:
    result = mv_alpha(coders_by_units(TABLE_3))
    assert round(result.value, 4) == 0.2866  # worksheet.Rmd; the package's test: 0.2865907
    assert result.value == pytest.approx(0.2865907, abs=5e-8)
    # Unit 4 (one observer) is not pairable: D_o over the 8 pairable sets of units 1-3.
    assert result.observed == pytest.approx(0.4625)


@pytest.mark.parametrize("table", sorted(TABLES_8_9))
def test_mv_alpha_reproduces_krippendorff_craggs_tables_8_and_9(table: str) -> None:
    units, printed = TABLES_8_9[table]
    assert round(mv_alpha(coders_by_units(units)).value, 3) == printed


def test_exported_under_the_literatures_names() -> None:
    for name in ("mv_alpha", "multi_valued_alpha", "masi_distance", "jaccard_distance"):
        assert name in agreement.__all__
    assert multi_valued_alpha is mv_alpha


def test_masi_distance_by_its_definition() -> None:
    # nltk's doctest: J = 2/4, M = 2/3 (a subset).
    assert masi_distance({1, 2}, {1, 2, 3, 4}) == pytest.approx(2 / 3)
    assert masi_distance({"a"}, {"a"}) == 0.0
    assert masi_distance({"a", "b"}, {"a", "c"}) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi_distance({"a"}, {"b"}) == 1.0
    assert masi_distance(set(), set()) == 0.0
    assert masi_distance(set(), {"a"}) == 1.0
    assert masi_distance(["a", "b"], ("b", "a")) == 0.0  # any iterable of codes
    assert jaccard_distance({"a", "b"}, {"a", "c"}) == pytest.approx(2 / 3)
    assert jaccard_distance(set(), set()) == 0.0
    assert jaccard_distance(set(), {"a"}) == 1.0


# --- alpha with a custom distance --------------------------------------------------------


def random_sets(rng: np.random.Generator, empty: bool) -> list[list[frozenset[str] | None]]:
    """Coders x units of sets of codes a..e, with agreement built in and some missing."""
    n_coders, n_units = int(rng.integers(2, 5)), int(rng.integers(3, 25))
    codes = list("abcde")[: int(rng.integers(2, 6))]

    def draw() -> frozenset[str]:
        size = int(rng.integers(0 if empty else 1, min(3, len(codes)) + 1))
        return frozenset(rng.choice(codes, size=size, replace=False).tolist())

    truth = [draw() for _ in range(n_units)]
    rows: list[list[frozenset[str] | None]] = []
    for _ in range(n_coders):
        row: list[frozenset[str] | None] = [t if rng.random() < 0.5 else draw() for t in truth]
        rows.append([None if rng.random() < 0.15 else v for v in row])
    rows[0][0], rows[1][0] = truth[0], truth[0]  # at least one unit coded twice
    return rows


def nltk_alpha(rows: list[list[Any]], distance: Any) -> float:
    nltk_agreement = pytest.importorskip("nltk.metrics.agreement")
    triples = [
        (str(c), str(u), value)
        for c, row in enumerate(rows)
        for u, value in enumerate(row)
        if value is not None
    ]
    return float(nltk_agreement.AnnotationTask(data=triples, distance=distance).alpha())


@pytest.mark.parametrize("name", ["masi_distance", "jaccard_distance"])
def test_set_alpha_matches_nltk_on_random_data(name: str) -> None:
    nltk_distance = pytest.importorskip("nltk.metrics.distance")
    ours, theirs = getattr(agreement, name), getattr(nltk_distance, name)
    rng = np.random.default_rng(15)
    compared = 0
    for _ in range(N_DATASETS):
        rows = random_sets(rng, empty=False)  # nltk divides by zero on two empty sets
        result = krippendorff_alpha(rows, distance=ours)
        values = {v for row in rows for v in row if v is not None}
        for a, b in itertools.product(values, repeat=2):
            assert ours(a, b) == pytest.approx(theirs(a, b), abs=EPS)
        if not result.is_defined:
            continue  # nltk answers 1 where alpha is undefined (one value only)
        assert result.value == pytest.approx(nltk_alpha(rows, theirs), abs=EPS)
        compared += 1
    assert compared >= 100


@pytest.mark.parametrize("name", ["masi_distance", "jaccard_distance"])
def test_vectorised_set_distance_equals_calling_it_pair_by_pair(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    distance = getattr(agreement, name)
    monkeypatch.setattr(sets_module, "_PAIRS_A_BLOCK", 7)  # many blocks for D_e
    rng = np.random.default_rng(6)
    for _ in range(40):
        rows = random_sets(rng, empty=True)
        vectorised = krippendorff_alpha(rows, distance=distance)
        one_by_one = krippendorff_alpha(rows, distance=lambda a, b: distance(a, b))
        assert same(vectorised.value, one_by_one.value)
        assert same(vectorised.expected, one_by_one.expected)
        with monkeypatch.context() as patch:  # sets too large to count by size: pair by pair
            patch.setattr(sets_module, "_MAX_SIZE_BINS", 20)
            assert same(krippendorff_alpha(rows, distance=distance).value, one_by_one.value)


def test_custom_distance_matches_the_krippendorff_package_on_random_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(alpha_module, "_PAIRS_A_BLOCK", 5)  # many blocks for D_e
    rng = np.random.default_rng(1515)
    for _ in range(N_DATASETS):
        n_coders, n_units = int(rng.integers(2, 5)), int(rng.integers(4, 30))
        data = rng.integers(1, 6, size=(n_coders, n_units)).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        data[:2, 0] = [1.0, 2.0]
        ours = krippendorff_alpha(data, distance=lambda c, k: abs(c - k))
        if not ours.is_defined:
            continue
        theirs = krippendorff.alpha(
            reliability_data=data,
            level_of_measurement=lambda v1, v2, **_: np.abs(v1 - v2),  # type: ignore[arg-type]
        )
        assert ours.value == pytest.approx(float(theirs), abs=EPS)


@st.composite
def reliability_data(draw: st.DrawFn) -> list[list[int | None]]:
    m, n = draw(st.integers(2, 4)), draw(st.integers(2, 20))
    value = st.one_of(st.none(), st.integers(0, 3))
    return draw(st.lists(st.lists(value, min_size=n, max_size=n), min_size=m, max_size=m))


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) < EPS


@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_a_distance_reproduces_the_levels_it_names(data: list[list[int | None]]) -> None:
    levels: tuple[tuple[Level, Distance], ...] = (
        ("nominal", lambda c, k: float(c != k)),
        ("interval", lambda c, k: (c - k) ** 2),
        ("ratio", lambda c, k: ((c - k) / (c + k)) ** 2 if c + k else 0.0),
    )
    for level, distance in levels:
        expected = krippendorff_alpha(data, level)
        got = krippendorff_alpha(data, distance=distance)
        assert same(got.value, expected.value)
        assert got.reason == expected.reason


def test_custom_distance_undefined_cases_and_refusals() -> None:
    assert krippendorff_alpha([[None, None], [None, None]], distance=masi_distance).reason == (
        NO_PAIRABLE
    )
    one = [[{"a"}, None], [{"a", "b"}, {"c"}]]
    assert krippendorff_alpha(one, distance=masi_distance).reason == ONE_UNIT
    flat = [[{"a"}, {"a"}], [{"a"}, {"a"}]]
    assert krippendorff_alpha(flat, distance=masi_distance).reason == NO_VARIATION
    # Distinct values that are 0 apart: no expected disagreement either.
    assert krippendorff_alpha([[1, 2], [2, 1]], distance=lambda c, k: 0.0).reason == NO_VARIATION
    with pytest.raises(ValueError, match="give one"):
        krippendorff_alpha([[1, 2], [1, 2]], "interval", distance=lambda c, k: 0.0)
    with pytest.raises(ValueError, match=">= 0"):
        krippendorff_alpha([[1, 2], [1, 2]], distance=lambda c, k: -1.0)
    with pytest.raises(ValueError, match=">= 0"):
        krippendorff_alpha([[1, 2], [1, 2]], distance=lambda c, k: math.nan)
    with pytest.raises(ValueError, match="hashable"):
        krippendorff_alpha([[{"a": 1}, 2], [1, 2]], distance=lambda c, k: 0.0)
    with pytest.raises(ValueError, match="ragged"):
        krippendorff_alpha([[{"a"}], [{"a"}, {"b"}]], distance=masi_distance)


def test_set_alpha_with_masi_gives_partial_credit() -> None:
    exact = [[s("a"), s("b"), s("c"), s("a", "b")], [s("a"), s("b"), s("c"), s("a", "b")]]
    overlapping = [[s("a"), s("b"), s("c"), s("a", "b")], [s("a"), s("b"), s("c"), s("a")]]
    disjoint = [[s("a"), s("b"), s("c"), s("a", "b")], [s("a"), s("b"), s("c"), s("c")]]
    assert krippendorff_alpha(exact, distance=masi_distance).value == pytest.approx(1.0)
    near = krippendorff_alpha(overlapping, distance=masi_distance).value
    far = krippendorff_alpha(disjoint, distance=masi_distance).value
    nominal = krippendorff_alpha(overlapping, distance=lambda c, k: float(c != k)).value
    assert far < near < 1.0
    assert nominal < near  # nominal alpha over sets gives {a, b} vs {a} no credit


# --- mv-alpha properties ------------------------------------------------------------------


def brute_force_mv_alpha(rows: list[list[frozenset[str] | None]]) -> float:
    """mv-alpha with its expected disagreement by enumerating every pair of code subsets."""
    units = [[v for v in unit if v is not None] for unit in zip(*rows, strict=True)]
    units = [u for u in units if len(u) >= 2]

    def delta(c: frozenset[str], k: frozenset[str]) -> float:
        return 0.0 if not c and not k else 1 - 2 * len(c & k) / (len(c) + len(k))

    n = sum(len(u) for u in units)
    d_o = sum(sum(delta(c, k) for c in u for k in u) / (len(u) - 1) for u in units) / n
    pooled = [v for u in units for v in u]
    n_x = {x: sum(x in v for v in pooled) for v in pooled for x in v}
    p = {i: sum(len(v) == i for v in pooled) / n for i in {len(v) for v in pooled}}
    d_e = 0.0
    for i, j in itertools.product(p, repeat=2):
        weights = [
            (
                math.prod(n_x[x] for x in set(c) | set(k))
                * math.prod(n_x[x] - 1 for x in set(c) & set(k)),
                delta(frozenset(c), frozenset(k)),
            )
            for c in itertools.combinations(sorted(n_x), i)
            for k in itertools.combinations(sorted(n_x), j)
        ]
        total = sum(w for w, _ in weights)
        if total:
            d_e += p[i] * p[j] * sum(w * d for w, d in weights) / total
    return 1 - d_o / d_e if d_e else math.nan


def test_mv_alpha_equals_enumerating_every_pair_of_code_sets() -> None:
    rng = np.random.default_rng(2016)
    for _ in range(N_DATASETS):
        rows = random_sets(rng, empty=True)
        assert same(mv_alpha(rows).value, brute_force_mv_alpha(rows))


@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_mv_alpha_is_nominal_alpha_when_every_unit_carries_one_value(
    data: list[list[int | None]],
) -> None:
    expected = krippendorff_alpha(data)
    as_sets = [[None if v is None else {v} for v in row] for row in data]
    for given_data in (data, as_sets):
        got = mv_alpha(given_data)
        assert same(got.value, expected.value)
        assert got.reason == expected.reason


def test_mv_alpha_perfect_agreement_bounds_and_symmetry() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(60):
        rows = random_sets(rng, empty=True)
        result = mv_alpha(rows)
        if not result.is_defined:
            continue
        checked += 1
        assert result.value <= 1 + EPS
        shuffled_units = rng.permutation(len(rows[0]))
        shuffled = [[rows[c][u] for u in shuffled_units] for c in rng.permutation(len(rows))]
        assert mv_alpha(shuffled).value == pytest.approx(result.value, abs=EPS)
        truth = [next((v for v in unit if v), s()) for unit in zip(*rows, strict=True)]
        perfect = mv_alpha([truth, truth, truth])
        assert not perfect.is_defined or perfect.value == pytest.approx(1.0)
    assert checked >= 50
    assert mv_alpha([[s("a", "b"), s(), s("c")], [s("b", "a"), s(), s("c")]]).value == 1.0


def test_set_coefficients_take_a_bootstrap_interval() -> None:
    rows = random_sets(np.random.default_rng(3), empty=True)
    for statistic in (mv_alpha, lambda d: krippendorff_alpha(d, distance=masi_distance)):
        interval = agreement.bootstrap_ci(statistic, rows, n_boot=50)
        assert interval.estimate.is_defined
        assert interval.low <= interval.estimate.value <= interval.high


def test_mv_alpha_undefined_cases() -> None:
    assert mv_alpha([[None, s("a")], [s("b"), None]]).reason == NO_PAIRABLE
    assert mv_alpha([[s("a"), s("b")], [s("a", "b"), None]]).reason == ONE_UNIT
    assert mv_alpha([[s("a"), s("a")], [s("a"), s("a")]]).reason == NO_VARIATION
    assert mv_alpha([[s(), s()], [s(), s()]]).reason == NO_VARIATION
    with pytest.raises(ValueError, match="ragged"):
        mv_alpha([[s("a")], [s("a"), s("b")]])

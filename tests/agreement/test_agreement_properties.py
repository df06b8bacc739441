"""Property tests (hypothesis): bounds, symmetry, perfect agreement, relabelling, and agreement
with the ``krippendorff`` package and with the general formulas."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coder.agreement import (
    binary,
    brennan_prediger,
    character_kappa,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
    unitized_alpha,
)
from coder.agreement.coefficients import pabak

EPS = 1e-9


@st.composite
def reliability_data(draw: st.DrawFn, max_coders: int = 4, missing: bool = True) -> np.ndarray:
    m = draw(st.integers(2, max_coders))
    n = draw(st.integers(2, 25))
    values = st.one_of(st.none(), st.integers(0, 3)) if missing else st.integers(0, 3)
    rows = draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=m, max_size=m))
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


MULTI = [krippendorff_alpha, fleiss_kappa, gwet_ac1, brennan_prediger, percent_agreement]


@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_bounded_above_by_one(data: np.ndarray) -> None:
    for coefficient in MULTI:
        value = coefficient(data).value
        assert math.isnan(value) or value <= 1 + EPS
    for level in ("ordinal", "interval", "ratio"):
        value = krippendorff_alpha(data, level).value
        assert math.isnan(value) or value <= 1 + EPS


@settings(max_examples=150, deadline=None)
@given(reliability_data(), st.randoms())
def test_symmetric_in_coders(data: np.ndarray, random: object) -> None:
    order = list(range(len(data)))
    random.shuffle(order)  # type: ignore[attr-defined]
    for coefficient in MULTI:
        assert coefficient(data).value == pytest.approx(coefficient(data[order]).value, nan_ok=True)
    a, b = data[0], data[1]
    for two in (cohen_kappa, scott_pi):
        assert two(a, b).value == pytest.approx(two(b, a).value, nan_ok=True)


@settings(max_examples=150, deadline=None)
@given(reliability_data(), st.permutations([0, 1, 2, 3]))
def test_nominal_coefficients_ignore_category_labels(data: np.ndarray, relabel: list[int]) -> None:
    mapped = data.copy()
    present = ~np.isnan(data)
    mapped[present] = np.array(relabel)[data[present].astype(int)] * 10 + 7
    for coefficient in MULTI:
        assert coefficient(data).value == pytest.approx(coefficient(mapped).value, nan_ok=True)
    assert cohen_kappa(data[0], data[1]).value == pytest.approx(
        cohen_kappa(mapped[0], mapped[1]).value, nan_ok=True
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=30), st.integers(2, 5))
def test_perfect_agreement_gives_one(ratings: list[int], m: int) -> None:
    assume(len(set(ratings)) >= 2)
    data = [ratings] * m
    for coefficient in MULTI:
        assert coefficient(data).value == pytest.approx(1.0)
    for level in ("ordinal", "interval", "ratio"):
        assert krippendorff_alpha(data, level).value == pytest.approx(1.0)
    for two in (cohen_kappa, scott_pi):
        assert two(ratings, ratings).value == pytest.approx(1.0)
    for weights in ("linear", "quadratic"):
        assert cohen_kappa(ratings, ratings, weights=weights).value == pytest.approx(1.0)


@settings(max_examples=150, deadline=None)
@given(reliability_data(max_coders=5))
def test_alpha_agrees_with_krippendorff_package(data: np.ndarray) -> None:
    ours_nominal = krippendorff_alpha(data, "nominal")
    assume(ours_nominal.is_defined)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ours = krippendorff_alpha(data, level)
        theirs = krippendorff.alpha(data, level_of_measurement=level)
        if ours.is_defined:
            assert ours.value == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=2, max_size=40))
def test_weighted_kappa_equals_kappa_for_two_categories(pairs: list[tuple[bool, bool]]) -> None:
    a = [int(x) for x, _ in pairs]
    b = [int(y) for _, y in pairs]
    plain = cohen_kappa(a, b, categories=[0, 1])
    for weights in ("linear", "quadratic"):
        weighted = cohen_kappa(a, b, weights=weights, categories=[0, 1])
        assert weighted.value == pytest.approx(plain.value, nan_ok=True)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.lists(
            st.lists(st.integers(0, 1), min_size=m, max_size=m), min_size=1, max_size=30
        )
    )
)
def test_mask_table_formulas_match_general_functions(units: list[list[int]]) -> None:
    data = np.array(units, dtype=float).T  # coders x units
    m = data.shape[0]
    masks = (data.astype(int) * (1 << np.arange(m))[:, None]).sum(axis=0)
    h = np.bincount(masks, minlength=1 << m)[None, :].astype(float)
    pairs = [
        (binary.alpha(h, m), krippendorff_alpha(data)),
        (binary.percent_agreement(h, m), percent_agreement(data)),
        (binary.kappa(h, m), cohen_kappa(data[0], data[1]) if m == 2 else fleiss_kappa(data)),
    ]
    for fast, general in pairs:
        got = fast.coefficient(0)
        assert got.value == pytest.approx(general.value, nan_ok=True)
        assert got.reason == general.reason
    if m == 2:
        result = pabak(data[0], data[1], categories=[0.0, 1.0])
        assert binary.pabak(h, 2).value[0] == pytest.approx(result.pabak.value)


#: (coder, start, end, code), as unitized alpha and character kappa take them.
Span = tuple[int, int, int, str]

spans_strategy = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 59), st.integers(1, 30), st.sampled_from("xy")),
    max_size=12,
).map(lambda rows: [(c, s, min(s + n, 60), k) for c, s, n, k in rows])


@settings(max_examples=150, deadline=None)
@given(spans_strategy)
def test_character_kappa_matches_per_character_booleans(spans: list[Span]) -> None:
    marks = np.zeros((2, 60), dtype=int)
    for coder, start, end, code in spans:
        if code == "x":
            marks[coder, start:end] = 1
    expected = cohen_kappa(marks[0], marks[1])
    got = character_kappa(spans, 60, "x", (0, 1))
    assert got.kappa.value == pytest.approx(expected.value, nan_ok=True)
    assert got.percent_agreement == pytest.approx(np.mean(marks[0] == marks[1]))


@settings(max_examples=150, deadline=None)
@given(spans_strategy)
def test_unitized_alpha_bounds_symmetry_and_perfect_agreement(spans: list[Span]) -> None:
    alpha = unitized_alpha(spans, 60, "x", coders=[0, 1])
    assert math.isnan(alpha.value) or alpha.value <= 1 + EPS
    swapped = [(1 - c, s, e, k) for c, s, e, k in spans]
    assert unitized_alpha(swapped, 60, "x", coders=[0, 1]).value == pytest.approx(
        alpha.value, nan_ok=True
    )
    mine = [(0, s, e, k) for c, s, e, k in spans if c == 0]
    copied = mine + [(1, s, e, k) for _, s, e, k in mine]
    perfect = unitized_alpha(copied, 60, "x", coders=[0, 1])
    if perfect.is_defined:
        assert perfect.value == pytest.approx(1.0)

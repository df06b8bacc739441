"""Krippendorff's 2016/2019 unitizing alpha family: uα, |uα, cuα, (k)uα and Cuα.

The published worked example is Krippendorff (2019), *Content Analysis*, 4th ed., section 12.6,
Figure 12.11 (p. 340): three observers (Alex, Paul, Suzan) on a continuum of 60 positions, with
uα = 0.510, |uα = 0.413 and cuα = 0.724, and per value (k)uα = 1 for values 1, 5 and 6 and 0 for
2, 3 and 4. The figure's segments are as transcribed in quallmer's tests
(tests/testthat/test-alpha_u.R, "Book example: Figure 12.11", 1-based inclusive positions).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coder.agreement import (
    Cu_alpha,
    binary_u_alpha,
    cu_alpha,
    k_u_alpha,
    krippendorff_alpha,
    u_alpha,
    unitizing_alphas,
)
from coder.domain.coefficient import NO_UNITS_MARKED

FIGURE_12_11 = {
    "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
    "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
    "Suzan": [
        (1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6"),
    ],
}  # fmt: skip
# Half-open [start - 1, end) for the book's inclusive 1-based positions.
BOOK_SPANS = [(c, s - 1, e, v) for c, segs in FIGURE_12_11.items() for s, e, v in segs]


def printed(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def test_figure_12_11_u_alpha_and_cu_alpha_to_the_printed_digit() -> None:
    assert printed(u_alpha(BOOK_SPANS, 60).value) == "0.510"
    assert printed(cu_alpha(BOOK_SPANS, 60).value) == "0.724"


def test_figure_12_11_binary_u_alpha() -> None:
    # The book prints 0.413; the exact value is 0.41360 (the book works from expected
    # coincidences rounded to two decimals, which gives 0.4135). Within a thousandth.
    value = binary_u_alpha(BOOK_SPANS, 60).value
    assert value == pytest.approx(0.413, abs=1e-3)
    assert value == pytest.approx(0.4135992304, abs=1e-9)


def test_figure_12_11_per_value() -> None:
    family = unitizing_alphas(BOOK_SPANS, 60)
    for value in ("1", "5", "6"):
        assert family.k_u_alpha[value].value == pytest.approx(1.0)
    for value in ("2", "3", "4"):
        assert family.k_u_alpha[value].value == pytest.approx(0.0)
    assert not family.k_u_alpha["7"].is_defined  # value 7 meets only gaps
    assert family.k_coverage["5"] == pytest.approx(8 / 18)
    assert family.k_coverage["7"] == 0.0
    assert k_u_alpha(BOOK_SPANS, 60, "6").value == pytest.approx(1.0)


def test_a_domain_restricts_the_values() -> None:
    # The codes outside the domain are gaps to it.
    domain = ["1", "2", "3", "4"]
    only = [s for s in BOOK_SPANS if s[3] in domain]
    assert u_alpha(BOOK_SPANS, 60, codes=domain).value == pytest.approx(u_alpha(only, 60).value)


def test_Cu_alpha_treats_each_domain_as_one_value() -> None:
    domains = {"1": "A", "2": "B", "3": "B", "4": "B", "5": "C", "6": "C", "7": "C"}
    merged = [(c, s, e, domains[v]) for c, s, e, v in BOOK_SPANS]
    assert Cu_alpha(BOOK_SPANS, 60, domains).value == pytest.approx(cu_alpha(merged, 60).value)
    # Codes 2, 3 and 4 disagree; as one domain they agree, so Cu-alpha exceeds cu-alpha.
    assert Cu_alpha(BOOK_SPANS, 60, domains).value > cu_alpha(BOOK_SPANS, 60).value


def test_undefined_cases() -> None:
    assert u_alpha([("a", 0, 5, "x"), ("b", 0, 5, "x")], 10, codes=["y"]).reason == (
        NO_UNITS_MARKED
    )
    assert not cu_alpha([("a", 0, 5, "x"), ("b", 6, 9, "x")], 10).is_defined
    with pytest.raises(ValueError, match="at least 2 coders"):
        u_alpha([("a", 0, 5, "x")], 10)
    with pytest.raises(ValueError, match="not a non-empty part"):
        u_alpha([("a", 0, 11, "x"), ("b", 0, 5, "x")], 10)


@st.composite
def point_codings(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    """Every coder gives each of L positions a value 0-2 (0 = not coded)."""
    m = draw(st.integers(2, 4))
    length = draw(st.integers(3, 30))
    grid = draw(
        st.lists(st.lists(st.integers(0, 2), min_size=length, max_size=length), min_size=m).filter(
            lambda g: len(g) == m
        )
    )
    return np.array(grid), length


def spans_of(grid: np.ndarray) -> list[tuple[int, int, int, int]]:
    return [(c, p, p + 1, int(v)) for c, row in enumerate(grid) for p, v in enumerate(row) if v]


@settings(max_examples=80, deadline=None)
@given(point_codings())
def test_unit_length_segments_reduce_to_krippendorffs_alpha(data: tuple[np.ndarray, int]) -> None:
    # With units of length 1 a unit's self-pairing (l^2) equals a gap position's (l), so uα is
    # nominal alpha over the positions with "not coded" as a value, and |uα its binary form.
    grid, length = data
    spans = spans_of(grid)
    coders = list(range(len(grid)))
    ours = u_alpha(spans, length, coders=coders)
    reference = krippendorff_alpha(grid.astype(float), level="nominal")
    assert ours.is_defined == reference.is_defined
    if ours.is_defined:
        assert ours.value == pytest.approx(reference.value, abs=1e-9)
    binary = binary_u_alpha(spans, length, coders=coders)
    reference_b = krippendorff_alpha((grid > 0).astype(float), level="nominal")
    if binary.is_defined and reference_b.is_defined:
        assert binary.value == pytest.approx(reference_b.value, abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(point_codings())
def test_two_coders_cu_alpha_is_alpha_where_both_coded(data: tuple[np.ndarray, int]) -> None:
    grid, length = data
    grid = grid[:2]
    both = grid[:, (grid > 0).all(axis=0)].astype(float)
    ours = cu_alpha(spans_of(grid), length, coders=[0, 1])
    if both.shape[1] == 0:
        assert not ours.is_defined
        return
    reference = krippendorff_alpha(both, level="nominal")
    if ours.is_defined and reference.is_defined:
        assert ours.value == pytest.approx(reference.value, abs=1e-9)


@st.composite
def segmentations(draw: st.DrawFn) -> tuple[list[tuple[int, int, int, str]], int]:
    length = draw(st.integers(5, 80))
    spans = []
    for coder in range(draw(st.integers(2, 4))):
        cuts = sorted(draw(st.sets(st.integers(0, length), min_size=2, max_size=10)))
        for s, e in itertools.pairwise(cuts):
            if draw(st.booleans()):
                spans.append((coder, s, e, draw(st.sampled_from("xyz"))))
    return spans, length


@settings(max_examples=80, deadline=None)
@given(segmentations())
def test_bounds_symmetry_and_perfect_agreement(
    data: tuple[list[tuple[int, int, int, str]], int],
) -> None:
    spans, length = data
    coders = sorted({s[0] for s in spans} | {0, 1})
    family = unitizing_alphas(spans, length, coders=coders)
    reversed_coders = unitizing_alphas(spans, length, coders=coders[::-1])
    for mine, theirs in (
        (family.u_alpha, reversed_coders.u_alpha),
        (family.binary_u_alpha, reversed_coders.binary_u_alpha),
        (family.cu_alpha, reversed_coders.cu_alpha),
    ):
        if mine.is_defined:
            assert mine.value <= 1 + 1e-9
            assert mine.value == pytest.approx(theirs.value, abs=1e-9)
        else:
            assert not theirs.is_defined
    first = [(s, e, v) for c, s, e, v in spans if c == coders[0]]
    copy = [(c, s, e, v) for c in coders for s, e, v in first]
    same = unitizing_alphas(copy, length, coders=coders)
    for value in (same.u_alpha, same.binary_u_alpha, same.cu_alpha):
        assert not value.is_defined or math.isclose(value.value, 1.0, abs_tol=1e-9)

"""Undefined cases give NaN with a reason (never ZeroDivisionError); bad input a ValueError."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pytest

from coder.agreement import (
    Coefficient,
    bootstrap_ci,
    brennan_prediger,
    character_kappa,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pabak,
    percent_agreement,
    scott_pi,
    unitized_alpha,
)

N = None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([[1, 1, 1], [1, 1, 1]], "no variation"),
        ([[1, N, N], [2, N, N]], "one unit only"),
        ([[N, N], [N, N]], "no unit rated by two or more coders"),
        ([[1, N], [N, 2]], "no unit rated by two or more coders"),
    ],
)
def test_undefined_cases_name_their_reason(data: list[Any], reason: str) -> None:
    for coefficient in (krippendorff_alpha, fleiss_kappa):
        result = coefficient(data)
        assert math.isnan(result.value)
        assert str(result) == f"undefined: {reason}"
    assert str(cohen_kappa(data[0], data[1])) == f"undefined: {reason}"
    assert str(scott_pi(data[0], data[1])) == f"undefined: {reason}"


def test_single_category_for_gwet_and_brennan_prediger() -> None:
    data = [["y", "y", "y"], ["y", "y", "y"]]
    assert str(gwet_ac1(data)) == "undefined: only one category"
    assert str(brennan_prediger(data)) == "undefined: only one category"
    # Declaring the scale makes it defined: perfect agreement on a two-point scale.
    assert gwet_ac1(data, categories=["y", "n"]).value == pytest.approx(1.0)
    assert brennan_prediger(data, categories=["y", "n"]).value == pytest.approx(1.0)


def test_percent_agreement_defined_for_one_unit() -> None:
    assert percent_agreement([[1], [1]]).value == 1.0


def test_coefficient_formatting_and_dict() -> None:
    assert Coefficient(0.74342).format(3) == "0.743"
    assert float(Coefficient(0.5)) == 0.5
    assert Coefficient.undefined("no variation").to_dict()["value"] is None


@pytest.mark.parametrize(
    "bad",
    [
        [[1, 2, 3], [1, 2]],  # ragged
        [[1, 2, 3]],  # one coder
        [1, 2, 3],  # not a matrix
    ],
)
def test_bad_reliability_data_raises(bad: list[Any]) -> None:
    with pytest.raises(ValueError):
        krippendorff_alpha(bad)
    with pytest.raises(ValueError):
        fleiss_kappa(bad)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([[1, 2], [1, 2]], level="cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "b"]], level="interval")
    with pytest.raises(ValueError, match="binary"):
        pabak([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="not among"):
        gwet_ac1([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(ValueError, match="continuum"):
        unitized_alpha([(0, 5, 70, "x"), (1, 0, 3, "x")], 60, "x")
    with pytest.raises(ValueError, match="2 coders"):
        unitized_alpha([(0, 5, 7, "x")], 60, "x")
    with pytest.raises(ValueError, match="exactly 2"):
        character_kappa([(0, 5, 7, "x")], 60, "x", (0, 1, 2))


def test_ordinal_labels_with_categories() -> None:
    # Krippendorff (2011) example C with labels: the order comes from `categories`.
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    labelled = [[None if v is None else names[v] for v in row] for row in data]
    scale = [names[k] for k in range(1, 6)]
    assert krippendorff_alpha(labelled, "ordinal", scale).value == pytest.approx(
        krippendorff_alpha(data, "ordinal").value
    )


def test_weighted_kappa_by_hand() -> None:
    # 3 ordered categories; table [[2, 1, 0], [0, 2, 1], [1, 0, 3]] (rows coder a), n = 10.
    # Linear agreement weights 1, .5, 0: p_o = (2+2+3 + .5*(1+1+0+0))/10 = 0.8;
    # marginals a = (.3, .3, .4), b = (.3, .3, .4): p_e = sum w_ij a_i b_j = 0.6 - ...
    table = np.array([[2, 1, 0], [0, 2, 1], [1, 0, 3]])
    a = np.repeat([0, 0, 0, 1, 1, 1, 2, 2, 2], table.ravel())
    b = np.repeat([0, 1, 2, 0, 1, 2, 0, 1, 2], table.ravel())
    weightings: list[tuple[Literal["linear", "quadratic"], int]] = [("linear", 1), ("quadratic", 2)]
    for weights, power in weightings:
        w = 1 - (np.abs(np.subtract.outer(range(3), range(3))) / 2) ** power
        p = table / 10
        p_o = (w * p).sum()
        p_e = p.sum(axis=1) @ w @ p.sum(axis=0)
        assert cohen_kappa(a, b, weights=weights).value == pytest.approx((p_o - p_e) / (1 - p_e))
    assert cohen_kappa(a, b, weights="linear").observed == pytest.approx(0.8)


def test_bootstrap_ci_reproducible_and_brackets_estimate() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 200)
    data = np.vstack([truth, np.where(rng.random(200) < 0.8, truth, rng.integers(0, 3, 200))])
    first = bootstrap_ci(krippendorff_alpha, data, n_boot=300, seed=1)
    again = bootstrap_ci(krippendorff_alpha, data, n_boot=300, seed=1)
    assert first == again
    assert first.low < first.estimate.value < first.high
    assert first.n_valid == 300
    kappa = bootstrap_ci(lambda d: cohen_kappa(d[0], d[1]), data, n_boot=100, seed=1)
    assert kappa.low < kappa.estimate.value < kappa.high
    with pytest.raises(ValueError):
        bootstrap_ci(krippendorff_alpha, data, n_boot=0)
    with pytest.raises(ValueError):
        bootstrap_ci(krippendorff_alpha, data, confidence=1.5)


def test_bootstrap_ci_of_undefined_statistic_is_nan() -> None:
    result = bootstrap_ci(krippendorff_alpha, [[1, 1, 1], [1, 1, 1]], n_boot=20)
    assert math.isnan(result.low) and result.n_valid == 0
    assert str(result.estimate) == "undefined: no variation"

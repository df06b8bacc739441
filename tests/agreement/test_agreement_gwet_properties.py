"""Identities between the weighted coefficients, their undefined cases, precision, planning,
specific agreement, Holsti's index and benchmarks."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from coder.agreement import (
    WEIGHT_SCHEMES,
    Codings,
    agreement_precision,
    agreement_weights,
    benchmark,
    bootstrap_ci,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    holsti_from_counts,
    holsti_index,
    krippendorff_alpha,
    light_kappa,
    negative_agreement,
    plan_sample_size,
    positive_agreement,
    probability_below,
    scott_pi,
    specific_agreement,
    weighted_brennan_prediger,
    weighted_cohen_kappa,
    weighted_fleiss_kappa,
    weighted_krippendorff_alpha,
    weighted_scott_pi,
)
from coder.agreement.distributions import student_t_cdf, student_t_ppf
from coder.domain.coefficient import NO_VARIATION, ONE_UNIT
from tests.agreement.test_agreement_gwet_published import FOUR_RATERS, N


def ratings(seed: int, coders: int = 3, units: int = 30, q: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, q + 1, units)
    noise = rng.integers(1, q + 1, (coders, units))
    return np.where(rng.random((coders, units)) < 0.6, truth, noise).astype(np.float64)


@pytest.mark.parametrize("scheme", WEIGHT_SCHEMES)
def test_weights_are_agreement_weights(scheme: str) -> None:
    w = agreement_weights(scheme, [1, 2, 3, 4, 5])  # type: ignore[arg-type]
    assert np.allclose(np.diag(w), 1.0) and np.allclose(w, w.T)
    assert w.min() >= -1e-12 and w.max() <= 1.0 + 1e-12
    assert math.isclose(w.min(), 0.0, abs_tol=1e-12)


def test_unweighted_versions_are_the_existing_coefficients() -> None:
    for seed in range(5):
        data = ratings(seed)
        data[0, :3] = np.nan
        assert math.isclose(gwet_ac2(data, "identity").value, gwet_ac1(data).value)
        assert math.isclose(weighted_fleiss_kappa(data, "identity").value, fleiss_kappa(data).value)
        assert math.isclose(
            weighted_brennan_prediger(data, "identity").value, brennan_prediger(data).value
        )
        assert math.isclose(
            weighted_krippendorff_alpha(data, "identity").value, krippendorff_alpha(data).value
        )
        a, b = data[0], data[1]
        assert math.isclose(weighted_cohen_kappa(a, b, "identity").value, cohen_kappa(a, b).value)
        assert math.isclose(weighted_scott_pi(a, b, "identity").value, scott_pi(a, b).value)


def test_weighted_alpha_is_interval_and_ratio_alpha() -> None:
    # Disagreement 1 - w: quadratic weights give interval alpha, ratio weights ratio alpha.
    for seed in range(5):
        data = ratings(seed)
        data[1, 4:8] = np.nan
        assert math.isclose(
            weighted_krippendorff_alpha(data, "quadratic").value,
            krippendorff_alpha(data, "interval").value,
        )
        assert math.isclose(
            weighted_krippendorff_alpha(data, "ratio").value,
            krippendorff_alpha(data, "ratio").value,
        )


@pytest.mark.parametrize("scheme", WEIGHT_SCHEMES)
def test_two_coders_conger_and_light_are_cohen(scheme: str) -> None:
    data = ratings(11, coders=2)
    cohen = weighted_cohen_kappa(data[0], data[1], scheme)  # type: ignore[arg-type]
    assert math.isclose(conger_kappa(data, scheme).value, cohen.value)  # type: ignore[arg-type]
    assert math.isclose(light_kappa(data, scheme).value, cohen.value)  # type: ignore[arg-type]


def test_light_kappa_is_mean_pairwise_cohen_on_complete_units() -> None:
    data = ratings(3, coders=4)
    data[2, 5] = np.nan
    complete = data[:, ~np.isnan(data).any(axis=0)]
    pairs = [cohen_kappa(complete[g], complete[h]).value for g, h in combinations(range(4), 2)]
    assert math.isclose(light_kappa(data).value, float(np.mean(pairs)))


def test_undefined_cases_carry_their_reason_and_no_precision() -> None:
    same = [[2, 2, 2, 2], [2, 2, 2, 2], [2, 2, 2, 2]]
    assert conger_kappa(same).reason == NO_VARIATION
    assert weighted_fleiss_kappa(same).reason == NO_VARIATION
    assert gwet_ac2([[1, 2], [1, 2]]).is_defined
    assert gwet_ac2([[1, N], [1, N]]).reason == ONE_UNIT
    p = agreement_precision(same, "fleiss_kappa")
    assert p.estimate.reason == NO_VARIATION
    assert math.isnan(p.standard_error) and math.isnan(p.low) and math.isnan(p.p_value)


def test_finite_population_correction() -> None:
    data = ratings(5)
    n = data.shape[1]
    infinite = agreement_precision(data, "gwet_ac1")
    half = agreement_precision(data, "gwet_ac1", population_size=2 * n)
    census = agreement_precision(data, "gwet_ac1", population_size=n)
    assert math.isclose(half.standard_error, infinite.standard_error * math.sqrt(0.5))
    assert census.standard_error == 0.0 and census.low == census.value


def test_student_t_against_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 3, 5, 11, 14, 30, 99, 1000, 1e6):
        for t in (-30.0, -4.0, -2.2, -0.5, 0.0, 0.7, 1.96, 3.5, 12.0):
            assert math.isclose(student_t_cdf(t, df), stats.t.cdf(t, df), abs_tol=1e-12)
        for p in (1e-5, 0.005, 0.025, 0.2, 0.5, 0.8, 0.975, 0.995, 1 - 1e-5):
            expected = stats.t.ppf(p, df)
            assert math.isclose(student_t_ppf(p, df), expected, rel_tol=1e-10, abs_tol=1e-10)


def test_specific_agreement_two_by_two() -> None:
    # a = 4 both positive, b = c = 1 disagreements, d = 2 both negative.
    a = [1, 1, 1, 1, 1, 0, 0, 0]
    b = [1, 1, 1, 1, 0, 1, 0, 0]
    assert math.isclose(positive_agreement([a, b]).value, 2 * 4 / (2 * 4 + 2))
    assert math.isclose(negative_agreement([a, b]).value, 2 * 2 / (2 * 2 + 2))
    assert math.isclose(positive_agreement([a, b], positive=0).value, 2 * 2 / (2 * 2 + 2))


def test_specific_agreement_many_coders_counts_pairs() -> None:
    data = ratings(8, coders=4, q=3)
    result = specific_agreement(data)
    for k, category in enumerate(result.categories):
        agreeing = possible = 0
        for unit in data.T:
            for g, h in combinations(range(4), 2):
                agreeing += 2 * int(unit[g] == category and unit[h] == category)
                possible += int(unit[g] == category) + int(unit[h] == category)
        assert math.isclose(result.values[k].value, agreeing / possible)


def segments(
    doc: list[int], start: list[int], end: list[int], code: list[int], coder: list[int]
) -> Codings:
    def column(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)

    return Codings(column(doc), column(start), column(end), column(code), column(coder))


def test_holsti_index_of_free_segments() -> None:
    # Coder 0: [0,5) [10,20) in doc 0, [5,9) in doc 1; coder 1: [0,4) [12,20) in doc 0.
    codings = segments(
        doc=[0, 0, 1, 0, 0],
        start=[0, 10, 5, 0, 12],
        end=[5, 20, 9, 4, 20],
        code=[1, 1, 1, 1, 1],
        coder=[0, 0, 0, 1, 1],
    )
    assert math.isclose(holsti_index(codings).value, 4 / 5)  # 2 M / (N1 + N2), M = 2
    assert math.isclose(holsti_from_counts(2, 3, 2).value, 4 / 5)
    # Both overlaps are 80% of the union: a 0.85 threshold matches nothing.
    assert holsti_index(codings, min_overlap=0.85).value == 0.0
    other_code = segments(doc=[0, 0], start=[0, 0], end=[5, 5], code=[1, 2], coder=[0, 1])
    assert holsti_index(other_code).value == 0.0
    assert not holsti_index(segments([], [], [], [], [])).is_defined


def test_plan_sample_size_gives_the_interval_width_asked_for() -> None:
    # Simulate two coders at the planned n: the spread of Scott's pi must match the SE the
    # plan promised (ci_width = 2 * 1.96 * SE), within Monte Carlo error.
    plan = plan_sample_size(0.7, ci_width=0.2, prevalence=0.3)
    rng = np.random.default_rng(0)
    values = []
    for _ in range(1500):
        same = rng.random(plan.n_units) < 0.7
        first = rng.random(plan.n_units) < 0.3
        second = np.where(same, first, rng.random(plan.n_units) < 0.3)
        values.append(scott_pi(first.astype(int), second.astype(int)).value)
    assert abs(float(np.std(values)) / plan.standard_error - 1.0) < 0.08
    assert plan_sample_size(0.7, 0.2, prevalence=0.1).n_units > plan.n_units
    assert plan_sample_size(1.0, 0.1).n_units == 2


def test_probability_below_uses_the_bootstrap_of_the_interval() -> None:
    risk = probability_below(FOUR_RATERS, thresholds=(-1.0, 0.667, 0.8, 1.01), n_boot=300)
    same = bootstrap_ci(krippendorff_alpha, FOUR_RATERS, n_boot=300)
    assert (risk.interval.low, risk.interval.high) == (same.low, same.high)
    assert risk.q[-1.0] == 0.0 and risk.q[1.01] == 1.0
    assert 0.0 < risk.q[0.667] < risk.q[0.8] < 1.0


@pytest.mark.parametrize(
    ("value", "scale", "label"),
    [
        (0.80, "landis_koch", "Substantial"),  # 0.61-0.80 substantial
        (0.81, "landis_koch", "Almost perfect"),
        (0.0, "landis_koch", "Slight"),  # 0.00-0.20 slight
        (-0.1, "landis_koch", "Poor"),
        (0.40, "fleiss", "Intermediate to good"),  # 0.40-0.75
        (0.76, "fleiss", "Excellent"),
        (0.80, "krippendorff", "Reliable"),  # alpha >= .800
        (0.70, "krippendorff", "Tentative conclusions only"),
        (0.55, "altman", "Moderate"),
    ],
)
def test_benchmark_bands(value: float, scale: str, label: str) -> None:
    band = benchmark(value, scale)
    assert band is not None and band.label == label

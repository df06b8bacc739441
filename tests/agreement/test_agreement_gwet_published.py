"""Gwet's coefficients, their precision, planning and benchmarks against published examples.

Values are compared at the digits the source prints. Sources:

* irrCAC README (R package by K. L. Gwet, github.com/kgwet/irrCAC, README.md, "Computing
  agreement coefficients from raw ratings" and "... from Contingency tables"): the printed
  output of ``pa.coeff.raw``, ``gwet.ac1.raw``, ``fleiss.kappa.raw``, ``krippen.alpha.raw``,
  ``bp.coeff.raw`` on ``cac.raw4raters`` (the 4-rater data of Gwet 2014, *Handbook of
  Inter-Rater Reliability*, 4th ed., and Krippendorff 2011's example C), ``kappa2.table`` and
  ``scott2.table`` on ``cont3x3abstractors``, and the ``*.dist`` functions on
  ``distrib.6raters``.
* irrCAC for Python (afergadis/irrCAC 0.4.4, ``irrCAC/raw.py`` and ``irrCAC/benchmark.py``
  docstrings): AC2 with bipolar weights on the same 4-rater data; Altman benchmarking of
  kappa 0.67 with standard error 0.15.
* ATLAS.ti manual, "Sample size and decision rules" (after Krippendorff 2019 and Bloch &
  Kraemer 1989, eq. 3.7, p. 276): 139 and 81 codings.
"""

from __future__ import annotations

import numpy as np
import pytest

from coder.agreement import (
    agreement_precision,
    gwet_ac2,
    krippendorff_minimum_sample,
    probabilistic_benchmark,
)
from coder.agreement.variance import CoefficientName

N = None

# cac.raw4raters (irrCAC), as coders x units.
FOUR_RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# cont3x3abstractors (irrCAC): rows the first abstractor, columns the second.
ABSTRACTORS = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])

# distrib.6raters (irrCAC): how many of 6 psychiatrists put each patient in each category.
SIX_RATERS = np.array(
    [
        [0, 0, 0, 6, 0],
        [0, 3, 0, 0, 3],
        [0, 1, 4, 0, 1],
        [0, 0, 0, 0, 6],
        [0, 3, 0, 3, 0],
        [2, 0, 4, 0, 0],
        [0, 0, 4, 0, 2],
        [2, 0, 3, 1, 0],
        [2, 0, 0, 4, 0],
        [0, 0, 0, 0, 6],
        [1, 0, 0, 5, 0],
        [1, 1, 0, 4, 0],
        [0, 3, 3, 0, 0],
        [1, 0, 0, 5, 0],
        [0, 2, 0, 3, 1],
    ]
)


def table_to_ratings(table: np.ndarray) -> list[list[int]]:
    """Two coders' ratings with the given contingency table."""
    rows, cols = np.nonzero(table)
    counts = table[rows, cols]
    return [np.repeat(rows, counts).tolist(), np.repeat(cols, counts).tolist()]


def distribution_to_ratings(distribution: np.ndarray) -> np.ndarray:
    """Raters x units ratings with the given distribution (who rated what is arbitrary)."""
    per_unit = [np.repeat(np.arange(distribution.shape[1]), row) for row in distribution]
    return np.array(per_unit, dtype=np.float64).T


@pytest.mark.parametrize(
    ("coefficient", "value", "se", "ci", "p_value"),
    [
        # README: pa 0.8181818 se 0.12561 (0.542,1) p 4.345373e-05
        ("percent_agreement", "0.81818", "0.12561", (0.542, 1.0), "4.345373e-05"),
        # AC1 0.77544 se 0.14295 (0.461,1) p 0.000208721
        ("gwet_ac1", "0.77544", "0.14295", (0.461, 1.0), "2.08721e-04"),
        # Fleiss' kappa 0.76117 se 0.15302 (0.424,1) p 0.000419173
        ("fleiss_kappa", "0.76117", "0.15302", (0.424, 1.0), "4.19173e-04"),
        # Krippendorff's alpha 0.74342 se 0.14548 (0.423,1) p 0.0003386245
        ("krippendorff_alpha", "0.74342", "0.14548", (0.423, 1.0), "3.386245e-04"),
        # Brennan-Prediger 0.77273 se 0.14472 (0.454,1) p 0.0002375609
        ("brennan_prediger", "0.77273", "0.14472", (0.454, 1.0), "2.375609e-04"),
    ],
)
def test_irrcac_readme_raw_four_raters(
    coefficient: CoefficientName, value: str, se: str, ci: tuple[float, float], p_value: str
) -> None:
    p = agreement_precision(FOUR_RATERS, coefficient)
    assert f"{p.value:.5f}" == value
    assert f"{p.standard_error:.5f}" == se
    assert (round(p.low, 3), round(p.high, 3)) == ci
    digits = len(p_value.split("e")[0]) - 2
    assert f"{p.p_value:.{digits}e}" == p_value


def test_irrcac_readme_gwet_pe() -> None:
    # README gwet.ac1.raw: pa 0.8181818, pe 0.1903212.
    estimate = agreement_precision(FOUR_RATERS, "gwet_ac1").estimate
    assert (f"{estimate.observed:.7f}", f"{estimate.expected:.7f}") == ("0.8181818", "0.1903212")


def test_irrcac_python_ac2_bipolar_weights() -> None:
    # irrCAC (Python) raw.py docstring: AC2, bipolar weights: 0.90037, CI (0.66747, 1),
    # se 0.10582, pa 0.96836, pe 0.68244.
    ac2 = gwet_ac2(FOUR_RATERS, weights="bipolar")
    assert f"{ac2.value:.5f}" == "0.90037"
    assert (f"{ac2.observed:.5f}", f"{ac2.expected:.5f}") == ("0.96836", "0.68244")
    p = agreement_precision(FOUR_RATERS, "gwet_ac2", weights="bipolar")
    assert f"{p.standard_error:.5f}" == "0.10582"
    assert (f"{p.low:.5f}", p.high) == ("0.66747", 1.0)


@pytest.mark.parametrize(
    ("coefficient", "value", "se", "ci"),
    [
        # README kappa2.table: Cohen's Kappa 0.7964094 se 0.05891072 (0.68,0.913)
        ("cohen_kappa", "0.7964094", "0.05891072", (0.680, 0.913)),
        # scott2.table: Scott's Pi 0.7962397 se 0.05905473 (0.679,0.913)
        ("scott_pi", "0.7962397", "0.05905473", (0.679, 0.913)),
    ],
)
def test_irrcac_readme_contingency_table(
    coefficient: CoefficientName, value: str, se: str, ci: tuple[float, float]
) -> None:
    p = agreement_precision(table_to_ratings(ABSTRACTORS), coefficient)
    assert f"{p.value:.7f}" == value
    assert f"{p.standard_error:.8f}" == se
    assert (round(p.low, 3), round(p.high, 3)) == ci
    # Light's kappa of two coders is Cohen's kappa, with the same standard error.
    if coefficient == "cohen_kappa":
        light = agreement_precision(table_to_ratings(ABSTRACTORS), "light_kappa")
        assert f"{light.value:.7f}" == value and f"{light.standard_error:.8f}" == se


@pytest.mark.parametrize(
    ("coefficient", "value", "se", "ci", "p_value"),
    [
        # README gwet.ac1.dist: 0.4448007 se 0.08418757 (0.264,0.625) p 0.0001155927
        ("gwet_ac1", "0.4448007", "0.08418757", (0.264, 0.625), "1.155927e-04"),
        # fleiss.kappa.dist: 0.4139265 se 0.08119291 (0.24,0.588) p 0.0001622724
        ("fleiss_kappa", "0.4139265", "0.08119291", (0.240, 0.588), "1.622724e-04"),
        # bp.coeff.dist: 0.4388889 se 0.08312142 (0.261,0.617) p 0.0001163
        ("brennan_prediger", "0.4388889", "0.08312142", (0.261, 0.617), "1.163e-04"),
    ],
)
def test_irrcac_readme_six_raters(
    coefficient: CoefficientName, value: str, se: str, ci: tuple[float, float], p_value: str
) -> None:
    p = agreement_precision(distribution_to_ratings(SIX_RATERS), coefficient)
    assert f"{p.value:.7f}" == value
    assert f"{p.standard_error:.8f}" == se
    assert (round(p.low, 3), round(p.high, 3)) == ci
    digits = len(p_value.split("e")[0]) - 2
    assert f"{p.p_value:.{digits}e}" == p_value


def test_irrcac_readme_six_raters_alpha_value() -> None:
    # README krippen.alpha.dist: alpha 0.4204384. Its standard error (0.08243228) comes from
    # an older linearisation in irrCAC's agree.coeff3.dist.r; we follow krippen.alpha.raw
    # (agree.coeff3.raw.r), whose figures the raw four-rater test above reproduces.
    p = agreement_precision(distribution_to_ratings(SIX_RATERS), "krippendorff_alpha")
    assert f"{p.value:.7f}" == "0.4204384"


def test_irrcac_altman_probabilistic_benchmark() -> None:
    # irrCAC (Python) benchmark.py docstring: kappa 0.67, se 0.15 on Altman's scale:
    # CumProb 0.18168, 0.67511, 0.96356, 0.99912, 1.0 -> "Moderate".
    result = probabilistic_benchmark(0.67, 0.15, "altman")
    assert [round(c, 5) for c in result.cumulative] == [0.18168, 0.67511, 0.96356, 0.99912, 1.0]
    assert result.band is not None and result.band.label == "Moderate"


@pytest.mark.parametrize(("alpha_min", "codings"), [(0.800, 139), (0.667, 81)])
def test_atlas_ti_krippendorff_sample_size(alpha_min: float, codings: int) -> None:
    # ATLAS.ti manual: a domain of 4 equally frequent codes (p_c = .25), p = .05, two coders:
    # "a minimum of 139 codings" for alpha_min .800 and "81" for .667.
    assert krippendorff_minimum_sample(alpha_min, 0.25, significance=0.05) == codings

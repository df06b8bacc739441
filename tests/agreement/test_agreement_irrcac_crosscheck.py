"""Cross-check against irrCAC (Python port of Gwet's R package) on random data, to 1e-9.

irrCAC 0.4.4 is a test-only dependency; the module is skipped where it is not installed.
Categories are always passed to it: under pandas 3 its own category detection keeps NaN as a
category (``DataFrame.stack`` no longer drops it), which changes q.

Known, deliberate differences (checked on data where they do not arise):
* Krippendorff's alpha: irrCAC's Python port linearises with ``p_a`` where Gwet's R code
  (``krippen.alpha.raw``) has ``p'_a``, and takes degrees of freedom from the units rated
  twice; we follow the R code, which the published README figures match
  (test_agreement_gwet_published). With every unit rated by every coder the two agree, so the
  standard error is compared on complete data only.
* Brennan-Prediger's p-value: the port's raw ``bp`` is one-sided, ``1 - T(|c| / se)``.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import pytest

from coder.agreement import WEIGHT_SCHEMES, agreement_precision
from coder.agreement.variance import CoefficientName
from coder.agreement.weights import WeightScheme

irrcac_raw = pytest.importorskip("irrCAC.raw")
irrcac_table = pytest.importorskip("irrCAC.table")
pd = pytest.importorskip("pandas")

# irrCAC's loops over pandas frames take seconds; its own deprecation noise is not ours.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Starting with pandas version 4.0"),
]

TOLERANCE = 1e-9
N_DATASETS = 120
METHODS: dict[str, str] = {
    "gwet_ac2": "gwet",
    "fleiss_kappa": "fleiss",
    "conger_kappa": "conger",
    "brennan_prediger": "bp",
    "krippendorff_alpha": "krippendorff",
}


def random_ratings(rng: np.random.Generator, complete: bool) -> tuple[np.ndarray, list[float]]:
    """Coders x units ratings 1..q (NaN missing) with some agreement built in."""
    n_coders, n_units, q = rng.integers(2, 6), rng.integers(6, 41), rng.integers(2, 6)
    truth = rng.integers(1, q + 1, size=n_units)
    noise = rng.integers(1, q + 1, size=(n_coders, n_units))
    ratings = np.where(rng.random((n_coders, n_units)) < 0.6, truth, noise).astype(np.float64)
    if not complete:
        ratings[rng.random(ratings.shape) < rng.uniform(0.0, 0.3)] = np.nan
        ratings[0, 0] = ratings[1, 0] = 1.0  # at least one unit rated twice
    return ratings, [float(c) for c in range(1, q + 1)]


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, float(theirs), rel_tol=0.0, abs_tol=TOLERANCE)


@pytest.mark.parametrize("complete", [False, True], ids=["missing", "complete"])
def test_raw_coefficients_match_irrcac(complete: bool) -> None:
    rng = np.random.default_rng(20260515 + complete)
    compared = 0
    for _ in range(N_DATASETS):
        ratings, categories = random_ratings(rng, complete)
        weights = cast(WeightScheme, str(rng.choice(WEIGHT_SCHEMES)))
        frame = pd.DataFrame(ratings.T)
        for ours_name, method in METHODS.items():
            name: CoefficientName = ours_name  # type: ignore[assignment]
            if name == "gwet_ac2" and weights == "identity":
                name = "gwet_ac1"
            ours = agreement_precision(ratings, name, weights=weights, categories=categories)
            if not ours.estimate.is_defined or not ours.standard_error > 1e-12:
                continue
            cac = irrcac_raw.CAC(frame, weights=weights, categories=categories, digits=15)
            theirs = getattr(cac, method)()["est"]
            assert close(ours.value, theirs["coefficient_value"]), (name, weights, ratings)
            assert close(ours.estimate.observed, theirs["pa"]), (name, weights)
            assert close(ours.estimate.expected, theirs["pe"]), (name, weights)
            if method == "krippendorff" and not complete:
                compared += 1
                continue
            assert close(ours.standard_error, theirs["se"]), (name, weights, ratings)
            low, high = theirs["confidence_interval"]
            assert close(ours.low, low) and close(ours.high, high), (name, weights)
            if method == "bp":
                assert close(ours.p_value / 2.0, theirs["p_value"]), (name, weights)
            else:
                assert close(ours.p_value, theirs["p_value"]), (name, weights)
            compared += 1
    assert compared >= 5 * 100


def test_two_coder_table_coefficients_match_irrcac() -> None:
    rng = np.random.default_rng(7)
    compared = 0
    for _ in range(N_DATASETS):
        q = int(rng.integers(2, 6))
        n = int(rng.integers(8, 80))
        truth = rng.integers(1, q + 1, size=n)
        a = np.where(rng.random(n) < 0.7, truth, rng.integers(1, q + 1, size=n))
        b = np.where(rng.random(n) < 0.7, truth, rng.integers(1, q + 1, size=n))
        categories = list(range(1, q + 1))
        table = np.zeros((q, q), dtype=np.int64)
        np.add.at(table, (a - 1, b - 1), 1)
        weights = cast(WeightScheme, str(rng.choice(WEIGHT_SCHEMES)))
        cac = irrcac_table.CAC(pd.DataFrame(table), weights=weights, digits=15)
        pairs: tuple[tuple[CoefficientName, str], ...] = (
            ("cohen_kappa", "cohen"),
            ("scott_pi", "scott"),
        )
        for name, method in pairs:
            ours = agreement_precision(
                [a.tolist(), b.tolist()], name, weights=weights, categories=categories
            )
            if not ours.estimate.is_defined or not ours.standard_error > 1e-12:
                continue
            theirs = getattr(cac, method)()["est"]
            assert close(ours.value, theirs["coefficient_value"]), (name, weights, table)
            assert close(ours.standard_error, theirs["se"]), (name, weights, table)
            low, high = theirs["confidence_interval"]
            assert close(ours.low, low) and close(ours.high, high), (name, weights)
            if ours.value > 0:
                assert close(ours.p_value, theirs["p_value"]), (name, weights)
            compared += 1
    assert compared >= 200

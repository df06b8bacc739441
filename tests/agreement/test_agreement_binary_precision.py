"""Kappa's and alpha's analytical precision from mask tables equals ``agreement_precision`` on
the coders x units data (200 random data sets, 2-4 coders, to 1e-9), and q comes from the
bootstrap the report's interval comes from."""

from __future__ import annotations

import numpy as np
import pytest

from coder.agreement import compute_agreement
from coder.agreement.binary_precision import alpha_q, binary_precision
from coder.agreement.variance import CoefficientName, agreement_precision
from coder.domain.agreement_results import Analytical, Codings, Units


def _mask_table(x: np.ndarray) -> np.ndarray:
    m = x.shape[0]
    mask = (x * (1 << np.arange(m))[:, None]).sum(axis=0)
    return np.bincount(mask, minlength=1 << m)[None, :].astype(np.float64)


@pytest.mark.parametrize("trial", range(200))
def test_precision_equals_agreement_precision(trial: int) -> None:
    rng = np.random.default_rng(trial)
    m, n = int(rng.integers(2, 5)), int(rng.integers(5, 200))
    x = (rng.random((m, n)) < rng.uniform(0.02, 0.6)).astype(int)
    if trial % 3 == 0:  # agreeing coders, so the coefficients are not all near zero
        x[1] = np.where(rng.random(n) < 0.8, x[0], x[1])
    kappa, alpha = binary_precision(_mask_table(x), m)
    kappa_name: CoefficientName = "cohen_kappa" if m == 2 else "fleiss_kappa"
    pairs: tuple[tuple[Analytical | None, CoefficientName], ...] = (
        (kappa[0], kappa_name),
        (alpha[0], "krippendorff_alpha"),
    )
    for mine, name in pairs:
        ref = agreement_precision(x, name, categories=[0, 1])
        if mine is None:
            assert np.isnan(ref.standard_error)
            continue
        assert mine.se == pytest.approx(ref.standard_error, abs=1e-9)
        assert mine.low == pytest.approx(ref.low, abs=1e-9)
        assert mine.high == pytest.approx(ref.high, abs=1e-9)
        assert mine.p_value == pytest.approx(ref.p_value, abs=1e-9, nan_ok=True)


def test_compute_agreement_carries_precision_and_q_beside_the_interval() -> None:
    rng = np.random.default_rng(7)
    n = 300
    units = Units(
        doc=np.zeros(n, dtype=np.int64), start=np.arange(n) * 10, end=np.arange(n) * 10 + 9
    )
    first = rng.random(n) < 0.3
    second = np.where(rng.random(n) < 0.85, first, ~first)
    rows = [(u, 0) for u in np.flatnonzero(first)] + [(u, 1) for u in np.flatnonzero(second)]
    unit, coder = np.array(rows).T
    codings = Codings(doc=np.zeros(len(unit), dtype=np.int64), start=unit * 10, end=unit * 10 + 9,
                      code=np.zeros(len(unit), dtype=np.int64), coder=coder)  # fmt: skip
    result = compute_agreement(units, codings, ["a", "b"], ["c"], n_boot=500, seed=3)
    [code] = result.per_code
    assert code.alpha_se is not None and code.kappa_se is not None
    assert code.ac1 is not None  # add_breakdown ran: a notebook gets the report's figures
    x = np.vstack([first, second]).astype(int)
    ref = agreement_precision(x, "krippendorff_alpha", categories=[0, 1])
    assert code.alpha_se.se == pytest.approx(ref.standard_error, abs=1e-12)
    q = dict(code.alpha_q)
    assert set(q) == {0.667, 0.8}
    # The percentile interval leaves 2.5% of the very same resamples below its lower bound.
    ci = code.alpha_ci
    assert ci is not None
    at_bounds = dict(alpha_q(_mask_table(x), 2, 500, 3, (ci.low, ci.high))[0])
    assert at_bounds[ci.low] == pytest.approx(0.025, abs=1.5 / 500)
    assert at_bounds[ci.high] == pytest.approx(0.975, abs=1.5 / 500)
    assert 0.0 <= q[0.667] <= q[0.8] <= 1.0

"""The pooled alpha's bootstrap interval resamples units with all their code decisions."""

from __future__ import annotations

import numpy as np
import pytest

from coder.agreement import Codings, Units, compute_agreement, krippendorff_alpha


def _project(seed: int = 3, n_units: int = 300, n_codes: int = 4):
    rng = np.random.default_rng(seed)
    starts = np.arange(n_units) * 10
    units = Units(doc=np.zeros(n_units, int), start=starts, end=starts + 9)
    rows = []
    for unit in range(n_units):
        for code in range(n_codes):
            a = rng.random() < 0.25
            b = a if rng.random() < 0.85 else not a
            for coder, applied in ((0, a), (1, b)):
                if applied:
                    rows.append((0, starts[unit], starts[unit] + 9, code, coder))
    arr = np.array(rows)
    codings = Codings(
        doc=arr[:, 0], start=arr[:, 1], end=arr[:, 2], code=arr[:, 3], coder=arr[:, 4]
    )
    decisions = np.zeros((2, n_units * n_codes))
    decisions[arr[:, 4], (arr[:, 1] // 10) * n_codes + arr[:, 3]] = 1
    return units, codings, decisions, n_codes


def test_pooled_interval_matches_a_naive_unit_bootstrap() -> None:
    units, codings, decisions, n_codes = _project()
    result = compute_agreement(
        units,
        codings,
        ["a", "b"],
        [f"c{i}" for i in range(n_codes)],
        doc_lengths=[3000],
        n_boot=2000,
        seed=11,
    )
    pooled = result.overall
    assert pooled.alpha_ci is not None
    # The pooled estimate is nominal alpha over every code x unit decision.
    assert float(pooled.alpha) == pytest.approx(float(krippendorff_alpha(decisions)), abs=1e-9)
    # Naive bootstrap: draw units with replacement, keep each unit's decisions on every code.
    rng = np.random.default_rng(5)
    n_units = decisions.shape[1] // n_codes
    by_unit = decisions.reshape(2, n_units, n_codes)
    naive = []
    for _ in range(600):
        pick = rng.integers(0, n_units, n_units)
        naive.append(float(krippendorff_alpha(by_unit[:, pick, :].reshape(2, -1))))
    low, high = np.percentile(naive, [2.5, 97.5])
    assert pooled.alpha_ci.low == pytest.approx(low, abs=0.02)
    assert pooled.alpha_ci.high == pytest.approx(high, abs=0.02)
    assert pooled.alpha_ci.low < float(pooled.alpha) < pooled.alpha_ci.high


def test_pooled_interval_is_reproducible_and_optional() -> None:
    units, codings, _, n_codes = _project(seed=4)
    codes = [f"c{i}" for i in range(n_codes)]
    one = compute_agreement(units, codings, ["a", "b"], codes, doc_lengths=[3000], seed=2)
    two = compute_agreement(units, codings, ["a", "b"], codes, doc_lengths=[3000], seed=2)
    assert one.overall.alpha_ci == two.overall.alpha_ci
    none = compute_agreement(units, codings, ["a", "b"], codes, doc_lengths=[3000], ci=False)
    assert none.overall.alpha_ci is None
    assert none.to_dict()["overall"]["alpha_ci"] is None

"""Questions before and after coding: how many units to double-code, and how likely alpha is
below the level a study needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coder.agreement.alpha import krippendorff_alpha
from coder.agreement.bootstrap import bootstrap_ci
from coder.agreement.distributions import normal_ppf
from coder.domain.coefficient import BootstrapCI, Coefficient

__all__ = [
    "AlphaRisk",
    "SampleSizePlan",
    "krippendorff_minimum_sample",
    "plan_sample_size",
    "probability_below",
]

BLOCH_KRAEMER = (
    "Bloch & Kraemer (1989), '2 x 2 kappa coefficients: measures of agreement or association', "
    "Biometrics 45:269-287: large-sample variance of the intraclass kappa of two coders"
)


@dataclass(frozen=True, slots=True)
class SampleSizePlan:
    """How many units two coders must both code for a confidence interval of a given width."""

    n_units: int
    expected_alpha: float
    ci_width: float
    confidence: float
    prevalence: float
    standard_error: float  # expected SE at n_units
    source: str = BLOCH_KRAEMER

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_units": self.n_units,
            "expected_alpha": self.expected_alpha,
            "ci_width": self.ci_width,
            "confidence": self.confidence,
            "prevalence": self.prevalence,
            "standard_error": self.standard_error,
            "source": self.source,
        }


def plan_sample_size(
    expected_alpha: float,
    ci_width: float = 0.1,
    confidence: float = 0.95,
    prevalence: float = 0.5,
) -> SampleSizePlan:
    """Units to double-code so the ``confidence`` interval of alpha is ``ci_width`` wide.

    For two coders, binary decisions (a code present or not on a unit) with ``prevalence`` P
    of the positive value and an expected reliability kappa (alpha, Scott's pi and the
    intraclass kappa coincide for two coders as n grows), the large-sample variance is
    ``V / n`` with ``V = (1 - k) [(1 - k)(1 - 2k) + k (2 - k) / (2 P (1 - P))]`` (Bloch &
    Kraemer 1989, *Biometrics* 45:269-287; the sample-size use is Zou 2012, *Statistics in
    Medicine* 31:3972-3981). A two-sided interval ``+- z se`` of total width ``ci_width``
    needs ``n = ceil(z^2 V / (ci_width / 2)^2)``, ``z`` the normal quantile at
    ``(1 + confidence) / 2``. Rarer codes (P far from 0.5) need more units. With ``k = 1``
    any n gives a zero width, and 2 (the fewest units alpha is defined on) is returned.
    """
    if not -1.0 < expected_alpha <= 1.0:
        raise ValueError(f"expected_alpha must be in (-1, 1], got {expected_alpha}")
    if not 0.0 < ci_width < 2.0:
        raise ValueError(f"ci_width must be in (0, 2), got {ci_width}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"prevalence must be between 0 and 1, got {prevalence}")
    k, p = expected_alpha, prevalence
    v = (1.0 - k) * ((1.0 - k) * (1.0 - 2.0 * k) + k * (2.0 - k) / (2.0 * p * (1.0 - p)))
    z = normal_ppf((1.0 + confidence) / 2.0)
    n = max(2, math.ceil(z * z * v / (ci_width / 2.0) ** 2 - 1e-9))
    return SampleSizePlan(n, k, ci_width, confidence, p, math.sqrt(max(v, 0.0) / n))


def krippendorff_minimum_sample(
    alpha_min: float, p_c: float, significance: float = 0.05, n_coders: int = 2
) -> int:
    """Krippendorff's minimum number of codings for a domain to reach ``alpha_min``.

    ``N = m z^2 [(1 + a)(3 - a) / (4 (1 - a) p_c (1 - p_c)) - a]``, rounded up, with
    ``a = alpha_min``, ``p_c`` the probability of the least frequent value (``1 / q`` for q
    equally frequent codes), ``z`` the one-tailed normal quantile at ``significance`` and m the
    number of coders. Krippendorff (2004, *Content Analysis*, 2nd ed., ch. 11; 2019, 4th ed.,
    ch. 12) derives it from Bloch & Kraemer (1989, eq. 3.7, p. 276) and tabulates it for two
    coders, ``alpha_min`` .667/.800/.900 and p = .100/.050/.010/.005; ATLAS.ti's manual
    ("Sample size and decision rules") prints two of its entries: p_c = .25, p = .05 gives 139
    codings for .800 and 81 for .667, and says to multiply ``z^2`` by the number of coders.
    """
    if not 0.0 < alpha_min < 1.0:
        raise ValueError(f"alpha_min must be in (0, 1), got {alpha_min}")
    if not 0.0 < p_c <= 0.5:
        raise ValueError("p_c (the least frequent value's probability) must be in (0, 0.5]")
    if not 0.0 < significance < 0.5:
        raise ValueError(f"significance must be in (0, 0.5), got {significance}")
    if n_coders < 2:
        raise ValueError(f"n_coders must be at least 2, got {n_coders}")
    a = alpha_min
    z = normal_ppf(1.0 - significance)
    bracket = (1.0 + a) * (3.0 - a) / (4.0 * (1.0 - a) * p_c * (1.0 - p_c)) - a
    return math.ceil(n_coders * z * z * bracket - 1e-9)


@dataclass(frozen=True, slots=True)
class AlphaRisk:
    """A bootstrap interval and, for each threshold, q = P(coefficient < threshold).

    ``q[t]`` is the share of the bootstrap's defined resampled values below t (Hayes &
    Krippendorff 2007's "probability of failure to achieve" alpha_min); NaN when no resample
    gave a defined value.
    """

    interval: BootstrapCI
    q: dict[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "interval": self.interval.to_dict(),
            "q": {str(t): (None if math.isnan(v) else v) for t, v in self.q.items()},
        }


def probability_below(
    data: Any,
    thresholds: Sequence[float] = (0.667, 0.8),
    statistic: Callable[[np.ndarray], Coefficient | float] = krippendorff_alpha,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> AlphaRisk:
    """q = P(alpha < threshold) from the bootstrap distribution (Hayes & Krippendorff 2007).

    Hayes & Krippendorff (2007), "Answering the call for a standard reliability measure for
    coding data", *Communication Methods and Measures* 1:77-89, report next to alpha's interval
    the probability q that the true alpha is below the smallest acceptable alpha_min: the
    proportion of bootstrapped alphas below it. The resamples here are those of
    ``bootstrap_ci`` (units drawn with replacement, the same seed giving the same interval and
    the same q), so q and the interval come from one bootstrap. ``statistic`` is any
    coefficient of a coders x units matrix (default nominal alpha).
    """
    values: list[float] = []

    def recorded(matrix: np.ndarray) -> Coefficient | float:
        result = statistic(matrix)
        values.append(float(result))
        return result

    interval = bootstrap_ci(recorded, data, n_boot=n_boot, confidence=confidence, seed=seed)
    resampled = np.asarray(values[1:], dtype=np.float64)  # the first call is the estimate
    finite = resampled[np.isfinite(resampled)]
    q = {float(t): float(np.mean(finite < t)) if finite.size else math.nan for t in thresholds}
    return AlphaRisk(interval, q)

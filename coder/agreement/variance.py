"""Analytical standard errors, confidence intervals and p-values of agreement coefficients.

Gwet's (2014, *Handbook of Inter-Rater Reliability*, 4th ed., ch. 5; Gwet 2008, *BJMSP*
61:29-48, for AC1/AC2) linearisation: each coefficient is written as a mean of one term per
unit plus a remainder that vanishes with n, and its variance is that of the mean,

    ``v = (1 - f) / (n (n - 1)) sum_i (c*_i - c)^2``, ``f = n / N``,

with ``N`` the number of units in the population the sample of n units was drawn from (the
finite-population correction; ``N = inf`` drops it). Two-coder table coefficients (Cohen,
Scott, and Light's mean of Cohen's) use Gwet's contingency-table form, divisor ``n^2``
(:mod:`.pairwise`). The interval is ``c -+ t_{(1+conf)/2, n-1} se``, its upper end capped at 1;
the p-value tests ``c = 0`` two-sided, ``2 (1 - T_{n-1}(|c| / se))``. These are irrCAC's
figures (R package by Gwet; ``agree.coeff3.raw.r`` and ``agree.coeff2.r``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from coder.agreement.distributions import student_t_cdf, student_t_ppf
from coder.agreement.layouts import Rows, reliability_data
from coder.agreement.pairwise import linearised_cohen, linearised_light, linearised_scott
from coder.agreement.ratings import as_matrix
from coder.agreement.weighted import (
    Linearised,
    RaterCounts,
    linearised_brennan_prediger,
    linearised_conger,
    linearised_fleiss,
    linearised_gwet,
    linearised_krippendorff,
    linearised_percent_agreement,
    rater_counts,
)
from coder.agreement.weights import Weights
from coder.domain.coefficient import Coefficient

CoefficientName = Literal[
    "percent_agreement",
    "cohen_kappa",
    "scott_pi",
    "fleiss_kappa",
    "conger_kappa",
    "light_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "brennan_prediger",
    "krippendorff_alpha",
]
_MULTI_RATER: dict[str, Callable[[RaterCounts], Linearised]] = {
    "percent_agreement": linearised_percent_agreement,
    "fleiss_kappa": linearised_fleiss,
    "conger_kappa": linearised_conger,
    "gwet_ac1": linearised_gwet,
    "gwet_ac2": linearised_gwet,
    "brennan_prediger": linearised_brennan_prediger,
    "krippendorff_alpha": linearised_krippendorff,
}
COEFFICIENT_NAMES: tuple[str, ...] = (
    *_MULTI_RATER,
    "cohen_kappa",
    "scott_pi",
    "light_kappa",
)

__all__ = ["COEFFICIENT_NAMES", "CoefficientName", "Precision", "agreement_precision"]


@dataclass(frozen=True, slots=True)
class Precision:
    """A coefficient with its standard error, confidence interval and p-value.

    ``value`` is the coefficient (NaN when undefined, ``estimate.reason`` says why); ``low`` and
    ``high`` bound the ``confidence`` interval (``high`` capped at 1); ``p_value`` tests
    "coefficient = 0" two-sided. Everything is NaN when the coefficient is undefined or fewer
    than two units could be used. ``population_size`` is ``inf`` unless a finite-population
    correction was asked for.
    """

    coefficient: str
    estimate: Coefficient
    standard_error: float
    low: float
    high: float
    confidence: float
    p_value: float
    n_units: int
    degrees_of_freedom: float
    population_size: float

    @property
    def value(self) -> float:
        return self.estimate.value

    @property
    def variance(self) -> float:
        return self.standard_error**2

    @property
    def one_sided_p_value(self) -> float:
        """P-value of "coefficient <= 0" against "> 0": ``1 - T_{n-1}(c / se)``."""
        if math.isnan(self.standard_error) or math.isnan(self.value):
            return math.nan
        return student_t_cdf(-_ratio(self.value, self.standard_error), self.degrees_of_freedom)

    def __float__(self) -> float:
        return self.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "coefficient": self.coefficient,
            "estimate": self.estimate.to_dict(),
            "standard_error": _json(self.standard_error),
            "low": _json(self.low),
            "high": _json(self.high),
            "confidence": self.confidence,
            "p_value": _json(self.p_value),
            "n_units": self.n_units,
            "degrees_of_freedom": _json(self.degrees_of_freedom),
            "population_size": None if math.isinf(self.population_size) else self.population_size,
        }


def _json(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _ratio(value: float, se: float) -> float:
    if se > 0:
        return value / se
    return math.copysign(math.inf, value) if value != 0 else math.nan


def precision_of(
    name: str, lin: Linearised, confidence: float = 0.95, population_size: float = math.inf
) -> Precision:
    """``Precision`` from a coefficient's per-unit terms (see the module docstring)."""
    nan = math.nan
    n, df = lin.n_sampled, lin.df
    if not lin.coefficient.is_defined or n < 2 or not lin.divisor > 0 or not df > 0:
        return Precision(name, lin.coefficient, nan, nan, nan, confidence, nan, n, df,
                         population_size)  # fmt: skip
    correction = max(0.0, 1.0 - n / population_size)
    variance = correction * float(np.sum((lin.terms - lin.centre) ** 2)) / lin.divisor
    se = math.sqrt(variance)
    value = lin.coefficient.value
    margin = student_t_ppf(1.0 - (1.0 - confidence) / 2.0, df) * se
    t = _ratio(value, se)
    p_value = 2.0 * student_t_cdf(-abs(t), df) if not math.isnan(t) else nan
    return Precision(
        name, lin.coefficient, se, value - margin, min(1.0, value + margin), confidence,
        p_value, n, df, population_size,
    )  # fmt: skip


def agreement_precision(
    data: Any,
    coefficient: CoefficientName = "krippendorff_alpha",
    *,
    weights: Weights = "identity",
    categories: Sequence[Any] | None = None,
    confidence: float = 0.95,
    population_size: float = math.inf,
    rows: Rows = None,
) -> Precision:
    """A coefficient of a coders x units matrix with its analytical SE, interval and p-value.

    ``coefficient`` names one of ``COEFFICIENT_NAMES``; ``weights`` is a scheme of
    :mod:`.weights` or a q x q matrix ("identity": unweighted; "gwet_ac2" defaults to
    "quadratic" when left at "identity"; "gwet_ac1" accepts identity only).
    ``population_size`` is the number of units the coded sample was drawn from (e.g. every
    unit of the project), for the finite-population correction. ``rows="units"``: a table with
    a row per unit and a column per coder (a DataFrame is read so by default). Cohen's kappa
    and Scott's pi need exactly two coders and use the units both rated; Light's kappa the
    units every coder rated; the rest use every rating (Gwet's treatment of missing ratings).
    Formulas in the module docstring; the coefficients themselves as ``gwet_ac2``,
    ``conger_kappa``, ``light_kappa``, ``weighted_*`` and the unweighted functions of
    :mod:`.coefficients`.
    """
    if coefficient not in COEFFICIENT_NAMES:
        raise ValueError(f"unknown coefficient {coefficient!r}: use one of {COEFFICIENT_NAMES}")
    data = reliability_data(data, rows=rows)
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if not population_size > 1:
        raise ValueError(f"population_size must exceed 1, got {population_size}")
    is_identity = isinstance(weights, str) and weights == "identity"
    if coefficient == "gwet_ac1" and not is_identity:
        raise ValueError("gwet_ac1 is unweighted: use gwet_ac2 for weights")
    if coefficient == "gwet_ac2" and is_identity:
        weights = "quadratic"
    lin: Linearised
    if coefficient in ("cohen_kappa", "scott_pi"):
        matrix = as_matrix(data)
        if matrix.shape[0] != 2:
            raise ValueError(f"{coefficient} needs exactly two coders, got {matrix.shape[0]}")
        pair = linearised_cohen if coefficient == "cohen_kappa" else linearised_scott
        lin = pair(matrix[0], matrix[1], weights, categories)
    elif coefficient == "light_kappa":
        lin = linearised_light(data, weights, categories)
    else:
        lin = _MULTI_RATER[coefficient](rater_counts(data, weights, categories))
    return precision_of(coefficient, lin, confidence, population_size)

"""Benchmark scales for reading an agreement coefficient, offered as context, not as a verdict.

Each scale is published data: bands with the words its authors gave them, their limits
inclusive or not as the source words them. ``benchmark`` names the band a value falls in;
``probabilistic_benchmark`` is Gwet's (2014, *Handbook of Inter-Rater Reliability*, 4th ed.,
ch. 6) benchmarking, which takes the coefficient's standard error into account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coder.agreement.distributions import normal_cdf

__all__ = [
    "BENCHMARK_SCALES",
    "Band",
    "BenchmarkScale",
    "ProbabilisticBenchmark",
    "benchmark",
    "probabilistic_benchmark",
]


@dataclass(frozen=True, slots=True)
class Band:
    """One band of a scale, from ``low`` up to the next band's ``low`` (``high``).

    ``low_inclusive`` says whether ``low`` itself belongs to this band, as its source words it
    (Landis-Koch's "0.61-0.80 substantial" makes 0.80 substantial: the band above starts
    exclusive; Krippendorff's "alpha >= .800" makes .800 reliable: inclusive).
    """

    low: float
    high: float
    label: str
    low_inclusive: bool = False


@dataclass(frozen=True, slots=True)
class BenchmarkScale:
    """A published scale, bands from the highest down, with its source."""

    name: str
    bands: tuple[Band, ...]
    source: str


BENCHMARK_SCALES: dict[str, BenchmarkScale] = {
    "landis_koch": BenchmarkScale(
        "Landis-Koch",
        (
            Band(0.8, 1.0, "Almost perfect"),
            Band(0.6, 0.8, "Substantial"),
            Band(0.4, 0.6, "Moderate"),
            Band(0.2, 0.4, "Fair"),
            Band(0.0, 0.2, "Slight", low_inclusive=True),
            Band(-1.0, 0.0, "Poor", low_inclusive=True),
        ),
        "Landis & Koch (1977), 'The measurement of observer agreement for categorical data', "
        "Biometrics 33:159-174, p. 165",
    ),
    "altman": BenchmarkScale(
        "Altman",
        (
            Band(0.8, 1.0, "Very good"),
            Band(0.6, 0.8, "Good"),
            Band(0.4, 0.6, "Moderate"),
            Band(0.2, 0.4, "Fair"),
            Band(-1.0, 0.2, "Poor", low_inclusive=True),
        ),
        "Altman (1991), Practical Statistics for Medical Research, Chapman & Hall, p. 404",
    ),
    "fleiss": BenchmarkScale(
        "Fleiss",
        (
            Band(0.75, 1.0, "Excellent"),
            Band(0.4, 0.75, "Intermediate to good", low_inclusive=True),
            Band(-1.0, 0.4, "Poor", low_inclusive=True),
        ),
        "Fleiss (1981), Statistical Methods for Rates and Proportions, 2nd ed., Wiley, p. 218",
    ),
    "krippendorff": BenchmarkScale(
        "Krippendorff",
        (
            Band(0.8, 1.0, "Reliable", low_inclusive=True),
            Band(0.667, 0.8, "Tentative conclusions only", low_inclusive=True),
            Band(-1.0, 0.667, "Unreliable", low_inclusive=True),
        ),
        "Krippendorff (2004), Content Analysis, 2nd ed., Sage, p. 241",
    ),
}


def _scale(scale: str | BenchmarkScale) -> BenchmarkScale:
    if isinstance(scale, BenchmarkScale):
        return scale
    if scale not in BENCHMARK_SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(BENCHMARK_SCALES)}")
    return BENCHMARK_SCALES[scale]


def benchmark(value: float, scale: str | BenchmarkScale = "landis_koch") -> Band | None:
    """The band of ``scale`` that ``value`` falls in; None for NaN or a value outside [-1, 1]."""
    if math.isnan(value) or not -1.0 <= value <= 1.0:
        return None
    for band in _scale(scale).bands:  # from the top down
        if value > band.low or (band.low_inclusive and value == band.low):
            return band
    return None


@dataclass(frozen=True, slots=True)
class ProbabilisticBenchmark:
    """Gwet's benchmarking: each band's membership probability and the cumulative ones.

    ``band`` is the highest band whose cumulative probability (its own and every band above)
    reaches ``threshold``; None when the standard error is not a positive number.
    """

    scale: BenchmarkScale
    membership: tuple[float, ...]
    cumulative: tuple[float, ...]
    threshold: float
    band: Band | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale.name,
            "source": self.scale.source,
            "bands": [
                {"low": b.low, "high": b.high, "label": b.label, "membership": m, "cumulative": c}
                for b, m, c in zip(self.scale.bands, self.membership, self.cumulative, strict=True)
            ],
            "threshold": self.threshold,
            "band": self.band.label if self.band else None,
        }


def probabilistic_benchmark(
    value: float,
    standard_error: float,
    scale: str | BenchmarkScale = "landis_koch",
    threshold: float = 0.95,
) -> ProbabilisticBenchmark:
    """Gwet's (2014, ch. 6) probabilistic benchmarking of a coefficient with its standard error.

    The true coefficient is taken as normal around ``value`` with sd ``standard_error``,
    truncated to [-1, 1]: band ``[a, b)`` has membership probability
    ``(Phi((c - a)/se) - Phi((c - b)/se)) / (Phi((c + 1)/se) - Phi((c - 1)/se))``. Going down
    from the top band, the first whose cumulative probability reaches ``threshold`` (0.95) is
    the one to report, so a wide interval reads as a lower band than the point estimate alone
    (irrCAC's ``landis.koch.bf``, ``altman.bf``, ``fleiss.bf``).
    """
    chosen = _scale(scale)
    n = len(chosen.bands)
    if not (standard_error > 0) or math.isnan(value):
        nan = (math.nan,) * n
        return ProbabilisticBenchmark(chosen, nan, nan, threshold, None)
    se = standard_error
    total = normal_cdf((value + 1.0) / se) - normal_cdf((value - 1.0) / se)
    membership = tuple(
        (normal_cdf((value - b.low) / se) - normal_cdf((value - b.high) / se)) / total
        for b in chosen.bands
    )
    cumulative: list[float] = []
    for m in membership:
        cumulative.append((cumulative[-1] if cumulative else 0.0) + m)
    band = next((b for b, c in zip(chosen.bands, cumulative, strict=True) if c >= threshold), None)
    return ProbabilisticBenchmark(chosen, membership, tuple(cumulative), threshold, band)

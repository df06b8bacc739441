"""What an agreement coefficient returns: a value, or NaN with the reason it is undefined.

Also the two composite results built on it: a bootstrap interval and NVivo-style
per-character agreement. Plain values, no arithmetic beyond formatting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# Reasons a coefficient is undefined. They are short so a report can print
# "undefined: <reason>" in a table cell.
NO_VARIATION = "no variation"
ONE_UNIT = "one unit only"
NO_PAIRABLE = "no unit rated by two or more coders"
NO_DATA = "no data"
ONE_CATEGORY = "only one category"
NO_UNITS_MARKED = "no coder marked any unit"


@dataclass(frozen=True, slots=True)
class Coefficient:
    """The value of an agreement coefficient, or NaN and the reason it is undefined.

    ``observed`` and ``expected`` carry the two terms the coefficient was computed from, as its
    source names them: observed and chance-expected *agreement* for the kappa family (Cohen,
    Scott, Fleiss, Gwet, Brennan-Prediger) and observed and expected *disagreement* for
    Krippendorff's alpha. They are NaN when they could not be computed.

    ``float(c)`` gives the value; ``str(c)`` gives ``"0.743"`` or ``"undefined: no variation"``.
    """

    value: float
    reason: str | None = None
    observed: float = math.nan
    expected: float = math.nan

    @classmethod
    def undefined(
        cls, reason: str, observed: float = math.nan, expected: float = math.nan
    ) -> Coefficient:
        """A NaN result that says why it is undefined."""
        return cls(math.nan, reason, float(observed), float(expected))

    @property
    def is_defined(self) -> bool:
        return self.reason is None and not math.isnan(self.value)

    def __float__(self) -> float:
        return self.value

    def format(self, digits: int = 3) -> str:
        """``"0.743"`` to ``digits`` decimals, or ``"undefined: <reason>"``."""
        if not self.is_defined:
            return f"undefined: {self.reason or 'not a number'}"
        return f"{self.value:.{digits}f}"

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN becomes ``None``."""
        return {
            "value": _json_float(self.value),
            "reason": self.reason,
            "observed": _json_float(self.observed),
            "expected": _json_float(self.expected),
        }


def _json_float(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


NVIVO_CAVEAT = (
    "Per-character kappa follows NVivo's coding comparison: every character is a unit and "
    "characters neither coder coded count as agreement, so long uncoded stretches inflate both "
    "kappa's observed agreement and percent agreement; characters are not independent units."
)


@dataclass(frozen=True, slots=True)
class BootstrapCI:
    """A percentile bootstrap interval around an estimate.

    ``n_valid`` is how many of the ``n_boot`` resamples gave a defined value (a resample can
    lose all variation); the interval is taken over those and is NaN when there are none.
    """

    estimate: Coefficient
    low: float
    high: float
    n_boot: int
    confidence: float
    n_valid: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate.to_dict(),
            "low": _json_float(self.low),
            "high": _json_float(self.high),
            "n_boot": self.n_boot,
            "confidence": self.confidence,
            "n_valid": self.n_valid,
        }


@dataclass(frozen=True, slots=True)
class CharacterAgreement:
    """NVivo-style per-character agreement of two coders on one code.

    Character counts: ``both`` coded, ``first_only``, ``second_only``, ``neither``. ``kappa`` is
    Cohen's kappa over characters and ``percent_agreement`` is ``(both + neither) / total``, as
    NVivo computes them; read ``NVIVO_CAVEAT`` before reporting them.
    """

    kappa: Coefficient
    percent_agreement: float
    both: int
    first_only: int
    second_only: int
    neither: int
    caveat: str = NVIVO_CAVEAT

    @property
    def total(self) -> int:
        return self.both + self.first_only + self.second_only + self.neither

    def to_dict(self) -> dict[str, Any]:
        return {
            "kappa": self.kappa.to_dict(),
            "percent_agreement": None
            if math.isnan(self.percent_agreement)
            else self.percent_agreement,
            "both": self.both,
            "first_only": self.first_only,
            "second_only": self.second_only,
            "neither": self.neither,
            "caveat": self.caveat,
        }

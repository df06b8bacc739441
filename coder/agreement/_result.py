"""Result types shared by every coefficient: a value, or NaN with the reason it is undefined."""

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


def chance_corrected(observed: float, expected: float) -> Coefficient:
    """``(observed - expected) / (1 - expected)`` for agreements; NaN when ``expected == 1``.

    An expected agreement of 1 only happens when every rating is the same category, so the
    reason given is "no variation".
    """
    observed, expected = float(observed), float(expected)
    if expected >= 1.0 - 1e-12:
        return Coefficient.undefined(NO_VARIATION, observed, expected)
    return Coefficient((observed - expected) / (1.0 - expected), None, observed, expected)

"""Chance correction shared by the kappa family: ``(observed - expected) / (1 - expected)``."""

from __future__ import annotations

from coder.domain.coefficient import NO_VARIATION, Coefficient


def chance_corrected(observed: float, expected: float) -> Coefficient:
    """``(observed - expected) / (1 - expected)`` for agreements; NaN when ``expected == 1``.

    An expected agreement of 1 only happens when every rating is the same category, so the
    reason given is "no variation".
    """
    observed, expected = float(observed), float(expected)
    if expected >= 1.0 - 1e-12:
        return Coefficient.undefined(NO_VARIATION, observed, expected)
    return Coefficient((observed - expected) / (1.0 - expected), None, observed, expected)

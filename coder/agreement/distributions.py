"""Normal and Student t probabilities for intervals and p-values, with the standard library only.

The statistics layer needs numpy only, so the t distribution is computed here rather than
taken from scipy: its CDF is a regularized incomplete beta function, evaluated by Lentz's
continued fraction (Press et al. 2007, *Numerical Recipes*, 3rd ed., section 6.4), and its
quantile by Newton's method from the normal quantile. Both agree with scipy.stats.t to about
1e-13 (tests/agreement/test_agreement_precision.py checks it where scipy is installed).
"""

from __future__ import annotations

import math
from statistics import NormalDist

__all__ = ["normal_cdf", "normal_ppf", "student_t_cdf", "student_t_ppf"]

_STANDARD = NormalDist()
_EPS = 1e-16
_TINY = 1e-300


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_ppf(p: float) -> float:
    """The x with P(Z <= x) = p, for 0 < p < 1."""
    return _STANDARD.inv_cdf(p)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def _log_gamma_half_ratio(a: float) -> float:
    """``lgamma(a + 1/2) - lgamma(a)``, accurate for large a where the difference cancels.

    Stirling's series for both terms, with ``(a) log(a + 1/2) - (a - 1/2) log(a)`` written as
    ``a log1p(1 / (2a)) + log(a) / 2`` so nothing of size ``a log a`` is subtracted.
    """
    if a < 30.0:
        return math.lgamma(a + 0.5) - math.lgamma(a)
    c = a + 0.5
    series = (
        (1.0 / c - 1.0 / a) / 12.0
        - (1.0 / c**3 - 1.0 / a**3) / 360.0
        + (1.0 / c**5 - 1.0 / a**5) / 1260.0
        - (1.0 / c**7 - 1.0 / a**7) / 1680.0
    )
    return a * math.log1p(0.5 / a) + 0.5 * math.log(a) - 0.5 + series


def _upper_tail(t: float, df: float) -> float:
    """P(T > t) for t >= 0: ``I_x(df/2, 1/2) / 2`` with ``x = df / (df + t^2)``.

    ``log x`` and ``log(1 - x)`` are taken from t and df directly; forming x first would lose
    digits when df is large (x rounds near 1).
    """
    if t == 0.0:
        return 0.5
    a, b = df / 2.0, 0.5
    ratio = t * t / df
    log_x = -math.log1p(ratio)
    log_1mx = math.log(ratio) - math.log1p(ratio)
    x = math.exp(log_x)
    front = math.exp(_log_gamma_half_ratio(a) - math.lgamma(b) + a * log_x + b * log_1mx)
    if x < (a + 1.0) / (a + b + 2.0):
        beta = front * _beta_continued_fraction(a, b, x) / a
    else:
        beta = 1.0 - front * _beta_continued_fraction(b, a, -math.expm1(log_x)) / b
    return 0.5 * beta


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom (df > 0); t may be +-inf."""
    if df <= 0 or math.isnan(t) or math.isnan(df):
        return math.nan
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    if math.isinf(df):
        return normal_cdf(t)
    tail = _upper_tail(abs(t), df)
    return 1.0 - tail if t >= 0 else tail


def _t_density(t: float, df: float) -> float:
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


def student_t_ppf(p: float, df: float) -> float:
    """The t with P(T <= t) = p (0 < p < 1) for Student's t with ``df`` degrees of freedom."""
    if not 0.0 < p < 1.0 or df <= 0 or math.isnan(df):
        return math.nan
    if math.isinf(df):
        return normal_ppf(p)
    if p == 0.5:
        return 0.0
    upper = p > 0.5
    tail = 1.0 - p if upper else p  # work in the lower tail, where it is accurate
    if df == 1.0:
        t = -math.tan(math.pi * (0.5 - tail))
    elif df == 2.0:
        t = -math.sqrt(2.0) * (1.0 - 2.0 * tail) / math.sqrt(1.0 - (1.0 - 2.0 * tail) ** 2)
        t = -abs(t)
    else:
        t = normal_ppf(tail)
        for _ in range(100):
            error = student_t_cdf(t, df) - tail
            step = error / _t_density(t, df)
            t -= step
            if abs(step) <= 1e-14 * max(1.0, abs(t)):
                break
    return -t if upper else t

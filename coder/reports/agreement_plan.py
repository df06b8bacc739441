"""``coder agreement plan`` as one screenful (80 columns): units to double-code, Krippendorff's
minimum sample, and the sources."""

from __future__ import annotations

import math
import textwrap

from coder.agreement.planning import SampleSizePlan
from coder.domain.words import fmt_int
from coder.reports._common import fixed

__all__ = ["render_plan"]

SOURCES = (
    "Bloch, D. A., & Kraemer, H. C. (1989). 2 x 2 kappa coefficients: Measures of agreement or "
    "association. Biometrics, 45(1), 269-287.",
    "Zou, G. Y. (2012). Sample size formulas for estimating intraclass correlation coefficients "
    "with precision and assurance. Statistics in Medicine, 31(29), 3972-3981.",
    "Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.), "
    "ch. 11. Sage.",
    "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability "
    "measure for coding data. Communication Methods and Measures, 1(1), 77-89.",
)
WIDTH = 80


def _wrapped(text: str, indent: str = "  ") -> list[str]:
    """``text`` wrapped at 80 columns, continuation lines indented under the first's text."""
    hanging = " " * len(indent) + ("  " if indent.strip() == "" else "")
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hanging)


def render_plan(plan: SampleSizePlan, minimum: dict[float, int], n_coders: int) -> str:
    """The plan: how many units, why, the minimum sample at 0.667 and 0.800, and sources."""
    pct = round(100 * plan.confidence)
    rarest = min(plan.prevalence, 1 - plan.prevalence)
    more = " With more coders the interval is usually narrower." if n_coders > 2 else ""
    lines = ["How many units to double-code", ""]
    lines += _wrapped(
        f"Expected alpha {fixed(plan.expected_alpha)}; a {pct}% interval "
        f"{fixed(plan.ci_width)} wide; a code on {fixed(100 * plan.prevalence, 0)}% of units; "
        f"{n_coders} coders."
    )
    lines.append("")
    lines += _wrapped(f"Double-code {fmt_int(plan.n_units)} units.", indent="  ")
    lines += _wrapped(
        f"Alpha's {pct}% interval is then about +-{fixed(plan.ci_width / 2)} (standard error "
        f"{fixed(plan.standard_error)}), from the large-sample variance of two coders' "
        f"agreement (Bloch & Kraemer 1989; Zou 2012).{more} A rarer code needs more units: "
        "plan for your rarest code (--prevalence)."
    )
    lines.append("")
    lines += _wrapped(
        f"Krippendorff's (2004, ch. 11) minimum sample, least frequent value p = "
        f"{fixed(rarest)}, {n_coders} coders, one-tailed p = 0.05:"
    )
    for alpha_min, n in sorted(minimum.items()):
        units = math.ceil(n / n_coders)
        lines.append(
            f"    to tell alpha from {fixed(alpha_min)}: {fmt_int(n)} values "
            f"({fmt_int(units)} units x {n_coders} coders)"
        )
    lines.append("")
    lines += _wrapped(
        "After coding, coder agreement reports q = P(alpha < 0.667) and P(alpha < 0.800) per "
        "code from the bootstrap (Hayes & Krippendorff 2007)."
    )
    lines += ["", "Sources"]
    for source in SOURCES:
        lines += _wrapped(source, indent="  - ")
    return "\n".join(lines) + "\n"

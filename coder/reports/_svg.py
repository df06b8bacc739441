"""The per-code chart: a dot per code with its 95% CI whisker and Krippendorff's reference lines.

Drawn as inline SVG by hand so the HTML report needs no plotting library and no network. Each
code's value is printed beside its dot together with its flag, so nothing depends on colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from coder.domain.agreement import AgreementReport
from coder.domain.coefficient import BootstrapCI, Coefficient
from coder.reports._common import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    Flag,
    chart_spec,
    chart_value,
    code_flag,
    code_names,
    fixed,
    flag_for,
    is_number,
    shown_codes,
)

WIDTH = 860
LABEL_WIDTH = 300
VALUE_WIDTH = 170
ROW = 20
TOP = 46
BOTTOM = 34
LABEL_CHARS = 44


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]


def chart_domain(values: list[float]) -> tuple[float, float]:
    """From 0 (or below, in steps of 0.2, down to -1 when a value or CI end is negative) to 1."""
    low = min([0.0, *values])
    return max(-1.0, math.floor(low * 5) / 5), 1.0


def chart_svg(report: AgreementReport, *, chart_id: str = "chart") -> str:
    """The chart as an ``<svg>`` element with a title and a text description."""
    level = report.request.level
    spec = chart_spec(level)
    names = code_names(report)
    points = []
    for i in shown_codes(report):
        code = report.result.per_code[i]
        value, ci = chart_value(code, level)
        # The flag follows the value printed beside it (kappa at character level).
        flag = flag_for(value) if level == "character" else code_flag(code, level)
        points.append((names[i], value, ci, flag))
    extents: list[float] = []
    for _, value, ci, _ in points:
        if value is not None and value.is_defined:
            extents.append(value.value)
            if ci is not None and is_number(ci.low):
                extents.append(ci.low)
    lo, hi = chart_domain(extents)
    plot_left, plot_right = LABEL_WIDTH, WIDTH - VALUE_WIDTH
    height = TOP + ROW * max(len(points), 1) + BOTTOM

    def x(v: float) -> float:
        return round(
            plot_left + (min(max(v, lo), hi) - lo) / (hi - lo) * (plot_right - plot_left), 1
        )

    with_ci = any(ci is not None for _, _, ci, _ in points)
    title = f"Per-code {spec.name}" + (" with 95% confidence intervals" if with_ci else "")
    defined = [p for p in points if p[1] is not None and p[1].is_defined]
    desc = (
        f"{len(points)} codes; {spec.symbol} is defined for {len(defined)}. "
        f"{sum(p[3] is Flag.LOW for p in points)} below {ALPHA_TENTATIVE}, "
        f"{sum(p[3] is Flag.TENTATIVE for p in points)} between {ALPHA_TENTATIVE} and "
        f"{ALPHA_RELIABLE}, {sum(p[3] is Flag.RELIABLE for p in points)} at or above "
        f"{ALPHA_RELIABLE}, {sum(p[3] is Flag.TOO_FEW for p in points)} with too few units to "
        f"judge. Vertical dashed lines mark {ALPHA_TENTATIVE} and {ALPHA_RELIABLE}. "
        "The table below gives every value."
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    bottom = TOP + ROW * len(points)
    out.extend(_grid(x, lo, hi, bottom))
    out.append(
        f'<text class="axis-label" x="{(plot_left + plot_right) / 2}" y="{height - 4}" '
        f'text-anchor="middle">{escape(spec.name)}</text>'
    )
    for row, point in enumerate(points):
        out.extend(_code_row(row, point, x, plot_left, plot_right))
    out.append("</svg>")
    return "\n".join(out)


def _code_row(
    row: int,
    point: tuple[str, Coefficient | None, BootstrapCI | None, Flag],
    x: Callable[[float], float],
    plot_left: float,
    plot_right: float,
) -> list[str]:
    """The SVG elements of one code's row: its band, label, interval and point, or why not."""
    name, value, ci, flag = point
    cy = TOP + ROW * row + ROW / 2
    out: list[str] = []
    css = flag.css_class
    out.append(f'<g class="code flag-{css}" data-code="{escape(name)}">')
    out.append(f"<title>{escape(name)}</title>")
    if row % 2 == 0:
        out.append(f'<rect class="band" x="0" y="{cy - ROW / 2}" width="{WIDTH}" height="{ROW}"/>')
    out.append(
        f'<text class="label" x="{plot_left - 8}" y="{cy + 4}" '
        f'text-anchor="end">{escape(_clip(name, LABEL_CHARS))}</text>'
    )
    if value is None or not value.is_defined:
        reason = "not computed" if value is None else f"undefined: {value.reason}"
        # A backing box keeps the text legible over the grid and reference lines.
        out.append(
            f'<rect class="undefined-box" x="{plot_left + 1}" y="{cy - ROW / 2 + 2}" '
            f'width="{7 * len(reason) + 8}" height="{ROW - 4}"/>'
        )
        out.append(
            f'<text class="undefined" x="{plot_left + 4}" y="{cy + 4}">{escape(reason)}</text>'
        )
    else:
        if ci is not None and is_number(ci.low) and is_number(ci.high):
            x1, x2 = x(ci.low), x(ci.high)
            out.append(
                f'<line class="ci" data-low="{ci.low:.6f}" data-high="{ci.high:.6f}" '
                f'x1="{x1}" y1="{cy}" x2="{x2}" y2="{cy}"/>'
            )
            for cap in (x1, x2):
                out.append(f'<line class="cap" x1="{cap}" y1="{cy - 4}" x2="{cap}" y2="{cy + 4}"/>')
        out.append(
            f'<circle class="point" data-value="{value.value:.6f}" cx="{x(value.value)}" '
            f'cy="{cy}" r="4.5"/>'
        )
        text = f"{fixed(value.value)} {flag.label}".strip()
        out.append(f'<text class="value" x="{plot_right + 10}" y="{cy + 4}">{text}</text>')
    out.append("</g>")
    return out


def _grid(x: Callable[[float], float], lo: float, hi: float, bottom: float) -> list[str]:
    """Grid lines and ticks every 0.2, the zero line, and the two reference lines."""
    out: list[str] = []
    # Grid and axis ticks every 0.2.
    tick = lo
    while tick <= hi + 1e-9:
        tx = x(tick)
        out.append(f'<line class="grid" x1="{tx}" y1="{TOP - 6}" x2="{tx}" y2="{bottom}"/>')
        out.append(
            f'<text class="tick" x="{tx}" y="{bottom + 16}" text-anchor="middle">{tick:.1f}</text>'
        )
        tick = round(tick + 0.2, 10)
    if lo < 0:
        out.append(f'<line class="zero" x1="{x(0)}" y1="{TOP - 6}" x2="{x(0)}" y2="{bottom}"/>')
    for ref, name, label in (
        (ALPHA_TENTATIVE, "tentative", "0.667 tentative"),
        (ALPHA_RELIABLE, "reliable", "0.8 reliable"),
    ):
        rx = x(ref)
        anchor = "end" if name == "tentative" else "start"
        shift = -3 if name == "tentative" else 3
        out.append(
            f'<line class="ref ref-{name}" data-value="{ref}" x1="{rx}" y1="{TOP - 14}" '
            f'x2="{rx}" y2="{bottom}"/>'
        )
        out.append(
            f'<text class="ref-label" x="{rx + shift}" y="{TOP - 18}" '
            f'text-anchor="{anchor}">{label}</text>'
        )
    return out

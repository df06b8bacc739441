"""``coder agreement plan``: how many units to double-code, before coding starts."""

from __future__ import annotations

import typer


def plan(
    expected_alpha: float = typer.Option(
        ..., "--expected-alpha", help="The alpha you expect the coders to reach (e.g. 0.8)."
    ),
    ci_width: float = typer.Option(
        0.1, "--ci-width", help="Total width of the 95% confidence interval you want (e.g. 0.1)."
    ),
    prevalence: float = typer.Option(
        0.5,
        "--prevalence",
        help="Share of units a code is expected on (0.5 if unknown; rarer codes need more).",
    ),
    coders: int = typer.Option(2, "--n-coders", help="How many coders will code each unit."),
    confidence: float = typer.Option(0.95, "--confidence", help="Confidence of the interval."),
) -> None:
    """How many units to double-code for an interval of alpha of a given width, and
    Krippendorff's minimum sample to tell alpha from 0.667 and 0.800."""
    from coder.agreement import krippendorff_minimum_sample, plan_sample_size
    from coder.reports.agreement_plan import render_plan

    try:
        sized = plan_sample_size(expected_alpha, ci_width, confidence, prevalence)
        rarest = min(prevalence, 1.0 - prevalence)
        minimum = {
            a: krippendorff_minimum_sample(a, rarest, 0.05, n_coders=coders) for a in (0.667, 0.8)
        }
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(render_plan(sized, minimum, coders), nl=False)

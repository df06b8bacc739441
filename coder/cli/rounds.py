"""``coder round start|close`` and ``coder rounds``: rounds of coding and their agreement."""

from __future__ import annotations

import typer

from coder.cli.common import (
    DEFAULT_PROJECT,
    ProjectOption,
    coder_names,
    current_user,
    open_store,
)
from coder.cli.output import ListFormat, emit

round_app = typer.Typer(
    help="Rounds of coding: snapshot codebook and agreement.", no_args_is_help=True
)

#: Width of the bar for an alpha of 1 in the chart of ``coder rounds``.
BAR_WIDTH = 30


def register(app: typer.Typer) -> None:
    """Add ``coder round ...`` and ``coder rounds``."""
    app.add_typer(round_app, name="round")
    app.command("rounds")(rounds)


@round_app.command("start")
def start(
    coders: list[str] = typer.Option(
        ..., "--coders", "-c", help="Coders whose agreement to track."
    ),
    name: str = typer.Option("", "--name", "-n", help="A name (default: Round N)."),
    project: ProjectOption = DEFAULT_PROJECT,
) -> None:
    """Open the next round: snapshot the codebook and the coders' agreement now."""
    from coder.services.agreement.rounds import start_round

    names = coder_names(coders)
    view = start_round(
        open_store(project, writes=True), actor=current_user(), coders=names, name=name
    )
    typer.echo(f"started round {view.number} ({view.name}): {_alpha(view.start)}")


@round_app.command("close")
def close(project: ProjectOption = DEFAULT_PROJECT) -> None:
    """Close the open round: snapshot the codebook and the agreement again."""
    from coder.services.agreement.rounds import close_round

    view = close_round(open_store(project, writes=True), actor=current_user())
    typer.echo(f"closed round {view.number} ({view.name}): {_alpha(view.end)}")


def _alpha(figures: object) -> str:
    alpha = getattr(figures, "alpha", None)
    if alpha is None:
        note = getattr(figures, "note", "")
        return "alpha undefined" + (f" ({note})" if note else "")
    return f"alpha {alpha:.3f}"


def bar(value: float | None, width: int = BAR_WIDTH) -> str:
    """A text bar for an alpha in [0, 1] (negative alphas draw nothing)."""
    if value is None:
        return ""
    filled = max(0.0, min(1.0, value)) * width
    whole = int(filled)
    half = "▌" if filled - whole >= 0.5 else ""
    return "█" * whole + half


def rounds(
    project: ProjectOption = DEFAULT_PROJECT,
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """List the rounds with their agreement at start and close, and a chart."""
    from coder.services.agreement.rounds import list_rounds

    views = list_rounds(open_store(project))
    rows = [
        {
            "round": v.number,
            "name": v.name,
            "coders": ", ".join(v.coders),
            "started": v.started_at,
            "closed": v.closed_at,
            "alpha_start": v.start.alpha if v.start else None,
            "alpha_close": v.end.alpha if v.end else None,
            "units": v.latest.n_units if v.latest else 0,
            "codes": v.codes_at_end if v.codes_at_end is not None else v.codes_at_start,
        }
        for v in views
    ]
    columns = ["round", "name", "coders", "started", "closed", "alpha_start", "alpha_close",
               "units", "codes"]  # fmt: skip
    if fmt is not ListFormat.table:
        emit(rows, fmt, columns=columns)
        return
    for row in rows:
        for key in ("alpha_start", "alpha_close"):
            row[key] = "" if row[key] is None else f"{row[key]:.3f}"
    emit(rows, fmt, columns=columns, title="Rounds")
    if not views:
        return
    typer.echo("\nKrippendorff's alpha by round (at close; at start while open)")
    for v in views:
        alpha = v.latest.alpha if v.latest else None
        label = "undefined" if alpha is None else f"{alpha:.3f}"
        state = "" if v.closed_at else " (open)"
        typer.echo(f"  {v.number:>3} |{bar(alpha):<{BAR_WIDTH}}| {label}{state}")

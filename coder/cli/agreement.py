"""``coder agreement``: inter-coder agreement reports."""

from __future__ import annotations

from pathlib import Path

import typer

from coder.cli.common import (
    DEFAULT_PROJECT,
    ProjectOption,
    coder_names,
    open_store,
    parse_key_values,
)
from coder.cli.output import ForceOption, output_for
from coder.domain.agreement import DEFAULT_OVERLAP, OVERLAP_RULES, AgreementRequest
from coder.domain.documents import UnitKind

REPORT_FORMATS = ("table", "md", "html", "csv", "xlsx", "json")
OVERLAP_HELP = "When a coding counts for a unit: any, majority or full."


def overlap_rule(value: str) -> str:
    """Check an ``--overlap`` value (``coder agreement`` and ``coder reconcile`` share it)."""
    if value not in OVERLAP_RULES:
        raise typer.BadParameter(
            f"{value!r} (choose any, majority or full)", param_hint="--overlap"
        )
    return value


app = typer.Typer(
    help="Measure agreement between coders (or: coder agreement plan, before coding).",
    invoke_without_command=True,
)


def register(parent: typer.Typer) -> None:
    from coder.cli.agreement_plan import plan

    app.command("plan")(plan)
    parent.add_typer(app, name="agreement")


@app.callback()
def agreement(
    ctx: typer.Context,
    coders: list[str] = typer.Option(
        None, "--coders", "-c", help="Two or more coders (repeat the option or list them)."
    ),
    project: ProjectOption = DEFAULT_PROJECT,
    unit: UnitKind = typer.Option(UnitKind.SENTENCE, "--unit", "-u", help="Unit of analysis."),
    level: str = typer.Option(
        "unit",
        "--level",
        help="unit (codes present per unit), character (NVivo-compatible), span (unitized alpha).",
    ),
    overlap: str = typer.Option(
        DEFAULT_OVERLAP, "--overlap", help=OVERLAP_HELP, callback=overlap_rule
    ),
    docs: list[str] = typer.Option([], "--docs", "-d", help="Only these documents."),
    where: list[str] = typer.Option([], "--where", "-w", help="Only documents with key=value."),
    codes: list[str] = typer.Option([], "--codes", help="Only these codes (with sub-codes)."),
    rollup: int | None = typer.Option(
        None, "--rollup", help="Report codes at this depth of the tree (1 = top-level themes)."
    ),
    all_docs: bool = typer.Option(
        False, "--all-docs", help="Include documents not every coder has worked on."
    ),
    all_codes: bool = typer.Option(
        False, "--all-codes", help="List codes nobody applied too (they are always counted)."
    ),
    n_boot: int = typer.Option(
        1000, "--bootstrap", help="Bootstrap resamples for confidence intervals (0: none)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap (results reproduce)."),
    coefficient: str | None = typer.Option(
        None,
        "--coefficient",
        help="With --level span: u-alpha-2016 (Krippendorff 2016: u-, |u-, cu-, Cu-alpha) "
        "or gamma (Mathet et al. 2015), per semantic domain and per code.",
    ),
    domains: str | None = typer.Option(
        None,
        "--domains",
        help="Semantic domains for --coefficient: 'Theme A=Code1,Code2;Theme B=Code3' or a "
        "file with one domain a line (default: each top-level theme with its codes).",
    ),
    fmt: str = typer.Option("table", "--format", "-f", help=" | ".join(REPORT_FORMATS)),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
    force: ForceOption = False,
) -> None:
    """Measure agreement between coders: per code, overall, per document and per pair.

    [bold]coder agreement plan[/bold] answers how many units to double-code before coding.
    """
    if ctx.invoked_subcommand is not None:
        return
    from coder.reports.agreement import agreement_renderables, render_agreement
    from coder.services.agreement.compute import compute_project_agreement

    if level not in ("unit", "character", "span"):
        raise typer.BadParameter(
            f"{level!r} (choose unit, character or span)", param_hint="--level"
        )
    if fmt not in REPORT_FORMATS:
        raise typer.BadParameter(
            f"{fmt!r} (choose {', '.join(REPORT_FORMATS)})", param_hint="--format"
        )
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter("xlsx needs a file: add -o report.xlsx", param_hint="--format")
    names = coder_names(coders)
    if not names:
        raise typer.BadParameter("name two or more coders: --coders A B", param_hint="--coders")
    request = AgreementRequest(
        coders=tuple(names),
        unit=unit,
        level=level,  # type: ignore[arg-type]
        overlap=overlap,  # type: ignore[arg-type]
        documents=tuple(docs),
        where=parse_key_values(where, "--where"),
        codes=tuple(codes),
        rollup=rollup,
        all_documents=all_docs,
        ci=n_boot > 0,
        n_boot=max(n_boot, 1),
        seed=seed,
        all_codes=all_codes,
    )
    if coefficient is not None or domains is not None:
        _span_family(request, project, coefficient, domains, fmt, output, force=force)
        return
    store = open_store(project)
    target = output_for(store, output, force=force)
    report = compute_project_agreement(store, request)
    if fmt == "table" and output is None:
        from rich.console import Console

        console = Console()
        # Laid out for the console's width (80 when redirected): tables fit or split, never cut.
        for renderable in agreement_renderables(report, console.width):
            console.print(renderable)
        return
    target.write(render_agreement(report, fmt))


def _span_family(
    request: AgreementRequest,
    project: str,
    coefficient: str | None,
    domains: str | None,
    fmt: str,
    output: Path | None,
    *,
    force: bool,
) -> None:
    """``--coefficient u-alpha-2016|gamma``: the ATLAS.ti-comparable report on coded segments."""
    from coder.domain.agreement_span import SPAN_COEFFICIENTS, parse_domains
    from coder.reports.agreement_span import SPAN_FORMATS, render_span_family
    from coder.services.agreement.span_family import compute_span_family

    if coefficient not in SPAN_COEFFICIENTS:
        hint = "--domains needs --coefficient; " if coefficient is None else f"{coefficient!r} "
        raise typer.BadParameter(
            f"{hint}(choose {' or '.join(SPAN_COEFFICIENTS)})", param_hint="--coefficient"
        )
    if request.level != "span":
        raise typer.BadParameter(
            f"{coefficient} is measured on coded segments: add --level span",
            param_hint="--coefficient",
        )
    if fmt not in SPAN_FORMATS:
        raise typer.BadParameter(
            f"{fmt!r} with --coefficient (choose {', '.join(SPAN_FORMATS)})",
            param_hint="--format",
        )
    declared: tuple[tuple[str, tuple[str, ...]], ...] = ()
    if domains is not None:
        source = Path(domains)
        text = source.read_text(encoding="utf-8") if source.is_file() else domains
        try:
            declared = parse_domains(text)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--domains") from None
    store = open_store(project)
    target = output_for(store, output, force=force)
    report = compute_span_family(store, request, coefficient, declared)
    target.write(render_span_family(report, fmt))

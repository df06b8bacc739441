"""The HTML report: ``templates/agreement.html.j2`` on the one page of :mod:`coder.reports.html`
(inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from dataclasses import dataclass

from coder.domain.agreement import AgreementReport
from coder.reports._common import (
    Flag,
    chart_spec,
    code_names,
    coder_letters,
    fmt_int,
    unit_nouns,
)
from coder.reports._display import (
    DisplayTable,
    code_table,
    counted_note,
    document_table,
    overall_lines,
    pair_table,
)
from coder.reports._methods import methods_paragraph, references
from coder.reports._svg import chart_svg
from coder.reports.html import markup, render_page


def _row_class(table: DisplayTable, row: int) -> str:
    flag = table.flags[row] if row < len(table.flags) else None
    return f"flag-{flag.css_class}" if flag is not None else ""


def _cell_classes(table: DisplayTable, column: int, cell: str) -> str:
    classes = []
    if column in table.numeric:
        classes.append("num")
    if cell.startswith("undefined"):
        classes.append("undef")
    if table.headers[column] == "Flag":
        classes.append("flag")
    return " ".join(classes)


@dataclass(frozen=True)
class _Confusion:
    """The confusion table as the template shows it."""

    corner: str
    columns: list[tuple[int, str]]
    rows: list[tuple[str, list[tuple[str, bool]]]]
    note: str


def _confusion(report: AgreementReport) -> _Confusion | None:
    confusion = report.result.confusion
    if confusion is None:
        return None
    coders = report.result.coders
    names = [*code_names(report), "(no code)"]
    counts = confusion.counts
    n = len(names)
    # Codes neither coder applied are all-zero rows and columns; leaving them out keeps the
    # table readable on large codebooks.
    keep = [i for i in range(n) if i == n - 1 or counts[i, :].sum() or counts[:, i].sum()]
    first, second = coders[confusion.first], coders[confusion.second]
    rows = [
        (
            f"{k}. {names[i]}",
            [
                (fmt_int(int(counts[i, j])) if counts[i, j] else "", i == j and i != n - 1)
                for j in keep
            ],
        )
        for k, i in enumerate(keep, 1)
    ]
    dropped = n - len(keep)
    _, plural_noun = unit_nouns(report)
    note = (
        f"{plural_noun.capitalize()} where {first} applied the row code and "
        f"{second} the column code (a {plural_noun[:-1]} with several codes counts in several "
        "cells). Columns are numbered like the rows; the diagonal is agreement; empty cells are "
        "zero." + (f" {dropped} code(s) neither coder applied are left out." if dropped else "")
    )
    return _Confusion(
        corner=f"{first} \\ {second}",
        columns=[(k, names[j]) for k, j in enumerate(keep, 1)],
        rows=rows,
        note=note,
    )


def _meta(report: AgreementReport) -> list[tuple[str, str]]:
    result = report.result
    plural_noun = unit_nouns(report)[1]
    coders = "; ".join(
        f"{letter} = {name} ({fmt_int(report.codings_per_coder.get(name, 0))} codings)"
        for letter, name in zip(coder_letters(len(result.coders)), result.coders, strict=True)
    )
    level_text = {
        "unit": f"units of analysis ({report.unit_label}), overlap rule “{result.overlap}”",
        "character": "characters (NVivo-compatible)",
        "span": "spans (Krippendorff's unitizing alpha)",
    }[report.request.level]
    return [
        ("Project", report.project),
        ("Coders", coders),
        ("Unit", plural_noun),
        ("Level", level_text),
        (
            "Scope",
            f"{fmt_int(len(report.documents))} documents, {fmt_int(result.n_units)} "
            f"{plural_noun}, {len(result.per_code)} codes",
        ),
        ("Generated", f"{report.generated_at:%Y-%m-%d %H:%M} UTC"),
    ]


def render_html(report: AgreementReport) -> str:
    """The whole report as one HTML document."""
    result = report.result
    level = report.request.level
    return render_page(
        "agreement.html.j2",
        title=f"Inter-coder agreement: {report.project}",
        meta=_meta(report),
        methods=methods_paragraph(report),
        references=references(report),
        chart_name=chart_spec(level).name,
        chart=markup(chart_svg(report)),
        caption=_caption(report),
        per_code=code_table(report),
        per_code_note=f"{counted_note(report)} {_legend(level)}",
        overall=overall_lines(report),
        per_document=document_table(report),
        pairs=pair_table(report) if result.per_pair else None,
        confusion=_confusion(report),
        excluded=report.excluded,
        notes=result.notes,
        row_class=_row_class,
        cell_classes=_cell_classes,
    )


def _caption(report: AgreementReport) -> str:
    level = report.request.level
    spec = chart_spec(level)
    text = f"Each row is a code; the dot is its {spec.name}"
    if level == "unit" and report.request.ci:
        text += ", the whisker its 95% bootstrap confidence interval"
    elif level == "unit":
        text += " (no confidence intervals were computed)"
    else:
        text += " (no confidence intervals are computed at this level)"
    text += (
        ". Dashed lines mark 0.667, Krippendorff's lowest acceptable level for tentative "
        "conclusions, and 0.8, his standard for reliable data (Krippendorff 2004, p. 241). "
        "The value and flag of each code are printed at the right; codes whose coefficient is "
        "undefined say why."
    )
    if level == "character":
        text += " At character level the chart shows per-character kappa, NVivo's figure."
    return text


def _legend(level: str) -> str:
    name = "unitized alpha" if level == "span" else "alpha"
    return (
        "Flags: "
        + "; ".join(
            f"{f.label}: {name} {f.meaning}" for f in (Flag.LOW, Flag.TENTATIVE, Flag.RELIABLE)
        )
        + f"; {Flag.UNDEFINED.label}: {name} undefined (Krippendorff 2004, p. 241)."
    )

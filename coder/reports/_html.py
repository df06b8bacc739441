"""The HTML report: ``templates/agreement.html.j2`` on the one page of :mod:`coder.reports.html`
(inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

from dataclasses import dataclass

from coder.domain.agreement import MIN_CODED_UNITS, AgreementReport
from coder.domain.words import fmt_int, plural
from coder.reports._common import (
    chart_spec,
    code_names,
    coder_letters,
    has_min_data_rule,
    unit_nouns,
)
from coder.reports._display import (
    DisplayTable,
    agreement_table,
    code_document_note,
    code_document_table,
    counted_note,
    document_table,
    figures_legend,
    flag_legend,
    hidden_note,
    pair_table,
    precision_legend,
    precision_table,
    reliability_table,
)
from coder.reports._methods import methods_paragraph, references
from coder.reports._summary import summary_lines, unitizing_notes
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
    if column < table.text_columns:
        classes.append("name")
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
    singular = unit_nouns(report)[0]
    note = (
        f"{plural_noun.capitalize()} where {first} applied the row code and "
        f"{second} the column code (a {singular} with several codes counts in several "
        "cells). Columns are numbered like the rows; the diagonal is agreement; empty cells are "
        "zero."
        + (
            f" {plural(dropped, 'code')} neither coder applied "
            f"{'is' if dropped == 1 else 'are'} left out."
            if dropped
            else ""
        )
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
        f"{letter} = {name} ({plural(report.codings_per_coder.get(name, 0), 'coding')})"
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
            f"{plural(len(report.documents), 'document')}, "
            f"{plural(result.n_units, *unit_nouns(report))}, "
            f"{plural(len(result.per_code), 'code')}",
        ),
        ("Blind", {True: "yes", False: "no", None: "not known"}[report.blind]),
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
        per_code=reliability_table(report),
        per_code_note=f"{counted_note(report)} {flag_legend(report)}",
        figures=agreement_table(report),
        figures_note=figures_legend(report),
        precision=precision_table(report),
        precision_note=precision_legend(report),
        hidden=hidden_note(report),
        summary=summary_lines(report),
        per_document=document_table(report),
        by_document=code_document_table(report),
        by_document_note=code_document_note(report),
        pairs=pair_table(report) if result.per_pair else None,
        unitizing=unitizing_notes(report),
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
    if has_min_data_rule(level):
        text += (
            f" Codes coded on fewer than {MIN_CODED_UNITS} units per coder on average are "
            "flagged as having too few units, whatever their value."
        )
    if level == "character":
        text += " At character level the chart shows per-character kappa, NVivo's figure."
    return text

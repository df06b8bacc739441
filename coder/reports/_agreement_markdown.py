"""The Markdown agreement report: the methods paragraph, then the tables of the HTML report."""

from __future__ import annotations

from coder.domain.agreement import AgreementReport
from coder.domain.words import fmt_int, plural
from coder.io.escaping import markdown_cell, markdown_text
from coder.reports._common import coder_letters, unit_nouns
from coder.reports._display import (
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
    top_confusions,
)
from coder.reports._markdown import markdown_table
from coder.reports._methods import methods_paragraph, references
from coder.reports._summary import summary_lines, unitizing_notes


def render_markdown(report: AgreementReport) -> str:
    """The whole report as Markdown."""
    result = report.result
    level = report.request.level
    singular, plural_noun = unit_nouns(report)
    level_text = {
        "unit": f"{report.unit_label} (overlap rule: {result.overlap})",
        "character": "character (NVivo-compatible)",
        "span": "span (unitized alpha)",
    }[level]
    lines = [f"# Inter-coder agreement: {markdown_cell(report.project)}", ""]
    for letter, name in zip(coder_letters(len(result.coders)), result.coders, strict=True):
        codings = plural(report.codings_per_coder.get(name, 0), "coding")
        lines.append(f"- Coder {letter}: {markdown_cell(name)} ({codings})")
    blind = {True: "yes", False: "no", None: "not known"}[report.blind]
    lines += [
        f"- Level: {level_text}",
        f"- Documents: {fmt_int(len(report.documents))}; "
        f"{plural_noun}: {fmt_int(result.n_units)}; codes: {fmt_int(len(result.per_code))}",
        f"- Blind: {blind}",
        f"- Generated: {report.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
        "## Methods",
        "",
        markdown_text(methods_paragraph(report)),
        "",
        *(f"- {markdown_text(ref)}" for ref in references(report)),
        "",
        "## Per code: reliability",
        "",
        *markdown_table(reliability_table(report)),
        "",
        markdown_text(f"{counted_note(report)} {flag_legend(report)}"),
        "",
    ]
    hidden = hidden_note(report)
    if hidden:
        lines += [markdown_text(hidden), ""]
    figures = agreement_table(report)
    if figures is not None:
        lines += [
            "## Per code: agreement, prevalence and bias",
            "",
            *markdown_table(figures),
            "",
            markdown_text(figures_legend(report)),
            "",
        ]
    precision = precision_table(report)
    if precision is not None:
        lines += [
            "## Per code: precision",
            "",
            *markdown_table(precision),
            "",
            markdown_text(precision_legend(report)),
            "",
        ]
    lines += ["## Summary across codes", ""]
    lines += [f"- {markdown_text(line)}" for line in summary_lines(report)]
    lines += ["", "## Per document", "", *markdown_table(document_table(report)), ""]
    by_document = code_document_table(report)
    if by_document is not None:
        lines += [
            "## Per code and document",
            "",
            markdown_text(code_document_note(report)),
            "",
            *markdown_table(by_document),
            "",
        ]
    if result.per_pair:
        lines += ["## Coder pairs", "", *markdown_table(pair_table(report)), ""]
    confusions = top_confusions(report)
    if confusions is not None and confusions.rows:
        first, second = confusions.headers[:2]
        lines += [
            "## Most frequent differences",
            "",
            f"{singular.capitalize()}s where {markdown_cell(first)} applied the first code and "
            f"{markdown_cell(second)} the second (a full code-by-code table is in the HTML and "
            "XLSX reports).",
            "",
            *markdown_table(confusions),
            "",
        ]
    lines += ["## Left out", ""]
    lines += [f"- {markdown_text(item)}" for item in report.excluded] or ["Nothing was left out."]
    lines.append("")
    notes = [*unitizing_notes(report), *result.notes]
    if notes:
        lines += ["## Notes", "", *(f"- {markdown_text(note)}" for note in notes), ""]
    return "\n".join(lines)

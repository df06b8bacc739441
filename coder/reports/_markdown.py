"""The Markdown report: the terminal report's tables as Markdown, with the methods paragraph."""

from __future__ import annotations

from coder.domain.agreement import AgreementReport
from coder.io.escaping import markdown_cell, markdown_text
from coder.reports._common import Flag, coder_letters, fmt_int, unit_nouns
from coder.reports._display import (
    DisplayTable,
    code_table,
    counted_note,
    document_table,
    overall_lines,
    pair_table,
    top_confusions,
)
from coder.reports._methods import methods_paragraph, references


def markdown_table(table: DisplayTable) -> list[str]:
    """Lines of a GitHub-flavoured Markdown table, numbers right-aligned."""
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in table.headers) + " |"]
    lines.append("| " + " | ".join(align) + " |")
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in table.rows]
    return lines


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
        codings = fmt_int(report.codings_per_coder.get(name, 0))
        lines.append(f"- Coder {letter}: {markdown_cell(name)} ({codings} codings)")
    lines += [
        f"- Level: {level_text}",
        f"- Documents: {fmt_int(len(report.documents))}; "
        f"{plural_noun}: {fmt_int(result.n_units)}; codes: {len(result.per_code)}",
        f"- Generated: {report.generated_at:%Y-%m-%d %H:%M} UTC",
        "",
        "## Methods",
        "",
        markdown_text(methods_paragraph(report)),
        "",
        *(f"- {markdown_text(ref)}" for ref in references(report)),
        "",
        "## Per code",
        "",
        *markdown_table(code_table(report)),
        "",
        counted_note(report) + " " + _flag_legend(level),
        "",
        "## Overall",
        "",
        *(f"- {line}" for line in overall_lines(report)),
        "",
        "## Per document",
        "",
        *markdown_table(document_table(report)),
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
    lines += ["## Excluded", ""]
    lines += [f"- {markdown_cell(item)}" for item in report.excluded] or ["Nothing was excluded."]
    lines.append("")
    if result.notes:
        lines += ["## Notes", "", *(f"- {markdown_cell(note)}" for note in result.notes), ""]
    return "\n".join(lines)


def _flag_legend(level: str) -> str:
    name = "unitized alpha" if level == "span" else "alpha"
    parts = [f"`{f.label}` {name} {f.meaning}" for f in (Flag.LOW, Flag.TENTATIVE, Flag.RELIABLE)]
    return (
        "Flags: " + "; ".join(parts) + " (Krippendorff 2004, p. 241); "
        f"`{Flag.UNDEFINED.label}` {name} undefined."
    )

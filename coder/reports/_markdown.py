"""Markdown tables of the reports' display tables (the agreement report: _agreement_markdown)."""

from __future__ import annotations

from coder.io.escaping import markdown_cell
from coder.reports._display import DisplayTable


def markdown_table(table: DisplayTable) -> list[str]:
    """Lines of a GitHub-flavoured Markdown table, numbers right-aligned."""
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in table.headers) + " |"]
    lines.append("| " + " | ".join(align) + " |")
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in table.rows]
    return lines

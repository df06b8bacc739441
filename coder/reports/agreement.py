"""Agreement reports: one ``AgreementReport`` rendered as a terminal table, Markdown, HTML, CSV,
XLSX or JSON.

``render_agreement(report, fmt)`` returns text (bytes for xlsx). Every format flags codes
against Krippendorff's (2004, p. 241) standards (alpha below 0.667, below 0.8), except codes
with too few coded units (``MIN_CODED_UNITS``), which are flagged as such. Proportions (percent
agreement, prevalence) are 0-1 in csv/xlsx/json and percentages in the human formats; undefined
values are "undefined: <reason>" (or "n/a" with a footnote in the terminal), empty or null with
a reason in csv/xlsx/json, never "nan", and no figure reads "-0.000". The human formats list
the codes some coder applied (all with ``--all-codes``); the data formats list every code.
"""

from __future__ import annotations

from collections.abc import Callable

from coder.domain.agreement import AgreementReport
from coder.reports._agreement_markdown import render_markdown
from coder.reports._agreement_sheets import render_csv, render_xlsx
from coder.reports._html import render_html
from coder.reports._json import render_json, report_dict
from coder.reports._methods import methods_paragraph, references
from coder.reports._terminal import agreement_renderables, render_table

__all__ = [
    "agreement_renderables",
    "methods_paragraph",
    "references",
    "render_agreement",
    "report_dict",
    "supported_report_formats",
]


_RENDERERS: dict[str, Callable[[AgreementReport], str | bytes]] = {
    "table": render_table,
    "md": render_markdown,
    "html": render_html,
    "csv": render_csv,
    "xlsx": render_xlsx,
    "json": render_json,
}


def supported_report_formats() -> tuple[str, ...]:
    """Format names ``render_agreement`` accepts, in the order the CLI lists them."""
    return tuple(_RENDERERS)


def render_agreement(report: AgreementReport, fmt: str) -> str | bytes:
    """The report in format ``fmt``: text for table/md/html/csv/json, bytes for xlsx."""
    if fmt not in _RENDERERS:
        raise ValueError(
            f"unknown report format {fmt!r} (choose {', '.join(supported_report_formats())})"
        )
    return _RENDERERS[fmt](report)

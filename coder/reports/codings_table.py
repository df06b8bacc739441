"""Codings as a table for analysts: CSV and XLSX with one row per coding.

The columns are the layout ``coder codings import`` reads back (see
:mod:`coder.services.coding.importing`): ``document``, ``start``, ``end`` (character offsets,
end exclusive), ``code`` (a path such as ``Theme/Code``), ``coder``, ``memo``, ``text`` (the
coded passage, checked on import) and ``created_at`` (UTC, for information).
"""

from __future__ import annotations

from collections.abc import Sequence

from coder.domain.views import CodingView
from coder.io.escaping import csv_text
from coder.reports.xlsx import new_workbook, workbook_bytes, write_table

CODING_COLUMNS = ("document", "start", "end", "code", "coder", "memo", "text", "created_at")


def coding_rows(codings: Sequence[CodingView]) -> list[list[object]]:
    """One list of cell values per coding, in :data:`CODING_COLUMNS` order."""
    return [
        [
            c.document,
            c.start,
            c.end,
            str(c.code_path),
            c.coder,
            c.memo or "",
            c.text,
            c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if c.created_at else "",
        ]
        for c in codings
    ]


def render_codings_csv(codings: Sequence[CodingView]) -> str:
    """The codings as CSV text (``\\n`` line ends; the text of a passage is kept exactly)."""
    return csv_text([CODING_COLUMNS, *coding_rows(codings)])


def render_codings_xlsx(codings: Sequence[CodingView]) -> bytes:
    """The codings as one sheet, header bold and frozen, memo and text wrapped."""
    workbook = new_workbook()
    write_table(
        workbook,
        "Codings",
        CODING_COLUMNS,
        coding_rows(codings),
        widths={"memo": 30, "text": 70, "start": 8, "end": 8, "created_at": 21},
        wrap=("memo", "text"),
    )
    return workbook_bytes(workbook)

"""Word (.docx) reader: text out of office documents (PDF: :mod:`coder.io._pdf`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io._common import FormatProblem, one_line
from coder.io.inputs import RAISE_WITH_MAX_BYTES
from coder.io.refi.safety import ArchiveRefused, SafeArchive


def read_docx_text(path: Path, max_unpacked: int) -> tuple[str, dict[str, AttributeValue]]:
    """Text of a Word document: body paragraphs and table rows in document order.

    Paragraphs are separated by a blank line so that each becomes a paragraph unit; a table
    row is one paragraph with its cells separated by tabs. Empty paragraphs are skipped. The
    title and author from the document properties become attributes when set. The archive
    is checked first (:class:`~coder.io.refi.safety.SafeArchive`: at most ``max_unpacked``
    bytes once unpacked, no zip bomb).
    """
    if not zipfile.is_zipfile(path):
        raise FormatProblem("corrupt .docx: not a zip archive (is it an old .doc file?)")
    try:
        with SafeArchive.open(
            path, kind=".docx", max_unpacked=max_unpacked, hint=RAISE_WITH_MAX_BYTES
        ) as archive:
            hollow = archive.find("word/document.xml") is None
            archive.refuse_declarations()
    except ArchiveRefused as exc:
        raise FormatProblem(exc.problem) from exc
    except InputError as exc:
        raise FormatProblem(f"corrupt .docx: {exc.problem}") from exc
    if hollow:
        raise FormatProblem("corrupt .docx: the archive has no word/document.xml")

    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for damaged packages
        raise FormatProblem(f"corrupt .docx: {one_line(exc)}") from exc
    paragraphs = [p for p in _docx_blocks(document.element.body, document) if p.strip()]
    attributes: dict[str, AttributeValue] = {}
    props = document.core_properties
    if props.title and props.title.strip():
        attributes["title"] = props.title.strip()
    if props.author and props.author.strip():
        attributes["author"] = props.author.strip()
    return "\n\n".join(paragraphs), attributes


def _docx_blocks(container: Any, parent: Any) -> Iterator[str]:
    """Paragraph texts of a body or table cell, tables flattened row by row."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif child.tag == qn("w:tbl"):
            for row in Table(child, parent).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    # A merged cell appears once per grid column it spans: keep it once.
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(t for t in _docx_blocks(cell._tc, cell) if t.strip()))
                yield "\t".join(cells)

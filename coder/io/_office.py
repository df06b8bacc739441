"""Word (.docx) and PDF readers: text out of office formats."""

from __future__ import annotations

import contextlib
import logging
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.io._common import FormatProblem, one_line
from coder.io.normalise import strip_control_characters

Progress = Callable[[int, int], None] | None


def read_docx_text(path: Path) -> tuple[str, dict[str, AttributeValue]]:
    """Text of a Word document: body paragraphs and table rows in document order.

    Paragraphs are separated by a blank line so that each becomes a paragraph unit; a table
    row is one paragraph with its cells separated by tabs. Empty paragraphs are skipped. The
    title and author from the document properties become attributes when set.
    """
    if not zipfile.is_zipfile(path):
        raise FormatProblem("corrupt .docx: not a zip archive (is it an old .doc file?)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise FormatProblem(f"corrupt .docx: {exc}") from exc
    if "word/document.xml" not in names:
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


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Keep pypdf's warnings about damaged files off the terminal: importers never print, and
    a damaged file is reported through the error raised instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf_text(path: Path, progress: Progress) -> tuple[str, dict[str, AttributeValue]]:
    """Text layer of a PDF, pages separated by a blank line.

    An empty user password is tried on an encrypted file (many PDFs are encrypted only to set
    permissions). A PDF without any extractable text is refused: it is probably scanned.
    """
    with _quiet_pypdf():
        return _read_pdf_text(path, progress)


def _read_pdf_text(path: Path, progress: Progress) -> tuple[str, dict[str, AttributeValue]]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatProblem("encrypted PDF: it needs a password")
        pages = list(reader.pages)
    except FormatProblem:
        raise
    except DependencyError as exc:
        raise FormatProblem(f"encrypted PDF that cannot be opened: {one_line(exc)}") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FormatProblem(f"corrupt PDF: {one_line(exc)}") from exc
    except NotImplementedError as exc:
        raise FormatProblem(f"unsupported PDF: {one_line(exc)}") from exc

    texts: list[str] = []
    for number, page in enumerate(pages, start=1):
        try:
            raw = page.extract_text() or ""
        except Exception as exc:  # a damaged content stream can fail in many ways
            raise FormatProblem(f"corrupt PDF: page {number}: {one_line(exc)}") from exc
        # Form feeds and stray control bytes are artefacts of extraction, not binary content.
        page_text = strip_control_characters(raw.replace("\r\n", "\n").replace("\r", "\n"))
        if page_text.strip():
            texts.append(page_text.strip("\n"))
        if progress is not None:
            progress(number, len(pages))
    if not texts:
        raise FormatProblem("PDF has no text layer (scanned PDF?)")
    attributes: dict[str, AttributeValue] = {"pages": len(pages)}
    metadata = reader.metadata
    if metadata is not None and metadata.title and str(metadata.title).strip():
        attributes["title"] = str(metadata.title).strip()
    return "\n\n".join(texts), attributes

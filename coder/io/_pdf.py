"""PDF reader: the text of a PDF as a reader would copy it from the page.

PDFium (through pypdfium2) gives every glyph of a page with its box; :mod:`coder.io._pdf_layout`
turns them into paragraphs: one space between words (never a tab), no margin line numbers, no
running headers, footers or page numbers, hyphenated words joined, and lines joined into
paragraphs that start at speaker labels.

Why PDFium: measured on a 54-page LibreOffice transcript (margin line numbers, running header,
"n/N" footers) and the three PDFs in ``tests/fixtures/pdf``, milliseconds per page, best of 3:

=====================================  =====  ==============================================
extractor                              ms/pg  defects left on the fixtures (6 pages)
=====================================  =====  ==============================================
pypdf 7.1 ``extract_text`` (before)     19.5  content order: 73 margin-number lines in a
                                              block after each page's text, headers and
                                              footers, 262 tabs for spaces, hard line breaks
pypdf 7.1 layout mode                   41.0  the same, laid out with runs of spaces
pdfminer.six 20260107                   52.1  the same defects; pure Python
pdfplumber 0.11.10 (pdfminer.six)      55-73  numbers put on their lines, still in the text
pypdfium2 5.15: text only                0.7  content order as pypdf's, tabs kept
pypdfium2 5.15: every glyph's box        4.2  nothing a page's geometry cannot settle
=====================================  =====  ==============================================

With the layout steps, reading the 54-page file takes 4.6-7.4 ms a page against pypdf's
26-32 in the same (busier) runs, and no defect above is left. PDFium is Chrome's PDF engine;
pypdfium2 ships it as binary wheels for Linux (glibc, musl), macOS and Windows and is released
every few weeks (Apache-2.0 or BSD-3-Clause). PDFium may not be called from two threads at
once, so every use here holds one lock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.io._common import FormatProblem, one_line
from coder.io._pdf_layout import Glyph, Line, layout_text, page_lines
from coder.io._pdf_streams import refuse_stream_bombs
from coder.io._speakers import SPEAKERS_AUTO
from coder.io.normalise import strip_control_characters

Progress = Callable[[int, int], None] | None

_PDFIUM = threading.Lock()


def _new_lock_after_fork() -> None:
    # A worker forked while another thread read a PDF would inherit the lock held forever.
    global _PDFIUM
    _PDFIUM = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)

# PDFium's FPDF_GetLastError codes (fpdfview.h).
_ERR_PASSWORD, _ERR_SECURITY = 4, 5


def read_pdf_text(
    path: Path,
    progress: Progress,
    speakers: str = SPEAKERS_AUTO,
    inflated_limit: int = 1024**3,
) -> tuple[str, dict[str, AttributeValue]]:
    """Text of a PDF: paragraphs separated by a blank line (see :mod:`coder.io._pdf_layout`).

    ``speakers`` is the ``--speakers`` option: lines that open with a label start paragraphs.
    A PDF encrypted with an empty user password (to set permissions) opens; one that needs a
    password, a damaged one and one without any text (scanned) are refused with a
    :class:`FormatProblem`, and so is one whose compressed streams inflate like a bomb or to
    more than ``inflated_limit`` bytes (:mod:`coder.io._pdf_streams`), before PDFium opens it.
    Attributes: ``pages``, and ``title`` when the PDF has one.
    """
    refuse_stream_bombs(path.read_bytes(), inflated_limit)
    with _PDFIUM:
        pages, width, attributes = _read_pages(path, progress)
    if not any(pages):
        raise FormatProblem("PDF has no text layer (scanned PDF?)")
    text = strip_control_characters(layout_text(pages, speakers, width))
    if not text.strip():
        raise FormatProblem("PDF has no text layer (scanned PDF?)")
    return text, attributes


def _read_pages(
    path: Path, progress: Progress
) -> tuple[list[list[Line]], float, dict[str, AttributeValue]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _open_problem(exc) from exc
    try:
        total = len(document)
        pages, width = [], 0.0
        for number in range(total):
            try:
                page = document[number]
                try:
                    width = max(width, page.get_width())
                    pages.append(page_lines(_glyphs(page)))
                finally:
                    page.close()
            except pdfium.PdfiumError as exc:
                raise FormatProblem(f"corrupt PDF: page {number + 1}: {one_line(exc)}") from exc
            if progress is not None:
                progress(number + 1, total)
        attributes: dict[str, AttributeValue] = {"pages": total}
        title = document.get_metadata_value("Title").strip()
        if title:
            attributes["title"] = title
        return pages, width, attributes
    finally:
        document.close()


def _open_problem(exc: Any) -> FormatProblem:
    code = getattr(exc, "err_code", None)
    if code == _ERR_PASSWORD:
        return FormatProblem("encrypted PDF: it needs a password")
    if code == _ERR_SECURITY:
        return FormatProblem(f"encrypted PDF that cannot be opened: {one_line(exc)}")
    return FormatProblem(f"corrupt PDF: {one_line(exc)}")


def _glyphs(page: Any) -> Iterator[Glyph]:
    """Every character PDFium reads on a page, in drawing order, with its box."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        # The whole page's text in one call; PDFium's per-character call only where that text
        # does not line up with the characters (UCS-2 only: letters beyond U+FFFF).
        text = textpage.get_text_range(0, count) if count > 0 else ""
        if len(text) != count:
            text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
        box = raw.FS_RECTF()
        handle, loose_box = textpage.raw, raw.FPDFText_GetLooseCharBox
        for index, char in enumerate(text):
            if loose_box(handle, index, box):
                # The loose box spans the font's ascent and descent: its height stands for
                # the font size (PDFium's own size ignores the text matrix's scaling).
                bottom = box.bottom
                yield Glyph(char, box.left, box.right, bottom, box.top - bottom)
    finally:
        textpage.close()

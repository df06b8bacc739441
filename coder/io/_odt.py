"""OpenDocument text (.odt): the text of LibreOffice, OpenOffice and Google Docs documents.

An ``.odt`` is a zip archive whose ``content.xml`` holds the body. The archive is opened with
the checks REFI-QDA archives get (member names, sizes, compression ratio) and the XML parsed
with entities and DTDs refused (:mod:`coder.io.refi.safety`); lxml, already a dependency,
reads it, so no OpenDocument library is needed.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coder.domain.documents import AttributeValue
from coder.errors import InputError
from coder.io._common import FormatProblem
from coder.io.inputs import RAISE_WITH_MAX_BYTES
from coder.io.refi.safety import ArchiveRefused, SafeArchive, parse_xml

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_DC = "http://purl.org/dc/elements/1.1/"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _t(name: str) -> str:
    return f"{{{_TEXT}}}{name}"


_PARAGRAPHS = {_t("p"), _t("h")}
_ROW = f"{{{_TABLE}}}table-row"
_CELL = f"{{{_TABLE}}}table-cell"
# Inside a paragraph: content that is not its running text (footnotes, comments, tracked
# deletions, frames of images and text boxes) is skipped.
_SKIPPED = {
    f"{{{_DRAW}}}frame",
    _t("note"),
    _t("tracked-changes"),
    f"{{{_OFFICE}}}annotation",
    f"{{{_OFFICE}}}annotation-end",
    _t("bookmark-ref"),
}


def read_odt_text(path: Path, max_unpacked: int) -> tuple[str, dict[str, AttributeValue]]:
    """Text of an OpenDocument text file: headings, paragraphs, list items and table rows in
    document order, each a paragraph separated by a blank line (a table row is one paragraph,
    its cells separated by tabs), as :func:`coder.io._office.read_docx_text` gives a Word
    file. Footnotes, comments and tracked deletions are left out; the title and author from
    ``meta.xml`` become attributes when set. The archive may unpack to ``max_unpacked`` bytes.
    """
    if not zipfile.is_zipfile(path):
        raise FormatProblem("corrupt .odt: not a zip archive (is it an old .doc or .sxw file?)")
    try:
        with SafeArchive.open(
            path, kind=".odt", max_unpacked=max_unpacked, hint=RAISE_WITH_MAX_BYTES
        ) as archive:
            content = archive.find("content.xml")
            if content is None:
                raise FormatProblem("corrupt .odt: the archive has no content.xml")
            body = parse_xml(archive.read(content), "content.xml")
            meta_member = archive.find("meta.xml")
            meta = parse_xml(archive.read(meta_member), "meta.xml") if meta_member else None
    except ArchiveRefused as exc:
        raise FormatProblem(exc.problem) from exc
    except InputError as exc:
        raise FormatProblem(f"corrupt .odt: {exc.problem}") from exc
    office_text = body.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text")
    if office_text is None:
        raise FormatProblem("not an OpenDocument text file (no office:text body)")
    paragraphs = [p for p in _blocks(office_text) if p.strip()]
    return "\n\n".join(paragraphs), _attributes(meta)


def _blocks(element: Any) -> Iterator[str]:
    """Paragraph texts under ``element``, tables flattened row by row."""
    for child in element:
        tag = child.tag
        if tag in _PARAGRAPHS:
            yield _inline(child)
        elif tag == _ROW:
            cells = [" ".join(t for t in _blocks(cell) if t.strip()) for cell in _cells(child)]
            yield "\t".join(cells)
        elif tag == _t("tracked-changes") or not isinstance(tag, str):
            continue
        else:  # sections, lists, list items, tables, row groups...
            yield from _blocks(child)


def _cells(row: Any) -> Iterator[Any]:
    for cell in row:
        if cell.tag == _CELL:
            yield cell


def _inline(paragraph: Any) -> str:
    """A paragraph's text: spans and links flattened, ``text:s`` spaces and tabs kept."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            tag = child.tag
            if tag == _t("s"):
                count = child.get(_t("c"), "1")
                parts.append(" " * (int(count) if count.isdigit() else 1))
            elif tag == _t("tab"):
                parts.append("\t")
            elif tag == _t("line-break"):
                parts.append("\n")
            elif tag not in _SKIPPED and isinstance(tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(paragraph)
    return "".join(parts)


def _attributes(meta: Any) -> dict[str, AttributeValue]:
    attributes: dict[str, AttributeValue] = {}
    if meta is None:
        return attributes
    for name, paths in (
        ("title", (f".//{{{_DC}}}title",)),
        ("author", (f".//{{{_META}}}initial-creator", f".//{{{_DC}}}creator")),
    ):
        for xpath in paths:
            found = meta.find(xpath)
            if found is not None and found.text and found.text.strip():
                attributes[name] = found.text.strip()
                break
    return attributes

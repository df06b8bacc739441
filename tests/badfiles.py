"""Files that :func:`coder.io.read_documents` must refuse, and a small PDF writer.

A plain module (no pytest) so that importer tests and service-level tests share one list:
``make_bad_inputs(folder)`` writes the files and returns, for each, the path, a fragment the
error message must contain, and the keyword arguments to pass to ``read_documents``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, NamedTuple


class BadInput(NamedTuple):
    """A file that must be refused, the message fragment expected, and reader options."""

    path: Path
    fragment: str
    kwargs: dict[str, Any]


def pdf_bytes(pages: list[str]) -> bytes:
    """A minimal valid PDF with one page per string, each drawn in Helvetica as a text layer.

    Written by hand (header, catalog, page tree, pages, one font, content streams, a
    cross-reference table with exact byte offsets, trailer) so that tests need no PDF writer.
    Text must be Latin-1. An empty string gives a page without any text.
    """
    count = len(pages)
    font_id = 3 + 2 * count
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
            + f"] /Count {count} >>"
        ).encode(),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i, text in enumerate(pages):
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        lines = [line for line in text.split("\n")] if text else []
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        objects[content_id] = (
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def encrypted_pdf_bytes(text: str, password: str = "secret") -> bytes:
    """A PDF with a text layer, encrypted with a user password (RC4, no extra dependency)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes([text]))))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_bad_inputs(folder: Path) -> list[BadInput]:
    """Write one file per way of being unreadable into ``folder``; return them."""
    folder.mkdir(parents=True, exist_ok=True)
    bad: list[BadInput] = []

    def add(name: str, content: bytes | None, fragment: str, **kwargs: Any) -> None:
        path = folder / name
        if content is not None:
            path.write_bytes(content)
        bad.append(BadInput(path, fragment, kwargs))

    add("notes.wpd", b"\xffWPC hello", "unsupported file type")
    add("no-extension", b"hello", "unsupported file type")
    add("missing.txt", None, "no such file")
    (folder / "a-folder.txt").mkdir(exist_ok=True)
    add("a-folder.txt", None, "is a directory")
    add("empty.txt", b"", "empty file")
    add("blank.md", b" \n\t\r\n  \n", "only whitespace")
    add("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 8, "binary")
    add("bell.txt", b"An interview\x07 with a bell character.", "not a text file")
    # Bytes >= 0x80 that are not UTF-8 and include bytes Windows-1252 leaves undefined.
    add("garbled.txt", bytes(range(0x80, 0x100)) * 3, "undecodable text")
    add("big.txt", b"word " * 100, "too large", max_bytes=64)
    add("old-word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "not a zip archive")
    with zipfile.ZipFile(folder / "hollow.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    add("hollow.docx", None, "no word/document.xml")
    add("empty-page.docx", _empty_docx(), "empty document")
    add("notes.rtf", b"hello, plain text named .rtf", "not an RTF file")
    add("letter.rtf", b"{\\rtf1\\ansi {\\fonttbl}\\par}", "empty document")
    add("old-writer.odt", b"\xd0\xcf\x11\xe0 an old binary file", "not a zip archive")
    with zipfile.ZipFile(folder / "hollow.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    add("hollow.odt", None, "no content.xml")
    add("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages", "corrupt PDF")
    add("empty.pdf", b"", "empty file")
    add("scanned.pdf", pdf_bytes(["", ""]), "no text layer (scanned PDF?)")
    add("locked.pdf", encrypted_pdf_bytes("Secret interview."), "encrypted PDF")
    survey = b"id,answer,age\nr1,Good,30\n"
    add("survey-no-column.csv", survey, "no column 'text'", text_column="text")
    add("survey-unnamed.csv", survey, "a text column must be named")
    add(
        "ragged.csv",
        b"id,answer\nr1,fine\nr2,too,many\n",
        "row has 3 fields but the header has 2",
        text_column="answer",
    )
    add("empty.csv", b"", "empty file", text_column="answer")
    add("header-only.csv", b"id,answer\n", "no rows below the header", text_column="answer")
    add(
        "blank-answers.csv",
        b"id,answer\nr1,\nr2,  \n",
        "every row has an empty",
        text_column="answer",
    )
    add("no-header.vtt", b"00:00:01.000 --> 00:00:02.000\nHello\n", "missing WEBVTT header")
    add(
        "bad-time.vtt",
        b"WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHello\n",
        "malformed cue timing",
    )
    add("no-cues.vtt", b"WEBVTT\n\nNOTE nothing said\n", "no cues with text")
    add("bad-time.srt", b"1\n00:00:01,000 --> later\nHello\n", "malformed cue timing")
    add("no-timing.srt", b"1\nHello without a timing line\n", "expected a cue number")
    add("broken.xlsx", b"PK\x03\x04 this is not really a workbook", "corrupt .xlsx")
    add("survey-no-column.xlsx", _xlsx(), "no column 'text'", text_column="text")
    return bad


def _empty_docx() -> bytes:
    import io

    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "answer"])
    sheet.append(["r1", "A fine answer."])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

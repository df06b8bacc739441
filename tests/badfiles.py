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
    return serialised_pdf(objects)


def serialised_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF file of numbered objects (1 is the catalog): header, objects, a cross-reference
    table with exact byte offsets, trailer."""
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
    add("a-folder.txt", None, "is a folder")
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


# ---------------------------------------------------------------------------------------------
# Hostile files: bombs and tricks built by hand, each small on disk


def deflated_repeat(
    chunk: bytes, times: int, prefix: bytes = b"", suffix: bytes = b""
) -> tuple[bytes, int, int]:
    """Raw deflate data of ``prefix``, ``chunk`` repeated ``times`` times and ``suffix``, with
    its CRC-32 and unpacked size.

    ``chunk`` is compressed once and its block repeated: a full flush makes each copy stand
    alone, so gigabytes of inflated text cost a second and a few megabytes to build.
    """
    import zlib

    def alone(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = final.compress(suffix) + final.flush(zlib.Z_FINISH)
    data = alone(prefix) + alone(chunk) * times + end
    return data, crc, len(prefix) + len(chunk) * times + len(suffix)


def zip_members(archive: bytes) -> list[RawMember]:
    """The members of a zip archive (an office file), each stored as it is."""
    import io

    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return [plain_member(info.filename, source.read(info)) for info in source.infolist()]


def replaced(members: list[RawMember], replacement: RawMember) -> list[RawMember]:
    """``members`` with the one named as ``replacement`` replaced by it (added when absent)."""
    kept = [m for m in members if m.name != replacement.name]
    return [*kept, replacement]


class RawMember(NamedTuple):
    """A zip member given as stored bytes: ``method`` 0 stored or 8 deflated; ``declared`` is
    the unpacked size the archive claims (a lie when it differs from ``size``)."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = 8
    declared: int | None = None


def plain_member(name: str, content: bytes | str) -> RawMember:
    """A member stored as it is (no compression)."""
    import zlib

    data = content.encode() if isinstance(content, str) else content
    return RawMember(name, data, zlib.crc32(data), len(data), method=0)


def raw_zip(path: Path, members: list[RawMember]) -> Path:
    """Write a zip archive of ``members`` by hand (local headers, central directory, end
    record), so that sizes and data can be whatever a hostile archive holds."""
    import struct

    out = bytearray()
    central = bytearray()
    for member in members:
        name = member.name.encode()
        declared = member.size if member.declared is None else member.declared
        offset = len(out)
        fields = (20, 0, member.method, 0, 0x21, member.crc, len(member.data), declared)
        out += struct.pack("<IHHHHHIII", 0x04034B50, *fields) + struct.pack("<HH", len(name), 0)
        out += name + member.data
        central += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIII", *fields)
        central += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + end))
    return path


#: What a bomb inflates to: the size the issue measured (an .xlsx sheet of 1.5 GB ran past
#: 90 s at 3.2 GB of memory before it was refused).
BOMB_BYTES = 1_500_000_000
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)


def docx_bytes(text: str = "A short interview.") -> bytes:
    """A valid Word file with one paragraph."""
    import io

    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A valid workbook: a header (id, answer) and one row."""
    return _xlsx()


def odt_bytes() -> bytes:
    """A minimal valid OpenDocument text file with one paragraph."""
    import io

    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    content = (
        f'<office:document-content xmlns:office="{office}" xmlns:text="{text_ns}">'
        "<office:body><office:text><text:p>An interview.</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def bomb_member(name: str, chunk: bytes, prefix: bytes, suffix: bytes, size: int) -> RawMember:
    """A member that inflates to about ``size`` bytes of ``chunk`` between prefix and suffix."""
    data, crc, total = deflated_repeat(chunk, size // len(chunk), prefix, suffix)
    return RawMember(name, data, crc, total)


def make_hostile_inputs(folder: Path) -> list[BadInput]:
    """Files built to hurt a reader: zip bombs, lying archives, entity bombs, devices, FIFOs,
    symlink tricks, deep nesting. Each must be refused in one line, quickly, in bounded memory.
    """
    import os
    import socket

    folder.mkdir(parents=True, exist_ok=True)
    bad: list[BadInput] = []

    def add(name: str, fragment: str, content: bytes | None = None, **kwargs: Any) -> Path:
        path = folder / name
        if content is not None:
            path.write_bytes(content)
        bad.append(BadInput(path, fragment, kwargs))
        return path

    paragraph = b"<w:p><w:r><w:t>all work and no play</w:t></w:r></w:p>" * 20_000
    body = (f"<w:document {_W}><w:body>".encode(), b"</w:body></w:document>")
    docx_parts = zip_members(docx_bytes())
    sheet = b'<row><c t="inlineStr"><is><t>all work and no play</t></is></c></row>' * 20_000
    sheet_ends = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
        b"</sheetData></worksheet>",
    )
    xlsx_parts = zip_members(xlsx_bytes())
    sheet_name = next(m.name for m in xlsx_parts if m.name.startswith("xl/worksheets/"))
    odt_parts = zip_members(odt_bytes())

    def bomb(name: str, parts: list[RawMember], member: RawMember) -> bytes:
        raw_zip(folder / name, replaced(parts, member))
        return (folder / name).read_bytes()

    add(
        "bomb.docx",
        "unpacks to more than",
        bomb(
            "bomb.docx", docx_parts, bomb_member("word/document.xml", paragraph, *body, BOMB_BYTES)
        ),
    )
    add(
        "ratio-bomb.docx",
        "a likely zip bomb",
        bomb(
            "ratio-bomb.docx",
            docx_parts,
            bomb_member("word/document.xml", paragraph, *body, 60_000_000),
        ),
    )
    # Declares 2 KB, inflates to 60 MB: zipfile stops at the declared size, the CRC fails.
    liar = bomb_member("word/document.xml", paragraph, *body, 60_000_000)
    add(
        "lying-size.docx",
        "corrupt .docx",
        bomb("lying-size.docx", docx_parts, liar._replace(declared=2048)),
    )
    add(
        "bomb.xlsx",
        "unpacks to more than",
        bomb("bomb.xlsx", xlsx_parts, bomb_member(sheet_name, sheet, *sheet_ends, BOMB_BYTES)),
        text_column="answer",
    )
    add(
        "bomb.odt",
        "unpacks to more than",
        bomb(
            "bomb.odt",
            odt_parts,
            bomb_member(
                "content.xml",
                b"<text:p>all work and no play</text:p>" * 20_000,
                b"",
                b"",
                BOMB_BYTES,
            ),
        ),
    )
    add(
        "escape.docx",
        "escapes the archive folder",
        bomb("escape.docx", docx_parts, plain_member("../../outside.xml", "<x/>")),
    )
    many = [*docx_parts, *(plain_member(f"word/media/{i}.bin", b"") for i in range(10_001))]
    add(
        "many-members.xlsx",
        "members",
        raw_zip(folder / "many-members.xlsx", many).read_bytes(),
        text_column="answer",
    )
    laughs_doc = (
        _LAUGHS
        + f"<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    add(
        "laughs.docx",
        "DOCTYPE",
        bomb("laughs.docx", docx_parts, plain_member("word/document.xml", laughs_doc)),
    )
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    laughs_odt = (
        f'{_LAUGHS}<office:document-content xmlns:office="{office}">'
        "<office:body><office:text>&lol9;</office:text></office:body></office:document-content>"
    ).encode()
    add(
        "laughs.odt",
        "DOCTYPE",
        bomb("laughs.odt", odt_parts, plain_member("content.xml", laughs_odt)),
    )
    cells = "".join(
        f'<row><c t="inlineStr"><is><t>{a}</t></is></c><c t="inlineStr"><is><t>{b}</t></is></c>'
        "</row>"
        for a, b in (("id", "answer"), ("r1", "&lol9;"))
    )
    laughs_sheet = (f"{_LAUGHS}{sheet_ends[0].decode()}{cells}{sheet_ends[1].decode()}").encode()
    add(
        "laughs.xlsx",
        "DOCTYPE",
        bomb("laughs.xlsx", xlsx_parts, plain_member(sheet_name, laughs_sheet)),
        text_column="answer",
    )
    # Not files at all, or files that never end.
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    add("pipe.txt", "is a FIFO (named pipe)")
    os.symlink("/dev/zero", folder / "zero.txt")
    add("zero.txt", "is a character device")
    os.symlink("/dev/urandom", folder / "random.csv")
    add("random.csv", "is a character device", text_column="answer")
    os.symlink("/dev/zero", folder / "zero.docx")
    add("zero.docx", "is a character device")
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")
    add("loop-a.txt", "too many levels of symbolic links")
    os.symlink("gone.md", folder / "dangling.md")
    add("dangling.md", "no such file")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "socket.txt"))
    add("socket.txt", "is a socket")
    # Size: refused by what the file system says, before a byte is read (sparse files).
    for name in ("huge.docx", "huge.xlsx", "huge.pdf", "huge.json"):
        with (folder / name).open("wb") as fh:
            fh.truncate(150 * 1024 * 1024)
        add(
            name,
            "file too large",
            text_column="answer" if name.endswith(("xlsx", "json")) else None,
        )
    # Deep nesting.
    depth = 200_000
    add("deep.json", "nested too deeply", b"[" * depth + b"]" * depth, text_column="answer")
    add(
        "deep.jsonl",
        "nested too deeply",
        b'{"answer": ' + b"[" * depth + b"]" * depth + b"}\n",
        text_column="answer",
    )
    add("deep.rtf", "empty document", b"{\\rtf1 " + b"{" * depth + b"}" * depth + b"}")
    add("pdf-bomb.pdf", "decompression bomb", _pdf_bomb())
    return [b._replace(kwargs={k: v for k, v in b.kwargs.items() if v is not None}) for b in bad]


def _pdf_bomb() -> bytes:
    """A one-page PDF whose content stream is a Flate bomb: 1.5 GB of text-drawing operators."""
    import zlib

    line = b"BT /F1 11 Tf 72 740 Td (all work and no play) Tj ET\n" * 20_000
    times = BOMB_BYTES // len(line)
    data, _, _ = deflated_repeat(line, times)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(line, adler)
    stream = b"\x78\xda" + data + adler.to_bytes(4, "big")  # FlateDecode is zlib-wrapped
    return serialised_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            4: b"<< /Length "
            + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n"
            + stream
            + b"\nendstream",
            5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        }
    )


def make_hostile_codebooks(folder: Path) -> list[BadInput]:
    """Codebook files (``coder codebook import``) built to hang or exhaust the parser."""
    import os

    folder.mkdir(parents=True, exist_ok=True)
    bad: list[BadInput] = []

    def add(name: str, fragment: str, content: bytes | str | None = None) -> None:
        path = folder / name
        if content is not None:
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        bad.append(BadInput(path, fragment, {}))

    levels = 20_000
    add("deep-flow.yaml", "nested more than", "codes: " + "[" * levels + "]" * levels + "\n")
    add(
        "deep-block.yaml",
        "nested more than",
        "codes:\n" + "".join("  " * i + "- children:\n" for i in range(1_500)),
    )
    add("deep-dashes.yaml", "nested more than", "codes:\n  " + "- " * levels + "x\n")
    add("deep.json", "nest", '{"codes": ' + "[" * levels + "]" * levels + "}")
    add("deep-900.json", "nested more than", '{"codes": ' + "[" * 900 + "]" * 900 + "}")
    chain = ["codes:", "  - &c0 {name: leaf}"]
    chain += [f"  - &c{i} {{name: n{i}, children: [*c{i - 1}, *c{i - 1}]}}" for i in range(1, 40)]
    add("alias-bomb.yaml", "expand to more than", "\n".join(chain) + "\n")
    many = ["codes:", "  - &a {name: a}", *("  - *a" for _ in range(300))]
    add("many-aliases.yaml", "aliases", "\n".join(many) + "\n")
    os.mkfifo(folder / "pipe.yaml")
    add("pipe.yaml", "is a FIFO")
    os.symlink("/dev/zero", folder / "zero.yaml")
    add("zero.yaml", "is a character device")
    os.symlink("/dev/urandom", folder / "random.csv")
    add("random.csv", "is a character device")
    with (folder / "huge.yaml").open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    add("huge.yaml", "file too large")
    add("binary.yaml", "binary", b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    add("laughs.qdc", "DOCTYPE", _LAUGHS + "<CodeBook>&lol9;</CodeBook>")
    os.mkfifo(folder / "pipe.qdc")
    add("pipe.qdc", "is a FIFO")
    return bad


def make_hostile_refi(folder: Path) -> list[BadInput]:
    """REFI-QDA projects (``coder import x.qdpx``) built to hurt: bombs, tricks, non-files."""
    import os

    folder.mkdir(parents=True, exist_ok=True)
    bad: list[BadInput] = []

    def add(name: str, fragment: str) -> None:
        bad.append(BadInput(folder / name, fragment, {}))

    text = b"all work and no play makes jack a dull boy\n" * 25_000
    member = bomb_member("sources/a.txt", text, b"", b"", BOMB_BYTES)
    raw_zip(folder / "bomb.qdpx", [plain_member("project.qde", "<Project/>"), member])
    add("bomb.qdpx", "refused")
    raw_zip(folder / "escape.qdpx", [plain_member("../../evil.qde", "<Project/>")])
    add("escape.qdpx", "escapes the archive folder")
    raw_zip(
        folder / "laughs.qdpx", [plain_member("project.qde", _LAUGHS + "<Project>&lol9;</Project>")]
    )
    add("laughs.qdpx", "DOCTYPE")
    os.mkfifo(folder / "pipe.qdpx")
    add("pipe.qdpx", "is a FIFO")
    os.symlink("/dev/zero", folder / "zero.qde")
    add("zero.qde", "is a character device")
    os.mkfifo(folder / "pipe.qde")
    add("pipe.qde", "is a FIFO")
    return bad


def make_hostile_codings(folder: Path) -> list[BadInput]:
    """Codings tables (``coder codings import``) that are not files, or bombs."""
    import os

    folder.mkdir(parents=True, exist_ok=True)
    bad: list[BadInput] = []

    def add(name: str, fragment: str) -> None:
        bad.append(BadInput(folder / name, fragment, {}))

    os.mkfifo(folder / "pipe.csv")
    add("pipe.csv", "is a FIFO")
    os.symlink("/dev/zero", folder / "zero.csv")
    add("zero.csv", "is a character device")
    with (folder / "huge.csv").open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    add("huge.csv", "too large")
    parts = zip_members(xlsx_bytes())
    sheet_name = next(m.name for m in parts if m.name.startswith("xl/worksheets/"))
    row = b'<row><c t="inlineStr"><is><t>all work and no play</t></is></c></row>' * 20_000
    ends = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
        b"</sheetData></worksheet>",
    )
    raw_zip(folder / "bomb.xlsx", replaced(parts, bomb_member(sheet_name, row, *ends, BOMB_BYTES)))
    add("bomb.xlsx", "unpacks to more than")
    return bad

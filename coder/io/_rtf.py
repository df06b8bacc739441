"""Rich Text Format (.rtf): the text of files saved by WordPad, TextEdit and older word
processors, through striprtf (a small, maintained pure-Python converter)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from coder.domain.documents import AttributeValue
from coder.io._common import FormatProblem, one_line

_CODE_PAGE = re.compile(rb"\\ansicpg(\d+)")
# {\info {\title Interview 3}{\author Jane Doe}}: plain text without nested groups.
_INFO = re.compile(r"\{\\(title|author)[ \t]*([^{}\\]*)\}")


def read_rtf_text(path: Path) -> tuple[str, dict[str, AttributeValue]]:
    """Text of an RTF file, each non-empty paragraph separated by a blank line as the other
    word-processor readers give it; the title and author of its ``\\info`` group become
    attributes when set. ``\\'xx`` escapes are decoded with the file's declared ANSI code page
    (``\\ansicpg``, Windows-1252 when none); ``\\uN`` escapes are Unicode."""
    data = path.read_bytes()
    if not data.lstrip().startswith(b"{\\rtf"):
        raise FormatProblem("not an RTF file (it does not start with {\\rtf)")
    encoding = _encoding(data)
    from striprtf.striprtf import rtf_to_text

    # RTF is 7-bit by definition; Latin-1 maps any stray 8-bit byte to one character.
    source = data.decode("latin-1")
    try:
        raw: str = rtf_to_text(  # type: ignore[no-untyped-call]
            source, encoding=encoding, errors="replace"
        )
    except Exception as exc:  # striprtf raises plain errors on damaged groups
        raise FormatProblem(f"corrupt RTF: {one_line(exc)}") from exc
    paragraphs = (line.strip() for line in raw.split("\n"))
    attributes: dict[str, AttributeValue] = {}
    for name, value in _INFO.findall(source):
        if value.strip() and name not in attributes:
            attributes[name] = value.strip()
    return "\n\n".join(p for p in paragraphs if p), attributes


def _encoding(data: bytes) -> str:
    match = _CODE_PAGE.search(data[:4096])
    if match is None:
        return "cp1252"
    name = f"cp{int(match.group(1))}"
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name

"""Refusing a PDF whose compressed streams inflate like a zip bomb, before PDFium opens it.

PDFium inflates a page's content stream whole: a stream of 1.5 MB that inflates to 1.5 GB
takes gigabytes of memory, and where memory is limited PDFium aborts the process (no message,
no summary). So every ``FlateDecode`` stream of the file is inflated here first, in pieces,
counting what comes out and throwing it away: a stream that inflates more than
:data:`MAX_STREAM_RATIO` times what it consumed (past a floor), or streams that inflate to more
than ``limit`` bytes in all, refuse the file. Plain text compresses 3-10x and images less; a
bomb 1000x, so the ratio decides within the first kilobytes of a bomb.

Streams are found by their ``stream`` keyword after a dictionary, as a PDF reader recovering a
damaged file finds them; a stream that does not inflate (encrypted, another filter, damaged)
is left to PDFium. LZW and run-length streams, rare and far less expansive, are not checked.
"""

from __future__ import annotations

import re
import zlib

from coder.io._common import FormatProblem
from coder.io.inputs import size_text

#: Largest ratio of inflated to compressed bytes of one stream, checked past the floor.
MAX_STREAM_RATIO = 200
#: A stream may inflate this much whatever its ratio (a page of spaces compresses well).
RATIO_FLOOR_BYTES = 1024**2

_STREAM = re.compile(rb">>\s*stream\r?\n")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_PIECE = 64 * 1024
_OUT = 1024**2


def refuse_stream_bombs(data: bytes, limit: int) -> None:
    """Raise :class:`FormatProblem` when a Flate stream of the PDF ``data`` is a likely bomb
    or all of them inflate to more than ``limit`` bytes."""
    total = 0
    for found in _STREAM.finditer(data):
        head = data[max(0, found.start() - 2048) : found.start()]
        dictionary = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        if not _FLATE.search(dictionary):
            continue
        total += _inflated_size(data, found.end(), limit - total)
        if total > limit:
            raise FormatProblem(
                f"PDF streams inflate to more than {size_text(limit)} (the limit): refused"
            )


def _inflated_size(data: bytes, start: int, budget: int) -> int:
    """Bytes the zlib stream at ``start`` inflates to, counted up to ``budget`` + 1."""
    inflater = zlib.decompressobj()
    inflated = 0
    position = start
    try:
        while not inflater.eof and position < len(data) and inflated <= budget:
            pending = data[position : position + _PIECE]
            position += len(pending)
            while pending and inflated <= budget:
                inflated += len(inflater.decompress(pending, _OUT))
                pending = inflater.unconsumed_tail
                consumed = position - start - len(pending)
                if inflated > RATIO_FLOOR_BYTES and inflated > MAX_STREAM_RATIO * consumed:
                    raise FormatProblem(
                        f"a PDF stream inflates {inflated // max(consumed, 1):,}:1"
                        f" (limit {MAX_STREAM_RATIO}:1), a likely decompression bomb: refused"
                    )
    except zlib.error:
        pass  # not zlib after all (encrypted, damaged): PDFium decides
    return inflated

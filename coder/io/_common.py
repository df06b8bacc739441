"""Helpers shared by the document readers: the problem exception and text decoding."""

from __future__ import annotations

import codecs

from coder.io.normalise import normalise_text


class FormatProblem(Exception):
    """What is wrong with a file, in one line; :func:`coder.io.read_documents` adds the name.

    Readers raise this instead of :class:`~coder.errors.InputError` so that the file is named
    in exactly one place.
    """

    def __init__(self, problem: str, *, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# UTF-32 first: the UTF-32-LE byte-order mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text file, trying the likely encodings first.

    Order: a byte-order mark if there is one; UTF-16 without one, recognised by its pattern of
    zero bytes; strict UTF-8 (the common case, and detection is
    slow and unreliable on short texts); Windows-1252 when the bytes decode with it and the
    result reads as cleanly as charset-normalizer's best guess (the detector often picks a
    neighbouring code page such as cp1250 for English or French text, turning "naïve" into
    "naďve"); otherwise charset-normalizer's best guess.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FormatProblem(f"cannot decode the text as {encoding}: {exc.reason}") from exc
    bomless = _bomless_utf16(data)
    if bomless is not None:
        return bomless
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass

    import charset_normalizer
    from charset_normalizer.md import mess_ratio

    best = charset_normalizer.from_bytes(data).best()
    guess = None if best is None else str(best)
    if b"\x00" not in data:
        try:
            western = data.decode("cp1252")
        except UnicodeDecodeError:
            western = None
        if western is not None and (guess is None or mess_ratio(western) <= mess_ratio(guess)):
            return western
    if guess is None:
        if b"\x00" in data:
            raise FormatProblem("binary file, not text (it holds NUL bytes)")
        raise FormatProblem("undecodable text: not UTF-8 and no known text encoding fits")
    return guess


def _bomless_utf16(data: bytes) -> str | None:
    """Decode UTF-16 without a byte-order mark, recognised by its zero high bytes.

    Text in Latin script saved as UTF-16 has a NUL in every other byte; binary data does not
    show that regular pattern. The detector misses it on short texts.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.6 * half and others.count(0) <= 0.05 * half:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def normalise(raw: str) -> str:
    """:func:`~coder.io.normalise.normalise_text`, binary content reported as a format problem."""
    try:
        return normalise_text(raw)
    except ValueError as exc:
        raise FormatProblem(f"not a text file ({exc})") from exc


def require_text(text: str, what: str = "file") -> str:
    """Raise when ``text`` is empty or only whitespace; return it otherwise."""
    if not text:
        raise FormatProblem(f"empty {what}")
    if not text.strip():
        raise FormatProblem(f"{what} contains only whitespace")
    return text

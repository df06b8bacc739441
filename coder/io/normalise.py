"""Text normalisation applied to every imported document before it is stored."""

from __future__ import annotations

import re

# C0 control characters other than TAB (0x09) and LF (0x0A). CR is gone by the time this runs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_BOM = "\ufeff"


def normalise_text(raw: str) -> str:
    """Return ``raw`` with a leading byte-order mark removed and CRLF/CR turned into LF.

    Nothing else changes: no Unicode normalisation, no whitespace stripping, so offsets into the
    stored text stay predictable for exchange with other tools (REFI-QDA).

    Raises ``ValueError`` when the text holds NUL or another C0 control character (other than
    tab and newline): such text is binary, not a document. Callers turn this into an
    :class:`~coder.errors.InputError` naming the file.
    """
    text = raw.removeprefix(_BOM)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad is not None:
        code = ord(bad.group())
        raise ValueError(
            f"binary content: control character U+{code:04X} at position {bad.start()}"
        )
    return text


def strip_control_characters(text: str) -> str:
    """Replace disallowed control characters by a space (for extracted text such as PDF pages,
    where a form feed or a stray NUL is an artefact of extraction, not a sign of binary input).
    """
    return _CONTROL.sub(" ", text)

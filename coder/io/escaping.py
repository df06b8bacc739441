"""Text made safe for the formats coder writes: CSV and spreadsheets, XML, Markdown.

A project's names and texts come from interviews, surveys and other people's files; an export
must show them, never run them.

**CSV** (OWASP, "CSV Injection"): a spreadsheet opening a CSV file reads a cell that starts
with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage return before them) as a
formula, which can fetch URLs or start programs (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``).
Every CSV coder writes goes through :func:`csv_text`, which puts an apostrophe before such a
text (:func:`csv_cell`); LibreOffice and Excel then show it as text. Numbers stay numbers: only
text is changed, and a text that is exactly a number (``-3``, ``+2.5``, ``-1e3``) is written
as it is, because a spreadsheet reads it as that number, which is what it says, and nothing
runs. A text that already starts with apostrophes before such a character gets one more, so
:func:`csv_value` (what ``coder codings import`` and ``coder codebook import`` apply to each
cell) gives back exactly the text that was exported.

**XML** (XLSX, DOCX, REFI-QDA): XML 1.0 cannot hold most control characters, lone surrogates
or U+FFFE/U+FFFF; :func:`xml_text` drops them (tab, newline and return are kept).

**Markdown**: most Markdown renderers pass raw HTML through, so a ``<script>`` in a code's
definition would run where the exported file is shown, and a ``[x](javascript:...)`` link
would be one click away. :func:`markdown_text` escapes what starts HTML or an autolink (``<``,
as ``&lt;``), a character reference (``&`` before ``name;``), a code span (backquote), a link,
an image or a reference definition (``]`` before ``(``, ``[`` or ``:``) and the backslash, and
leaves alone what cannot run: emphasis a definition's author may have written, a bracket in
``[0.41, 0.78]``. :func:`markdown_name` escapes emphasis, brackets and ``|`` too (names are
shown literally); :func:`markdown_cell` puts free text on one line of a table cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Text an export escapes: a formula start after any apostrophes (see csv_value).
_ESCAPE = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
# Characters XML 1.0 cannot hold (tab, LF and CR are allowed).
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What starts HTML or an autolink (<), a character reference (&name;), a code span (`), a link,
# image or reference definition (a ] followed by "(", "[" or ":"), and the escape itself.
_MD_TEXT = re.compile(r"[\\`<]|\](?=[(\[:])|&(?=#?\w+;)")
_MD_NAME = re.compile(r"[\\`\[\]<*_|]|&(?=#?\w+;)")
_MD_ENTITY = {"<": "&lt;", "&": "&amp;"}


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (a plain number is not)."""
    return bool(text) and text[0] in FORMULA_STARTS and _NUMBER.fullmatch(text) is None


def csv_cell(value: object) -> object:
    """A value as a CSV cell that no spreadsheet runs: formula-like text gets an apostrophe."""
    if isinstance(value, str) and _ESCAPE.match(value) and _NUMBER.fullmatch(value) is None:
        return "'" + value
    return value


def csv_value(cell: str) -> str:
    """The text :func:`csv_cell` was given: one apostrophe taken off an escaped cell."""
    return cell[1:] if _ESCAPED.match(cell) else cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text (``\\n`` line ends, minimal quoting), every cell through :func:`csv_cell`.

    ``None`` is an empty cell; numbers are written as numbers.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return buffer.getvalue()


def terminal_text(text: str) -> str:
    """``text`` safe to print to a terminal: every control character but tab and line feed
    (C0, DEL and C1, among them ESC and CSI, which start escape sequences that could retitle,
    clear or rewrite the screen) shown as U+FFFD."""
    return _TERMINAL_CONTROL.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _XML_ILLEGAL.sub("", text)


def _markdown(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: _MD_ENTITY.get(m.group(), "\\" + m.group()), text)


def markdown_text(text: str) -> str:
    """Free text (a definition, a quote) for Markdown: no HTML, link or code span can start."""
    return _markdown(_MD_TEXT, text)


def markdown_name(text: str) -> str:
    """A name shown literally in Markdown: :func:`markdown_text` plus emphasis and ``|``."""
    return _markdown(_MD_NAME, text)


def markdown_cell(text: str) -> str:
    """Free text squeezed into one Markdown table cell: one line, ``|`` escaped."""
    return markdown_text(" ".join(text.split())).replace("|", "\\|")

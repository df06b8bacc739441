"""Reading and writing codebooks: YAML (the format people edit), JSON, CSV and Markdown.

The YAML format
---------------
A codebook is a mapping with three keys::

    codebook: Evidence-generation partnerships   # its name (default: the file's name)
    description: What the codebook is for.         # optional
    codes:                                        # the top-level codes (themes)
      - name: Why partner                         # required, unique among its siblings
        definition: What the code means.
        inclusion: When to apply it.
        exclusion: When not to apply it (and which code to use instead).
        example: "A short passage that fits."
        colour: "#0072b2"                         # quoted: an unquoted # starts a comment
        keywords: [impact, relevance]             # words a coder looks for; a list
        children:                                 # codes under this one, same keys
          - name: Impact
            definition: ...

Every key except ``name`` is optional; ``color`` is accepted for ``colour``, and keys are
matched ignoring case. Text may run over several lines with YAML's ``|`` block style; outer
whitespace is trimmed. A bare name in a list of codes (``children: [Impact, Funding]``) is
shorthand for a code with only a name.

Flat style: a code listed directly under ``codes`` may name its parent instead of being
nested, as a top-level name (``parent: Why partner``) or a path from the top
(``parent: Why partner/Impact``; a ``/`` inside a name is written ``\\/``). Nested and flat
codes mix freely; flat codes are placed after a parent's nested children, in file order.

Colours: ``#RRGGBB``, ``#RGB`` or a CSS colour name (``steelblue``, ``Dark Slate Grey``), all
stored as lower-case ``#rrggbb``.

Validation reports every problem with its line and raises :class:`CodebookError` (an
:class:`~coder.errors.InputError`) listing them all: YAML/JSON syntax errors, an empty file,
a file that is not a mapping, unknown keys (with the closest valid key suggested), missing,
empty or blank names, names with line breaks, duplicate names among siblings (compared
ignoring case and repeated spaces, as NVivo does), wrongly typed values (``keywords`` not a
list, text that is a number), keywords containing ``;``, bad colours, an unknown parent, and
cycles (codes naming each other as parent, or a YAML alias inside the code it refers to).
Nothing is returned on error, so nothing can be half-imported.

JSON uses the same structure. CSV has one row per code with the columns ``path``,
``definition``, ``inclusion``, ``exclusion``, ``example``, ``colour``, ``keywords`` (``;``
between keywords); see :mod:`coder.io._codebook_csv`. Markdown is export-only. Exports given
``counts`` add each code's count (a ``count`` key or column, which import accepts and ignores).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from coder.domain.codebook import Codebook, CodePath
from coder.errors import InputError
from coder.io._codebook_common import CodebookError, CodebookProblem
from coder.io._codebook_csv import load_csv, render_csv
from coder.io._codebook_markdown import render_markdown
from coder.io._codebook_parse import codebook_from_data, codebook_to_data
from coder.io._codebook_yaml import load_json, load_yaml, render_json, render_yaml
from coder.io.inputs import read_input
from coder.io.output import write_file_safely

__all__ = [
    "CodebookError",
    "CodebookFormat",
    "CodebookProblem",
    "codebook_format_for_path",
    "parse_codebook",
    "read_codebook",
    "render_codebook",
    "supported_codebook_formats",
    "validate_codebook",
    "write_codebook",
]

Loader = Callable[[str, str], tuple[Codebook, list[CodebookProblem]]]
Renderer = Callable[[Codebook, Mapping[CodePath, int] | None], str]


@dataclass(frozen=True, slots=True)
class CodebookFormat:
    """A codebook file format: its name, file extensions, and whether it can be read/written."""

    name: str
    extensions: tuple[str, ...]
    description: str
    loader: Loader | None = None
    renderer: Renderer | None = None
    encoding: str = "utf-8"

    @property
    def readable(self) -> bool:
        return self.loader is not None

    @property
    def writable(self) -> bool:
        return self.renderer is not None


_FORMATS: dict[str, CodebookFormat] = {
    f.name: f
    for f in (
        CodebookFormat(
            "yaml", (".yaml", ".yml"), "YAML, the format to edit by hand", load_yaml, render_yaml
        ),
        CodebookFormat(
            "json", (".json",), "JSON, the YAML structure for programs", load_json, render_json
        ),
        # Excel only recognises UTF-8 CSV by its byte-order mark.
        CodebookFormat(
            "csv",
            (".csv",),
            "CSV, one row per code, for spreadsheets",
            load_csv,
            render_csv,
            "utf-8-sig",
        ),
        CodebookFormat(
            "md", (".md", ".markdown"), "Markdown, for a paper's appendix", None, render_markdown
        ),
    )
}
_ALIASES = {"yml": "yaml", "markdown": "md"}


def supported_codebook_formats() -> tuple[CodebookFormat, ...]:
    """Every codebook format, in the order yaml, json, csv, md."""
    return tuple(_FORMATS.values())


def _format(fmt: str, source: str) -> CodebookFormat:
    key = fmt.strip().lower().lstrip(".")
    found = _FORMATS.get(_ALIASES.get(key, key))
    if found is None:
        raise InputError(
            source, f"unknown codebook format '{fmt}'; use one of {', '.join(_FORMATS)}"
        )
    return found


def codebook_format_for_path(path: Path) -> str:
    """The format a file's extension implies (``"yaml"`` for ``x.yml``); InputError if none."""
    suffix = path.suffix.lower()
    for f in _FORMATS.values():
        if suffix in f.extensions:
            return f.name
    known = ", ".join(ext for f in _FORMATS.values() for ext in f.extensions)
    raise InputError(
        str(path),
        f"cannot tell the codebook format from the extension '{suffix or '(none)'}'; "
        f"use one of {known}",
    )


#: Largest codebook file read: a codebook of a thousand codes with long definitions is under
#: a megabyte, and the YAML parser reads about 100-200 KB a second (a larger file would take
#: minutes, and is more likely a mistake or an attack than a codebook).
MAX_CODEBOOK_BYTES = 4 * 1024 * 1024


def _read_text(path: Path) -> str:
    source = str(path)
    raw = read_input(path, what="a codebook file", max_bytes=MAX_CODEBOOK_BYTES)
    if b"\x00" in raw:
        raise InputError(source, "is a binary file, not a codebook")
    try:
        # utf-8-sig also reads files without a byte-order mark.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(
            source,
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            line=line,
        ) from None


def _readable_format(fmt: str, source: str) -> CodebookFormat:
    codebook_format = _format(fmt, source)
    if codebook_format.loader is None:
        readable = ", ".join(f.name for f in _FORMATS.values() if f.readable)
        raise InputError(
            source,
            f"{codebook_format.description.split(',')[0]} codebooks are export-only; "
            f"import a {readable} file instead",
        )
    return codebook_format


def parse_codebook(
    text: str, fmt: str, *, source: str = "<codebook>", default_name: str = "Codebook"
) -> Codebook:
    """Validate codebook text held in memory, as :func:`read_codebook` does a file.

    ``source`` names the text in messages; ``default_name`` is used when it names no codebook.
    """
    loader = _readable_format(fmt, source).loader
    assert loader is not None  # _readable_format guarantees it
    try:
        codebook, problems = loader(text.removeprefix("\ufeff"), default_name)
    except RecursionError:
        raise InputError(source, "the codes nest too deeply to read") from None
    if problems:
        raise CodebookError(source, problems)
    return codebook


def read_codebook(path: Path, fmt: str | None = None) -> Codebook:
    """Read and validate a codebook file; the format comes from the extension unless given.

    Raises :class:`CodebookError` listing every problem with its line, or
    :class:`~coder.errors.InputError` when the file cannot be read at all.
    """
    source = str(path)
    codebook_format = _readable_format(fmt or codebook_format_for_path(path), source)
    text = _read_text(path)
    return parse_codebook(
        text, codebook_format.name, source=source, default_name=path.stem or "Codebook"
    )


def render_codebook(
    codebook: Codebook, fmt: str, *, counts: Mapping[CodePath, int] | None = None
) -> str | bytes:
    """The codebook as the text of a ``fmt`` file (yaml, json, csv or md).

    ``counts`` (codings per code) are added to every code when given.
    """
    codebook_format = _format(fmt, fmt)
    if codebook_format.renderer is None:  # pragma: no cover - every format renders today
        raise InputError(fmt, "this format cannot be written")
    return codebook_format.renderer(codebook, counts)


def write_codebook(
    codebook: Codebook,
    path: Path,
    fmt: str,
    *,
    counts: Mapping[CodePath, int] | None = None,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> None:
    """Write the codebook to ``path`` as ``fmt`` (CSV with a byte-order mark, for Excel).

    Written whole or not at all, over an existing file only with ``force`` and never over a
    file in ``protect`` or a database (:func:`coder.io.output.write_file_safely`).
    """
    codebook_format = _format(fmt, fmt)
    content = render_codebook(codebook, codebook_format.name, counts=counts)
    data = content if isinstance(content, bytes) else content.encode(codebook_format.encoding)
    write_file_safely(path, data, force=force, protect=protect)


def validate_codebook(codebook: Codebook) -> list[CodebookProblem]:
    """Problems with an in-memory codebook (duplicate siblings, bad colours...), no lines."""
    _, problems = codebook_from_data(codebook_to_data(codebook), default_name=codebook.name)
    return problems

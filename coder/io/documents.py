"""Reading documents from files: a small registry of readers keyed by file extension.

:func:`read_documents` is the one entry point. Every reader is a pure function from a file to
:class:`~coder.domain.documents.DocumentDraft` s with normalised text (no BOM, LF newlines); it
reports progress through a callback and never prints. Anything wrong with the file raises
:class:`~coder.errors.InputError` whose message names the file and says what is wrong in one
line, before anything is returned, so a caller can import each file all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coder.domain.documents import AttributeValue, DocumentDraft, Unit
from coder.errors import InputError
from coder.io._common import FormatProblem, decode_text, normalise, require_text
from coder.io._speakers import SPEAKERS_AUTO, SPEAKERS_NONE, find_turns
from coder.io.inputs import DEFAULT_MAX_BYTES, RAISE_WITH_MAX_BYTES, checked_input

if TYPE_CHECKING:
    from coder.io._tabular import Table, TableOptions

__all__ = ["DEFAULT_MAX_BYTES", "ReadRequest", "ReadResult", "read_documents"]

Progress = Callable[[int, int], None]

#: Formats of running text: their speaker turns are paragraphs that open with a label.
RUNNING_TEXT_FORMATS = frozenset({"txt", "md", "docx", "odt", "pdf", "rtf"})


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """What a reader gets: the file and the options that concern it.

    ``text_columns`` names the spreadsheet columns (or JSON fields) that hold text;
    ``name_column`` the one that names each document; ``speakers`` says how speaker turns
    are found in running text: ``auto``, ``none`` or a regular expression whose first group
    is the speaker's name. ``max_bytes`` bounds the file and, for a zip-based format (.docx,
    .xlsx, .odt), what its archive unpacks to.
    """

    path: Path
    text_columns: tuple[str, ...] = ()
    progress: Progress | None = None
    name_column: str | None = None
    speakers: str = SPEAKERS_AUTO
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def text_column(self) -> str | None:
        """The first text column, for readers that take one."""
        return self.text_columns[0] if self.text_columns else None


@dataclass(slots=True)
class ReadResult:
    """Documents read from one file, and warnings about parts of it that were skipped
    (for example spreadsheet rows with an empty text cell)."""

    documents: list[DocumentDraft]
    warnings: list[str] = field(default_factory=list)


Reader = Callable[[ReadRequest], ReadResult]

_READERS: dict[str, Reader] = {}


def register_format(extension: str, reader: Reader) -> None:
    """Make ``reader`` handle files ending in ``extension`` (``"txt"`` or ``".txt"``)."""
    _READERS["." + extension.lower().removeprefix(".")] = reader


def supported_formats() -> list[str]:
    """File extensions :func:`read_documents` reads, without the dot, sorted."""
    return sorted(ext.removeprefix(".") for ext in _READERS)


def read_documents(
    path: Path,
    *,
    text_column: str | Sequence[str] | None = None,
    name_column: str | None = None,
    speakers: str = SPEAKERS_AUTO,
    attributes: Mapping[str, AttributeValue] | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read the documents in one file, choosing the reader by the file's extension.

    Plain text, Markdown, Word and PDF files give one document named after the file's stem,
    with speaker turns where its paragraphs open with speakers' labels (``speakers``: ``auto``,
    ``none`` or a pattern, see :mod:`coder.io._speakers`); WebVTT and SubRip transcripts give
    one document whose turns open with their speaker's label and carry the cues' times
    (``speakers="none"`` drops the turn units). Spreadsheets (.csv, .tsv, .xlsx) and records
    (.json, .jsonl, .ndjson, and JSON lines in a .txt when ``text_column`` is given) give one
    document per row (record) and text column (field) named in ``text_column`` (required for
    them), named from ``name_column``, the other columns as typed attributes (see
    :mod:`coder.io._tabular`). ``attributes`` are added to every document and
    win over attributes read from the file. ``progress(done, total)`` is called as the file is
    read (pages, rows).

    Only a regular file is read (not a FIFO or a device), and only up to ``max_bytes``: a
    larger file, or a .docx, .xlsx or .odt whose archive unpacks to more, is refused before
    it is parsed.

    Raises :class:`~coder.errors.InputError` naming the file when it cannot be read.
    """
    source = str(path)
    checked_input(path, what="a document file", max_bytes=max_bytes, hint=RAISE_WITH_MAX_BYTES)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        what = f"extension {path.suffix!r}" if path.suffix else "no file extension"
        raise InputError(
            source,
            f"unsupported file type ({what}); supported: {', '.join(supported_formats())};"
            " REFI-QDA projects: qdpx, qde; codebooks (coder codebook import): qdc",
        )
    try:
        columns = (text_column,) if isinstance(text_column, str) else tuple(text_column or ())
        result = reader(ReadRequest(path, columns, progress, name_column, speakers, max_bytes))
        _add_speaker_turns(result, speakers)
    except FormatProblem as problem:
        raise InputError(source, problem.problem, line=problem.line) from problem
    except PermissionError as exc:
        raise InputError(source, "permission denied") from exc
    except OSError as exc:
        raise InputError(source, f"cannot read the file: {exc.strerror or exc}") from exc
    if attributes:
        for document in result.documents:
            document.attributes.update(attributes)
    return result


def _add_speaker_turns(result: ReadResult, speakers: str) -> None:
    """Speaker turns of running-text documents whose reader found none: labelled paragraphs
    (:func:`coder.io._speakers.find_turns`), the speakers' names an attribute as for subtitles."""
    for document in result.documents:
        if document.turns or document.source_format not in RUNNING_TEXT_FORMATS:
            continue
        document.turns = find_turns(document.text, speakers)
        names = dict.fromkeys(turn.speaker for turn in document.turns if turn.speaker)
        if names:
            document.attributes.setdefault("speakers", ", ".join(names))


def _draft(
    request: ReadRequest,
    text: str,
    attributes: dict[str, AttributeValue] | None = None,
    turns: list[Unit] | None = None,
    name: str | None = None,
) -> DocumentDraft:
    return DocumentDraft(
        name=name if name is not None else request.path.stem,
        text=text,
        source_format=request.path.suffix.lower().removeprefix("."),
        source_path=str(request.path),
        attributes=dict(attributes or {}),
        turns=list(turns or []),
    )


def _read_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if not data:
        raise FormatProblem("empty file")
    return data


def _done(request: ReadRequest) -> None:
    if request.progress is not None:
        request.progress(1, 1)


def _read_plain_text(request: ReadRequest) -> ReadResult:
    text = require_text(normalise(decode_text(_read_bytes(request.path))))
    _done(request)
    return ReadResult([_draft(request, text)])


def _read_word_processor(request: ReadRequest) -> ReadResult:
    """Word (.docx), OpenDocument (.odt) and RTF files: paragraphs separated by blank lines."""
    from coder.io._odt import read_odt_text
    from coder.io._office import read_docx_text
    from coder.io._rtf import read_rtf_text

    suffix = request.path.suffix.lower()
    if suffix == ".rtf":
        raw, attributes = read_rtf_text(request.path)
    else:
        read_zipped = read_odt_text if suffix == ".odt" else read_docx_text
        raw, attributes = read_zipped(request.path, request.max_bytes)
    text = require_text(normalise(raw), "document (no text in its paragraphs or tables)")
    _done(request)
    return ReadResult([_draft(request, text, attributes)])


def _read_pdf(request: ReadRequest) -> ReadResult:
    from coder.io._pdf import read_pdf_text

    _read_bytes(request.path)
    # Streams may inflate to ten times the file's own limit in all (pictures inflate too).
    raw, attributes = read_pdf_text(
        request.path, request.progress, request.speakers, 10 * request.max_bytes
    )
    return ReadResult([_draft(request, normalise(raw), attributes)])


def _read_subtitles(request: ReadRequest) -> ReadResult:
    from coder.io._subtitles import cues_to_text, parse_srt, parse_vtt

    source = require_text(normalise(decode_text(_read_bytes(request.path))))
    parse = parse_vtt if request.path.suffix.lower() == ".vtt" else parse_srt
    text, turns, attributes = cues_to_text(parse(source))
    if request.speakers == SPEAKERS_NONE:
        turns = []  # the labels stay in the text; the user wants no turn units
    _done(request)
    return ReadResult([_draft(request, text, attributes, turns)])


def _read_table(request: ReadRequest) -> ReadResult:
    from coder.io._tabular import read_csv_table, read_xlsx_table

    suffix = request.path.suffix.lower()
    _read_bytes(request.path)
    options = _table_options(request)
    if suffix == ".xlsx":
        table = read_xlsx_table(request.path, options, request.progress, request.max_bytes)
    else:
        delimiter = "\t" if suffix == ".tsv" else None
        table = read_csv_table(request.path, options, request.progress, delimiter)
    return _table_result(request, table)


def _read_records(request: ReadRequest) -> ReadResult:
    from coder.io._records import read_records

    _read_bytes(request.path)
    table = read_records(request.path, _table_options(request), request.progress)
    return _table_result(request, table)


def _read_text_or_records(request: ReadRequest) -> ReadResult:
    """Plain text, or, when text fields are asked for, the JSON records among its lines
    (the seed corpus's ``000_*.txt``; see :mod:`coder.io._records`)."""
    if request.text_columns:
        from coder.io._records import read_text_records

        _read_bytes(request.path)
        table = read_text_records(request.path, _table_options(request), request.progress)
        if table is not None:
            return _table_result(request, table, source_format="jsonl")
    return _read_plain_text(request)


def _table_options(request: ReadRequest) -> TableOptions:
    from coder.io._tabular import TableOptions

    return TableOptions(request.text_columns, request.name_column, request.path.stem)


def _table_result(request: ReadRequest, table: Table, source_format: str = "") -> ReadResult:
    """One document per answer of a spreadsheet or record file (see :mod:`coder.io._tabular`)."""
    documents = []
    for answer in table.answers:
        text = require_text(normalise(answer.text), f"text in {answer.where}")
        draft = _draft(request, text, answer.attributes, name=answer.name)
        draft.source_format = source_format or draft.source_format
        documents.append(draft)
    return ReadResult(documents, table.warnings)


for _extension, _reader in {
    "txt": _read_text_or_records,
    "md": _read_plain_text,
    "docx": _read_word_processor,
    "odt": _read_word_processor,
    "rtf": _read_word_processor,
    "pdf": _read_pdf,
    "vtt": _read_subtitles,
    "srt": _read_subtitles,
    "csv": _read_table,
    "tsv": _read_table,
    "xlsx": _read_table,
    "json": _read_records,
    "jsonl": _read_records,
    "ndjson": _read_records,
}.items():
    register_format(_extension, _reader)

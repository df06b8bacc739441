"""Exports for analysts and papers, behind one registry keyed by format name.

Each format is an :class:`ExportFormat` whose ``writer`` loads what the document needs through
the other services (each opens its own read-only session) and renders it with a pure function
from :mod:`coder.reports`. ``coder export --format NAME`` and the TUI both go through
:func:`render_export`; a new format (REFI-QDA ``qdpx``, ``qdc``) is one
:func:`register_export_format` call.

Whose codings: the quote book, the framework matrix and the codebook's example quotes show one
coder's codings, by default the consensus coder (kind ``consensus``) when the project has one;
otherwise the coder must be named. Codebook counts follow the same coder, or count every
coder's codings when there is no consensus coder and none is named.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from coder.db.engine import Store
from coder.domain.codebook import CodePath
from coder.domain.views import CodingView
from coder.errors import UsageError

if TYPE_CHECKING:
    from coder.reports.codebook_doc import CodebookDocument
    from coder.reports.matrix import FrameworkMatrix
    from coder.reports.quotebook import Quote, QuoteBook


@dataclass(frozen=True)
class ExportOptions:
    """What to export: filters and presentation choices shared by the formats.

    ``coders`` filters the codings table (several allowed) and names the one coder whose
    codings the quote book, matrix and codebook examples show. ``codes`` include their
    sub-codes. ``where`` keeps documents whose attribute equals the value (as text).
    """

    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)
    attributes: tuple[str, ...] = ()
    by: str | None = None
    rollup: int | None = None
    examples: int = 0
    max_quote_chars: int = 400
    title: str | None = None


Writer = Callable[[Store, ExportOptions], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """One export: its name (``quotes-docx``), file extension, a line of help, its writer."""

    name: str
    extension: str
    description: str
    writer: Writer
    binary: bool = False


_FORMATS: dict[str, ExportFormat] = {}


def register_export_format(fmt: ExportFormat) -> None:
    """Add (or replace) a format in the registry."""
    _FORMATS[fmt.name] = fmt


def export_formats() -> tuple[ExportFormat, ...]:
    """Every registered format, in registration order."""
    return tuple(_FORMATS.values())


def export_format(name: str) -> ExportFormat:
    """The named format; a :class:`UsageError` listing the choices if there is none."""
    found = _FORMATS.get(name.strip().lower())
    if found is None:
        raise UsageError(f"unknown export format {name!r}; choose from {', '.join(_FORMATS)}")
    return found


def render_export(store: Store, name: str, options: ExportOptions | None = None) -> bytes:
    """The export as the bytes of its file (text formats are UTF-8)."""
    return export_format(name).writer(store, options or ExportOptions())


# --- shared loading -------------------------------------------------------------------------


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _csv_bytes(text: str) -> bytes:
    # Excel only recognises UTF-8 CSV by its byte-order mark.
    return text.encode("utf-8-sig")


def filtered_codings(store: Store, options: ExportOptions) -> list[CodingView]:
    """The codings the options select: by coder, code (with sub-codes), document, attribute."""
    from coder.services.coding.codings import list_codings
    from coder.services.documents.corpus import list_documents

    codings = list_codings(
        store, coders=options.coders, documents=options.documents, codes=options.codes
    )
    if options.where:
        keep = {d.id for d in list_documents(store, where=dict(options.where))}
        codings = [c for c in codings if c.document_id in keep]
    return codings


def consensus_coder(store: Store) -> str | None:
    """The name of the project's consensus coder, if it has one."""
    from coder.services.project.coders import list_coders

    return next((c.name for c in list_coders(store) if c.kind == "consensus"), None)


def quote_coder(store: Store, options: ExportOptions, *, what: str) -> str:
    """The one coder whose codings ``what`` shows: the one named, else the consensus coder."""
    from coder.services.project.coders import list_coders

    if len(options.coders) > 1:
        raise UsageError(f"{what} shows one coder's codings; name one with --coder")
    if options.coders:
        return options.coders[0]
    found = consensus_coder(store)
    if found is None:
        names = ", ".join(c.name for c in list_coders(store)) or "none yet"
        raise UsageError(
            f"{what} shows one coder's codings, by default the consensus coder, and this"
            f" project has no consensus coder yet: choose one with --coder NAME"
            f" (coders: {names})"
        )
    return found


# --- codings table ---------------------------------------------------------------------------


def _codings_csv(store: Store, options: ExportOptions) -> bytes:
    from coder.reports.codings_table import render_codings_csv

    return _csv_bytes(render_codings_csv(filtered_codings(store, options)))


def _codings_xlsx(store: Store, options: ExportOptions) -> bytes:
    from coder.reports.codings_table import render_codings_xlsx

    return render_codings_xlsx(filtered_codings(store, options))


for _fmt in (
    ExportFormat(
        "codings-csv",
        ".csv",
        "codings for analysts, one row each (the layout 'coder codings import' reads)",
        _codings_csv,
    ),
    ExportFormat("codings-xlsx", ".xlsx", "codings as a spreadsheet", _codings_xlsx, binary=True),
):
    register_export_format(_fmt)


# --- quote book ------------------------------------------------------------------------------


def _attribute_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _selection(options: ExportOptions) -> tuple[str, ...]:
    """The filters in words, for the document's intro line."""
    parts: list[str] = []
    if options.codes:
        parts.append("codes " + ", ".join(options.codes) + " (with sub-codes)")
    if options.documents:
        parts.append("documents " + ", ".join(options.documents))
    parts += [f"{k} = {v}" for k, v in options.where.items()]
    return tuple(parts)


def _quotes_by_code(
    store: Store, options: ExportOptions, coder: str, attributes: tuple[str, ...]
) -> tuple[dict[CodePath, list[Quote]], dict[CodePath, tuple[int, str]]]:
    """The coder's selected codings as quotes, by code path; and each path's (order, definition).

    Within a code, quotes follow the documents' import order, then their position.
    """
    from coder.reports.quotebook import make_quote
    from coder.services.codebook.codes import list_codes
    from coder.services.documents.corpus import list_documents

    codings = filtered_codings(store, replace(options, coders=(coder,)))
    docs = {d.id: d for d in list_documents(store, all_versions=True)}
    if attributes:
        known = sorted({k for d in docs.values() for k in d.attributes})
        missing = [a for a in attributes if a not in known]
        if missing:
            raise UsageError(
                f"no document has the attribute(s) {', '.join(missing)}"
                f" (attributes: {', '.join(known) or 'none'})"
            )
    codes = {
        c.path: (i, c.definition) for i, c in enumerate(list_codes(store, include_inactive=True))
    }
    grouped: dict[CodePath, list[Quote]] = {}
    for c in codings:
        doc_attrs = docs[c.document_id].attributes
        attrs = tuple(
            (a, _attribute_text(doc_attrs[a]) if a in doc_attrs else "") for a in attributes
        )
        grouped.setdefault(c.code_path, []).append(
            make_quote(
                c.text,
                document=c.document,
                start=c.start,
                end=c.end,
                max_chars=options.max_quote_chars,
                attributes=attrs,
                coder=c.coder,
            )
        )
    return grouped, codes


def load_quote_book(store: Store, options: ExportOptions) -> QuoteBook:
    """The quote book of one coder (the consensus coder by default), filtered by the options."""
    from coder.reports.quotebook import CodeQuotes, QuoteBook
    from coder.services.project.lifecycle import get_settings

    coder = quote_coder(store, options, what="the quote book")
    grouped, codes = _quotes_by_code(store, options, coder, options.attributes)
    ordered = sorted(grouped, key=lambda p: (codes.get(p, (len(codes), ""))[0], str(p)))
    sections = tuple(
        CodeQuotes(n, path, codes.get(path, (0, ""))[1], tuple(grouped[path]))
        for n, path in enumerate(ordered, start=1)
    )
    return QuoteBook(
        title=options.title or f"Quote book: {get_settings(store).name}",
        coder=coder,
        filters=_selection(options),
        attributes=options.attributes,
        sections=sections,
    )


def _quotes_writer(render: Callable[[QuoteBook], str | bytes], csv: bool = False) -> Writer:
    def write(store: Store, options: ExportOptions) -> bytes:
        out = render(load_quote_book(store, options))
        if isinstance(out, bytes):
            return out
        return _csv_bytes(out) if csv else _utf8(out)

    return write


# --- codebook document -----------------------------------------------------------------------


def load_codebook_document(store: Store, options: ExportOptions) -> CodebookDocument:
    """The shared codebook with counts and, with ``options.examples``, real quotes per code.

    Counts are the named coder's codings, else the consensus coder's, else everyone's; they
    honour the document and attribute filters.
    """
    from coder.reports.codebook_doc import CodebookDocument
    from coder.services.codebook.codes import export_codebook

    if len(options.coders) > 1:
        raise UsageError("the codebook counts one coder's codings; name one with --coder")
    counted = options.coders[0] if options.coders else consensus_coder(store)
    counts: Counter[CodePath] = Counter(
        c.code_path
        for c in filtered_codings(
            store, replace(options, coders=(counted,) if counted else (), codes=())
        )
    )
    if counted:
        note = f"codings by {counted}"
    else:
        coders = sorted({c.coder for c in filtered_codings(store, replace(options, codes=()))})
        note = f"codings by all coders ({', '.join(coders) or 'none yet'})"
    if options.where or options.documents:
        note += f", in {'; '.join(_selection(replace(options, codes=())))}"
    examples: dict[CodePath, tuple[Quote, ...]] = {}
    examples_coder = None
    if options.examples > 0:
        examples_coder = quote_coder(store, options, what="--examples")
        grouped, _ = _quotes_by_code(store, replace(options, codes=()), examples_coder, ())
        examples = {path: tuple(quotes[: options.examples]) for path, quotes in grouped.items()}
    from coder.services.project.lifecycle import get_settings

    book = export_codebook(store, name=options.title or f"Codebook: {get_settings(store).name}")
    return CodebookDocument(book, dict(counts), note, examples, examples_coder)


def _codebook_writer(
    render: Callable[[CodebookDocument], str | bytes], csv: bool = False
) -> Writer:
    def write(store: Store, options: ExportOptions) -> bytes:
        out = render(load_codebook_document(store, options))
        if isinstance(out, bytes):
            return out
        return _csv_bytes(out) if csv else _utf8(out)

    return write


def _register_paper_formats() -> None:
    from coder.reports import codebook_doc, matrix, quotebook

    for fmt in (
        ExportFormat(
            "codebook-md",
            ".md",
            "the codebook for a paper's appendix, Markdown",
            _codebook_writer(codebook_doc.render_codebook_markdown),
        ),
        ExportFormat(
            "codebook-docx",
            ".docx",
            "the codebook as a Word document",
            _codebook_writer(codebook_doc.render_codebook_docx),
            binary=True,
        ),
        ExportFormat(
            "codebook-html",
            ".html",
            "the codebook as a self-contained, printable web page",
            _codebook_writer(codebook_doc.render_codebook_html),
        ),
        ExportFormat(
            "codebook-csv",
            ".csv",
            "the codebook, one row per code (importable with 'coder codebook import')",
            _codebook_writer(codebook_doc.render_codebook_csv, csv=True),
        ),
        ExportFormat(
            "codebook-xlsx",
            ".xlsx",
            "the codebook as a spreadsheet, one row per code",
            _codebook_writer(codebook_doc.render_codebook_xlsx),
            binary=True,
        ),
        ExportFormat(
            "quotes-md",
            ".md",
            "quote book: coded passages by theme and code, Markdown",
            _quotes_writer(quotebook.render_quotes_markdown),
        ),
        ExportFormat(
            "quotes-docx",
            ".docx",
            "quote book as a Word document, one numbered table per code",
            _quotes_writer(quotebook.render_quotes_docx),
            binary=True,
        ),
        ExportFormat(
            "quotes-csv",
            ".csv",
            "quote book, one row per quote",
            _quotes_writer(quotebook.render_quotes_csv, csv=True),
        ),
        ExportFormat(
            "quotes-xlsx",
            ".xlsx",
            "quote book as a spreadsheet",
            _quotes_writer(quotebook.render_quotes_xlsx),
            binary=True,
        ),
        ExportFormat(
            "matrix-xlsx",
            ".xlsx",
            "framework matrix: codes x an attribute's values (--by), counts and quotes",
            _matrix_writer(matrix.render_matrix_xlsx),
            binary=True,
        ),
        ExportFormat(
            "matrix-csv",
            ".csv",
            "framework matrix in long format: code, value, count, quotes",
            _matrix_writer(matrix.render_matrix_csv, csv=True),
        ),
    ):
        register_export_format(fmt)


# --- framework matrix ------------------------------------------------------------------------


def _value_key(value: str) -> tuple[int, float, str]:
    """Numbers in numeric order, then text; the "not set" column last."""
    from coder.reports.matrix import NOT_SET

    if value == NOT_SET:
        return (2, 0.0, value)
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.casefold())


def load_matrix(store: Store, options: ExportOptions) -> FrameworkMatrix:
    """Codes (or, with ``rollup``, their ancestors at that depth) by the values of ``by``."""
    from coder.reports.matrix import NOT_SET, FrameworkMatrix
    from coder.reports.quotebook import make_quote
    from coder.services.codebook.codes import list_codes
    from coder.services.documents.corpus import list_documents
    from coder.services.project.lifecycle import get_settings

    documents = list_documents(store, all_versions=True)
    known = sorted({k for d in documents for k in d.attributes})
    if not options.by:
        raise UsageError(
            "the framework matrix needs --by ATTRIBUTE for its columns"
            f" (attributes: {', '.join(known) or 'none'})"
        )
    if options.by not in known:
        raise UsageError(
            f"no document has the attribute {options.by!r} (attributes: {', '.join(known)})"
        )
    coder = quote_coder(store, options, what="the framework matrix")
    value_of = {
        d.id: _attribute_text(d.attributes[options.by]) if options.by in d.attributes else NOT_SET
        for d in documents
    }
    scope = filtered_codings(store, replace(options, coders=(coder,)))
    depth = options.rollup

    def row_of(path: CodePath) -> CodePath:
        return CodePath(path.parts[:depth]) if depth and path.depth > depth else path

    wanted = [CodePath.parse(c) for c in options.codes]

    def selected(path: CodePath) -> bool:
        return not wanted or any(path.parts[: w.depth] == w.parts for w in wanted)

    rows: list[CodePath] = []
    for code in list_codes(store):
        path = row_of(code.path)
        if selected(code.path) and path not in rows:
            rows.append(path)
    cells: dict[tuple[CodePath, str], dict[tuple[str, int, int], Quote]] = {}
    for c in scope:
        row = row_of(c.code_path)
        if row not in rows:
            rows.append(row)
        segment = (c.document, c.start, c.end)
        cell = cells.setdefault((row, value_of[c.document_id]), {})
        if segment not in cell:
            cell[segment] = make_quote(
                c.text,
                document=c.document,
                start=c.start,
                end=c.end,
                max_chars=options.max_quote_chars,
                coder=c.coder,
            )
    in_scope = (
        {d.id for d in list_documents(store, where=dict(options.where))}
        if options.where
        else {d.id for d in documents}
    )
    if options.documents:
        names = set(options.documents)
        in_scope = {d.id for d in documents if d.name in names and d.id in in_scope}
    columns = sorted({value_of[i] for i in in_scope}, key=_value_key)
    return FrameworkMatrix(
        title=options.title or f"Framework matrix: {get_settings(store).name}",
        coder=coder,
        attribute=options.by,
        rows=tuple(rows),
        columns=tuple(columns),
        quotes={key: tuple(q.values()) for key, q in cells.items()},
        filters=_selection(options),
        rollup=depth,
    )


def _matrix_writer(render: Callable[[FrameworkMatrix], str | bytes], csv: bool = False) -> Writer:
    def write(store: Store, options: ExportOptions) -> bytes:
        out = render(load_matrix(store, options))
        if isinstance(out, bytes):
            return out
        return _csv_bytes(out) if csv else _utf8(out)

    return write


_register_paper_formats()


def _refi_writer(export: Callable[[Store, Path], object]) -> Writer:
    """A REFI-QDA exporter that writes a file, as a writer that returns the file's bytes."""

    def write(store: Store, options: ExportOptions) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "export"
            export(store, target)
            return target.read_bytes()

    return write


def _register_refi_formats() -> None:
    from coder.services.exports.refi import export_refi_codebook, export_refi_project

    register_export_format(
        ExportFormat(
            "qdpx",
            ".qdpx",
            "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder (codings keep their coder)",
            _refi_writer(export_refi_project),
            binary=True,
        )
    )
    register_export_format(
        ExportFormat(
            "qdc",
            ".qdc",
            "REFI-QDA codebook for other QDA tools",
            _refi_writer(export_refi_codebook),
            binary=True,
        )
    )


_register_refi_formats()

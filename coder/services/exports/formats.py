"""Exports for analysts and papers, behind one registry keyed by format name.

Each format is an :class:`ExportFormat` whose ``writer`` loads what the document needs through
the other services (each opens its own read-only session) and renders it with a pure function
from :mod:`coder.reports`. ``coder export --format NAME`` and the TUI both go through
:func:`render_export`; a new format is one :func:`register_export_format` call.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from coder.db.engine import Store
from coder.domain.exports import ExportOptions
from coder.errors import UsageError
from coder.reports import codebook_doc, matrix, quotebook
from coder.reports.codings_table import render_codings_csv, render_codings_xlsx
from coder.services.exports.papers import load_codebook_document, load_matrix, load_quote_book
from coder.services.exports.refi_export import export_refi_codebook, export_refi_project
from coder.services.exports.selection import filtered_codings

Writer = Callable[[Store, ExportOptions], bytes]
Loaded = TypeVar("Loaded")


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


def _writer(
    load: Callable[[Store, ExportOptions], Loaded],
    render: Callable[[Loaded], str | bytes],
    *,
    csv: bool = False,
) -> Writer:
    """A writer that loads the document, renders it and encodes text as UTF-8."""

    def write(store: Store, options: ExportOptions) -> bytes:
        out = render(load(store, options))
        if isinstance(out, bytes):
            return out
        # Excel only recognises UTF-8 CSV by its byte-order mark.
        return out.encode("utf-8-sig" if csv else "utf-8")

    return write


def _refi_writer(export: Callable[[Store, Path], object]) -> Writer:
    """A REFI-QDA exporter that writes a file, as a writer that returns the file's bytes."""

    def write(store: Store, options: ExportOptions) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "export"
            export(store, target)
            return target.read_bytes()

    return write


def _register_formats() -> None:
    codebook, quotes = load_codebook_document, load_quote_book
    for fmt in (
        ExportFormat(
            "codings-csv",
            ".csv",
            "codings for analysts, one row each (the layout 'coder codings import' reads)",
            _writer(filtered_codings, render_codings_csv, csv=True),
        ),
        ExportFormat(
            "codings-xlsx",
            ".xlsx",
            "codings as a spreadsheet",
            _writer(filtered_codings, render_codings_xlsx),
            binary=True,
        ),
        ExportFormat(
            "codebook-md",
            ".md",
            "the codebook for a paper's appendix, Markdown",
            _writer(codebook, codebook_doc.render_codebook_markdown),
        ),
        ExportFormat(
            "codebook-docx",
            ".docx",
            "the codebook as a Word document",
            _writer(codebook, codebook_doc.render_codebook_docx),
            binary=True,
        ),
        ExportFormat(
            "codebook-html",
            ".html",
            "the codebook as a self-contained, printable web page",
            _writer(codebook, codebook_doc.render_codebook_html),
        ),
        ExportFormat(
            "codebook-csv",
            ".csv",
            "the codebook, one row per code (importable with 'coder codebook import')",
            _writer(codebook, codebook_doc.render_codebook_csv, csv=True),
        ),
        ExportFormat(
            "codebook-xlsx",
            ".xlsx",
            "the codebook as a spreadsheet, one row per code",
            _writer(codebook, codebook_doc.render_codebook_xlsx),
            binary=True,
        ),
        ExportFormat(
            "quotes-md",
            ".md",
            "quote book: coded passages by theme and code, Markdown",
            _writer(quotes, quotebook.render_quotes_markdown),
        ),
        ExportFormat(
            "quotes-docx",
            ".docx",
            "quote book as a Word document, one numbered table per code",
            _writer(quotes, quotebook.render_quotes_docx),
            binary=True,
        ),
        ExportFormat(
            "quotes-csv",
            ".csv",
            "quote book, one row per quote",
            _writer(quotes, quotebook.render_quotes_csv, csv=True),
        ),
        ExportFormat(
            "quotes-xlsx",
            ".xlsx",
            "quote book as a spreadsheet",
            _writer(quotes, quotebook.render_quotes_xlsx),
            binary=True,
        ),
        ExportFormat(
            "matrix-xlsx",
            ".xlsx",
            "framework matrix: codes x an attribute's values (--by), counts and quotes",
            _writer(load_matrix, matrix.render_matrix_xlsx),
            binary=True,
        ),
        ExportFormat(
            "matrix-csv",
            ".csv",
            "framework matrix in long format: code, value, count, quotes",
            _writer(load_matrix, matrix.render_matrix_csv, csv=True),
        ),
        ExportFormat(
            "qdpx",
            ".qdpx",
            "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder (codings keep their coder)",
            _refi_writer(export_refi_project),
            binary=True,
        ),
        ExportFormat(
            "qdc",
            ".qdc",
            "REFI-QDA codebook for other QDA tools",
            _refi_writer(export_refi_codebook),
            binary=True,
        ),
    ):
        register_export_format(fmt)


_register_formats()

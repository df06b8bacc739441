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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from coder.db.engine import Store
from coder.errors import UsageError
from coder.services.views import CodingView


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
    from coder.services.codings import list_codings
    from coder.services.documents import list_documents

    codings = list_codings(
        store, coders=options.coders, documents=options.documents, codes=options.codes
    )
    if options.where:
        keep = {d.id for d in list_documents(store, where=dict(options.where))}
        codings = [c for c in codings if c.document_id in keep]
    return codings


def consensus_coder(store: Store) -> str | None:
    """The name of the project's consensus coder, if it has one."""
    from coder.services.coders import list_coders

    return next((c.name for c in list_coders(store) if c.kind == "consensus"), None)


def quote_coder(store: Store, options: ExportOptions, *, what: str) -> str:
    """The one coder whose codings ``what`` shows: the one named, else the consensus coder."""
    from coder.services.coders import list_coders

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

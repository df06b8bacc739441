"""Which codings an export shows: the options' filters and the one coder a document quotes.

Whose codings: the quote book, the framework matrix and the codebook's example quotes show one
coder's codings, by default the consensus coder (kind ``consensus``) when the project has one;
otherwise the coder must be named.
"""

from __future__ import annotations

from coder.db.engine import Store
from coder.domain.exports import ExportOptions
from coder.domain.views import CodingView
from coder.errors import UsageError
from coder.services.coding.codings import list_codings
from coder.services.documents.corpus import list_documents
from coder.services.project.coders import list_coders


def filtered_codings(store: Store, options: ExportOptions) -> list[CodingView]:
    """The codings the options select: by coder, code (with sub-codes), document, attribute."""
    codings = list_codings(
        store, coders=options.coders, documents=options.documents, codes=options.codes
    )
    if options.where:
        keep = {d.id for d in list_documents(store, where=dict(options.where))}
        codings = [c for c in codings if c.document_id in keep]
    return codings


def consensus_coder(store: Store) -> str | None:
    """The name of the project's consensus coder, if it has one."""
    return next((c.name for c in list_coders(store) if c.kind == "consensus"), None)


def quote_coder(store: Store, options: ExportOptions, *, what: str) -> str:
    """The one coder whose codings ``what`` shows: the one named, else the consensus coder."""
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


def selection_words(options: ExportOptions) -> tuple[str, ...]:
    """The filters in words, for a document's intro line."""
    parts: list[str] = []
    if options.codes:
        parts.append("codes " + ", ".join(options.codes) + " (with sub-codes)")
    if options.documents:
        parts.append("documents " + ", ".join(options.documents))
    parts += [f"{k} = {v}" for k, v in options.where.items()]
    return tuple(parts)


def attribute_text(value: object) -> str:
    """A document attribute's value as a document shows it (booleans as yes/no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

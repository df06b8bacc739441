"""The paper documents loaded from a project: the quote book, the codebook document and the
framework matrix, each a value of :mod:`coder.domain.exports` for :mod:`coder.reports`.

Codebook counts follow the coder of :func:`~coder.services.exports.selection.quote_coder`, or
count every coder's codings when there is no consensus coder and none is named.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from coder.db.engine import Store
from coder.domain.citations import Citation, CitationKey, CitedQuoteBook
from coder.domain.codebook import CodePath
from coder.domain.documents import AttributeValue
from coder.domain.exports import (
    NOT_SET,
    CodebookDocument,
    CodeQuotes,
    ExportOptions,
    FrameworkMatrix,
    Quote,
    QuoteBook,
    make_quote,
)
from coder.domain.views import CodingView
from coder.errors import UsageError
from coder.services.codebook.codes import export_codebook, list_codes
from coder.services.documents.corpus import list_documents
from coder.services.exports.locations import load_locations
from coder.services.exports.selection import (
    attribute_text,
    consensus_coder,
    filtered_codings,
    quote_coder,
    selection_words,
)
from coder.services.project.lifecycle import get_settings


def _quote(
    coding: CodingView, options: ExportOptions, attrs: tuple[tuple[str, str], ...] = ()
) -> Quote:
    return make_quote(
        coding.text,
        document=coding.document,
        start=coding.start,
        end=coding.end,
        max_chars=options.max_quote_chars,
        attributes=attrs,
        coder=coding.coder,
    )


def _check_attributes(known: list[str], wanted: tuple[str, ...]) -> None:
    missing = [a for a in wanted if a not in known]
    if missing:
        raise UsageError(
            f"no document has the attribute(s) {', '.join(missing)}"
            f" (attributes: {', '.join(known) or 'none'})"
        )


def _quotes_by_code(
    store: Store,
    options: ExportOptions,
    coder: str,
    attributes: tuple[str, ...],
    codings: list[CodingView] | None = None,
) -> tuple[dict[CodePath, list[Quote]], dict[CodePath, tuple[int, str]]]:
    """The coder's selected codings as quotes, by code path; and each path's (order, definition).

    Within a code, quotes follow the documents' import order, then their position.
    """
    if codings is None:
        codings = filtered_codings(store, replace(options, coders=(coder,)))
    docs = {d.id: d for d in list_documents(store, all_versions=True)}
    if attributes:
        _check_attributes(sorted({k for d in docs.values() for k in d.attributes}), attributes)
    codes = {
        c.path: (i, c.definition) for i, c in enumerate(list_codes(store, include_inactive=True))
    }
    grouped: dict[CodePath, list[Quote]] = {}
    for c in codings:
        doc_attrs: dict[str, AttributeValue] = docs[c.document_id].attributes
        attrs = tuple(
            (a, attribute_text(doc_attrs[a]) if a in doc_attrs else "") for a in attributes
        )
        grouped.setdefault(c.code_path, []).append(_quote(c, options, attrs))
    return grouped, codes


def _citations(
    store: Store, codings: list[CodingView], *, memos: bool = True
) -> dict[CitationKey, Citation]:
    """Each coding's speaker, paragraph and turn numbers, turn time and (with ``memos``) memo,
    by quote key."""
    where = load_locations(store, {c.document_id for c in codings})
    found: dict[CitationKey, Citation] = {}
    for c in codings:
        doc = where.get(c.document_id)
        turn = doc.turn_at(c.start) if doc else None
        found[(str(c.code_path), c.document, c.start, c.end)] = Citation(
            speaker=turn[1] if turn else None,
            paragraph=doc.paragraph_at(c.start) if doc else None,
            turn=turn[0] if turn else None,
            time_start=turn[2] if turn else None,
            memo=(c.memo or None) if memos else None,
        )
    return found


def load_quote_book(store: Store, options: ExportOptions) -> CitedQuoteBook:
    """The quote book of one coder (the consensus coder by default), filtered by the options.

    Each quote carries its citation: speaker, paragraph and turn numbers, the turn's timestamp
    where the source had one, and the coding's memo where it has one (unless
    ``options.memos`` is False).
    """
    coder = quote_coder(store, options, what="the quote book")
    codings = filtered_codings(store, replace(options, coders=(coder,)))
    grouped, codes = _quotes_by_code(store, options, coder, options.attributes, codings)
    ordered = sorted(grouped, key=lambda p: (codes.get(p, (len(codes), ""))[0], str(p)))
    sections = tuple(
        CodeQuotes(n, path, codes.get(path, (0, ""))[1], tuple(grouped[path]))
        for n, path in enumerate(ordered, start=1)
    )
    book = QuoteBook(
        title=options.title or f"Quote book: {get_settings(store).name}",
        coder=coder,
        filters=selection_words(options),
        attributes=options.attributes,
        sections=sections,
    )
    return CitedQuoteBook(book, _citations(store, codings, memos=options.memos))


def load_codebook_document(store: Store, options: ExportOptions) -> CodebookDocument:
    """The shared codebook with counts and, with ``options.examples``, real quotes per code.

    Counts are the named coder's codings, else the consensus coder's, else everyone's; they
    honour the document and attribute filters.
    """
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
        note += f", in {'; '.join(selection_words(replace(options, codes=())))}"
    examples: dict[CodePath, tuple[Quote, ...]] = {}
    examples_coder = None
    if options.examples > 0:
        examples_coder = quote_coder(store, options, what="--examples")
        grouped, _ = _quotes_by_code(store, replace(options, codes=()), examples_coder, ())
        examples = {path: tuple(quotes[: options.examples]) for path, quotes in grouped.items()}
    book = export_codebook(
        store,
        name=options.title or f"Codebook: {get_settings(store).name}",
        memos=options.memos,
    )
    return CodebookDocument(book, dict(counts), note, examples, examples_coder)


def _value_key(value: str) -> tuple[int, float, str]:
    """Numbers in numeric order, then text; the "not set" column last."""
    if value == NOT_SET:
        return (2, 0.0, value)
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.casefold())


def _matrix_attribute(known: list[str], by: str | None) -> str:
    if not by:
        raise UsageError(
            "the framework matrix needs --by ATTRIBUTE for its columns"
            f" (attributes: {', '.join(known) or 'none'})"
        )
    if by not in known:
        raise UsageError(f"no document has the attribute {by!r} (attributes: {', '.join(known)})")
    return by


def _matrix_rows(
    store: Store, options: ExportOptions, row_of: Callable[[CodePath], CodePath]
) -> list[CodePath]:
    """One row per code (or rolled-up ancestor) the ``codes`` option selects, codebook order."""
    wanted = [CodePath.parse(c) for c in options.codes]
    rows: list[CodePath] = []
    for code in list_codes(store):
        selected = not wanted or any(code.path.parts[: w.depth] == w.parts for w in wanted)
        path = row_of(code.path)
        if selected and path not in rows:
            rows.append(path)
    return rows


def load_matrix(store: Store, options: ExportOptions) -> FrameworkMatrix:
    """Codes (or, with ``rollup``, their ancestors at that depth) by the values of ``by``.

    Every row holds the passages of its code and of the codes under it, so a theme's row is
    the union of its codes' rows (a passage counted once), never an empty row of its own.
    """
    documents = list_documents(store, all_versions=True)
    by = _matrix_attribute(sorted({k for d in documents for k in d.attributes}), options.by)
    coder = quote_coder(store, options, what="the framework matrix")
    value_of = {
        d.id: attribute_text(d.attributes[by]) if by in d.attributes else NOT_SET for d in documents
    }
    depth = options.rollup

    def row_of(path: CodePath) -> CodePath:
        return CodePath(path.parts[:depth]) if depth and path.depth > depth else path

    rows = _matrix_rows(store, options, row_of)
    codings = filtered_codings(store, replace(options, coders=(coder,)))
    for c in codings:
        if row_of(c.code_path) not in rows:
            rows.append(row_of(c.code_path))
    shown = set(rows)
    cells: dict[tuple[CodePath, str], dict[tuple[str, int, int], Quote]] = {}
    for c in codings:
        path = row_of(c.code_path)
        # A row holds its own code's passages and its sub-codes' (a theme rolls up its codes).
        for row in (CodePath(path.parts[:d]) for d in range(1, path.depth + 1)):
            if row not in shown:
                continue
            cell = cells.setdefault((row, value_of[c.document_id]), {})
            # A passage coded twice within one row (a code and its sub-code) counts once.
            if (c.document, c.start, c.end) not in cell:
                cell[(c.document, c.start, c.end)] = _quote(c, options)
    in_scope = (
        {d.id for d in list_documents(store, where=dict(options.where))}
        if options.where
        else {d.id for d in documents}
    )
    if options.documents:
        names = set(options.documents)
        in_scope = {d.id for d in documents if d.name in names and d.id in in_scope}
    return FrameworkMatrix(
        title=options.title or f"Framework matrix: {get_settings(store).name}",
        coder=coder,
        attribute=by,
        rows=tuple(rows),
        columns=tuple(sorted({value_of[i] for i in in_scope}, key=_value_key)),
        quotes={key: tuple(q.values()) for key, q in cells.items()},
        filters=selection_words(options),
        rollup=depth,
    )

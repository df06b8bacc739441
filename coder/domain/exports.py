"""What the analyst and paper exports show: options, quotes, the quote book, the framework
matrix and the codebook document. Built by :mod:`coder.services.exports`, rendered by
:mod:`coder.reports`; no I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from coder.domain.codebook import Codebook, CodebookImportReport, CodeDef, CodePath

ELLIPSIS = "…"
#: The framework matrix's column for documents that lack the attribute.
NOT_SET = "(not set)"


@dataclass(frozen=True)
class ExportOptions:
    """What to export: filters and presentation choices shared by the formats.

    ``coders`` filters the codings table (several allowed) and names the one coder whose
    codings the quote book, matrix and codebook examples show. ``codes`` include their
    sub-codes. ``where`` keeps documents whose attribute equals the value (as text).
    ``memos`` False leaves memos out of quote books and codebooks.
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
    #: Quote books show each coding's memo, codebooks each code's memos.
    memos: bool = True


@dataclass(frozen=True)
class Quote:
    """One coded passage ready to print."""

    document: str
    start: int
    end: int
    text: str
    length: int
    shortened: bool
    attributes: tuple[tuple[str, str], ...] = ()
    coder: str = ""

    @property
    def note(self) -> str:
        """``"(shortened; 887 characters in full)"`` for a cut quote, else ``""``."""
        return f"(shortened; {self.length:,} characters in full)" if self.shortened else ""

    def attribute(self, key: str) -> str:
        """The value of a document attribute asked for ('' when the document lacks it)."""
        return dict(self.attributes).get(key, "")


def clean_quote(text: str, max_chars: int) -> tuple[str, int, bool]:
    """(quote, full length, shortened): whitespace collapsed, cut to ``max_chars`` if longer."""
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat, len(flat), False
    cut = flat[: max_chars - 1]
    # Cut at the last space when that keeps most of the text, so no word is split.
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS, len(flat), True


def make_quote(
    text: str,
    *,
    document: str,
    start: int,
    end: int,
    max_chars: int,
    attributes: tuple[tuple[str, str], ...] = (),
    coder: str = "",
) -> Quote:
    """A :class:`Quote` of ``text``, cleaned and cut by :func:`clean_quote`."""
    quote, length, shortened = clean_quote(text, max_chars)
    return Quote(document, start, end, quote, length, shortened, attributes, coder)


@dataclass(frozen=True)
class CodeQuotes:
    """The quotes of one code: one table of the book."""

    number: int
    path: CodePath
    definition: str
    quotes: tuple[Quote, ...]

    @property
    def theme(self) -> str:
        """The top-level code (theme) the code sits under."""
        return self.path.parts[0]

    @property
    def caption(self) -> str:
        """``"Table 2. Motives / Impact"``."""
        return f"Table {self.number}. {' / '.join(self.path.parts)}"


@dataclass(frozen=True)
class QuoteBook:
    """Everything a quote book shows: coded passages grouped by theme and code."""

    title: str
    coder: str
    filters: tuple[str, ...]
    attributes: tuple[str, ...]
    sections: tuple[CodeQuotes, ...]

    @property
    def quote_count(self) -> int:
        """How many quotes the book holds."""
        return sum(len(s.quotes) for s in self.sections)

    def intro(self) -> str:
        """The line under the title: whose passages, how many, which selection."""
        n, codes = self.quote_count, len(self.sections)
        text = (
            f"Coded passages by {self.coder}, grouped by theme and code:"
            f" {n} {'quote' if n == 1 else 'quotes'} under {codes}"
            f" {'code' if codes == 1 else 'codes'}."
        )
        if self.filters:
            text += f" Selection: {'; '.join(self.filters)}."
        return text


@dataclass(frozen=True)
class FrameworkMatrix:
    """Counts and quotes per (code path, attribute value) of the framework method."""

    title: str
    coder: str
    attribute: str
    rows: tuple[CodePath, ...]
    columns: tuple[str, ...]
    quotes: Mapping[tuple[CodePath, str], tuple[Quote, ...]]
    filters: tuple[str, ...] = ()
    rollup: int | None = None

    def count(self, path: CodePath, value: str) -> int:
        """Coded passages of the row ``path`` in documents whose attribute is ``value``."""
        return len(self.quotes.get((path, value), ()))

    def description(self) -> list[tuple[str, str]]:
        """(item, value) lines saying what the matrix counts."""
        what = (
            f"codes rolled up to level {self.rollup}: a row holds its sub-codes' passages"
            if self.rollup
            else "each code, with the passages of the codes under it (a theme rolls up its codes)"
        )
        return [
            ("title", self.title),
            ("coder", self.coder),
            ("columns", f"values of the document attribute '{self.attribute}'"),
            ("rows", what),
            (
                "count",
                "sheet Codings: coded passages, a passage coded twice within one row counted"
                " once; sheet Cases: documents with at least one such passage; 'All codes'"
                " counts each passage or document once",
            ),
            ("selection", "; ".join(self.filters) or "all documents"),
        ]


@dataclass(frozen=True)
class CodebookDocument:
    """A codebook with counts per code and, optionally, real example quotes per code."""

    codebook: Codebook
    counts: Mapping[CodePath, int]
    counts_note: str
    examples: Mapping[CodePath, tuple[Quote, ...]] = field(default_factory=dict)
    examples_coder: str | None = None

    def numbered(self) -> list[tuple[str, CodePath, CodeDef]]:
        """(number such as "2.1", path, code) in reading order."""
        out: list[tuple[str, CodePath, CodeDef]] = []

        def visit(codes: list[CodeDef], parent: CodePath | None, prefix: str) -> None:
            for i, code in enumerate(codes, start=1):
                number = f"{prefix}{i}"
                path = parent.child(code.name) if parent else CodePath((code.name,))
                out.append((number, path, code))
                visit(code.children, path, number + ".")

        visit(self.codebook.codes, None, "")
        return out

    def intro(self) -> str:
        """The line under the title: how many themes and codes, what the counts count."""
        themes = len(self.codebook.codes)
        total = len(self.codebook)
        text = (
            f"{themes} top-level {'theme' if themes == 1 else 'themes'},"
            f" {total} {'code' if total == 1 else 'codes'} in all. Count: {self.counts_note}."
        )
        if self.examples_coder:
            text += f" Examples from the data are passages coded by {self.examples_coder}."
        return text


@dataclass
class RefiImportReport:
    """What a ``.qdpx`` import did."""

    origin: str
    position_unit: str
    documents: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    uncoded_selections: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class RefiExportReport:
    """What a ``.qdpx`` export wrote."""

    path: Path
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class RefiCodebookImportReport:
    """What a ``.qdc`` import did, with what the file held that ``coder`` cannot keep."""

    codebook: CodebookImportReport
    origin: str
    warnings: list[str] = field(default_factory=list)

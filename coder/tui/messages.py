"""Past-tense messages that report finished work (database writes, loads, searches) upward."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from coder.domain.documents import SearchHit


@dataclass
class CodingsChanged(Message):
    """The coder's codings of a document changed (apply, remove, adjust, undo)."""

    document_id: int
    note: str


@dataclass
class CodebookChanged(Message):
    """The codebook changed (a code added, edited, moved or retired)."""

    note: str


@dataclass
class SearchFinished(Message):
    """A project search finished."""

    query: str
    hits: list[SearchHit]


@dataclass
class OpenDocument(Message):
    """Open a document in the coding screen, optionally with a span selected."""

    document_id: int
    start: int | None = None
    end: int | None = None


@dataclass
class ActionRefused(Message):
    """An action was refused (already coded, code retired, database busy...): nothing changed."""

    note: str


@dataclass
class OpenAdjacentDocument(Message):
    """Open the next (``step`` 1) or previous (-1) document of the documents list as shown."""

    document_id: int
    step: int

"""What the coding screen shows and what a coding action answers: plain values, no I/O."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from coder.domain.views import DocumentSummary


@dataclass(frozen=True)
class DocumentProgress:
    """One row of the documents screen: a document and one coder's progress on it."""

    id: int
    name: str
    attributes: dict[str, Any]
    units: int
    codings: int
    coded_units: int
    done: bool


@dataclass(frozen=True)
class UndoResult:
    """What an undo reverted: the audit entry and a sentence for the status line."""

    entry_id: int
    action: str
    entity: str
    entity_id: int | None
    document_id: int | None
    description: str


class UnitSpan(NamedTuple):
    """Where one unit of a document starts and ends."""

    start: int
    end: int


@dataclass(frozen=True)
class UnitSpans(Sequence[UnitSpan]):
    """The units of one kind in a document, in text order, stored as two integer columns.

    A 1 MB transcript has tens of thousands of units; as columns they are four objects instead
    of one object each, which keeps loading fast and gives the garbage collector nothing to
    walk. Indexing yields :class:`UnitSpan` values.
    """

    starts: array[int]
    ends: array[int]

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> UnitSpan: ...

    @overload
    def __getitem__(self, index: slice) -> UnitSpans: ...

    def __getitem__(self, index: int | slice) -> UnitSpan | UnitSpans:
        if isinstance(index, slice):
            return UnitSpans(self.starts[index], self.ends[index])
        return UnitSpan(self.starts[index], self.ends[index])


@dataclass(frozen=True)
class CodingDocument:
    """A document as the coding screen needs it: summary, text, and units by kind.

    ``speakers`` names the speaker of each turn unit, in the order of ``units["turn"]``
    (``None`` for a turn without one).
    """

    summary: DocumentSummary
    text: str
    units: dict[str, UnitSpans]
    speakers: tuple[str | None, ...] = ()


@dataclass
class CodingsImportReport:
    """What a codings import did."""

    codings: int = 0
    memos: int = 0
    coders_created: list[str] = field(default_factory=list)
    codes_created: list[str] = field(default_factory=list)

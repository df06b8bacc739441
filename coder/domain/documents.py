"""Documents as importers produce them, what an import did, and where a search found words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

#: Attribute values are typed: text, whole numbers, decimals, booleans and dates.
AttributeValue = str | int | float | bool | dt.date


class UnitKind(StrEnum):
    """Units of analysis a document is segmented into at import."""

    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    TURN = "turn"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of analysis: ``[start, end)`` in the document text.

    ``speaker`` is set for speaker turns (subtitles, transcripts) and ``None`` otherwise;
    ``time_start`` and ``time_end`` are a turn's times in seconds when the source has them.
    """

    kind: UnitKind
    start: int
    end: int
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid unit [{self.start}, {self.end})")


@dataclass(slots=True)
class DocumentDraft:
    """A document read from a file, text already normalised (LF newlines, no BOM).

    ``turns`` holds speaker turns when the format has them (VTT, SRT); sentence, paragraph and
    whole-document units are computed from ``text`` by :mod:`coder.text`.
    """

    name: str
    text: str
    source_format: str
    source_path: str
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    turns: list[Unit] = field(default_factory=list)


@dataclass
class ImportReport:
    """What one import command did, file by file."""

    imported: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    words: int = 0
    #: Files not tried because the import stopped at a fault of the machine (a full disk, a
    #: read-only project), and that fault.
    not_attempted: list[str] = field(default_factory=list)
    stopped_by: str | None = None

    @property
    def ok(self) -> bool:
        """True when no file failed and every file was tried."""
        return not self.errors and not self.not_attempted


@dataclass(frozen=True)
class SearchHit:
    """One match: where it is, the words around it (keyword in context) and who says it.

    ``speaker`` is the speaker of the turn the match starts in (None when the document has no
    speaker turns); ``speakers`` are the document's speakers in order of first appearance, the
    order the coding screen gives them their colours in.
    """

    document_id: int
    document: str
    start: int
    end: int
    before: str
    match: str
    after: str
    speaker: str | None = None
    speakers: tuple[str, ...] = ()

"""Plain, immutable data objects that services hand to the CLI, the TUI and the API.

They are built from ORM rows inside a session, so nothing can lazy-load later in a render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names in annotations only: a listing of documents loads no codebook
    from coder.domain.codebook import CodePath
    from coder.domain.documents import AttributeValue


@dataclass(frozen=True)
class CoderView:
    id: int
    name: str
    kind: str
    created_at: dt.datetime


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    name: str
    version: int
    length: int
    source_format: str
    source_path: str
    imported_at: dt.datetime
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    unit_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitView:
    """A unit of a stored document; a speaker turn has its speaker and, when the source gave
    them (subtitle cues, timestamped labels), its start and end times in seconds."""

    id: int
    kind: str
    start: int
    end: int
    speaker: str | None
    time_start: float | None = None
    time_end: float | None = None


@dataclass(frozen=True)
class DocumentView:
    summary: DocumentSummary
    text: str
    sha256: str
    units: tuple[UnitView, ...]


@dataclass(frozen=True)
class CodeView:
    id: int
    parent_id: int | None
    path: CodePath
    name: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    colour: str | None
    keywords: tuple[str, ...]
    status: str
    owner: str | None
    created_by: str | None


@dataclass(frozen=True)
class CodingView:
    id: int
    document_id: int
    document: str
    start: int
    end: int
    code_id: int
    code_path: CodePath
    coder: str
    created_at: dt.datetime
    memo: str | None
    text: str

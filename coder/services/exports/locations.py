"""Where coded passages stand in their documents: the paragraph and speaker turn holding each
passage's start, numbered from 1, with the turn's speaker and start time, read in one query.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Unit
from coder.domain.documents import UnitKind


@dataclass
class _Units:
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    speakers: list[str | None] = field(default_factory=list)
    times: list[float | None] = field(default_factory=list)

    def index_at(self, offset: int) -> int | None:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k if k >= 0 and offset < self.ends[k] else None


@dataclass
class Locations:
    """One document's paragraphs and turns (filled by :func:`load_locations`)."""

    paragraphs: _Units = field(default_factory=_Units)
    turns: _Units = field(default_factory=_Units)

    def paragraph_at(self, offset: int) -> int | None:
        """The number (from 1) of the paragraph holding ``offset``."""
        k = self.paragraphs.index_at(offset)
        return None if k is None else k + 1

    def turn_at(self, offset: int) -> tuple[int, str | None, float | None] | None:
        """(number from 1, speaker, start time) of the turn holding ``offset``."""
        k = self.turns.index_at(offset)
        if k is None:
            return None
        return k + 1, self.turns.speakers[k], self.turns.times[k]


def load_locations(store: Store, document_ids: Iterable[int]) -> dict[int, Locations]:
    """The paragraphs and turns of each of the documents, in one query."""
    found: dict[int, Locations] = {}
    kinds = (str(UnitKind.PARAGRAPH), str(UnitKind.TURN))
    with store.read() as session:
        rows = session.execute(
            select(Unit.document_id, Unit.kind, Unit.start, Unit.end, Unit.speaker, Unit.time_start)
            .where(Unit.document_id.in_(list(document_ids)), Unit.kind.in_(kinds))
            .order_by(Unit.document_id, Unit.kind, Unit.start)
        )
        for document_id, kind, start, end, speaker, time_start in rows:
            doc = found.setdefault(document_id, Locations())
            units = doc.turns if kind == str(UnitKind.TURN) else doc.paragraphs
            units.starts.append(start)
            units.ends.append(end)
            units.speakers.append(speaker)
            units.times.append(time_start)
    return found

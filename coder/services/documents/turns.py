"""Who speaks where: documents' speaker turns, read in one query and looked up by offset."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coder.db.models import Unit
from coder.domain.documents import UnitKind


@dataclass
class Turns:
    """One document's speaker turns, in text order (filled by :func:`load_turns`)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)

    @functools.cached_property
    def speakers(self) -> tuple[str, ...]:
        """The speakers in order of first appearance (the coding screen's colour order)."""
        return tuple(name for name in dict.fromkeys(self.names) if name)

    def speaker_at(self, offset: int) -> str | None:
        """The speaker of the turn holding ``offset``; None outside every turn."""
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.names[k] if k >= 0 and offset < self.ends[k] else None


def load_turns(session: Session, document_ids: Iterable[int]) -> dict[int, Turns]:
    """The speaker turns of each of the documents that has any, in one query."""
    turns: dict[int, Turns] = {}
    for document_id, start, end, speaker in session.execute(
        select(Unit.document_id, Unit.start, Unit.end, Unit.speaker)
        .where(Unit.document_id.in_(list(document_ids)), Unit.kind == str(UnitKind.TURN))
        .order_by(Unit.document_id, Unit.start)
    ):
        doc = turns.setdefault(document_id, Turns())
        doc.starts.append(start)
        doc.ends.append(end)
        doc.names.append(speaker)
    return turns

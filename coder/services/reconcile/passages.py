"""Passages: what reconciliation asks a person to decide, and what the consensus stores.

Agreement is measured unit by unit (sentences by default); people decide passages.

**The grouping rule (the queue).** A passage is a run of consecutive units of one document (each
the next unit of the document after the one before, whatever unit of analysis is chosen) such
that, on every unit of the run,

1. the first coder's codes and the second coder's codes are the same pair of sets, not both
   empty (units neither coder coded are never in the queue), and
2. each code on each side is applied by at least one coding of that coder that also applies it
   to the next unit of the run ("the same codings cover them"), by the agreement engine's
   overlap rule.

So a passage ends where the codes present change on either side, or where a coder started a new
coding of a code (they cut their own passage there). Three sentences one coder coded as one
passage, and the other coder coded the same way or not at all, are one item; the same three
sentences coded one sentence at a time by either coder are three.

**The consensus (a decided passage).** A decision writes one *piece* per code it keeps: the
passage's span, with the codings it copies as sources. The consensus layer stores one coding per
run of pieces of a code (:func:`join_pieces`): two pieces of a code are one coding when they
overlap, or when only white space lies between them and, for every coder that is a source of
both, they copy at least one same coding of that coder (that coder's coding is whole across the
boundary). So two neighbouring passages decided apart (a code on three sentences, another code on
the middle one only) still give the three-sentence code one consensus coding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from coder.domain.reconcile import SideCoding

#: A unit's span in its document.
Span = tuple[int, int]
#: One coder's codings of a unit: (first coder's, second coder's).
UnitSides = tuple[Sequence[SideCoding], Sequence[SideCoding]]


def _coverage(sides: UnitSides) -> dict[tuple[int, int], set[int]]:
    """(side, code) -> the ids of that side's codings applying the code to the unit."""
    cover: dict[tuple[int, int], set[int]] = {}
    for side, codings in enumerate(sides):
        for coding in codings:
            cover.setdefault((side, coding.code_id), set()).add(coding.id)
    return cover


def _continues(before: UnitSides, after: UnitSides) -> bool:
    """Whether ``after`` carries on the passage ``before`` is in (the module's rule)."""
    mine, theirs = _coverage(before), _coverage(after)
    return mine.keys() == theirs.keys() and all(mine[k] & theirs[k] for k in mine)


def group_units(units: Sequence[Span], sides: dict[Span, UnitSides]) -> list[list[Span]]:
    """The passages of one document: its coded units (keys of ``sides``) in runs.

    ``units`` are every unit of the document in text order (coded or not), so that only units
    next to each other can share a passage.
    """
    passages: list[list[Span]] = []
    previous: Span | None = None
    for unit in units:
        here = sides.get(unit)
        if here is None:
            previous = None
            continue
        if previous is not None and _continues(sides[previous], here):
            passages[-1].append(unit)
        else:
            passages.append([unit])
        previous = unit
    return passages


def side_codings(sides: Iterable[UnitSides], side: int) -> tuple[SideCoding, ...]:
    """One side's codings over the units of a passage, each coding once, in text order."""
    seen: dict[int, SideCoding] = {}
    for unit in sides:
        for coding in unit[side]:
            seen.setdefault(coding.id, coding)
    return tuple(sorted(seen.values(), key=lambda c: (c.start, c.end, c.id)))


@dataclass(frozen=True)
class Piece:
    """What one decision keeps of one code: its span, its sources and its rationale.

    ``sources`` are (source coder id, source coding id) pairs, ``(None, None)`` for a code
    chosen by hand that no coder applied; ``memo`` is (author coder id, rationale), or None
    when the decision gave no reason.
    """

    code_id: int
    start: int
    end: int
    decision_id: int
    sources: tuple[tuple[int | None, int | None], ...]
    memo: tuple[int | None, str] | None = None


@dataclass
class JoinedCoding:
    """One consensus coding as the pieces of its code make it."""

    code_id: int
    start: int
    end: int
    pieces: list[Piece] = field(default_factory=list)

    @property
    def sources(self) -> set[tuple[int, int | None, int | None]]:
        """(decision id, source coder id, source coding id) of every piece."""
        return {(p.decision_id, *s) for p in self.pieces for s in p.sources}

    @property
    def memos(self) -> set[tuple[int | None, str]]:
        return {p.memo for p in self.pieces if p.memo is not None}


def _whole_across(before: Piece, after: Piece) -> bool:
    """Every coder that is a source of both copies one same coding into both."""
    mine: dict[int, set[int | None]] = {}
    theirs: dict[int, set[int | None]] = {}
    for piece, by_coder in ((before, mine), (after, theirs)):
        for coder_id, coding_id in piece.sources:
            if coder_id is not None and coding_id is not None:
                by_coder.setdefault(coder_id, set()).add(coding_id)
    common = mine.keys() & theirs.keys()
    return bool(common) and all(mine[c] & theirs[c] for c in common)


def join_pieces(pieces: Iterable[Piece], text: str) -> list[JoinedCoding]:
    """The consensus codings the pieces make, by the module's rule, by code then position."""
    joined: list[JoinedCoding] = []
    current: JoinedCoding | None = None
    for piece in sorted(pieces, key=lambda p: (p.code_id, p.start, p.end, p.decision_id)):
        if current is not None and current.code_id == piece.code_id:
            overlaps = piece.start < current.end
            touches = not text[current.end : piece.start].strip()
            if overlaps or (touches and _whole_across(current.pieces[-1], piece)):
                current.pieces.append(piece)
                current.end = max(current.end, piece.end)
                continue
        current = JoinedCoding(piece.code_id, piece.start, piece.end, [piece])
        joined.append(current)
    return joined

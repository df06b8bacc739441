"""Reconciliation and code alignment as plain values: queue items, decisions, provenance.

A reconciliation queue is every passage either of two coders coded (a run of units with the
same decision to make, :mod:`coder.services.reconcile.passages`), each item carrying both
sides' codings and any decision already made; an alignment scores every pair of the two
coders' codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from coder.domain.codebook import CodePath
from coder.errors import InputError, NotFoundError

Order = Literal["document", "weakest"]
CHOICES: tuple[str, ...] = ("a", "b", "both", "shared", "edit")
DEFAULT_CONSENSUS = "consensus"


@dataclass(frozen=True)
class CodeInfo:
    """A code involved in reconciliation, with what a reconciler needs to judge it."""

    id: int
    path: CodePath
    definition: str
    colour: str | None
    alpha: float


@dataclass(frozen=True)
class SideCoding:
    """One coder's coding that touches a unit, with its memo."""

    id: int
    code_id: int
    start: int
    end: int
    memo: str | None


@dataclass(frozen=True)
class DecisionView:
    """The decision made on a passage: the choice, the codes kept, who decided it, when and why.

    ``choice`` is ``mixed`` when a passage is covered by several earlier decisions (made one
    sentence at a time before passages) that chose differently.
    """

    choice: str
    code_ids: tuple[int, ...]
    rationale: str
    decided_by: str
    decided_at: dt.datetime

    @classmethod
    def combine(cls, views: Sequence[DecisionView]) -> DecisionView:
        """One view of the decisions that together cover a passage."""
        if len(views) == 1:
            return views[0]
        choices = {v.choice for v in views}
        return cls(
            choice=choices.pop() if len(choices) == 1 else "mixed",
            code_ids=tuple(sorted({c for v in views for c in v.code_ids})),
            rationale="; ".join(dict.fromkeys(v.rationale for v in views if v.rationale)),
            decided_by=", ".join(dict.fromkeys(v.decided_by for v in views)),
            decided_at=max(v.decided_at for v in views),
        )


@dataclass(frozen=True)
class ReconcileItem:
    """One passage to settle; ``key`` (``DOC:START-END``) names it for ``reconcile decide``.

    ``units`` are the spans of the units of analysis the passage is made of (one or more, in
    text order); ``start`` and ``end`` are the passage's, from its first unit to its last.
    Every unit of a passage has the same codes on each side (see
    :mod:`coder.services.reconcile.passages`).
    """

    number: int
    document_id: int
    document: str
    start: int
    end: int
    first: tuple[SideCoding, ...]
    second: tuple[SideCoding, ...]
    weakest: float
    decision: DecisionView | None = None
    units: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> str:
        """``DOC:START-END``: the document id and the passage's span."""
        return f"{self.document_id}:{self.start}-{self.end}"

    @property
    def first_codes(self) -> tuple[int, ...]:
        return tuple(sorted({c.code_id for c in self.first}))

    @property
    def second_codes(self) -> tuple[int, ...]:
        return tuple(sorted({c.code_id for c in self.second}))

    @property
    def agree(self) -> bool:
        return self.first_codes == self.second_codes

    @property
    def decided(self) -> bool:
        return self.decision is not None

    def codes_for(self, choice: str) -> tuple[int, ...]:
        """The codes a choice keeps (not for ``edit``)."""
        a, b = set(self.first_codes), set(self.second_codes)
        chosen = {"a": a, "b": b, "both": a | b, "shared": a & b, "agree": a}.get(choice)
        if chosen is None:
            raise InputError(choice, f"a decision is one of {', '.join(CHOICES)}")
        return tuple(sorted(chosen))


@dataclass(frozen=True)
class ReconcileQueue:
    """Every passage to settle between two coders, in the order asked for."""

    first: str
    second: str
    consensus: str
    order: str
    items: tuple[ReconcileItem, ...]
    codes: dict[int, CodeInfo] = field(default_factory=dict)
    documents: tuple[str, ...] = ()

    @property
    def disagreements(self) -> tuple[ReconcileItem, ...]:
        return tuple(i for i in self.items if not i.agree)

    @property
    def decided(self) -> int:
        return sum(i.decided for i in self.disagreements)

    @property
    def remaining(self) -> int:
        return len(self.disagreements) - self.decided

    @property
    def agreeing_pending(self) -> int:
        return sum(1 for i in self.items if i.agree and not i.decided)

    def first_undecided(self, items: Sequence[ReconcileItem] | None = None) -> int | None:
        """Index (in ``items``, the disagreements by default) of the first undecided item."""
        pool = self.disagreements if items is None else items
        return next((k for k, item in enumerate(pool) if not item.decided), None)

    def find(self, ref: str) -> ReconcileItem:
        """An item by key (``12:340-410``) or by number (its place in document order)."""
        ref = ref.strip().lstrip("#")
        for item in self.items:
            if ref in (item.key, str(item.number)):
                return item
        raise NotFoundError(f"no reconciliation item {ref!r} (see 'coder reconcile status')")


@dataclass(frozen=True)
class ItemContext:
    """The text around a passage: the unit before, the passage itself, the unit after, and
    who says each.

    Each speaker is the speaker of the turn its piece starts in (None when the document has
    no speaker turns); ``speakers`` are the document's speakers in order of first appearance,
    the order the coding screen gives them their colours in. ``pieces`` is the passage cut
    where a new speaker turn starts inside it, each piece with its speaker (one piece when no
    turn starts inside it).
    """

    before: str
    text: str
    after: str
    speaker: str | None = None
    before_speaker: str | None = None
    after_speaker: str | None = None
    speakers: tuple[str, ...] = ()
    pieces: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class AutoReport:
    """A bulk acceptance: passages accepted and held back, codings written, its audit entry."""

    accepted: int
    held_back: int
    codings: int
    entry_id: int | None


@dataclass(frozen=True)
class ProvenanceRow:
    """One consensus coding and where it came from."""

    coding_id: int
    document: str
    start: int
    end: int
    code: CodePath
    choice: str
    source_coder: str | None
    source_coding_id: int | None
    decided_by: str
    decided_at: dt.datetime
    rationale: str


@dataclass(frozen=True)
class AlignedCode:
    """One coder's code in an alignment, with the number of units they coded with it."""

    id: int
    path: CodePath
    definition: str
    units: int


@dataclass(frozen=True)
class AlignmentPair:
    """One cell of the alignment table."""

    first: AlignedCode
    second: AlignedCode
    both: int
    jaccard: float
    similarity: float

    @property
    def score(self) -> float:
        return (self.jaccard + self.similarity) / 2

    @property
    def same(self) -> bool:
        return self.first.id == self.second.id


@dataclass(frozen=True)
class Alignment:
    """A's codes x B's codes, every pair scored, with suggested merges."""

    first: str
    second: str
    first_codes: tuple[AlignedCode, ...]
    second_codes: tuple[AlignedCode, ...]
    pairs: dict[tuple[int, int], AlignmentPair]
    suggestions: tuple[AlignmentPair, ...]

    @property
    def ranked(self) -> list[AlignmentPair]:
        """Pairs with any overlap or likeness, best score first."""
        scored = [p for p in self.pairs.values() if p.score > 0]
        return sorted(scored, key=lambda p: (-p.score, str(p.first.path), str(p.second.path)))

"""What managing documents reports: a change made, a removal and what it takes, versions,
document sets and an attribute sheet applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from coder.domain.views import DocumentSummary


@dataclass(frozen=True)
class DocumentChange:
    """A change to a document (rename, attributes, current version), said in one sentence.

    ``document_id`` is the document's current version afterwards.
    """

    description: str
    document_id: int


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class DocumentRemoval:
    """A document (every version, or one) and what goes with it when it is removed."""

    name: str
    versions: tuple[int, ...]
    codings: int
    coders: int
    memos: int
    decisions: int

    @property
    def what(self) -> str:
        """The document and its versions, as a sentence names it."""
        if len(self.versions) == 1:
            return f"{self.name!r} (version {self.versions[0]})"
        return f"{self.name!r} ({_count(len(self.versions), 'version')})"

    @property
    def losses(self) -> str:
        """What goes with it: codings (by how many coders), memos and reconcile decisions."""
        parts = [_count(self.codings, "coding") + f" by {_count(self.coders, 'coder')}"]
        if self.memos:
            parts.append(_count(self.memos, "memo"))
        if self.decisions:
            parts.append(_count(self.decisions, "reconcile decision"))
        return ", ".join(parts)


@dataclass(frozen=True)
class VersionSummary:
    """One version of a document: its summary, how many codings it has, whether it is shown."""

    summary: DocumentSummary
    codings: int
    current: bool


@dataclass(frozen=True)
class DocumentSetSummary:
    """A document set and the names of its documents."""

    name: str
    description: str
    documents: tuple[str, ...]


@dataclass
class SheetReport:
    """What an attribute sheet did: the documents it changed, how many values, and warnings."""

    documents: list[str] = field(default_factory=list)
    values: int = 0
    warnings: list[str] = field(default_factory=list)

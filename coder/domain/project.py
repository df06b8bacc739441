"""A project's settings and what its upkeep reports: the demo, copies, backups, checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coder.domain.documents import UnitKind


@dataclass(frozen=True)
class Settings:
    """Project-wide settings as plain data."""

    name: str
    blind: bool
    default_unit: UnitKind
    spacy_model: str | None


@dataclass(frozen=True)
class DemoSummary:
    """What ``coder demo`` built: where, and how many documents, codes and example codings."""

    path: str
    documents: int
    codes: int
    example_codings: dict[str, int]


@dataclass
class CopyReport:
    """What a project copy moved, table by table.

    A report is returned only for a copy found equal to the source (row counts and content
    hashes of every table); a copy that differs raises instead.
    """

    source: str
    destination: str
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class BackupReport:
    """Where a backup was written and what it holds."""

    source: str
    path: Path
    bytes: int
    method: str


@dataclass
class CheckReport:
    """The result of an integrity check: what was looked at and every problem found."""

    project: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

"""The codebook: a tree of codes with their definitions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_SEPARATOR = "/"
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True, slots=True)
class CodePath:
    """Where a code sits in the tree, e.g. ``CodePath(("Partnership models", "Co-produced"))``.

    The string form joins names with ``/``; a ``/`` inside a name is written ``\\/`` and a
    backslash ``\\\\``, so ``CodePath.parse(str(path)) == path`` for every path.
    """

    parts: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.parts or any(not p for p in self.parts):
            raise ValueError("a code path needs at least one non-empty name")

    @classmethod
    def parse(cls, text: str) -> CodePath:
        parts: list[str] = []
        current: list[str] = []
        escaped = False
        for ch in text:
            if escaped:
                current.append(ch)
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == _SEPARATOR:
                parts.append("".join(current).strip())
                current = []
            else:
                current.append(ch)
        parts.append("".join(current).strip())
        return cls(tuple(parts))

    @property
    def name(self) -> str:
        return self.parts[-1]

    @property
    def parent(self) -> CodePath | None:
        return CodePath(self.parts[:-1]) if len(self.parts) > 1 else None

    @property
    def depth(self) -> int:
        return len(self.parts)

    def child(self, name: str) -> CodePath:
        return CodePath((*self.parts, name))

    def __str__(self) -> str:
        return _SEPARATOR.join(
            p.replace("\\", "\\\\").replace(_SEPARATOR, "\\" + _SEPARATOR) for p in self.parts
        )


def is_hex_colour(value: str) -> bool:
    """True for ``#RRGGBB``."""
    return bool(_HEX_COLOUR.match(value))


#: The text fields of a code, in codebook order (MacQueen et al., see :class:`CodeDef`).
CODE_TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example")
#: Every descriptive field of a code beside its name: what codebooks, views and rows share.
CODE_FIELDS = (*CODE_TEXT_FIELDS, "colour", "keywords")


def code_fields(code: Any) -> dict[str, Any]:
    """The :data:`CODE_FIELDS` of a code (a CodeDef, a view or a row), keywords as a list."""
    values = {name: getattr(code, name) for name in CODE_FIELDS}
    values["keywords"] = list(values["keywords"] or [])
    return values


@dataclass(frozen=True, slots=True)
class CodeMemo:
    """A memo on a code as a codebook export shows it: who wrote it and what."""

    author: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} ({self.author})" if self.author else self.text


@dataclass(slots=True)
class CodeDef:
    """One code and, recursively, its children.

    The structured fields follow the codebook advice of MacQueen et al. (1998), "Codebook
    development for team-based qualitative analysis": a short definition, when to use it
    (inclusion), when not to (exclusion), and an example.
    """

    name: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str | None = None
    keywords: list[str] = field(default_factory=list)
    children: list[CodeDef] = field(default_factory=list)
    #: Memos written on the code (``coder memos``), for reading: exports write them, imports
    #: leave them out (a memo has an author; it is added with ``coder memos add``).
    memos: list[CodeMemo] = field(default_factory=list)

    def walk(self, parent: CodePath | None = None) -> Iterator[tuple[CodePath, CodeDef]]:
        """Depth-first (pre-order) pairs of path and code, this code first."""
        path = parent.child(self.name) if parent else CodePath((self.name,))
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@dataclass(slots=True)
class Codebook:
    """A named tree of codes."""

    name: str = "Codebook"
    description: str = ""
    codes: list[CodeDef] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[CodePath, CodeDef]]:
        """Every code in the book with its path, parents before children."""
        for code in self.codes:
            yield from code.walk()

    def find(self, path: CodePath) -> CodeDef | None:
        for p, code in self.walk():
            if p == path:
                return code
        return None

    def __len__(self) -> int:
        return sum(1 for _ in self.walk())


@dataclass
class CodebookImportReport:
    """What a codebook import did: codes added, codes updated, codes left as they were."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass(frozen=True)
class OperationResult:
    """What an operation (or its undo) did, in a sentence, with the audit entry's id."""

    entry_id: int
    action: str
    description: str
    created: int = 0
    changed: int = 0
    deleted: int = 0

"""A REFI-QDA project as plain data: what :func:`read_qdpx` returns and :func:`write_qdpx` takes.

Positions (``start``, ``end``) are always Unicode code points of the *normalised* text (no BOM,
LF newlines), end exclusive: the reader converts whatever the producing tool counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from coder.domain.codebook import Codebook, CodePath
from coder.domain.documents import AttributeValue, Unit


class NoteTarget(StrEnum):
    """What a note (a coder memo) is attached to."""

    PROJECT = "project"
    SOURCE = "source"
    CODE = "code"
    SELECTION = "selection"
    CODING = "coding"


class VariableType(StrEnum):
    """``typeOfVariable`` values of the standard."""

    TEXT = "Text"
    BOOLEAN = "Boolean"
    INTEGER = "Integer"
    FLOAT = "Float"
    DATE = "Date"
    DATETIME = "DateTime"


@dataclass(frozen=True, slots=True)
class RefiUser:
    """A user of the producing tool; in ``coder``, a coder."""

    guid: str
    name: str


@dataclass(frozen=True, slots=True)
class RefiCoding:
    """One code applied to a selection by one user (``user_guid`` None when the file omits it)."""

    guid: str
    code_guid: str
    user_guid: str | None


@dataclass(slots=True)
class RefiSelection:
    """A stretch ``[start, end)`` of a source and the codings applied to it (possibly none)."""

    guid: str
    source_guid: str
    start: int
    end: int
    user_guid: str | None = None
    codings: list[RefiCoding] = field(default_factory=list)


@dataclass(slots=True)
class RefiSource:
    """A text source: its normalised text, typed attributes (variables) and selections.

    ``text_path`` is the file holding the text (``sources/<guid>.txt``), or None when the text
    was inline (``PlainTextContent``). ``turns`` are the speaker turns found in the text
    (``Name:`` labels), as for any running text ``coder`` imports.
    """

    guid: str
    name: str
    text: str
    text_path: str | None = None
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    selections: list[RefiSelection] = field(default_factory=list)
    user_guid: str | None = None
    turns: list[Unit] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RefiNote:
    """A note (memo) by ``user_guid`` on ``target`` (``target_guid`` None for the project)."""

    guid: str
    text: str
    user_guid: str | None
    target: NoteTarget
    target_guid: str | None
    name: str = ""


@dataclass(frozen=True, slots=True)
class RefiVariable:
    """A project-level variable definition; values live on the sources."""

    guid: str
    name: str
    type: VariableType


@dataclass(frozen=True, slots=True)
class RefiSet:
    """A ``Set``: a named list of member sources (a document set, as MAXQDA's document groups
    and NVivo's sets are exported) and/or member codes (a code group, which ``coder`` has no
    place for)."""

    guid: str
    name: str
    description: str
    member_code_guids: tuple[str, ...] = ()
    member_source_guids: tuple[str, ...] = ()

    @property
    def is_document_set(self) -> bool:
        """True for a set that has documents (a set of codes alone is a code group)."""
        return bool(self.member_source_guids)


@dataclass(slots=True)
class RefiProject:
    """Everything ``coder`` takes from, or puts into, a ``.qdpx`` archive.

    ``code_guids`` maps each code's GUID to its path in ``codebook``. ``position_unit`` says how
    the file counted positions (``"code points"`` or ``"UTF-16 code units"``); they have been
    converted to code points of the normalised text either way. ``not_codable`` holds the
    GUIDs of codes that are folders, never applied to text (``isCodable="false"``).
    ``warnings`` lists what was read but could not be kept (non-text sources, code groups,
    empty selections, texts not found...).
    """

    name: str
    codebook: Codebook
    code_guids: dict[str, CodePath] = field(default_factory=dict)
    users: list[RefiUser] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    not_codable: set[str] = field(default_factory=set)
    origin: str = ""
    position_unit: str = "code points"
    warnings: list[str] = field(default_factory=list)

    @property
    def selections(self) -> list[RefiSelection]:
        """Every selection of every source, in source order."""
        return [s for src in self.sources for s in src.selections]

    def user_names(self) -> dict[str, str]:
        """GUID -> user name."""
        return {u.guid: u.name for u in self.users}

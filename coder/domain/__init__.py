"""Plain dataclasses and value objects. No I/O, no database, no UI."""

from coder.domain.codebook import Codebook, CodeDef, CodePath
from coder.domain.documents import AttributeValue, DocumentDraft, Unit, UnitKind
from coder.domain.spans import Span

__all__ = [
    "AttributeValue",
    "CodeDef",
    "CodePath",
    "Codebook",
    "DocumentDraft",
    "Span",
    "Unit",
    "UnitKind",
]

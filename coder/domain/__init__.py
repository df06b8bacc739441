"""Plain dataclasses and value objects. No I/O, no database, no UI.

The names below are imported from their modules on first use (``coder.domain.Span``), so
importing one module of the package (``coder.domain.documents``) loads that module alone.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coder.domain.codebook import Codebook, CodeDef, CodePath
    from coder.domain.documents import AttributeValue, DocumentDraft, Unit, UnitKind
    from coder.domain.spans import Span

#: Each name of the package and the module that defines it.
_HOMES = {
    "AttributeValue": "documents",
    "CodeDef": "codebook",
    "CodePath": "codebook",
    "Codebook": "codebook",
    "DocumentDraft": "documents",
    "Span": "spans",
    "Unit": "documents",
    "UnitKind": "documents",
}

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


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value

"""Importers and exporters: pure functions from files to domain objects and back.

The names below load their module on first use (PEP 562), so a command that only needs one
writer (``coder.io.escaping``, ``coder.io.output``) does not import every reader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coder.io.documents import (
        DEFAULT_MAX_BYTES,
        ReadResult,
        read_documents,
        register_format,
        supported_formats,
    )
    from coder.io.seeds import read_seed_corpus

#: Each public name and the module that defines it.
_HOMES = {
    "DEFAULT_MAX_BYTES": "coder.io.documents",
    "ReadResult": "coder.io.documents",
    "read_documents": "coder.io.documents",
    "register_format": "coder.io.documents",
    "supported_formats": "coder.io.documents",
    "read_seed_corpus": "coder.io.seeds",
}

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadResult",
    "read_documents",
    "read_seed_corpus",
    "register_format",
    "supported_formats",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value

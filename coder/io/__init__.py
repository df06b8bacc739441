"""Importers and exporters: pure functions from files to domain objects and back."""

from coder.io.documents import (
    DEFAULT_MAX_BYTES,
    ReadResult,
    read_documents,
    register_format,
    supported_formats,
)
from coder.io.seeds import read_seed_corpus

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadResult",
    "read_documents",
    "read_seed_corpus",
    "register_format",
    "supported_formats",
]

"""REFI-QDA exchange (https://www.qdasoftware.org): ``.qdc`` codebooks and ``.qdpx`` projects.

Pure functions from files to domain objects and back; no database. Reading is liberal (what
NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette really write), writing is strict (every file
validates against the official schema).
"""

from coder.io.refi.codebook import (
    QdcDocument,
    compose_description,
    normalise_refi_colour,
    parse_description,
    read_qdc,
    read_qdc_document,
    render_qdc,
    write_qdc,
)
from coder.io.refi.schema import CODEBOOK_NS, PROJECT_NS, schema_errors

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "QdcDocument",
    "compose_description",
    "normalise_refi_colour",
    "parse_description",
    "read_qdc",
    "read_qdc_document",
    "render_qdc",
    "schema_errors",
    "write_qdc",
]

"""REFI-QDA exchange (https://www.qdasoftware.org): ``.qdc`` codebooks and ``.qdpx`` projects.

Pure functions from files to domain objects and back; no database. Reading is liberal (what
NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette really write), writing is strict (every file
validates against the official schema).
"""

from coder.io.refi._xml import COD_GUID_NAMESPACE, canonical_guid, derived_guid
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
from coder.io.refi.model import (
    NoteTarget,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
    VariableType,
)
from coder.io.refi.positions import PositionUnit
from coder.io.refi.project_read import read_qdpx
from coder.io.refi.project_write import render_project_xml, write_qdpx
from coder.io.refi.safety import (
    MAX_COMPRESSION_RATIO,
    MAX_MEMBERS,
    MAX_UNPACKED_BYTES,
    parse_xml,
)
from coder.io.refi.schema import CODEBOOK_NS, PROJECT_NS, schema_errors

__all__ = [
    "CODEBOOK_NS",
    "COD_GUID_NAMESPACE",
    "MAX_COMPRESSION_RATIO",
    "MAX_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "PROJECT_NS",
    "NoteTarget",
    "PositionUnit",
    "QdcDocument",
    "RefiCoding",
    "RefiNote",
    "RefiProject",
    "RefiSelection",
    "RefiSet",
    "RefiSource",
    "RefiUser",
    "RefiVariable",
    "VariableType",
    "canonical_guid",
    "compose_description",
    "derived_guid",
    "normalise_refi_colour",
    "parse_description",
    "parse_xml",
    "read_qdc",
    "read_qdc_document",
    "read_qdpx",
    "render_project_xml",
    "render_qdc",
    "schema_errors",
    "write_qdc",
    "write_qdpx",
]

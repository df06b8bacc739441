"""Validation against the official REFI-QDA XML schemas shipped with ``coder``.

The schemas (``Codebook-mrt2019.xsd``, ``Project-mrt2019.xsd``) are published by the Rotterdam
Exchange Format Initiative under the MIT licence (stated in their headers); they are package
data, loaded with :mod:`importlib.resources`, so validation works offline.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from lxml import etree

SchemaKind = Literal["codebook", "project"]

_FILES: dict[str, str] = {
    "codebook": "Codebook-mrt2019.xsd",
    "project": "Project-mrt2019.xsd",
}

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"


@cache
def load_schema(kind: SchemaKind) -> etree.XMLSchema:
    """The compiled XSD for ``kind`` (cached)."""
    data = resources.files("coder.io.refi").joinpath("schemas", _FILES[kind]).read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.fromstring(data, parser=parser))


def schema_errors(document: etree._Element | bytes, kind: SchemaKind) -> list[str]:
    """The schema violations of ``document`` as ``line N: message`` strings (empty if valid)."""
    if isinstance(document, bytes):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        document = etree.fromstring(document, parser=parser)
    schema = load_schema(kind)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]

"""Small helpers over lxml shared by the codebook and project readers and writers."""

from __future__ import annotations

import re
import uuid

from lxml import etree

#: Namespace of the GUIDs ``coder`` derives (uuid5) for codes, sources, codings... on export.
COD_GUID_NAMESPACE = uuid.UUID("6f1c8a52-3d0e-5b7c-9a41-2e7d0c5f4b18")


def local(el: etree._Element) -> str:
    """The element's name without its namespace (any namespace version is accepted)."""
    return str(etree.QName(el).localname)


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Direct child elements called ``name`` in whatever namespace (comments skipped)."""
    return [c for c in el if isinstance(c.tag, str) and local(c) == name]


def child(el: etree._Element, name: str) -> etree._Element | None:
    found = children(el, name)
    return found[0] if found else None


def child_text(el: etree._Element, name: str) -> str:
    """The text of the first child ``name`` ('' when absent or empty)."""
    found = child(el, name)
    return "" if found is None else (found.text or "")


def norm_guid(value: str | None) -> str | None:
    """A GUID as a lookup key: braces dropped, lower case; None or '' stays None."""
    if value is None:
        return None
    text = value.strip().removeprefix("{").removesuffix("}").strip().lower()
    return text or None


_CANONICAL_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def canonical_guid(value: str | None) -> str | None:
    """``value`` as a lower-case 8-4-4-4-12 GUID (braces dropped), or None when it is not one
    (some tools write ``"s1"``): only a real GUID can be written back to a schema-valid file."""
    guid = norm_guid(value)
    return guid if guid is not None and _CANONICAL_GUID.match(guid) else None


def derived_guid(namespace: uuid.UUID, key: str) -> str:
    """A GUID that is the same every time for the same namespace and key (uuid5)."""
    return str(uuid.uuid5(namespace, key))


def serialise(root: etree._Element) -> bytes:
    """UTF-8 without BOM, LF line endings, with an XML declaration, indented."""
    etree.indent(root, space="  ")
    body = str(etree.tostring(root, encoding="unicode", pretty_print=True))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")

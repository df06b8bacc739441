"""Typed document attributes: how they are stored, read back and typed from a user's text.

Each attribute is stored as a (type, text) pair, so that numbers and dates compare and sort as
numbers and dates after a round trip. Spreadsheets type a whole column at once (see
:mod:`coder.io._tabular`); a value typed on the command line or in a form takes the type its
key already has in the project, and is text for a new key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from coder.db.tables import document_attributes
from coder.domain.documents import AttributeValue
from coder.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: What each stored type is called in a refusal.
TYPE_NAMES = {"int": "a whole number", "float": "a number", "bool": "true or false",
              "date": "a date (YYYY-MM-DD)", "str": "text"}  # fmt: skip


def encode_attribute(value: AttributeValue) -> tuple[str, str]:
    """(type, text) for storage; the type keeps numbers and dates comparable after a round trip."""
    if isinstance(value, bool):
        return "bool", "true" if value else "false"
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        return "float", repr(value)
    if isinstance(value, dt.date):
        return "date", value.isoformat()
    return "str", str(value)


def decode_attribute(value_type: str, value: str) -> AttributeValue:
    """The typed value back from its stored (type, text) pair (see :func:`encode_attribute`)."""
    if value_type == "bool":
        return value == "true"
    if value_type == "int":
        return int(value)
    if value_type == "float":
        return float(value)
    if value_type == "date":
        return dt.date.fromisoformat(value)
    return value


def attributes_by_document(
    session: Session | Connection, ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """Typed attributes of each of the given documents, keyed by document id (read with Core,
    in an ORM session or a listing's connection)."""
    ids = list(ids)
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    if not ids:
        return out
    rows = session.execute(
        select(
            document_attributes.c.document_id,
            document_attributes.c.key,
            document_attributes.c.value_type,
            document_attributes.c.value,
        ).where(document_attributes.c.document_id.in_(ids))
    )
    for doc_id, key, value_type, value in rows:
        out[doc_id][key] = decode_attribute(value_type, value)
    return out


def key_types(session: Session | Connection, keys: Iterable[str]) -> dict[str, str]:
    """The stored type of each of ``keys`` that the project's documents have (the most used
    one, should documents differ)."""
    keys = list(keys)
    if not keys:
        return {}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.execute(
        select(document_attributes.c.key, document_attributes.c.value_type).where(
            document_attributes.c.key.in_(keys)
        )
    )
    for key, value_type in rows:
        counts[key][value_type] += 1
    return {key: max(types, key=lambda t: types[t]) for key, types in counts.items()}


def typed_attribute(key: str, text: str, value_type: str) -> AttributeValue:
    """``text`` as a value of ``value_type`` (a stored type), or InputError saying what it
    must be."""
    text = text.strip()
    try:
        if value_type == "bool" and text.lower() not in ("true", "false"):
            raise ValueError(text)
        return decode_attribute(value_type, text.lower() if value_type == "bool" else text)
    except ValueError:
        raise InputError(
            f"{key}={text}", f"{key} is {TYPE_NAMES[value_type]} in this project"
        ) from None

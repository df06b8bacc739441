"""Listing documents: which documents there are, with their attributes and unit counts.

The listing reads the tables with SQLAlchemy Core (:meth:`coder.db.engine.Store.read_tables`)
and builds plain summaries, so ``coder docs list`` never loads the ORM and its mapped classes
(``benchmarks/startup_bench.py``; ``tests/cli/test_cli_startup.py`` holds it to that).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from coder.db.engine import Store
from coder.db.tables import document_attributes, document_set_members, document_sets, documents
from coder.db.tables import units as units_table
from coder.domain.views import DocumentSummary
from coder.errors import NotFoundError
from coder.services.documents.attributes import attributes_by_document


def is_latest() -> ColumnElement[bool]:
    """True for a document that has no newer version (what users see by default)."""
    newer = select(documents.c.previous_id).where(documents.c.previous_id.is_not(None))
    return documents.c.id.not_in(newer)


def set_members(connection: Connection, name: str) -> Select[tuple[int]]:
    """The ids of the documents in the named set (NotFoundError for an unknown set)."""
    set_id = connection.scalars(
        select(document_sets.c.id).where(document_sets.c.name == name)
    ).first()
    if set_id is None:
        raise NotFoundError(f"unknown document set {name!r} (see 'coder docs sets list')")
    return select(document_set_members.c.document_id).where(document_set_members.c.set_id == set_id)


def unit_counts(connection: Connection, ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """How many units of each kind each of the documents ``ids`` has."""
    ids = list(ids)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    if not ids:
        return out
    rows = connection.execute(
        select(units_table.c.document_id, units_table.c.kind, func.count())
        .where(units_table.c.document_id.in_(ids))
        .group_by(units_table.c.document_id, units_table.c.kind)
    )
    for doc_id, kind, count in rows:
        out[doc_id][kind] = count
    return out


#: The columns of a summary (the text stays in the database).
SUMMARY_COLUMNS = (
    documents.c.id,
    documents.c.name,
    documents.c.version,
    documents.c.length,
    documents.c.source_format,
    documents.c.source_path,
    documents.c.imported_at,
)


def list_documents(
    store: Store,
    *,
    name_contains: str | None = None,
    where: Mapping[str, str] | None = None,
    all_versions: bool = False,
    in_set: str | None = None,
) -> list[DocumentSummary]:
    """Documents (latest versions unless ``all_versions``), filtered by name and attributes.

    ``where`` compares attribute values as text, e.g. ``{"role": "policy-maker"}``;
    ``in_set`` keeps the members of the named document set.
    """
    with store.read_tables() as connection:
        query = select(*SUMMARY_COLUMNS)
        if not all_versions:
            query = query.where(is_latest())
        if in_set is not None:
            query = query.where(documents.c.id.in_(set_members(connection, in_set)))
        if name_contains:
            query = query.where(documents.c.name.icontains(name_contains, autoescape=True))
        for key, value in (where or {}).items():
            query = query.where(
                documents.c.id.in_(
                    select(document_attributes.c.document_id).where(
                        document_attributes.c.key == key, document_attributes.c.value == value
                    )
                )
            )
        rows = connection.execute(query.order_by(documents.c.id)).all()
        ids = [row.id for row in rows]
        attributes: dict[int, dict[str, Any]] = attributes_by_document(connection, ids)
        counts = unit_counts(connection, ids)
        return [
            DocumentSummary(
                **row._asdict(),
                attributes=attributes.get(row.id, {}),
                unit_counts=counts.get(row.id, {}),
            )
            for row in rows
        ]

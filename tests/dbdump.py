"""A complete, comparable picture of a project database, for 'nothing changed' assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Base


def dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, keyed by table name."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out

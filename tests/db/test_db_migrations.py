"""Alembic: an empty database upgrades to head and then matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from coder.db.engine import connect
from coder.db.migrate import current_revision, downgrade, head_revision, upgrade
from coder.db.models import Base
from coder.services.project.lifecycle import open_project


def test_empty_database_upgrades_to_head_matching_the_models(empty_db_url: str) -> None:
    store = connect(empty_db_url, must_exist=False)
    try:
        assert current_revision(store) is None
        upgrade(store)
        assert current_revision(store) == head_revision()
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(store.engine).get_table_names())
        expected = {"documents", "codes", "codings", "memos", "audit_log", "units", "code_pins"}
        assert expected <= tables
        downgrade(store, "base")
        assert current_revision(store) is None
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    finally:
        store.dispose()


def test_opening_a_project_at_an_older_revision_upgrades_it(empty_db_url: str) -> None:
    store = connect(empty_db_url, must_exist=False)
    upgrade(store)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO project_settings (id, name, blind, default_unit, created_at)"
                " VALUES (1, 'old', true, 'sentence', CURRENT_TIMESTAMP)"
            )
        )
    store.dispose()
    reopened = open_project(empty_db_url)
    try:
        assert current_revision(reopened) == head_revision()
    finally:
        reopened.dispose()


def test_foreign_keys_are_enforced(empty_db_url: str) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    store = connect(empty_db_url, must_exist=False)
    upgrade(store)
    try:
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO units (document_id, kind, start, "end")'
                    " VALUES (999, 'sentence', 0, 1)"
                )
            )
    finally:
        store.dispose()

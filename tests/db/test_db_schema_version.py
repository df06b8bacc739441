"""Opening a project compares its schema revision with a constant, not with Alembic's scripts.

The constant must follow the migrations folder, and reading the revision without Alembic must
give what Alembic reads, or an old project would be opened without its upgrade.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from coder.db.engine import connect
from coder.db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade
from coder.services.project.lifecycle import open_project


def test_head_revision_is_the_head_of_the_migrations_folder() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD_REVISION], (
        "a migration was added: set coder.db.migrate.HEAD_REVISION to its revision"
    )


def test_current_revision_reads_what_alembic_reads(empty_db_url: str) -> None:
    store = connect(empty_db_url, must_exist=False)
    try:
        assert current_revision(store) is None
        for revision in ("0001", "0005", HEAD_REVISION):
            upgrade(store, revision)
            with store.engine.connect() as conn:
                alembic_reads = MigrationContext.configure(conn).get_current_revision()
            assert current_revision(store) == alembic_reads == revision
    finally:
        store.dispose()


def test_a_project_one_revision_behind_is_upgraded_when_opened(empty_db_url: str) -> None:
    store = connect(empty_db_url, must_exist=False)
    upgrade(store, "0005")
    store.dispose()
    opened = open_project(empty_db_url)
    try:
        assert current_revision(opened) == HEAD_REVISION
    finally:
        opened.dispose()

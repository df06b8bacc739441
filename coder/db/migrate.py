"""Schema migrations: every database is brought to the head revision through Alembic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from coder.db.engine import MIGRATE_OPTION, Store
from coder.errors import CoderError

_MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one transaction.

    On failure the transaction rolls back (SQLite and PostgreSQL both have transactional DDL),
    so the project is left exactly as it was and the error says so.
    """
    current = current_revision(store)
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise CoderError(
            f"{store.display_name}: schema revision {current} is newer than this version of "
            "coder knows; upgrade coder"
        )
    _run(store, lambda config: command.upgrade(config, revision), f"upgrade to {revision}")


def downgrade(store: Store, revision: str) -> None:
    _run(store, lambda config: command.downgrade(config, revision), f"downgrade to {revision}")


def _run(store: Store, step: Callable[[Config], None], what: str) -> None:
    config = alembic_config()
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.connect() as conn:
        if sqlite:
            conn = conn.execution_options(**{MIGRATE_OPTION: True})
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                step(config)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise CoderError(
                            f"{store.display_name}: schema {what} would break "
                            f"{len(broken)} reference(s) (first in table {broken[0][0]}); "
                            "the project is unchanged"
                        )
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise CoderError(
                f"{store.display_name}: schema {what} failed ({reason}); the project is unchanged"
            ) from exc
        finally:
            if sqlite:
                # This connection ran with foreign keys off: never hand it back to the pool.
                conn.invalidate()

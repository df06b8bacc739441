"""Schema migrations: every database is brought to the head revision through Alembic.

Opening a project only compares its revision with :data:`HEAD_REVISION`, read with
SQLAlchemy Core, so a current project never loads Alembic (a tenth of a second or more at
every command's start); Alembic is imported when a migration actually runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from coder.db.engine import MIGRATE_OPTION, Store
from coder.errors import CoderError

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).with_name("migrations")

#: The newest revision in ``migrations/versions``: the schema this version of coder writes.
#: A test holds it to the head Alembic finds there; a new migration updates it.
HEAD_REVISION = "0007"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str:
    """The revision a project is brought to (without loading Alembic)."""
    return HEAD_REVISION


def current_revision(store: Store) -> str | None:
    """The project's schema revision as Alembic recorded it, None before the first migration."""
    with store.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) > 1:
        raise CoderError(
            f"{store.display_name}: the schema has several revisions ({', '.join(versions)}); "
            "it was not written by coder"
        )
    return str(versions[0]) if versions else None


def upgrade(store: Store, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one transaction.

    On failure the transaction rolls back (SQLite and PostgreSQL both have transactional DDL),
    so the project is left exactly as it was and the error says so.
    """
    from alembic import command

    refuse_newer(store, current_revision(store))
    _run(store, lambda config: command.upgrade(config, revision), f"upgrade to {revision}")


def refuse_newer(store: Store, revision: str | None) -> None:
    """Raise when ``revision`` is one this coder does not know: a newer coder made it."""
    from alembic.script import ScriptDirectory

    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision is not None and revision not in known:
        raise CoderError(
            f"{store.display_name}: schema revision {revision} is newer than this version of "
            "coder knows; upgrade coder"
        )


def downgrade(store: Store, revision: str) -> None:
    from alembic import command

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

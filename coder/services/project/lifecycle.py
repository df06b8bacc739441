"""Creating and opening projects.

Opening a project and reading its settings use Core alone (``Store.read_tables``), so a
listing command never loads the ORM; creating a project and changing its settings write
through the ORM and the audit log, imported where they are used.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from coder.db.engine import Store, connect, sqlite_path, table_names
from coder.db.migrate import current_revision, head_revision, refuse_newer, upgrade
from coder.db.sqlite_files import backup_database
from coder.db.tables import project_settings
from coder.domain.documents import UnitKind
from coder.domain.project import Settings
from coder.errors import ConflictError, InputError
from coder.services.failures import fault_of


def create_project(
    path_or_url: str | os.PathLike[str],
    *,
    name: str | None = None,
    blind: bool = True,
    default_unit: UnitKind = UnitKind.SENTENCE,
    spacy_model: str | None = None,
    exist_ok: bool = False,
) -> Store:
    """Create a project database at the head schema with its settings row."""
    from coder.db.audit import record
    from coder.db.models import ProjectSettings

    store = connect(path_or_url, must_exist=False)
    path = sqlite_path(store.url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if "project_settings" in table_names(store):
        if exist_ok:
            return open_project(path_or_url)
        store.dispose()
        raise ConflictError(f"{store.display_name}: a project already exists there")
    upgrade(store)
    default_name = path.stem if path is not None else "project"
    with store.write() as session:
        settings = ProjectSettings(
            id=1,
            name=name or default_name,
            blind=blind,
            default_unit=str(default_unit),
            spacy_model=spacy_model,
        )
        session.add(settings)
        session.flush()
        record(session, "system", "create", "project", 1, None, {"name": settings.name})
    return store


#: What opening a project does with a schema an older coder made: ``"upgrade"`` it (a command
#: that changes the project), refuse it unless ``"current"`` (a command that only reads), or
#: take ``"any"`` as it is (a backup copies the file whatever its schema).
SchemaPolicy = Literal["upgrade", "current", "any"]


def open_project(path_or_url: str | os.PathLike[str], *, schema: SchemaPolicy = "upgrade") -> Store:
    """Open an existing project; ``schema`` (:data:`SchemaPolicy`) says what is done with one
    an older coder made: upgraded after a backup (:func:`migrate_project`), refused in one
    line that says how to upgrade it, or opened as it is. A schema newer than this coder knows
    is refused unless ``"any"``.
    """
    store = connect(path_or_url, must_exist=True)
    try:
        if "alembic_version" not in table_names(store):
            raise InputError(store.display_name, "is not a coder project (no schema version)")
        current = current_revision(store)
        if schema != "any" and current != head_revision():
            refuse_newer(store, current)
            if schema == "current":
                raise ConflictError(
                    f"{store.display_name}: the project's schema is revision {current}, older"
                    f" than this coder's ({head_revision()}): upgrade it with 'coder project"
                    " migrate' (it keeps a backup of the file) or any command that changes the"
                    " project"
                )
            migrate_project(store)
    except BaseException:
        store.dispose()
        raise
    return store


def migrate_project(store: Store) -> Path | None:
    """Upgrade the project's schema to this coder's; the backup made first, or None.

    A SQLite file is first backed up next to itself, named with the revision it had
    (``study-schema-0003.backup.db``), and the upgrade runs in one transaction, so a failure
    leaves the project as it was and the backup beside it. A PostgreSQL project is upgraded in
    one transaction without a file backup (the server's own backups, ``pg_dump``, apply). A
    read-only project is refused. What was done is added to ``store.notices``.
    """
    current = current_revision(store)
    refuse_newer(store, current)
    head = head_revision()
    if current == head:
        return None
    if store.read_only:
        raise ConflictError(
            f"{store.display_name}: the project's schema is revision {current}, older than this"
            f" coder's ({head}), and the project is read-only: copy it to a writable folder to"
            " upgrade it"
        )
    path = sqlite_path(store.url)
    backup = None
    if path is not None:
        backup = _free_name(path.with_name(f"{path.stem}-schema-{current}.backup.db"))
        try:
            backup_database(path, backup)
        except (OSError, sqlite3.Error) as exc:
            reason = fault_of(exc) or exc
            raise InputError(str(backup), f"cannot back up before upgrading: {reason}") from exc
    upgrade(store)
    kept = f"; the file as it was is kept as {backup}" if backup is not None else ""
    store.notices += (
        f"upgraded the schema of {store.display_name} from revision {current} to {head}{kept}",
    )
    return backup


def _free_name(path: Path) -> Path:
    """``path``, or the first of ``name-2.backup.db``, ``name-3...`` that does not exist."""
    number = 1
    candidate = path
    while candidate.exists():
        number += 1
        candidate = path.with_name(path.name.replace(".backup.db", f"-{number}.backup.db"))
    return candidate


def get_settings(store: Store) -> Settings:
    with store.read_tables() as connection:
        row = connection.execute(select(project_settings)).one()
        return Settings(
            name=row.name,
            blind=row.blind,
            default_unit=UnitKind(row.default_unit),
            spacy_model=row.spacy_model,
        )


def update_settings(
    store: Store,
    *,
    actor: str,
    blind: bool | None = None,
    default_unit: UnitKind | None = None,
    spacy_model: str | None = None,
    name: str | None = None,
) -> Settings:
    from coder.db.audit import record
    from coder.db.models import ProjectSettings

    with store.write() as session:
        row = session.scalars(select(ProjectSettings)).one()
        before = {
            "name": row.name,
            "blind": row.blind,
            "default_unit": row.default_unit,
            "spacy_model": row.spacy_model,
        }
        if blind is not None:
            row.blind = blind
        if default_unit is not None:
            row.default_unit = str(default_unit)
        if spacy_model is not None:
            row.spacy_model = spacy_model or None
        if name is not None:
            row.name = name
        after = {
            "name": row.name,
            "blind": row.blind,
            "default_unit": row.default_unit,
            "spacy_model": row.spacy_model,
        }
        record(session, actor, "update", "project", 1, before, after)
    return get_settings(store)

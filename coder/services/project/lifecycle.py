"""Creating and opening projects."""

from __future__ import annotations

import os

from sqlalchemy import select

from coder.db.audit import record
from coder.db.engine import Store, connect, sqlite_path, table_names
from coder.db.migrate import current_revision, head_revision, upgrade
from coder.db.models import ProjectSettings
from coder.domain.documents import UnitKind
from coder.domain.project import Settings
from coder.errors import ConflictError, InputError


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


def open_project(path_or_url: str | os.PathLike[str], *, migrate: bool = True) -> Store:
    """Open an existing project, upgrading an older schema to the current one."""
    store = connect(path_or_url, must_exist=True)
    tables = table_names(store)
    if "alembic_version" not in tables:
        store.dispose()
        raise InputError(store.display_name, "is not a coder project (no schema version)")
    if current_revision(store) != head_revision():
        if not migrate:
            store.dispose()
            raise ConflictError(f"{store.display_name}: schema is out of date; open it to upgrade")
        upgrade(store)
    return store


def get_settings(store: Store) -> Settings:
    with store.read() as session:
        row = session.scalars(select(ProjectSettings)).one()
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

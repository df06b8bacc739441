"""The schema: every table of a project as SQLAlchemy Core ``Table``s, defined once.

The ORM classes in :mod:`coder.db.models` map onto these tables (``__table__``), so a read
that needs no mapped object (a listing: ``coder docs list``, ``coder codes list``) queries
them with Core and never loads ``sqlalchemy.orm``. Importing this module costs a fraction of
the models' declarative set-up (``benchmarks/startup_bench.py``).

Offsets (``start``, ``end``) are Unicode code points into ``documents.text``, end exclusive.
Nothing here is SQLite-specific: the same tables run on PostgreSQL. A change here is a schema
change: it needs an Alembic migration in ``coder/db/migrations/versions/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps stored as UTC and always returned timezone-aware.

    SQLite has no time zones, so values are normalised to UTC before they are written and
    marked UTC when read back; PostgreSQL stores them as ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _created(name: str = "created_at") -> Column[dt.datetime]:
    return Column(name, UTCDateTime(), nullable=False, default=utcnow)


def _reference(
    name: str, target: str, *, ondelete: str, nullable: bool = False, index: bool = True
) -> Column[int]:
    """A foreign key column ``name`` to ``target`` (``"table.id"``), indexed unless told."""
    return Column(
        name,
        Integer,
        ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
        index=index or None,
    )


#: The single row of project-wide settings.
project_settings = Table(
    "project_settings",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("blind", Boolean, nullable=False, default=True),
    Column("default_unit", String(20), nullable=False, default="sentence"),
    Column("spacy_model", String(100)),
    _created(),
    CheckConstraint("id = 1", name="single_row"),
    CheckConstraint(
        "default_unit IN ('sentence', 'paragraph', 'turn', 'document')", name="default_unit"
    ),
)

#: A person (or the consensus layer) who codes. ``db_role`` is the PostgreSQL login role this
#: coder connects as on a team server (row-level security shows that role only this coder's
#: codings while the project is blind); None on SQLite.
coders = Table(
    "coders",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(20), nullable=False, default="human"),
    _created(),
    Column("db_role", String(63), unique=True),
    CheckConstraint("kind IN ('human', 'consensus')", name="kind"),
)

#: An imported document; ``text`` never changes after import (see ``sha256``). ``guid`` is the
#: GUID of the source in the REFI-QDA project it was imported from (kept for export).
documents = Table(
    "documents",
    metadata,
    _id(),
    Column("name", String(300), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    _reference("previous_id", "documents.id", ondelete="SET NULL", nullable=True),
    Column("text", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("source_format", String(20), nullable=False),
    Column("source_path", Text, nullable=False),
    _created("imported_at"),
    Column("imported_by", String(100)),
    Column("guid", String(36), index=True),
    UniqueConstraint("name", "version"),
    CheckConstraint("length >= 0", name="length"),
)

#: A typed attribute of a document (role=policy-maker, year=2021).
document_attributes = Table(
    "document_attributes",
    metadata,
    _id(),
    _reference("document_id", "documents.id", ondelete="CASCADE"),
    Column("key", String(100), nullable=False, index=True),
    Column("value_type", String(10), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("document_id", "key"),
    CheckConstraint("value_type IN ('str', 'int', 'float', 'bool', 'date')", name="value_type"),
)

#: A unit of analysis computed at import: sentence, paragraph, speaker turn or document;
#: a turn's ``time_start`` and ``time_end`` in seconds, when the source had timestamps.
units = Table(
    "units",
    metadata,
    _id(),
    _reference("document_id", "documents.id", ondelete="CASCADE", index=False),
    Column("kind", String(20), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", String(200)),
    Column("time_start", Float),
    Column("time_end", Float),
    Index("ix_units_document_kind_start", "document_id", "kind", "start"),
    CheckConstraint('start >= 0 AND "end" >= start', name="offsets"),
    CheckConstraint("kind IN ('sentence', 'paragraph', 'turn', 'document')", name="kind"),
)

#: A code in the codebook tree. ``owner_id`` is set for a code a coder created while coding
#: blind: it stays private to that coder until reconciliation makes it shared (NULL).
#: ``guid`` is the code's GUID in the REFI-QDA project it came from (kept for export);
#: ``codable`` is False for a folder-like code that is not applied to text (NVivo, MAXQDA).
codes = Table(
    "codes",
    metadata,
    _id(),
    _reference("parent_id", "codes.id", ondelete="RESTRICT", nullable=True),
    Column("name", String(200), nullable=False, index=True),
    Column("definition", Text, nullable=False, default=""),
    Column("inclusion", Text, nullable=False, default=""),
    Column("exclusion", Text, nullable=False, default=""),
    Column("example", Text, nullable=False, default=""),
    Column("colour", String(7)),
    Column("keywords", JSON(), nullable=False, default=list),
    Column("position", Integer, nullable=False, default=0),
    Column("status", String(10), nullable=False, default="active", index=True),
    _reference("merged_into_id", "codes.id", ondelete="SET NULL", nullable=True),
    _reference("owner_id", "coders.id", ondelete="RESTRICT", nullable=True),
    _reference("created_by_id", "coders.id", ondelete="SET NULL", nullable=True),
    _created(),
    Column("guid", String(36), index=True),
    Column("codable", Boolean, nullable=False, default=True, server_default=true()),
    CheckConstraint("status IN ('active', 'merged', 'retired')", name="status"),
    CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    Index("ix_codes_owner", "owner_id"),
)

#: One coder's application of one code to ``[start, end)`` of one document.
codings = Table(
    "codings",
    metadata,
    _id(),
    _reference("document_id", "documents.id", ondelete="CASCADE"),
    _reference("code_id", "codes.id", ondelete="RESTRICT"),
    _reference("coder_id", "coders.id", ondelete="RESTRICT"),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    _created(),
    UniqueConstraint("document_id", "coder_id", "code_id", "start", "end"),
    Index("ix_codings_document_coder_start", "document_id", "coder_id", "start"),
    Index("ix_codings_coder", "coder_id"),
    CheckConstraint('start >= 0 AND "end" > start', name="offsets"),
)

#: Whether a coder has marked a document done.
document_status = Table(
    "document_status",
    metadata,
    Column(
        "document_id",
        Integer,
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "coder_id",
        Integer,
        ForeignKey("coders.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("done", Boolean, nullable=False, default=False),
    _created("updated_at"),
)

#: A code a coder has put on a number key (1-9) of the coding screen.
code_pins = Table(
    "code_pins",
    metadata,
    Column("coder_id", Integer, ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True),
    Column("slot", Integer, primary_key=True),
    _reference("code_id", "codes.id", ondelete="CASCADE"),
    UniqueConstraint("coder_id", "code_id"),
    CheckConstraint("slot BETWEEN 1 AND 9", name="slot"),
)

#: A memo on the project (no target), a document, a code or a coding.
memos = Table(
    "memos",
    metadata,
    _id(),
    _reference("author_id", "coders.id", ondelete="SET NULL", nullable=True),
    _reference("document_id", "documents.id", ondelete="CASCADE", nullable=True),
    _reference("code_id", "codes.id", ondelete="CASCADE", nullable=True),
    _reference("coding_id", "codings.id", ondelete="CASCADE", nullable=True),
    Column("text", Text, nullable=False),
    _created(),
    _created("updated_at"),
    CheckConstraint(
        "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
        name="one_target",
    ),
    Index("ix_memos_author", "author_id"),
)

#: Append-only log of every change: who, when, what, before and after.
audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", UTCDateTime(), nullable=False, default=utcnow, index=True),
    Column("actor", String(100), nullable=False, index=True),
    Column("action", String(50), nullable=False, index=True),
    Column("entity", String(30), nullable=False),
    Column("entity_id", Integer),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_log_entity", "entity", "entity_id"),
)

#: How one unit of text was settled between two coders, written to a consensus coder.
#: ``choice`` is ``a``, ``b``, ``both`` (union), ``shared`` (intersection), ``edit`` (codes
#: chosen by hand) or ``agree`` (accepted in bulk because both coders applied the same codes);
#: ``decided_by`` is the person who decided, as the audit log names them.
reconcile_decisions = Table(
    "reconcile_decisions",
    metadata,
    _id(),
    _reference("consensus_id", "coders.id", ondelete="CASCADE"),
    _reference("first_id", "coders.id", ondelete="CASCADE"),
    _reference("second_id", "coders.id", ondelete="CASCADE"),
    _reference("document_id", "documents.id", ondelete="CASCADE"),
    Column("unit_start", Integer, nullable=False),
    Column("unit_end", Integer, nullable=False),
    Column("choice", String(10), nullable=False),
    Column("code_ids", JSON(), nullable=False, default=list),
    Column("rationale", Text, nullable=False, default=""),
    Column("decided_by", String(100), nullable=False),
    _created("decided_at"),
    UniqueConstraint(
        "consensus_id",
        "document_id",
        "unit_start",
        "unit_end",
        name="uq_reconcile_decisions_unit",
    ),
    CheckConstraint("choice IN ('a', 'b', 'both', 'shared', 'edit', 'agree')", name="choice"),
)

#: Provenance of a consensus coding: the decision that made it and the coding it came from
#: (``source_coding_id`` NULL when the code was chosen by hand and neither coder applied it).
consensus_sources = Table(
    "consensus_sources",
    metadata,
    _id(),
    _reference("coding_id", "codings.id", ondelete="CASCADE"),
    _reference("decision_id", "reconcile_decisions.id", ondelete="CASCADE"),
    _reference("source_coder_id", "coders.id", ondelete="SET NULL", nullable=True),
    _reference("source_coding_id", "codings.id", ondelete="SET NULL", nullable=True),
)

#: What a code absorbed: the name and definition of a code merged into it, and when.
code_history = Table(
    "code_history",
    metadata,
    _id(),
    _reference("code_id", "codes.id", ondelete="CASCADE"),
    _reference("source_code_id", "codes.id", ondelete="SET NULL", nullable=True),
    Column("event", String(20), nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("actor", String(100), nullable=False),
    _created("at"),
)

#: A round of coding: the codebook and agreement figures when it started and closed.
rounds = Table(
    "rounds",
    metadata,
    _id(),
    Column("number", Integer, nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("coders", JSON(), nullable=False, default=list),
    _created("started_at"),
    Column("started_by", String(100), nullable=False),
    Column("codebook_start", JSON(), nullable=False, default=list),
    Column("figures_start", JSON),
    Column("closed_at", UTCDateTime()),
    Column("closed_by", String(100)),
    Column("codebook_end", JSON),
    Column("figures_end", JSON),
)

#: A named set of documents (REFI-QDA ``Set``; NVivo's and MAXQDA's document sets).
document_sets = Table(
    "document_sets",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text, nullable=False, default="", server_default=""),
    Column("guid", String(36)),
)

#: A document in a set.
document_set_members = Table(
    "document_set_members",
    metadata,
    Column("set_id", Integer, ForeignKey("document_sets.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "document_id",
        Integer,
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

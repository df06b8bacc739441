"""SQLAlchemy models: one project is one database.

Offsets (``start``, ``end``) are Unicode code points into ``Document.text``, end exclusive.
Nothing here is SQLite-specific: the same models run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}  # noqa: RUF012


class ProjectSettings(Base):
    """The single row of project-wide settings."""

    __tablename__ = "project_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    default_unit: Mapped[str] = mapped_column(String(20), default="sentence")
    spacy_model: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            "default_unit IN ('sentence', 'paragraph', 'turn', 'document')", name="default_unit"
        ),
    )


class Coder(Base):
    """A person (or the consensus layer) who codes."""

    __tablename__ = "coders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="human")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The PostgreSQL login role this coder connects as on a team server (row-level security
    #: shows that role only this coder's codings while the project is blind); None on SQLite.
    db_role: Mapped[str | None] = mapped_column(String(63), unique=True)

    __table_args__ = (CheckConstraint("kind IN ('human', 'consensus')", name="kind"),)


class Document(Base):
    """An imported document; ``text`` never changes after import (see ``sha256``)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_format: Mapped[str] = mapped_column(String(20))
    source_path: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    #: The GUID of the source in the REFI-QDA project it was imported from (kept for export).
    guid: Mapped[str | None] = mapped_column(String(36), index=True)

    attributes: Mapped[list[DocumentAttribute]] = relationship(
        back_populates="document", cascade="all, delete-orphan", lazy="raise"
    )

    __table_args__ = (
        UniqueConstraint("name", "version"),
        CheckConstraint("length >= 0", name="length"),
    )


class DocumentAttribute(Base):
    """A typed attribute of a document (role=policy-maker, year=2021)."""

    __tablename__ = "document_attributes"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100), index=True)
    value_type: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="attributes", lazy="raise")

    __table_args__ = (
        UniqueConstraint("document_id", "key"),
        CheckConstraint("value_type IN ('str', 'int', 'float', 'bool', 'date')", name="value_type"),
    )


class Unit(Base):
    """A unit of analysis computed at import: sentence, paragraph, speaker turn or document."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    #: A turn's start and end time in seconds, when the source had timestamps.
    time_start: Mapped[float | None] = mapped_column(Float)
    time_end: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        Index("ix_units_document_kind_start", "document_id", "kind", "start"),
        CheckConstraint('start >= 0 AND "end" >= start', name="offsets"),
        CheckConstraint("kind IN ('sentence', 'paragraph', 'turn', 'document')", name="kind"),
    )


class Code(Base):
    """A code in the codebook tree.

    ``owner_id`` is set for a code a coder created while coding blind: it stays private to that
    coder until reconciliation makes it shared (``owner_id`` NULL).
    """

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), index=True)
    definition: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str | None] = mapped_column(String(7))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The GUID of the code in the REFI-QDA project it was imported from (kept for export).
    guid: Mapped[str | None] = mapped_column(String(36), index=True)
    #: False for a folder-like code that is not applied to text (NVivo, MAXQDA).
    codable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    __table_args__ = (
        CheckConstraint("status IN ('active', 'merged', 'retired')", name="status"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )


class Coding(Base):
    """One coder's application of one code to ``[start, end)`` of one document."""

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="RESTRICT"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("document_id", "coder_id", "code_id", "start", "end"),
        Index("ix_codings_document_coder_start", "document_id", "coder_id", "start"),
        CheckConstraint('start >= 0 AND "end" > start', name="offsets"),
    )


class DocumentStatus(Base):
    """Whether a coder has marked a document done."""

    __tablename__ = "document_status"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CodePin(Base):
    """A code a coder has put on a number key (1-9) of the coding screen."""

    __tablename__ = "code_pins"
    __table_args__ = (
        UniqueConstraint("coder_id", "code_id"),
        CheckConstraint("slot BETWEEN 1 AND 9", name="slot"),
    )

    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)


class Memo(Base):
    """A memo on the project (no target), a document, a code or a coding."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE"), index=True
    )
    coding_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_target",
        ),
    )


class AuditEntry(Base):
    """Append-only log of every change: who, when, what, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class ReconcileDecision(Base):
    """How one unit of text was settled between two coders, written to a consensus coder.

    ``choice`` is ``a``, ``b``, ``both`` (union), ``shared`` (intersection), ``edit`` (codes
    chosen by hand) or ``agree`` (accepted in bulk because both coders applied the same codes).
    ``decided_by`` is the person who decided, as the audit log names them.
    """

    __tablename__ = "reconcile_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consensus_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="CASCADE"), index=True
    )
    first_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    unit_start: Mapped[int] = mapped_column(Integer)
    unit_end: Mapped[int] = mapped_column(Integer)
    choice: Mapped[str] = mapped_column(String(10))
    code_ids: Mapped[list[Any]] = mapped_column(default=list)
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint(
            "consensus_id",
            "document_id",
            "unit_start",
            "unit_end",
            name="uq_reconcile_decisions_unit",
        ),
        CheckConstraint("choice IN ('a', 'b', 'both', 'shared', 'edit', 'agree')", name="choice"),
    )


class ConsensusSource(Base):
    """Provenance of a consensus coding: the decision that made it and the coding it came from.

    ``source_coding_id`` is the first or second coder's coding the consensus coding copies
    (NULL when the code was chosen by hand and neither coder applied it).
    """

    __tablename__ = "consensus_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("reconcile_decisions.id", ondelete="CASCADE"), index=True
    )
    source_coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )
    source_coding_id: Mapped[int | None] = mapped_column(
        ForeignKey("codings.id", ondelete="SET NULL"), index=True
    )


class CodeHistory(Base):
    """What a code absorbed: the name and definition of a code merged into it, and when."""

    __tablename__ = "code_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    source_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="SET NULL"), index=True
    )
    event: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Round(Base):
    """A round of coding: the codebook and agreement figures when it started and closed."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    coders: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str] = mapped_column(String(100))
    codebook_start: Mapped[list[Any]] = mapped_column(default=list)
    figures_start: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(100))
    codebook_end: Mapped[list[Any] | None] = mapped_column(JSON)
    figures_end: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DocumentSet(Base):
    """A named set of documents (REFI-QDA ``Set``; NVivo's and MAXQDA's document sets)."""

    __tablename__ = "document_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    guid: Mapped[str | None] = mapped_column(String(36))


class DocumentSetMember(Base):
    """A document in a set."""

    __tablename__ = "document_set_members"

    set_id: Mapped[int] = mapped_column(
        ForeignKey("document_sets.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )

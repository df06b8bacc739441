"""The ORM classes: one per table of :mod:`coder.db.tables`, mapped onto it.

The schema is defined once, as Core tables in :mod:`coder.db.tables`; each class here maps
one of them (``__table__``) and declares its columns' Python types (``Mapped[...]``) for the
services that read and write objects. A read that needs no object queries the tables with
Core and does not load this module (nor ``sqlalchemy.orm``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from coder.db import tables
from coder.db.tables import NAMING_CONVENTION as NAMING_CONVENTION
from coder.db.tables import UTCDateTime as UTCDateTime
from coder.db.tables import utcnow as utcnow


class Base(DeclarativeBase):
    metadata = tables.metadata


class ProjectSettings(Base):
    """The single row of project-wide settings."""

    __tablename__ = "project_settings"
    __table__ = tables.project_settings

    id: Mapped[int]
    name: Mapped[str]
    blind: Mapped[bool]
    default_unit: Mapped[str]
    spacy_model: Mapped[str | None]
    created_at: Mapped[dt.datetime]


class Coder(Base):
    """A person (or the consensus layer) who codes."""

    __tablename__ = "coders"
    __table__ = tables.coders

    id: Mapped[int]
    name: Mapped[str]
    kind: Mapped[str]
    created_at: Mapped[dt.datetime]
    db_role: Mapped[str | None]


class Document(Base):
    """An imported document; ``text`` never changes after import (see ``sha256``)."""

    __tablename__ = "documents"
    __table__ = tables.documents

    id: Mapped[int]
    name: Mapped[str]
    version: Mapped[int]
    previous_id: Mapped[int | None]
    text: Mapped[str]
    length: Mapped[int]
    sha256: Mapped[str]
    source_format: Mapped[str]
    source_path: Mapped[str]
    imported_at: Mapped[dt.datetime]
    imported_by: Mapped[str | None]
    guid: Mapped[str | None]

    attributes: Mapped[list[DocumentAttribute]] = relationship(
        back_populates="document", cascade="all, delete-orphan", lazy="raise"
    )


class DocumentAttribute(Base):
    """A typed attribute of a document (role=policy-maker, year=2021)."""

    __tablename__ = "document_attributes"
    __table__ = tables.document_attributes

    id: Mapped[int]
    document_id: Mapped[int]
    key: Mapped[str]
    value_type: Mapped[str]
    value: Mapped[str]

    document: Mapped[Document] = relationship(back_populates="attributes", lazy="raise")


class Unit(Base):
    """A unit of analysis computed at import: sentence, paragraph, speaker turn or document."""

    __tablename__ = "units"
    __table__ = tables.units

    id: Mapped[int]
    document_id: Mapped[int]
    kind: Mapped[str]
    start: Mapped[int]
    end: Mapped[int]
    speaker: Mapped[str | None]
    time_start: Mapped[float | None]
    time_end: Mapped[float | None]


class Code(Base):
    """A code in the codebook tree.

    ``owner_id`` is set for a code a coder created while coding blind: it stays private to that
    coder until reconciliation makes it shared (``owner_id`` NULL).
    """

    __tablename__ = "codes"
    __table__ = tables.codes

    id: Mapped[int]
    parent_id: Mapped[int | None]
    name: Mapped[str]
    definition: Mapped[str]
    inclusion: Mapped[str]
    exclusion: Mapped[str]
    example: Mapped[str]
    colour: Mapped[str | None]
    keywords: Mapped[list[Any]]
    position: Mapped[int]
    status: Mapped[str]
    merged_into_id: Mapped[int | None]
    owner_id: Mapped[int | None]
    created_by_id: Mapped[int | None]
    created_at: Mapped[dt.datetime]
    guid: Mapped[str | None]
    codable: Mapped[bool]


class Coding(Base):
    """One coder's application of one code to ``[start, end)`` of one document."""

    __tablename__ = "codings"
    __table__ = tables.codings

    id: Mapped[int]
    document_id: Mapped[int]
    code_id: Mapped[int]
    coder_id: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    created_at: Mapped[dt.datetime]


class DocumentStatus(Base):
    """Whether a coder has marked a document done."""

    __tablename__ = "document_status"
    __table__ = tables.document_status

    document_id: Mapped[int]
    coder_id: Mapped[int]
    done: Mapped[bool]
    updated_at: Mapped[dt.datetime]


class CodePin(Base):
    """A code a coder has put on a number key (1-9) of the coding screen."""

    __tablename__ = "code_pins"
    __table__ = tables.code_pins

    coder_id: Mapped[int]
    slot: Mapped[int]
    code_id: Mapped[int]


class Memo(Base):
    """A memo on the project (no target), a document, a code or a coding."""

    __tablename__ = "memos"
    __table__ = tables.memos

    id: Mapped[int]
    author_id: Mapped[int | None]
    document_id: Mapped[int | None]
    code_id: Mapped[int | None]
    coding_id: Mapped[int | None]
    text: Mapped[str]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """Append-only log of every change: who, when, what, before and after."""

    __tablename__ = "audit_log"
    __table__ = tables.audit_log

    id: Mapped[int]
    at: Mapped[dt.datetime]
    actor: Mapped[str]
    action: Mapped[str]
    entity: Mapped[str]
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class ReconcileDecision(Base):
    """How one unit of text was settled between two coders, written to a consensus coder.

    ``choice`` is ``a``, ``b``, ``both`` (union), ``shared`` (intersection), ``edit`` (codes
    chosen by hand) or ``agree`` (accepted in bulk because both coders applied the same codes).
    ``decided_by`` is the person who decided, as the audit log names them.
    """

    __tablename__ = "reconcile_decisions"
    __table__ = tables.reconcile_decisions

    id: Mapped[int]
    consensus_id: Mapped[int]
    first_id: Mapped[int]
    second_id: Mapped[int]
    document_id: Mapped[int]
    unit_start: Mapped[int]
    unit_end: Mapped[int]
    choice: Mapped[str]
    code_ids: Mapped[list[Any]]
    rationale: Mapped[str]
    decided_by: Mapped[str]
    decided_at: Mapped[dt.datetime]


class ConsensusSource(Base):
    """Provenance of a consensus coding: the decision that made it and the coding it came from.

    ``source_coding_id`` is the first or second coder's coding the consensus coding copies
    (NULL when the code was chosen by hand and neither coder applied it).
    """

    __tablename__ = "consensus_sources"
    __table__ = tables.consensus_sources

    id: Mapped[int]
    coding_id: Mapped[int]
    decision_id: Mapped[int]
    source_coder_id: Mapped[int | None]
    source_coding_id: Mapped[int | None]


class CodeHistory(Base):
    """What a code absorbed: the name and definition of a code merged into it, and when."""

    __tablename__ = "code_history"
    __table__ = tables.code_history

    id: Mapped[int]
    code_id: Mapped[int]
    source_code_id: Mapped[int | None]
    event: Mapped[str]
    snapshot: Mapped[dict[str, Any]]
    actor: Mapped[str]
    at: Mapped[dt.datetime]


class Round(Base):
    """A round of coding: the codebook and agreement figures when it started and closed."""

    __tablename__ = "rounds"
    __table__ = tables.rounds

    id: Mapped[int]
    number: Mapped[int]
    name: Mapped[str]
    coders: Mapped[list[Any]]
    started_at: Mapped[dt.datetime]
    started_by: Mapped[str]
    codebook_start: Mapped[list[Any]]
    figures_start: Mapped[dict[str, Any] | None]
    closed_at: Mapped[dt.datetime | None]
    closed_by: Mapped[str | None]
    codebook_end: Mapped[list[Any] | None]
    figures_end: Mapped[dict[str, Any] | None]


class DocumentSet(Base):
    """A named set of documents (REFI-QDA ``Set``; NVivo's and MAXQDA's document sets)."""

    __tablename__ = "document_sets"
    __table__ = tables.document_sets

    id: Mapped[int]
    name: Mapped[str]
    description: Mapped[str]
    guid: Mapped[str | None]


class DocumentSetMember(Base):
    """A document in a set."""

    __tablename__ = "document_set_members"
    __table__ = tables.document_set_members

    set_id: Mapped[int]
    document_id: Mapped[int]

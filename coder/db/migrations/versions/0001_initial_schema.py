"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 06:05:30.296899
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "coders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('human', 'consensus')", name=op.f("ck_coders_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coders")),
        sa.UniqueConstraint("name", name=op.f("uq_coders_name")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint("length >= 0", name=op.f("ck_documents_length")),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["documents.id"],
            name=op.f("fk_documents_previous_id_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_documents_name_version")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_previous_id"), ["previous_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "project_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("default_unit", sa.String(length=20), nullable=False),
        sa.Column("spacy_model", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "default_unit IN ('sentence', 'paragraph', 'turn', 'document')",
            name=op.f("ck_project_settings_default_unit"),
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_project_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_settings")),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("inclusion", sa.Text(), nullable=False),
        sa.Column("exclusion", sa.Text(), nullable=False),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'merged', 'retired')", name=op.f("ck_codes_status")
        ),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_codes_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["coders.id"],
            name=op.f("fk_codes_created_by_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["codes.id"],
            name=op.f("fk_codes_merged_into_id_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["coders.id"], name=op.f("fk_codes_owner_id_coders"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["codes.id"], name=op.f("fk_codes_parent_id_codes"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
    )
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codes_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_codes_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_codes_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_codes_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codes_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codes_status"), ["status"], unique=False)

    op.create_table(
        "document_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value_type", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "value_type IN ('str', 'int', 'float', 'bool', 'date')",
            name=op.f("ck_document_attributes_value_type"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_attributes_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_attributes")),
        sa.UniqueConstraint(
            "document_id", "key", name=op.f("uq_document_attributes_document_id_key")
        ),
    )
    with op.batch_alter_table("document_attributes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_attributes_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_document_attributes_key"), ["key"], unique=False)

    op.create_table(
        "document_status",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_document_status_coder_id_coders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_status_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "coder_id", name=op.f("pk_document_status")),
    )
    with op.batch_alter_table("document_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_status_coder_id"), ["coder_id"], unique=False)

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('sentence', 'paragraph', 'turn', 'document')", name=op.f("ck_units_kind")
        ),
        sa.CheckConstraint('start >= 0 AND "end" >= start', name=op.f("ck_units_offsets")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_units_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(
            "ix_units_document_kind_start", ["document_id", "kind", "start"], unique=False
        )

    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_codings_offsets")),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_codings_code_id_codes"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_codings_coder_id_coders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_codings_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codings")),
        sa.UniqueConstraint(
            "document_id",
            "coder_id",
            "code_id",
            "start",
            "end",
            name=op.f("uq_codings_document_id_coder_id_code_id_start_end"),
        ),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codings_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(
            "ix_codings_document_coder_start", ["document_id", "coder_id", "start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_codings_document_id"), ["document_id"], unique=False)

    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN document_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name=op.f("ck_memos_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["coders.id"],
            name=op.f("fk_memos_author_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_memos_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
            name=op.f("fk_memos_coding_id_codings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_memos_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memos_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_coding_id"), ["coding_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memos_document_id"), ["document_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memos_document_id"))
        batch_op.drop_index(batch_op.f("ix_memos_coding_id"))
        batch_op.drop_index(batch_op.f("ix_memos_code_id"))
        batch_op.drop_index(batch_op.f("ix_memos_author_id"))

    op.drop_table("memos")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codings_document_id"))
        batch_op.drop_index("ix_codings_document_coder_start")
        batch_op.drop_index(batch_op.f("ix_codings_coder_id"))
        batch_op.drop_index(batch_op.f("ix_codings_code_id"))

    op.drop_table("codings")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_document_kind_start")

    op.drop_table("units")
    with op.batch_alter_table("document_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_status_coder_id"))

    op.drop_table("document_status")
    with op.batch_alter_table("document_attributes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_attributes_key"))
        batch_op.drop_index(batch_op.f("ix_document_attributes_document_id"))

    op.drop_table("document_attributes")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codes_status"))
        batch_op.drop_index(batch_op.f("ix_codes_parent_id"))
        batch_op.drop_index(batch_op.f("ix_codes_owner_id"))
        batch_op.drop_index(batch_op.f("ix_codes_name"))
        batch_op.drop_index(batch_op.f("ix_codes_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_codes_created_by_id"))

    op.drop_table("codes")
    op.drop_table("project_settings")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_documents_previous_id"))

    op.drop_table("documents")
    op.drop_table("coders")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")

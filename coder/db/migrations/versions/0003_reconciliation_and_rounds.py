"""reconciliation decisions, code history and rounds

The consensus layer's decisions with their provenance (which coder's coding each consensus
coding copies), the history a code keeps of the codes merged into it, and rounds of coding
with snapshots of the codebook and the agreement figures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("coders", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("codebook_start", sa.JSON(), nullable=False),
        sa.Column("figures_start", sa.JSON(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("codebook_end", sa.JSON(), nullable=True),
        sa.Column("figures_end", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("number", name=op.f("uq_rounds_number")),
    )
    op.create_table(
        "reconcile_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consensus_id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("unit_start", sa.Integer(), nullable=False),
        sa.Column("unit_end", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("code_ids", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "choice IN ('a', 'b', 'both', 'shared', 'edit', 'agree')",
            name=op.f("ck_reconcile_decisions_choice"),
        ),
        sa.ForeignKeyConstraint(
            ["consensus_id"],
            ["coders.id"],
            name=op.f("fk_reconcile_decisions_consensus_id_coders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_reconcile_decisions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["first_id"],
            ["coders.id"],
            name=op.f("fk_reconcile_decisions_first_id_coders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["second_id"],
            ["coders.id"],
            name=op.f("fk_reconcile_decisions_second_id_coders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconcile_decisions")),
        sa.UniqueConstraint(
            "consensus_id",
            "document_id",
            "unit_start",
            "unit_end",
            name="uq_reconcile_decisions_unit",
        ),
    )
    with op.batch_alter_table("reconcile_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reconcile_decisions_consensus_id"), ["consensus_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reconcile_decisions_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reconcile_decisions_first_id"), ["first_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reconcile_decisions_second_id"), ["second_id"], unique=False
        )

    op.create_table(
        "code_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("source_code_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.id"],
            name=op.f("fk_code_history_code_id_codes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_code_id"],
            ["codes.id"],
            name=op.f("fk_code_history_source_code_id_codes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_history")),
    )
    with op.batch_alter_table("code_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_history_code_id"), ["code_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_code_history_source_code_id"), ["source_code_id"], unique=False
        )

    op.create_table(
        "consensus_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("source_coder_id", sa.Integer(), nullable=True),
        sa.Column("source_coding_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coding_id"],
            ["codings.id"],
            name=op.f("fk_consensus_sources_coding_id_codings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["reconcile_decisions.id"],
            name=op.f("fk_consensus_sources_decision_id_reconcile_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_coder_id"],
            ["coders.id"],
            name=op.f("fk_consensus_sources_source_coder_id_coders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_coding_id"],
            ["codings.id"],
            name=op.f("fk_consensus_sources_source_coding_id_codings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_sources")),
    )
    with op.batch_alter_table("consensus_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consensus_sources_coding_id"), ["coding_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_sources_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_sources_source_coder_id"), ["source_coder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consensus_sources_source_coding_id"), ["source_coding_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consensus_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consensus_sources_source_coding_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_sources_source_coder_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_sources_decision_id"))
        batch_op.drop_index(batch_op.f("ix_consensus_sources_coding_id"))

    op.drop_table("consensus_sources")
    with op.batch_alter_table("code_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_history_source_code_id"))
        batch_op.drop_index(batch_op.f("ix_code_history_code_id"))

    op.drop_table("code_history")
    with op.batch_alter_table("reconcile_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconcile_decisions_second_id"))
        batch_op.drop_index(batch_op.f("ix_reconcile_decisions_first_id"))
        batch_op.drop_index(batch_op.f("ix_reconcile_decisions_document_id"))
        batch_op.drop_index(batch_op.f("ix_reconcile_decisions_consensus_id"))

    op.drop_table("reconcile_decisions")
    op.drop_table("rounds")

"""turn times, exchange identifiers, codability and document sets

Real data in: a speaker turn read from a subtitle file or a timestamped transcript keeps its
start and end time (seconds); documents and codes keep the GUID they had in the REFI-QDA
project they came from, so that an export gives them back; a code can be a folder that is not
applied to text (NVivo's and MAXQDA's non-codable codes); documents belong to named sets
(REFI-QDA ``Sets``, NVivo's and MAXQDA's document sets/groups), shared by the whole team.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 20:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("time_start", sa.Float(), nullable=True))
        batch.add_column(sa.Column("time_end", sa.Float(), nullable=True))
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("guid", sa.String(36), nullable=True))
        batch.create_index(op.f("ix_documents_guid"), ["guid"], unique=False)
    with op.batch_alter_table("codes") as batch:
        batch.add_column(sa.Column("guid", sa.String(36), nullable=True))
        batch.add_column(
            sa.Column("codable", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.create_index(op.f("ix_codes_guid"), ["guid"], unique=False)
    op.create_table(
        "document_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("guid", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_document_sets_name")),
    )
    op.create_table(
        "document_set_members",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["document_sets.id"],
            name=op.f("fk_document_set_members_set_id_document_sets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_set_members_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("set_id", "document_id", name=op.f("pk_document_set_members")),
    )
    op.create_index(
        op.f("ix_document_set_members_document_id"),
        "document_set_members",
        ["document_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_document_set_members_document_id"), table_name="document_set_members")
    op.drop_table("document_set_members")
    op.drop_table("document_sets")
    with op.batch_alter_table("codes") as batch:
        batch.drop_index(op.f("ix_codes_guid"))
        batch.drop_column("codable")
        batch.drop_column("guid")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index(op.f("ix_documents_guid"))
        batch.drop_column("guid")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("time_end")
        batch.drop_column("time_start")

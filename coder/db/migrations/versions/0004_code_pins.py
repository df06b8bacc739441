"""code pins: each coder's codes on the number keys 1-9

A coder pins favourite codes to the number keys of the coding screen; the pin names the code,
so it stays on its key when the codebook is edited around it. On PostgreSQL row-level security
lets a coder's login see and change only their own pins.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The coder behind this connection, as in 0002.
_ME = "(SELECT c.id FROM coders c WHERE c.db_role = current_user)"


def upgrade() -> None:
    op.create_table(
        "code_pins",
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("slot BETWEEN 1 AND 9", name=op.f("ck_code_pins_slot")),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_code_pins_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["coders.id"],
            name=op.f("fk_code_pins_coder_id_coders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("coder_id", "slot", name=op.f("pk_code_pins")),
        sa.UniqueConstraint("coder_id", "code_id", name=op.f("uq_code_pins_coder_id_code_id")),
    )
    op.create_index(op.f("ix_code_pins_code_id"), "code_pins", ["code_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE code_pins ENABLE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY coder_blind ON code_pins FOR ALL TO PUBLIC"
            f" USING (coder_id = {_ME}) WITH CHECK (coder_id = {_ME})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS coder_blind ON code_pins")
    op.drop_index(op.f("ix_code_pins_code_id"), table_name="code_pins")
    op.drop_table("code_pins")

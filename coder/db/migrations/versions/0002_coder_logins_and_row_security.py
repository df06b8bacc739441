"""coder logins and row-level security

Each coder can be given their own PostgreSQL login role (``coders.db_role``). On PostgreSQL,
row-level security then lets a coder's connection see only that coder's codings (and private
codes, coding memos and audit entries) while the project is blind. The project owner (who ran
the migrations) and superusers are not subject to these policies, so reports, agreement and
exports run by the lead still see everything. On SQLite only the column is added: blind coding
there is enforced by the service layer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The coder behind this connection, and whether the project is blind. Policies are evaluated
# with the querying role's rights, so these sub-selects are themselves filtered where needed.
_ME = "(SELECT c.id FROM coders c WHERE c.db_role = current_user)"
_MY_NAME = "(SELECT c.name FROM coders c WHERE c.db_role = current_user)"
_OPEN = "NOT COALESCE((SELECT s.blind FROM project_settings s WHERE s.id = 1), true)"
_CONSENSUS = "(SELECT c.id FROM coders c WHERE c.kind = 'consensus')"

_POLICIES: dict[str, tuple[str, str]] = {
    # table: (USING: rows the coder may see or change, WITH CHECK: rows the coder may write)
    "codings": (
        f"{_OPEN} OR coder_id = {_ME} OR coder_id IN {_CONSENSUS}",
        f"coder_id = {_ME}",
    ),
    "codes": (
        f"owner_id IS NULL OR {_OPEN} OR owner_id = {_ME}",
        f"owner_id IS NULL OR owner_id = {_ME}",
    ),
    "memos": (
        "(coding_id IS NULL OR EXISTS (SELECT 1 FROM codings g WHERE g.id = coding_id))"
        " AND (code_id IS NULL OR EXISTS (SELECT 1 FROM codes k WHERE k.id = code_id))",
        f"author_id = {_ME}",
    ),
    "audit_log": (
        f"{_OPEN} OR actor = {_MY_NAME}",
        f"actor = {_MY_NAME}",
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("coders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("db_role", sa.String(length=63), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_coders_db_role"), ["db_role"])
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (using, check) in _POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY coder_blind ON {table} FOR ALL TO PUBLIC"
            f" USING ({using}) WITH CHECK ({check})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _POLICIES:
            op.execute(f"DROP POLICY IF EXISTS coder_blind ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    with op.batch_alter_table("coders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_coders_db_role"), type_="unique")
        batch_op.drop_column("db_role")

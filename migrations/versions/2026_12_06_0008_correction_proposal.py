"""a reader's report links to the proposal an editor made of it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A batch copy is safe here: nothing points at `correction`.
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_correction_proposal_id_proposal"), "proposal", ["proposal_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("correction", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_correction_proposal_id_proposal"), type_="foreignkey"
        )
        batch_op.drop_column("proposal_id")

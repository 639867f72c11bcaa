"""deployment settings (the permalink secret, shared by every instance) and an index on
permalink.created_at for the hourly cap on new links

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deploymentsetting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_deploymentsetting")),
    )
    with op.batch_alter_table("permalink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_permalink_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("permalink", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_permalink_created_at"))
    op.drop_table("deploymentsetting")

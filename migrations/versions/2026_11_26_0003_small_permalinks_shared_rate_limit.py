"""small permalinks (state and revision; the snapshot only where a rebuild would differ) and
rate-limit counters in the database, shared by every process

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratelimit",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("window", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window", name=op.f("pk_ratelimit")),
    )
    # Existing rows keep their stored snapshot: they render from it as before.
    with op.batch_alter_table("permalink", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snapshot_version", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.alter_column("snapshot", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    # The old schema needs every snapshot stored: write the rebuilt ones first.
    from sqlmodel import Session

    from app.store.permalinks import materialise

    with Session(bind=op.get_bind()) as session:
        materialise(session)
        session.flush()
    with op.batch_alter_table("permalink", schema=None) as batch_op:
        batch_op.alter_column("snapshot", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("snapshot_version")
    op.drop_table("ratelimit")

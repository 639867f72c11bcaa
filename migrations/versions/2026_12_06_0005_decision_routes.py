"""decision routes: an option may have several routes, any one of which suffices; steps and
stances may name the route they belong to or address

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decisionroute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["option.id"],
            name=op.f("fk_decisionroute_option_id_option"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisionroute")),
        sa.UniqueConstraint("option_id", "slug", name=op.f("uq_decisionroute_option_id")),
    )
    with op.batch_alter_table("decisionroute", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisionroute_option_id"), ["option_id"], unique=False)
    for table in ("decisionstep", "stance"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("route_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_route_id"), ["route_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_route_id_decisionroute"),
                "decisionroute",
                ["route_id"],
                ["id"],
                ondelete="CASCADE",
            )


def downgrade() -> None:
    for table in ("stance", "decisionstep"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_route_id_decisionroute"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_route_id"))
            batch_op.drop_column("route_id")
    with op.batch_alter_table("decisionroute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisionroute_option_id"))
    op.drop_table("decisionroute")

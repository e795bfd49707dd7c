"""loyalty tiers: each account's tier and its moves between tiers

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = (("tier_events", ("account_id",)),)


def upgrade() -> None:
    op.create_table(
        "loyalty_tiers",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("below_since", sa.Date(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_loyalty_tiers")),
    )
    op.create_table(
        "tier_events",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_tier", sa.String(length=32), nullable=True),
        sa.Column("to_tier", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_tier_events")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    op.drop_table("tier_events")
    op.drop_table("loyalty_tiers")

"""rewards catalogue: items exchanged for points and the redemptions of them

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = (
    ("reward_redemptions", ("account_id",)),
    ("reward_redemptions", ("reward_id",)),
)


def upgrade() -> None:
    op.create_table(
        "rewards",
        sa.Column("reward_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("per_account", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("reward_id", name=op.f("pk_rewards")),
    )
    op.create_table(
        "reward_redemptions",
        sa.Column("redemption_id", sa.String(length=32), nullable=False),
        sa.Column("reward_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("fulfilled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("returned", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("redemption_id", name=op.f("pk_reward_redemptions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    op.drop_table("reward_redemptions")
    op.drop_table("rewards")

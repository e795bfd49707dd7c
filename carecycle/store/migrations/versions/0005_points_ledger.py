"""points ledger: append-only entries and the lots each negative entry consumed

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = (("points_entries", ("account_id",)), ("points_allocations", ("lot_id",)))


def upgrade() -> None:
    op.create_table(
        "points_entries",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("source_key", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_points_entries")),
        sa.UniqueConstraint("source_key", name=op.f("uq_points_entries_source_key")),
    )
    op.create_table(
        "points_allocations",
        sa.Column("entry_id", sa.String(length=32), nullable=False),
        sa.Column("lot_id", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "lot_id", name=op.f("pk_points_allocations")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    op.drop_table("points_allocations")
    op.drop_table("points_entries")

"""programs, holdout assignments, touches and their events, account scores

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = (
    ("touches", ("account_id",)),
    ("touches", ("planned_on",)),
    ("touch_events", ("touch_uid",)),
)


def upgrade() -> None:
    op.add_column("agreements", sa.Column("cancelled_on", sa.Date(), nullable=True))
    op.create_table(
        "program_revisions",
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "revision", name=op.f("pk_program_revisions")),
    )
    op.create_table(
        "holdout_assignments",
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("arm", sa.String(length=8), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("salt", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("program_id", "account_id", name=op.f("pk_holdout_assignments")),
    )
    op.create_table(
        "touches",
        sa.Column("touch_uid", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("touch_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("cycle", sa.String(length=100), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=True),
        sa.Column("program_revision", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("content", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("touch_uid", name=op.f("pk_touches")),
        sa.UniqueConstraint(
            "program_id",
            "touch_id",
            "account_id",
            "cycle",
            name=op.f("uq_touches_program_id_touch_id_account_id_cycle"),
        ),
    )
    op.create_table(
        "touch_events",
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("touch_uid", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_touch_events")),
    )
    op.create_table(
        "account_scores",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.String(length=32), nullable=False),
        sa.Column("scored_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("account_id", "score", "scored_on", name=op.f("pk_account_scores")),
    )
    # Secondary indexes serve PostgreSQL only; DuckDB's would just slow bulk loads.
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    for table in (
        "account_scores",
        "touch_events",
        "touches",
        "holdout_assignments",
        "program_revisions",
    ):
        op.drop_table(table)
    op.drop_column("agreements", "cancelled_on")

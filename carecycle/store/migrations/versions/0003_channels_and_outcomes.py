"""outbox dispatches, suppressions, survey responses, platform settings; outcome links

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = (
    ("dispatches", ("channel", "state")),
    ("survey_responses", ("account_id",)),
)


def upgrade() -> None:
    op.add_column("support_cases", sa.Column("description", sa.Text(), nullable=True))
    op.add_column("support_cases", sa.Column("touch_uid", sa.String(length=32), nullable=True))
    op.add_column("opportunities", sa.Column("touch_uid", sa.String(length=32), nullable=True))
    op.add_column("touch_events", sa.Column("source", sa.String(length=32), nullable=True))
    op.create_table(
        "dispatches",
        sa.Column("touch_uid", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("touch_uid", name=op.f("pk_dispatches")),
        sa.UniqueConstraint("message_id", name=op.f("uq_dispatches_message_id")),
    )
    op.create_table(
        "suppressions",
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("touch_uid", sa.String(length=32), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("contact_id", "channel", name=op.f("pk_suppressions")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("response_id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.String(length=200), nullable=False),
        sa.Column("touch_uid", sa.String(length=32), nullable=True),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_survey_responses")),
    )
    op.create_table(
        "platform_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_platform_settings")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in _POSTGRES_INDEXES:
            op.drop_index(f"ix_{table}_{'_'.join(columns)}", table_name=table)
    for table in ("platform_settings", "survey_responses", "suppressions", "dispatches"):
        op.drop_table(table)
    op.drop_column("touch_events", "source")
    op.drop_column("opportunities", "touch_uid")
    op.drop_column("support_cases", "touch_uid")
    op.drop_column("support_cases", "description")

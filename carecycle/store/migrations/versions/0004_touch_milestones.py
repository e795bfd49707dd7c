"""touch milestones: the first sent, call attempt and contact reached of each touch

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The event statuses of each milestone as this revision knows them.
_ATTEMPTS = (
    "reached", "not_reached", "wrong_number", "call_back", "opportunity", "complaint",
    "profiling", "responded", "completed", "unsubscribed",
)  # fmt: skip
_REACHED = ("reached", "opportunity", "complaint", "profiling", "responded", "completed")
_MILESTONES = {"sent_at": ("sent",), "attempted_at": _ATTEMPTS, "reached_at": _REACHED}


def upgrade() -> None:
    for name in _MILESTONES:
        op.add_column("touches", sa.Column(name, sa.DateTime(), nullable=True))
    # Every touch takes the first moment of each kind among the events already recorded.
    firsts = ", ".join(
        f"MIN(CASE WHEN status IN ({', '.join(repr(s) for s in statuses)}) "
        f"THEN occurred_at END) AS {name}"
        for name, statuses in _MILESTONES.items()
    )
    assigned = ", ".join(f"{name} = f.{name}" for name in _MILESTONES)
    op.execute(
        f"UPDATE touches SET {assigned} "
        f"FROM (SELECT touch_uid, {firsts} FROM touch_events GROUP BY touch_uid) AS f "
        "WHERE touches.touch_uid = f.touch_uid"
    )


def downgrade() -> None:
    for name in _MILESTONES:
        op.drop_column("touches", name)

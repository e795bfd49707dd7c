"""Touches planned or deferred under an anchor that no longer holds, and why.

A touch belongs to its cycle: the agreement (and, for end-anchored touches, the end date).
When the agreement is cancelled, merged away or re-dated, or the touch leaves the
program, the pending touch is cancelled with the reason; the new cycle plans afresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import ibis

from carecycle.engine.facts import live_agreements
from carecycle.programs.model import Program

Tables = Mapping[str, Any]
PENDING = ("planned", "deferred")


def obsolete_touches(tables: Tables, program: Program, as_of: date, revision: int) -> Any:
    """Return (touch_uid, reason) for pending touches of the program that must be cancelled."""
    touches = tables["touches"]
    pending = touches.filter(touches.program_id == program.id, touches.status.isin(PENDING))
    live = live_agreements(tables, as_of).select(
        live_agreement="agreement_id", live_account="account_id", live_end="end_on"
    )
    rows = pending.left_join(live, pending.agreement_id == live.live_agreement)
    current = [t.id for t in program.touches]
    end_anchored = [t.id for t in program.touches if t.trigger.at.anchor == "end"]
    moved_end = rows.touch_id.isin(end_anchored) & (
        rows.cycle != rows.agreement_id + "@" + rows.live_end.cast("string")
    )
    reason = ibis.cases(
        (~rows.touch_id.isin(current), f"touch is no longer in the program (revision {revision})"),
        (rows.live_agreement.isnull(), "agreement " + rows.agreement_id + " is cancelled or gone"),
        (rows.live_account != rows.account_id, "account merged into " + rows.live_account),
        (moved_end, "agreement " + rows.agreement_id + " now ends " + rows.live_end.cast("string")),
        else_=ibis.null("string"),
    )
    found = rows.select("touch_uid", reason=reason)
    return found.filter(found.reason.notnull())

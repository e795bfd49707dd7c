"""Who is addressed and what goes out today: contact and channel choice, caps, quiet days
and capacity, each a set-based step over the day's candidate touches.

Losers are never silently lost: a touch over a cap is deferred or dropped as its
`on_collision` rule says, a quiet day or a full call centre defers it to the next day,
and every decision carries its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import ibis

from carecycle.engine.audience import compile_compare
from carecycle.engine.facts import contact_fact_columns, live_contacts, without_right
from carecycle.ingest.quality import (
    CHANNEL_CONSENT,
    channel_addresses,
    has_postal_address,
    reachable_on,
    with_closed_channels,
)
from carecycle.programs.model import Cap, Program
from carecycle.store.schema import CHANNELS, NOT_RECEIVED, RESPONSES

Tables = Mapping[str, Any]
# Touches that use up a cap or a day's capacity: planned, or gone out.
NOT_COUNTED = (*NOT_RECEIVED, "held_out")


def counted_touches(tables: Tables) -> Any:
    """Return touches that count against caps and capacity."""
    touches = tables["touches"]
    return touches.filter(~touches.status.isin(NOT_COUNTED))


def reachable_contacts(tables: Tables, accounts: Any) -> Any:
    """Return (account, contact, channel) rows a channel may address, with contact facts."""
    contacts = contact_fact_columns(live_contacts(tables).semi_join(accounts, "account_id"))
    source = tables["accounts"]
    postal = source.select(
        "account_id",
        postal=has_postal_address(source),
        served=source.partner_id.notnull(),
    )
    contacts = with_closed_channels(
        contacts.join(postal, "account_id"), tables["suppressions"], CHANNELS
    )
    open_to = ~contacts.do_not_contact.fill_null(False)
    address = {
        **channel_addresses(contacts),
        "pam": contacts.served,
        "partner": contacts.served,
        "web": ibis.literal(True),
    }
    rows = []
    for channel, usable in address.items():
        if channel in CHANNEL_CONSENT:
            ok = reachable_on(contacts, channel, usable)
        else:
            ok = usable & open_to
        rows.append(
            contacts.filter(ok & ~contacts[f"closed_{channel}"]).select(
                "account_id",
                "contact_id",
                "contact__role",
                "contact__language",
                "contact__preferred_channel",
                channel=ibis.literal(channel),
            )
        )
    return ibis.union(*rows)


def past_responses(tables: Tables, accounts: Any) -> Any:
    """Return each account's count of answered touches per channel."""
    touches = tables["touches"]
    answered = touches.filter(touches.status.isin(RESPONSES)).semi_join(accounts, "account_id")
    return answered.group_by(["account_id", "channel"]).aggregate(responses=answered.count())


def pick_contacts(candidates: Any, tables: Tables, program: Program, params: Any) -> Any:
    """Return candidates with the contact and channel chosen (null when none is reachable).

    A contact's stated channel preference comes first, then the account's past responses
    by channel, then the touch's own channel order.
    """
    accounts = candidates.select("account_id").distinct()
    reach = reachable_contacts(tables, accounts)
    options = candidates.select("key", "account_id", "touch_id").join(params, "touch_id")
    options = options.join(reach, ["account_id", "channel"])
    allowed = _contact_filters(options, program)
    if allowed is not None:
        options = options.filter(allowed)
    responses = past_responses(tables, accounts)
    options = options.left_join(responses, ["account_id", "channel"])
    rank = ibis.row_number().over(
        group_by=options.key,
        order_by=[
            ibis.desc((options.contact__preferred_channel == options.channel).fill_null(False)),
            ibis.desc(options.responses.fill_null(0)),
            options.channel_rank,
            options.contact_id,
        ],
    )
    best = options.mutate(choice=rank).filter(lambda t: t.choice == 0)
    best = best.select("key", picked_contact=best.contact_id, picked_channel=best.channel)
    return without_right(candidates.left_join(best, "key"))


def _contact_filters(options: Any, program: Program) -> Any:
    filtered = [t for t in program.touches if t.contact]
    if not filtered:
        return None
    branches = []
    for touch in filtered:
        tests = [compile_compare(c, options) for c in touch.contact]
        combined = tests[0]
        for test in tests[1:]:
            combined = combined & test
        branches.append((options.touch_id == touch.id, combined))
    return ibis.cases(*branches, else_=True)


def cap_usage(tables: Tables, cap: Cap, as_of: date) -> Any:
    """Return touches already counted against a cap in its window, per account or contact."""
    touches = counted_touches(tables)
    since = as_of - timedelta(days=cap.days - 1)
    used = touches.filter(touches.planned_on >= since, touches.planned_on <= as_of)
    if cap.channel != "any":
        used = used.filter(used.channel == cap.channel)
    return used.group_by(cap_usage_key(cap)).aggregate(used=used.count())


def describe_cap(cap: Cap) -> str:
    """Return a cap as the reason a loser reads."""
    what = "touches" if cap.channel == "any" else f"{cap.channel} touches"
    return f"cap: at most {cap.max} {what} per {cap.per} in {cap.days} days"


def apply_caps(
    rows: Any, tables: Tables, program: Program, as_of: date, *, settle: Callable[[Any], Any]
) -> Any:
    """Return rows with `cap_reason` set where a cap stops a still-open touch."""
    rows = rows.mutate(cap_reason=ibis.null("string"))
    for i, cap in enumerate(program.policy.caps):
        who = "account_id" if cap.per == "account" else "picked_contact"
        usage = cap_usage(tables, cap, as_of).rename({f"cap_who_{i}": cap_usage_key(cap)})
        rows = rows.left_join(usage, rows[who] == usage[f"cap_who_{i}"]).drop(f"cap_who_{i}")
        in_scope = rows.status.isnull() & rows[who].notnull()
        if cap.channel != "any":
            in_scope = in_scope & (rows.picked_channel == cap.channel)
        rank = ibis.row_number().over(
            group_by=[rows[who], in_scope],
            order_by=[ibis.desc(rows.priority), rows.due_on, rows.touch_id],
        )
        over = in_scope & (rows.used.fill_null(0) + rank + 1 > cap.max)
        rows = rows.mutate(
            cap_reason=ibis.ifelse(
                over & rows.cap_reason.isnull(), describe_cap(cap), rows.cap_reason
            )
        ).drop("used")
        rows = settle(rows)
    lost = rows.cap_reason.notnull()
    return rows.mutate(
        status=ibis.ifelse(
            lost, ibis.ifelse(rows.on_collision == "drop", "dropped", "deferred"), rows.status
        ),
        reason=ibis.ifelse(lost, rows.cap_reason, rows.reason),
    ).drop("cap_reason")


def cap_usage_key(cap: Cap) -> str:
    """Return the column `cap_usage` groups by."""
    return "account_id" if cap.per == "account" else "contact_id"


def apply_quiet_days(rows: Any, program: Program, as_of: date) -> Any:
    """Return rows with touches on a channel quiet today deferred."""
    quiet = [ch for ch in CHANNELS if program.policy.is_quiet(ch, as_of)]
    if not quiet:
        return rows
    hit = rows.status.isnull() & rows.picked_channel.isin(quiet)
    return rows.mutate(
        status=ibis.ifelse(hit, "deferred", rows.status),
        reason=ibis.ifelse(hit, f"quiet day ({as_of:%a} {as_of.isoformat()})", rows.reason),
    )


def apply_capacity(rows: Any, tables: Tables, program: Program, as_of: date) -> Any:
    """Return rows with touches past a channel's daily capacity deferred, lowest priority first."""
    if not program.policy.capacity:
        return rows
    touches = counted_touches(tables)
    today = touches.filter(touches.planned_on == as_of)
    taken = today.group_by(cap_channel=today.channel).aggregate(taken=today.count())
    rows = rows.left_join(taken, rows.picked_channel == taken.cap_channel).drop("cap_channel")
    limit = ibis.cases(
        *((rows.picked_channel == ch, n) for ch, n in program.policy.capacity.items()),
        else_=ibis.null("int64"),
    )
    open_rows = rows.status.isnull()
    rank = ibis.row_number().over(
        group_by=[rows.picked_channel, open_rows],
        order_by=[ibis.desc(rows.priority), rows.due_on, rows.account_id, rows.touch_id],
    )
    full = open_rows & limit.notnull() & (rows.taken.fill_null(0) + rank + 1 > limit)
    reason = (
        "capacity: " + rows.picked_channel + " is full for the day (" + limit.cast("string") + ")"
    )
    return rows.mutate(
        status=ibis.ifelse(full, "deferred", rows.status),
        reason=ibis.ifelse(full, reason, rows.reason),
    ).drop("taken")

"""The rows KPIs aggregate: one source per family, each a function of the scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis

from carecycle.engine.facts import owned_by_survivor
from carecycle.measure.kpis.core import (
    ADOPTION_DAYS,
    FREE_SUPPORT_QUESTION,
    NPS_QUESTIONS,
    SA_ACTIVATION_QUESTION,
    SATISFACTION_QUESTIONS,
    TOUCH_COLUMNS,
    Scope,
    kpi_source,
)
from carecycle.measure.lifts import day_number, reached_end, renewing

# Annuity licensing: Software Assurance, or a programme paid for as an annuity.
ANNUITY_PROGRAMS = ("open_value", "ea", "subscription")
NUMBER = r"^[0-9]+(\.[0-9]+)?$"


def is_annuity(agreements: Any) -> Any:
    """Return 'the agreement is annuity licensing'."""
    return agreements.sa | agreements.program.isin(ANNUITY_PROGRAMS)


def as_number(answer: Any) -> Any:
    """Return the answer as a number, null where it is not a plain number."""
    # A free-text answer that is not a plain number is no score (and must not be cast).
    return ibis.ifelse(answer.re_search(NUMBER), answer.cast("float64"), ibis.null("float64"))


# --- sources -----------------------------------------------------------------------------


@kpi_source("account")
def order_lines(scope: Scope) -> Any:
    """The lines of booked orders (status `booked`) ordered in the period, with their amount
    (an order's lines added up, where the orders are at hand)."""
    if scope.orders is not None:
        booked = scope.orders
        days = booked.day.between(day_number(scope.start), day_number(scope.end))
        return scope.owned(booked.filter(days).select("account_id", "amount"))
    orders = scope.tables["orders"]
    booked = orders.filter(orders.status == "booked", scope.day_range(orders.ordered_on))
    owned = scope.owned(booked.select("order_id", "account_id"))
    lines = owned.join(scope.tables["order_lines"], "order_id")
    return lines.select("account_id", amount=lines.amount.cast("float64"))


def _renewals(scope: Scope, ending: Any) -> Any:
    """Return, per renewed agreement, the day its first renewal (and annuity renewal) was booked."""
    agreements, orders = scope.tables["agreements"], scope.tables["orders"]
    renewals = renewing(agreements)
    renewals = renewals.semi_join(ending, renewals.renewed_from == ending.agreement_id)
    booked = orders.filter(orders.status == "booked").semi_join(renewals, "agreement_id")
    first = booked.group_by("agreement_id").aggregate(first_order=booked.ordered_on.min())
    dated = renewals.left_join(first, renewals.agreement_id == first.agreement_id)
    booked_on = ibis.coalesce(dated.first_order, dated.start_on)
    return dated.group_by("renewed_from").aggregate(
        renewed_on=booked_on.min(), annuity_renewed_on=booked_on.min(where=is_annuity(dated))
    )


@kpi_source("account")
def endings(scope: Scope) -> Any:
    """The agreements ending in the period (`end_on`) and not cancelled by their end, with
    the day each was renewed: the earliest booking of an agreement naming it in
    `renewed_from` and not cancelled by its own start, booked on its earliest booked order's
    day, or its start day without one; and the same for annuity renewals."""
    ending = reached_end(scope.tables["agreements"], scope.start, scope.end)
    ending = scope.owned(ending.select("agreement_id", "account_id", "end_on", "sa", "program"))
    renewed = _renewals(scope, ending)
    joined = ending.left_join(renewed, ending.agreement_id == renewed.renewed_from)
    return joined.select(
        "account_id", "end_on", "renewed_on", "annuity_renewed_on", annuity=is_annuity(joined)
    )


def _references(scope: Scope) -> Any:
    """Return the accounts that are references by the period's end."""
    referrals = scope.tables["referrals"]
    good = referrals.filter(
        referrals.status.isin(("qualified", "purchased")), referrals.referred_on <= scope.end
    )
    referrers = owned_by_survivor(good.select(account_id=good.referrer_account_id), scope.tables)
    touches = scope.tables["touches"]
    agreed = touches.filter(
        touches.kpi == "referenceable_customers",
        touches.status.isin(("responded", "completed")),
        touches.planned_on <= scope.end,
    )
    agreed = owned_by_survivor(agreed.select("account_id"), scope.tables)
    return referrers.union(agreed, distinct=True).mutate(reference=ibis.literal(True))


@kpi_source("account")
def customers(scope: Scope) -> Any:
    """The accounts holding an agreement in force on the period's last day (started, not
    ended, not cancelled), whether one of them is an annuity, and whether they are a
    reference by then."""
    agreements, day = scope.tables["agreements"], scope.end
    kept = agreements.cancelled_on.isnull() | (agreements.cancelled_on > day)
    force = agreements.filter(agreements.start_on <= day, agreements.end_on >= day, kept)
    owned = scope.owned(force.select("account_id", "sa", "program"))
    held = owned.group_by("account_id").aggregate(annuity=is_annuity(owned).any())
    references = _references(scope)
    joined = held.left_join(references, held.account_id == references.account_id)
    return joined.select(held.account_id, held.annuity, reference=joined.reference.notnull())


@kpi_source("touch")
def assignments(scope: Scope) -> Any:
    """Each account's first holdout assignment (test or holdout arm) to the program, or to
    any program without one; per program when grouped by program."""
    assigned = scope.tables["holdout_assignments"]
    if scope.program_id is not None:
        assigned = assigned.filter(assigned.program_id == scope.program_id)
    picked = assigned.select("account_id", "program_id", "assigned_on")
    owned = owned_by_survivor(picked, scope.tables)
    keys = ["account_id", "program_id"] if scope.by == "program" else ["account_id"]
    return owned.group_by(keys).aggregate(first_on=owned.assigned_on.min())


def _with_touch(scope: Scope, rows: Any) -> Any:
    """Return records naming a touch that counts, owned by survivors, with its groupings."""
    dims = scope.touches.select("touch_uid", *TOUCH_COLUMNS.values())
    return owned_by_survivor(rows, scope.tables).join(dims, "touch_uid")


@kpi_source("touch")
def opportunities(scope: Scope) -> Any:
    """The opportunities created by a touch (`touch_uid`) that were created or closed
    (`closed_on`, stage `won` or `lost`) in the period."""
    found = scope.tables["opportunities"]
    created = scope.day_range(found.created_on)
    closed = scope.day_range(found.closed_on) & found.stage.isin(("won", "lost"))
    rows = found.filter(found.touch_uid.notnull(), created | closed.fill_null(False))
    flagged = rows.select(
        "account_id", "touch_uid", created=created, closed=closed, won=rows.stage == "won"
    )
    return _with_touch(scope, flagged)


@kpi_source("touch")
def complaints(scope: Scope) -> Any:
    """The complaints (support cases of kind `complaint`) opened in the period during a
    touch (`touch_uid`)."""
    cases = scope.tables["support_cases"]
    opened = cases.filter(
        cases.kind == "complaint", cases.touch_uid.notnull(), scope.time_range(cases.opened_at)
    )
    return _with_touch(scope, opened.select("account_id", "touch_uid"))


@kpi_source("record")
def answers(scope: Scope) -> Any:
    """The base's survey and profiling answers given in the period (`answered_at`) to the
    questions KPIs read, with the answer as a number where it is one."""
    responses = scope.tables["survey_responses"]
    asked = (FREE_SUPPORT_QUESTION, SA_ACTIVATION_QUESTION, *NPS_QUESTIONS)
    given = responses.filter(
        responses.question_id.isin((*asked, *SATISFACTION_QUESTIONS)),
        scope.time_range(responses.answered_at),
    )
    picked = given.select("account_id", "touch_uid", "question_id", "answer")
    return scope.owned(picked.mutate(score=as_number(picked.answer)))


@kpi_source("touch")
def touch_activity(scope: Scope) -> Any:
    """The touches with a milestone in the period, and which: `sent`, its first `sent`
    event (the mail server accepted the email, the letter or list was written, the call
    was queued); `reached`, its first contact reached (an outcome reached, opportunity,
    complaint, profiling, responded or completed); `attempted`, its first call attempt (an
    outcome reached, not_reached, wrong_number, call_back, opportunity, complaint,
    profiling, responded, completed or unsubscribed), or its contact first reached. A touch
    counts once per period, in the periods of those first events, however often it was
    sent or dialled; one reached counts as attempted, whenever dialling began."""
    touches = scope.touches
    # A touch goes out, and is called, on or after its planned day.
    planned = touches.filter(touches.planned_on <= scope.end)
    sent, first_attempt, reached = (
        scope.time_range(planned[f"{name}_at"]).fill_null(False)
        for name in ("sent", "attempted", "reached")
    )
    flags = {"sent": sent, "attempted": first_attempt | reached, "reached": reached}
    return planned.filter(sent | first_attempt | reached).mutate(**flags)


@kpi_source("account")
def visits(scope: Scope) -> Any:
    """The base's daily site traffic (`web_visits`) on the days of the period."""
    found = scope.tables["web_visits"]
    seen = found.filter(scope.day_range(found.visited_on))
    return scope.owned(seen.select("account_id", "page_views", "unique_visitors"))


@kpi_source("account")
def adoption(scope: Scope) -> Any:
    """The agreements whose 30th, 60th or 90th day after the start falls in the period,
    with the seats and active users, all products together, of the account's latest usage
    snapshot from the start to each of those days."""
    agreements = scope.tables["agreements"]
    longest, shortest = max(ADOPTION_DAYS), min(ADOPTION_DAYS)
    starts = (scope.start - timedelta(longest), scope.end - timedelta(shortest))
    chosen = agreements.filter(agreements.start_on.between(*starts))
    cohort = scope.owned(chosen.select("agreement_id", "account_id", "start_on", "cancelled_on"))
    joined = cohort.join(_daily_usage(scope, starts[0]), "account_id")
    age = joined.measured_on.delta(joined.start_on, unit="day")
    daily = joined.filter(age.between(0, longest)).mutate(age=age)
    latest = {}
    for days in ADOPTION_DAYS:
        for name in ("seats", "active"):
            latest[f"{name}_{days}"] = _by_age(daily[name], daily.age).max(where=daily.age <= days)
    # An agreement is one row of the cohort: grouping by its id alone hashes one key, not four.
    carried = {name: daily[name].min() for name in ("account_id", "start_on", "cancelled_on")}
    per_agreement = daily.group_by("agreement_id").aggregate(**carried, **latest)
    values = {name: _value_of(per_agreement[name]) for name in latest}
    return per_agreement.mutate(**values, **_reaching(scope, per_agreement))


# An agreement has one usage row per day: its age in days above the value, so the largest
# packed number is the latest day's, found by a plain max rather than an arg-max. The
# value is kept plus one, and a missing value as 0; values stay below 2**56 (the sum of a
# day's 32-bit counts over fewer than 2**24 products), ages below 2**7 in a signed 64 bits.
AGE_SHIFT = 56
VALUE_MASK = (1 << AGE_SHIFT) - 1
if max(ADOPTION_DAYS) >= 1 << (63 - AGE_SHIFT):
    raise ValueError(f"adoption days {ADOPTION_DAYS} do not fit above {AGE_SHIFT} value bits")


def _by_age(value: Any, age: Any) -> Any:
    """Return the value and its day's age packed in one integer that orders by age."""
    return (age.cast("int64") << AGE_SHIFT) + (value.cast("int64") + 1).fill_null(0)


def _value_of(packed: Any) -> Any:
    """Return the value packed by `_by_age`: null where none was recorded or no row was."""
    kept = packed & VALUE_MASK
    return ibis.ifelse(kept > 0, kept - 1, ibis.null("int64"))


def _daily_usage(scope: Scope, since: date) -> Any:
    """Return each account's seats and active users per snapshot day, all products together."""
    usage = scope.tables["usage_snapshots"]
    usage = usage.filter(usage.measured_on.between(since, scope.end)).select(
        "account_id", "measured_on", "seats", "active_users"
    )
    owned = owned_by_survivor(usage, scope.tables)
    return owned.group_by("account_id", "measured_on").aggregate(
        seats=owned.seats.sum(), active=owned.active_users.sum()
    )


def _reaching(scope: Scope, agreements: Any) -> dict[str, Any]:
    """Return, per adoption day, 'the agreement reaches it in the period, not cancelled'."""
    flags = {}
    for days in ADOPTION_DAYS:
        starts = (scope.start - timedelta(days), scope.end - timedelta(days))
        lasted = agreements.cancelled_on.delta(agreements.start_on, unit="day") > days
        kept = agreements.cancelled_on.isnull() | lasted
        flags[f"reach_{days}"] = agreements.start_on.between(*starts) & kept
    return flags

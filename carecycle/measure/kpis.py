"""The KPI catalogue: program, stage and operational measures over the store, each defined once.

A KPI is a formula (a numerator and, for a ratio, a denominator) over the rows of a
source: the order lines of the period, the agreements ending in it, the touches sent in
it, and so on. Its docstring says exactly what it counts; `kpi` and `kpi_source` register
KPIs and sources, the same door an extension uses. `evaluate_kpis` aggregates every
requested KPI of a source in one pass and unions the sources into one query, executed once.

Rules every KPI follows:
- the period is `start`..`end`, both days included; a time counts by its day;
- a merged account is never a unit: its rows count for the account it was merged into;
- with a program, the base is the accounts assigned to it (test and holdout arms) by the
  period's end and only its touches count; without one, the whole base and every touch;
- grouping by segment, partner or region uses the unit's account; grouping by program,
  stage, touch or channel uses the unit's own touch when it has one (a touch, or a record
  naming the touch that captured it) and otherwise puts an account's units in each group
  of which the account had a touch planned in the period and not withheld (held-out
  touches count: the holdout arm moves through the stages too), so groups may overlap.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Literal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.measure.lifts import assigned_by
from carecycle.store.schema import NOT_RECEIVED

Tables = Mapping[str, Any]
Level = Literal["program", "stage", "operational"]
Unit = Literal["count", "rate", "money", "score"]
Attribution = Literal["touch", "record", "account"]
Formula = tuple[Any, Any | None]

GROUPINGS = ("program", "stage", "touch", "channel", "segment", "partner", "region")
TOUCH_COLUMNS = {
    "program": "program_id",
    "stage": "stage_id",
    "touch": "touch_id",
    "channel": "channel",
}
ACCOUNT_COLUMNS = {"segment": "segment", "partner": "partner_id", "region": "region"}
# Annuity licensing: Software Assurance, or a programme paid for as an annuity.
ANNUITY_PROGRAMS = ("open_value", "ea", "subscription")
CALL_ATTEMPTS = (
    "reached", "not_reached", "wrong_number", "call_back", "opportunity", "complaint",
    "profiling", "responded", "completed", "unsubscribed",
)  # fmt: skip
CALL_REACHED = ("reached", "opportunity", "complaint", "profiling", "responded", "completed")
NOT_DELIVERED = ("bounced", "failed")
CLICKED = ("clicked", "responded", "completed")
FREE_SUPPORT_QUESTION = "free_support_registered"
SA_ACTIVATION_QUESTION = "benefits_activated"
NPS_QUESTIONS = ("nps", "recommend")
SATISFACTION_QUESTIONS = ("overall_satisfaction",)
ADOPTION_DAYS = (30, 60, 90)
NUMBER = r"^[0-9]+(\.[0-9]+)?$"
RESULT = pa.schema(
    [
        ("kpi", pa.string()),
        ("group", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
    ]
)


@dataclass(frozen=True)
class Kpi:
    """One KPI of the catalogue: its name, level, unit, definition and allowed groupings."""

    name: str
    label: str
    level: Level
    unit: Unit
    doc: str
    groupings: frozenset[str]


@dataclass(frozen=True)
class Source:
    """The rows a family of KPIs aggregates, and how those rows take touch groupings."""

    name: str
    build: Callable[[Scope], Any]
    attribution: Attribution


@dataclass(frozen=True)
class Definition:
    """How a KPI is computed: over which source, with which formula, at which scale."""

    source: str
    formula: Callable[[Scope, Any], Formula]
    scale: float


KPIS: dict[str, Kpi] = {}
SOURCES: dict[str, Source] = {}
DEFINITIONS: dict[str, Definition] = {}


def kpi_source(attribution: Attribution) -> Callable[[Callable[[Scope], Any]], Any]:
    """Return a decorator registering a function as the source named after it."""

    def register(build: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
        SOURCES[build.__name__] = Source(build.__name__, build, attribution)
        return build

    return register


def kpi(
    *,
    label: str,
    level: Level,
    unit: Unit,
    source: str,
    groupings: Sequence[str] = GROUPINGS,
    scale: float = 1.0,
) -> Callable[[Callable[[Scope, Any], Formula]], Any]:
    """Return a decorator registering a formula as the KPI named after it."""

    def register(formula: Callable[[Scope, Any], Formula]) -> Callable[[Scope, Any], Formula]:
        name = formula.__name__
        doc = " ".join((inspect.getdoc(formula) or "").split())
        if not doc or name in KPIS or source not in SOURCES or set(groupings) - set(GROUPINGS):
            raise ValueError(f"KPI {name!r}: a docstring, new name, known source and groupings")
        KPIS[name] = Kpi(name, label, level, unit, doc, frozenset(groupings))
        DEFINITIONS[name] = Definition(source, formula, scale)
        return formula

    return register


@dataclass(frozen=True)
class Scope:
    """What one evaluation asks about: the tables, the period, the program and the grouping."""

    tables: Tables
    start: date
    end: date
    program_id: str | None = None
    by: str | None = None

    def day_range(self, column: Any) -> Any:
        """Return 'the date column falls in the period'."""
        return column.between(self.start, self.end)

    def time_range(self, column: Any) -> Any:
        """Return 'the timestamp column falls on a day of the period'."""
        after = datetime.combine(self.end + timedelta(days=1), time())
        return (column >= datetime.combine(self.start, time())) & (column < after)

    @cached_property
    def members(self) -> Any:
        """Return the program's accounts (as survivors), None for the whole base."""
        if self.program_id is None:
            return None
        mine = assigned_by(self.tables, self.program_id, self.end)
        return owned_by_survivor(mine.select("account_id"), self.tables)

    def owned(self, rows: Any) -> Any:
        """Return rows with their account's survivor, limited to the base."""
        owned = owned_by_survivor(rows, self.tables)
        return owned if self.members is None else owned.semi_join(self.members, "account_id")

    @cached_property
    def touches(self) -> Any:
        """Return the touches that count (the program's, or all), owned by survivors."""
        touches = self.tables["touches"]
        if self.program_id is not None:
            touches = touches.filter(touches.program_id == self.program_id)
        kept = ("touch_uid", "account_id", "status", "kpi", "planned_on", *TOUCH_COLUMNS.values())
        return owned_by_survivor(touches.select(*kept), self.tables)

    def grouped(self, rows: Any, attribution: Attribution) -> Any:
        """Return rows with a `group` column for the grouping asked (a row per group)."""
        by = self.by
        if by is None:
            return rows
        if by in ACCOUNT_COLUMNS:
            accounts = self.tables["accounts"]
            live = accounts.filter(accounts.merged_into.isnull())
            groups = live.select("account_id", group=live[ACCOUNT_COLUMNS[by]])
            return rows.join(groups, "account_id")
        if attribution == "record":
            dims = self.touches.select("touch_uid", *TOUCH_COLUMNS.values())
            rows, attribution = rows.join(dims, "touch_uid"), "touch"
        if attribution == "touch":
            return rows.mutate(group=rows[TOUCH_COLUMNS[by]])
        return rows.join(self._touched(TOUCH_COLUMNS[by]), "account_id")

    def _touched(self, column: str) -> Any:
        touches = self.touches
        got = touches.filter(self.day_range(touches.planned_on), ~touches.status.isin(NOT_RECEIVED))
        return got.select("account_id", group=got[column]).distinct()


def _is_annuity(agreements: Any) -> Any:
    return agreements.sa | agreements.program.isin(ANNUITY_PROGRAMS)


def _number(answer: Any) -> Any:
    # A free-text answer that is not a plain number is no score (and must not be cast).
    return ibis.ifelse(answer.re_search(NUMBER), answer.cast("float64"), ibis.null("float64"))


def quarter_ends(start: date, end: date) -> list[tuple[date, date]]:
    """Return the first and last day of every calendar quarter the period touches."""
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    quarters = []
    while first <= end:
        following = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
        quarters.append((first, following - timedelta(days=1)))
        first = following
    return quarters


# --- sources -----------------------------------------------------------------------------


@kpi_source("account")
def order_lines(scope: Scope) -> Any:
    """The lines of booked orders (status `booked`) ordered in the period, with their amount."""
    orders = scope.tables["orders"]
    booked = orders.filter(orders.status == "booked", scope.day_range(orders.ordered_on))
    owned = scope.owned(booked.select("order_id", "account_id"))
    lines = owned.join(scope.tables["order_lines"], "order_id")
    return lines.select("account_id", amount=lines.amount.cast("float64"))


def _renewals(scope: Scope, ending: Any) -> Any:
    """Return, per renewed agreement, the day its first renewal (and annuity renewal) was booked."""
    agreements, orders = scope.tables["agreements"], scope.tables["orders"]
    valid = agreements.cancelled_on.isnull() | (agreements.cancelled_on > agreements.start_on)
    renewals = agreements.filter(agreements.renewed_from.notnull(), valid)
    renewals = renewals.semi_join(ending, renewals.renewed_from == ending.agreement_id)
    booked = orders.filter(orders.status == "booked").semi_join(renewals, "agreement_id")
    first = booked.group_by("agreement_id").aggregate(first_order=booked.ordered_on.min())
    dated = renewals.left_join(first, renewals.agreement_id == first.agreement_id)
    booked_on = ibis.coalesce(dated.first_order, dated.start_on)
    return dated.group_by("renewed_from").aggregate(
        renewed_on=booked_on.min(), annuity_renewed_on=booked_on.min(where=_is_annuity(dated))
    )


@kpi_source("account")
def endings(scope: Scope) -> Any:
    """The agreements ending in the period (`end_on`) and not cancelled by their end, with
    the day each was renewed: the earliest booking of an agreement naming it in
    `renewed_from` and not cancelled by its own start, booked on its earliest booked order's
    day, or its start day without one; and the same for annuity renewals."""
    agreements = scope.tables["agreements"]
    kept = agreements.cancelled_on.isnull() | (agreements.cancelled_on > agreements.end_on)
    ending = agreements.filter(scope.day_range(agreements.end_on), kept)
    ending = scope.owned(ending.select("agreement_id", "account_id", "end_on", "sa", "program"))
    renewed = _renewals(scope, ending)
    joined = ending.left_join(renewed, ending.agreement_id == renewed.renewed_from)
    return joined.select(
        "account_id", "end_on", "renewed_on", "annuity_renewed_on", annuity=_is_annuity(joined)
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
    held = owned.group_by("account_id").aggregate(annuity=_is_annuity(owned).any())
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
    return scope.owned(picked.mutate(score=_number(picked.answer)))


@kpi_source("touch")
def touch_activity(scope: Scope) -> Any:
    """The touches with an event in the period, and which: `sent` (the mail server accepted
    the email, the letter or list was written, the call was queued), a call `attempted`
    (an outcome reached, not_reached, wrong_number, call_back, opportunity, complaint,
    profiling, responded, completed or unsubscribed) and the contact `reached` (an
    outcome reached, opportunity, complaint, profiling, responded or completed)."""
    events = scope.tables["touch_events"]
    seen = events.filter(
        events.status.isin(("sent", *CALL_ATTEMPTS)), scope.time_range(events.occurred_at)
    )
    flags = seen.group_by("touch_uid").aggregate(
        sent=(seen.status == "sent").any(),
        attempted=seen.status.isin(CALL_ATTEMPTS).any(),
        reached=seen.status.isin(CALL_REACHED).any(),
    )
    touches = scope.touches
    # A touch goes out, and is called, on or after its planned day.
    return touches.filter(touches.planned_on <= scope.end).join(flags, "touch_uid")


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
        latest[f"seats_{days}"] = daily.seats.argmax(daily.measured_on, where=daily.age <= days)
        latest[f"active_{days}"] = daily.active.argmax(daily.measured_on, where=daily.age <= days)
    # An agreement is one row of the cohort: grouping by its id alone hashes one key, not four.
    carried = {name: daily[name].min() for name in ("account_id", "start_on", "cancelled_on")}
    per_agreement = daily.group_by("agreement_id").aggregate(**carried, **latest)
    return per_agreement.mutate(**_reaching(scope, per_agreement))


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


# --- program KPIs ------------------------------------------------------------------------


@kpi(label="Revenue", level="program", unit="money", source="order_lines")
def revenue(scope: Scope, rows: Any) -> Formula:
    """The amounts of the order lines of booked orders (status `booked`) ordered in the
    period, added as recorded (the store does not convert between currencies)."""
    return rows.amount.sum(), None


@kpi(label="Renewal rate", level="program", unit="rate", source="endings")
def renewal_rate(scope: Scope, rows: Any) -> Formula:
    """Of the agreements ending in the period and not cancelled by their end, the share
    renewed by the period's last day: an agreement naming it in `renewed_from` (not
    cancelled by its start) was booked, on its earliest booked order's day or else its
    start day, on or before the end of the period."""
    return rows.count(where=rows.renewed_on <= scope.end), rows.count()


@kpi(label="Annuity penetration rate", level="program", unit="rate", source="customers")
def annuity_penetration_rate(scope: Scope, rows: Any) -> Formula:
    """Of the accounts holding an agreement in force on the period's last day (started, not
    ended, not cancelled), the share holding an annuity one: Software Assurance, or an
    `open_value`, `ea` or `subscription` agreement."""
    return rows.count(where=rows.annuity), rows.count()


@kpi(
    label="Growth of the cared-for base",
    level="program",
    unit="rate",
    source="assignments",
    groupings=("program", "segment", "partner", "region"),
)
def cared_for_base_growth(scope: Scope, rows: Any) -> Formula:
    """The accounts that entered the cared-for base in the period (their first holdout
    assignment, test or holdout arm, to the program, or to any program without one, falls
    in it) over the accounts in it before the period; by program, each program's base."""
    new = rows.count(where=scope.day_range(rows.first_on))
    return new, rows.count(where=rows.first_on < scope.start)


@kpi(label="Sales opportunities created", level="program", unit="count", source="opportunities")
def sales_opportunities(scope: Scope, rows: Any) -> Formula:
    """The opportunities created in the period (`created_on`) by a touch: `touch_uid` names
    the touch (of the program, when one is given) that created them; any stage."""
    return rows.count(where=rows.created), None


@kpi(label="Conversion rate", level="program", unit="rate", source="opportunities")
def conversion_rate(scope: Scope, rows: Any) -> Formula:
    """Of the opportunities created by a touch (of the program, when one is given) that
    closed in the period (`closed_on`, stage `won` or `lost`), the share won."""
    return rows.count(where=rows.closed & rows.won), rows.count(where=rows.closed)


@kpi(label="Customer satisfaction", level="program", unit="score", source="answers")
def customer_satisfaction(scope: Scope, rows: Any) -> Formula:
    """The mean answer, from 1 (very dissatisfied) to 5 (very satisfied), to the
    satisfaction question (`overall_satisfaction`) over the answers given in the period."""
    valid = rows.question_id.isin(SATISFACTION_QUESTIONS) & rows.score.between(1, 5)
    return rows.score.sum(where=valid), rows.count(where=valid)


# --- stage KPIs --------------------------------------------------------------------------


@kpi(label="Free-support registration rate", level="stage", unit="rate", source="answers")
def free_support_registration_rate(scope: Scope, rows: Any) -> Formula:
    """Of the answers to the welcome survey's `free_support_registered` question given in
    the period, the share that are yes."""
    asked = rows.question_id == FREE_SUPPORT_QUESTION
    return rows.count(where=asked & (rows.answer == "yes")), rows.count(where=asked)


@kpi(label="SA activation rate", level="stage", unit="rate", source="answers")
def sa_activation_rate(scope: Scope, rows: Any) -> Formula:
    """Of the answers to the SA activation call's `benefits_activated` question given in the
    period, the share saying all or some Software Assurance benefits are activated."""
    asked = rows.question_id == SA_ACTIVATION_QUESTION
    active = asked & rows.answer.isin(("all", "some"))
    return rows.count(where=active), rows.count(where=asked)


@kpi(label="Core IO profiling completion rate", level="stage", unit="rate", source="touch_activity")
def core_io_profiling_completion_rate(scope: Scope, rows: Any) -> Formula:
    """Of the touches serving this KPI (their `kpi` column) sent in the period (a `sent`
    event on one of its days), the share completed: the profile was captured."""
    serving = rows.sent & (rows.kpi == "core_io_profiling_completion_rate")
    return rows.count(where=serving & (rows.status == "completed")), rows.count(where=serving)


@kpi(label="Complaints captured", level="stage", unit="count", source="complaints")
def complaints_captured(scope: Scope, rows: Any) -> Formula:
    """The complaints (support cases of kind `complaint`) opened in the period during a
    touch: `touch_uid` names the touch (of the program, when one is given) that captured
    them."""
    return rows.count(), None


@kpi(label="Annuity recapture rate", level="stage", unit="rate", source="endings")
def annuity_recapture_rate(scope: Scope, rows: Any) -> Formula:
    """Of the annuity agreements (Software Assurance, or `open_value`, `ea`, `subscription`)
    ending in the period and not cancelled by their end, the share renewed as an annuity
    agreement booked by the period's last day (booked as for the renewal rate)."""
    kept = rows.annuity & (rows.annuity_renewed_on <= scope.end)
    return rows.count(where=kept), rows.count(where=rows.annuity)


@kpi(label="Final renewal rate", level="stage", unit="rate", source="endings")
def final_renewal_rate(scope: Scope, rows: Any) -> Formula:
    """Of the agreements ending in the period and not cancelled by their end, the share
    renewed at any time, late renewals included, as the store knows it now."""
    return rows.count(where=rows.renewed_on.notnull()), rows.count()


@kpi(label="In-quarter renewal rate", level="stage", unit="rate", source="endings")
def in_quarter_renewal_rate(scope: Scope, rows: Any) -> Formula:
    """Of the agreements ending in the period and not cancelled by their end, the share
    whose renewal was booked by the last day of the calendar quarter they end in."""
    quarters = quarter_ends(scope.start, scope.end)
    last = ibis.cases(*((rows.end_on.between(a, b), ibis.literal(b)) for a, b in quarters))
    return rows.count(where=rows.renewed_on <= last), rows.count()


def _adopted(rows: Any, days: int) -> Formula:
    reach = rows[f"reach_{days}"]
    return rows[f"active_{days}"].sum(where=reach), rows[f"seats_{days}"].sum(where=reach)


@kpi(label="Active users at 30 days", level="stage", unit="rate", source="adoption")
def active_users_30d(scope: Scope, rows: Any) -> Formula:
    """Of the seats of the agreements whose 30th day after the start falls in the period
    (not cancelled by then), the share in use: active users over seats at the account's
    latest usage snapshot from the start to that day, all products of that snapshot day;
    agreements with no such snapshot are left out."""
    return _adopted(rows, 30)


@kpi(label="Active users at 60 days", level="stage", unit="rate", source="adoption")
def active_users_60d(scope: Scope, rows: Any) -> Formula:
    """As active users at 30 days, for the agreements whose 60th day after the start falls
    in the period: active users over seats at the latest snapshot up to day 60."""
    return _adopted(rows, 60)


@kpi(label="Active users at 90 days", level="stage", unit="rate", source="adoption")
def active_users_90d(scope: Scope, rows: Any) -> Formula:
    """As active users at 30 days, for the agreements whose 90th day after the start falls
    in the period: active users over seats at the latest snapshot up to day 90."""
    return _adopted(rows, 90)


@kpi(label="Referenceable customers", level="stage", unit="rate", source="customers")
def referenceable_customers(scope: Scope, rows: Any) -> Formula:
    """Of the accounts holding an agreement in force on the period's last day, the share
    that are references by then: they referred a company whose referral is `qualified` or
    `purchased` (referred by the period's end), or answered a reference request (a touch
    of any program serving this KPI, planned by the period's end, now `responded` or
    `completed`)."""
    return rows.count(where=rows.reference), rows.count()


@kpi(label="Net promoter score", level="stage", unit="score", source="answers", scale=100.0)
def nps(scope: Scope, rows: Any) -> Formula:
    """Net promoter score, -100 to 100: over the answers from 0 to 10 to the recommendation
    question (`nps` or `recommend`) given in the period, 100 × (promoters, who answered 9
    or 10, less detractors, who answered below 7) / answers."""
    valid = rows.question_id.isin(NPS_QUESTIONS) & rows.score.between(0, 10)
    net = rows.count(where=valid & (rows.score >= 9)) - rows.count(where=valid & (rows.score < 7))
    return net, rows.count(where=valid)


# --- operational KPIs --------------------------------------------------------------------


def _sent(rows: Any, channel: str) -> Any:
    return rows.sent & (rows.channel == channel)


def _delivered(rows: Any, channel: str) -> Any:
    return _sent(rows, channel) & ~rows.status.isin(NOT_DELIVERED)


def _clicked(rows: Any) -> Any:
    return _sent(rows, "edm") & rows.status.isin(CLICKED)


@kpi(label="eDM sent", level="operational", unit="count", source="touch_activity")
def edm_sent(scope: Scope, rows: Any) -> Formula:
    """Email touches (channel `edm`) sent in the period: a `sent` event (the mail server
    accepted the message) on one of its days."""
    return rows.count(where=_sent(rows, "edm")), None


@kpi(label="eDM delivered", level="operational", unit="count", source="touch_activity")
def edm_delivered(scope: Scope, rows: Any) -> Formula:
    """Email touches sent in the period whose status is not `bounced` or `failed`, whenever
    that came back: an email counts as delivered unless a bounce or failure is reported."""
    return rows.count(where=_delivered(rows, "edm")), None


@kpi(label="eDM clicks", level="operational", unit="count", source="touch_activity")
def edm_clicks(scope: Scope, rows: Any) -> Formula:
    """Email touches sent in the period whose status reached `clicked` or beyond
    (`responded`, `completed`), whenever; a touch counts once however many clicks it had."""
    return rows.count(where=_clicked(rows)), None


@kpi(label="eDM click rate", level="operational", unit="rate", source="touch_activity")
def edm_click_rate(scope: Scope, rows: Any) -> Formula:
    """eDM clicks over eDM delivered: of the email touches sent in the period and
    delivered, the share clicked."""
    return rows.count(where=_clicked(rows)), rows.count(where=_delivered(rows, "edm"))


@kpi(label="DM sent", level="operational", unit="count", source="touch_activity")
def dm_sent(scope: Scope, rows: Any) -> Formula:
    """Letters (channel `dm`) sent in the period: a `sent` event (written into a mail-house
    batch) on one of its days."""
    return rows.count(where=_sent(rows, "dm")), None


@kpi(label="DM delivered", level="operational", unit="count", source="touch_activity")
def dm_delivered(scope: Scope, rows: Any) -> Formula:
    """Letters sent in the period that have not come back returned or failed (status
    `bounced` or `failed`), whenever that was reported."""
    return rows.count(where=_delivered(rows, "dm")), None


@kpi(label="Calls made", level="operational", unit="count", source="touch_activity")
def calls_made(scope: Scope, rows: Any) -> Formula:
    """Call touches (channel `tsr_call`) with an attempt recorded in the period (an outcome
    reached, not_reached, wrong_number, call_back, opportunity, complaint, profiling,
    responded, completed or unsubscribed); a touch counts once however often dialled."""
    return rows.count(where=rows.attempted & (rows.channel == "tsr_call")), None


@kpi(label="Successful calls", level="operational", unit="count", source="touch_activity")
def calls_successful(scope: Scope, rows: Any) -> Formula:
    """Call touches whose contact was reached in the period: an outcome reached,
    opportunity, complaint, profiling, responded or completed on one of its days."""
    return rows.count(where=rows.reached & (rows.channel == "tsr_call")), None


@kpi(label="Site page views", level="operational", unit="count", source="visits")
def site_page_views(scope: Scope, rows: Any) -> Formula:
    """Page views of the site by the base's accounts (`web_visits`) on the days of the
    period."""
    return rows.page_views.sum(), None


@kpi(label="Site unique visitors", level="operational", unit="count", source="visits")
def site_unique_visitors(scope: Scope, rows: Any) -> Formula:
    """Unique visitors of the site from the base's accounts (`web_visits`), added over the
    days of the period: a person who visits on two days counts twice."""
    return rows.unique_visitors.sum(), None


# --- evaluation --------------------------------------------------------------------------


def evaluate_kpis(
    tables: Mapping[str, Any],
    *,
    start: date,
    end: date,
    program_id: str | None = None,
    by: str | None = None,
    names: Sequence[str] | None = None,
) -> pa.Table:
    """Return one row per KPI and group: kpi, group, value, numerator, denominator."""
    if start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})")
    chosen = choose_kpis(names, by)
    if not chosen:
        return RESULT.empty_table()
    scope = Scope(tables, start, end, program_id, by)
    plan: dict[str, list[str]] = {}
    for name in chosen:
        plan.setdefault(DEFINITIONS[name].source, []).append(name)
    width = max(len(together) for together in plan.values())
    branches = [
        _aggregate(scope, source, together, index, width)
        for index, (source, together) in enumerate(plan.items())
    ]
    found = (ibis.union(*branches) if len(branches) > 1 else branches[0]).to_pyarrow()
    return _unpivot(found, plan, chosen)


def choose_kpis(names: Sequence[str] | None, by: str | None) -> list[str]:
    """Return the KPIs to evaluate (without names, all that can be grouped as asked)."""
    if by is not None and by not in GROUPINGS:
        raise InputError(f"cannot group by {by!r}: use one of {', '.join(GROUPINGS)}")
    if names is None:
        return [name for name, found in KPIS.items() if by is None or by in found.groupings]
    unknown = [name for name in names if name not in KPIS]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        raise InputError(f"unknown KPI {listed}: use one of {', '.join(KPIS)}")
    for name in names:
        allowed = [g for g in GROUPINGS if g in KPIS[name].groupings]
        if by is not None and by not in allowed:
            raise InputError(f"{name} cannot be grouped by {by}: use one of {', '.join(allowed)}")
    return list(dict.fromkeys(names))


def _aggregate(scope: Scope, source: str, names: list[str], index: int, width: int) -> Any:
    """Return one source's KPIs per group, in slots n0/d0, n1/d1, … padded to `width`."""
    found = SOURCES[source]
    rows = scope.grouped(found.build(scope), found.attribution)
    metrics = {}
    for slot, name in enumerate(names):
        numerator, denominator = DEFINITIONS[name].formula(scope, rows)
        metrics[f"n{slot}"] = numerator
        if denominator is not None:
            metrics[f"d{slot}"] = denominator
    if scope.by is None:
        summed = rows.aggregate(**metrics).mutate(group=ibis.null("string"))
    else:
        summed = rows.group_by("group").aggregate(**metrics)
    empty = ibis.null("float64")
    columns = {"source": ibis.literal(index, "int64"), "group": summed.group.cast("string")}
    for slot in range(width):
        for kind in "nd":
            name = f"{kind}{slot}"
            columns[name] = summed[name].cast("float64") if name in metrics else empty
    return summed.select(**columns)


def _unpivot(found: pa.Table, plan: dict[str, list[str]], chosen: list[str]) -> pa.Table:
    """Return the long result: one row per KPI and group, KPIs in the order asked."""
    parts: list[pa.Table] = []
    for index, together in enumerate(plan.values()):
        rows = found.filter(pc.equal(found["source"], index))
        parts.extend(_values(rows, name, slot) for slot, name in enumerate(together))
    result = pa.concat_tables(parts)
    order = pc.index_in(result["kpi"], pa.array(chosen))
    ranked = result.append_column("order", order)
    ranked = ranked.sort_by([("order", "ascending"), ("group", "ascending")])
    return ranked.drop_columns(["order"])


def _values(rows: pa.Table, name: str, slot: int) -> pa.Table:
    """Return one KPI's rows: the value is the numerator, or its ratio to the denominator."""
    numerator = pc.fill_null(rows[f"n{slot}"], 0.0)
    denominator = rows[f"d{slot}"]
    if KPIS[name].unit in ("count", "money"):
        value = numerator
    else:
        denominator = pc.fill_null(denominator, 0.0)
        defined = pc.greater(denominator, 0.0)
        scaled = pc.multiply(numerator, DEFINITIONS[name].scale)
        safe = pc.if_else(defined, denominator, 1.0)
        value = pc.if_else(defined, pc.divide(scaled, safe), pa.scalar(None, pa.float64()))
    kpis = pa.array([name] * rows.num_rows, pa.string())
    columns = [kpis, rows["group"], value, numerator, denominator]
    return pa.Table.from_arrays(columns, schema=RESULT)

"""The KPI catalogue: program, stage and operational KPIs, each a formula over a source."""

from __future__ import annotations

from typing import Any

import ibis

# The sources must be registered before the KPIs that read them.
from carecycle.measure.kpis import sources  # noqa: F401
from carecycle.measure.kpis.core import (
    CLICKED,
    FREE_SUPPORT_QUESTION,
    NOT_DELIVERED,
    NPS_QUESTIONS,
    SA_ACTIVATION_QUESTION,
    SATISFACTION_QUESTIONS,
    Formula,
    Scope,
    kpi,
    quarter_ends,
)

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
    """Of the touches serving this KPI (their `kpi` column) sent in the period (its first
    `sent` event on one of its days), the share completed: the profile was captured."""
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
    """Email touches (channel `edm`) sent in the period: their first `sent` event (the
    mail server accepted the message) on one of its days."""
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
    """Letters (channel `dm`) sent in the period: their first `sent` event (written
    into a mail-house batch) on one of its days."""
    return rows.count(where=_sent(rows, "dm")), None


@kpi(label="DM delivered", level="operational", unit="count", source="touch_activity")
def dm_delivered(scope: Scope, rows: Any) -> Formula:
    """Letters sent in the period that have not come back returned or failed (status
    `bounced` or `failed`), whenever that was reported."""
    return rows.count(where=_delivered(rows, "dm")), None


@kpi(label="Calls made", level="operational", unit="count", source="touch_activity")
def calls_made(scope: Scope, rows: Any) -> Formula:
    """Call touches (channel `tsr_call`) first attempted in the period (an outcome
    reached, not_reached, wrong_number, call_back, opportunity, complaint, profiling,
    responded, completed or unsubscribed), or first reached in it: a touch counts in the
    period of its first attempt and in that of its first reach, however often dialled."""
    return rows.count(where=rows.attempted & (rows.channel == "tsr_call")), None


@kpi(label="Successful calls", level="operational", unit="count", source="touch_activity")
def calls_successful(scope: Scope, rows: Any) -> Formula:
    """Call touches whose contact was first reached in the period: an outcome
    reached, opportunity, complaint, profiling, responded or completed on one of its days."""
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

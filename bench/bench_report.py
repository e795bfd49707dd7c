"""Report speed: the SMB Customer Care report over two years of a base of N accounts.

Builds (once, cached in bench/.cache/) a DuckDB store whose history is written directly
by SQL rather than by running the planner for years: accounts, their holdout arms
(10 % holdout), agreements and renewals, three years of orders and order lines, about
five touches per account over the program's stages (held out for the holdout arm), the
touches' events (and the milestones they stamp on the touches), and the answers, cases,
opportunities, referrals, visits and usage the KPIs read. Every value is drawn from a
hash of its row number, so the world is the same on every machine and every thread count.

Then times `build_report` for the two-year period, end to end (median of 3 runs after a
warm-up), and each of its parts (the intervals between its progress notes). The
baseline runs in the same process, alternating with the report so that a machine whose
speed drifts slows both alike; it is a straightforward pandas computation of the
program-level revenue comparison alone: load the arms, orders and order lines, sum each
account's revenue in and before the period, and compare the arms with Welch's t-test.

    python bench/bench_report.py [--accounts 1000000] [--store PATH] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from scipy import stats

from carecycle.measure.report import ProgramReport
from carecycle.programs.loader import ProgramFile, builtin_programs
from carecycle.services.events import stamp_touches
from carecycle.services.report import ReportOptions, build_report
from carecycle.store import migrate, schema
from carecycle.store.db import Store, open_store
from carecycle.store.schema import MILESTONES

PROGRAM = "smb-customer-care"
START, END = dt.date(2024, 6, 1), dt.date(2026, 5, 31)
CACHE = Path(__file__).parent / ".cache"
COSTS = {"edm": 0.1, "dm": 2.0, "tsr_call": 5.0, "pam": 20.0, "partner": 10.0}

# A test touch's status by share: what the planner decided, or what the channel reported.
STATUSES = (
    (0.02, "planned"), (0.05, "deferred"), (0.08, "suppressed"), (0.10, "expired"),
    (0.30, "sent"), (0.55, "delivered"), (0.67, "opened"), (0.73, "clicked"),
    (0.81, "reached"), (0.86, "not_reached"), (0.91, "responded"), (0.95, "completed"),
    (0.98, "bounced"),
)  # fmt: skip
STATUS = " ".join(f"WHEN r < {upto} THEN '{status}'" for upto, status in STATUSES)
# Everything below rnd() is a hash of the row's key: the same world on every machine.
WORLD = (
    "CREATE TEMP MACRO rnd(k, salt) AS (hash(k, salt) % 1000003) / 1000003.0",
    "CREATE TEMP MACRO acc(i) AS printf('A%07d', i)",
    "CREATE TEMP TABLE plan_touches AS SELECT * FROM (VALUES {touches}) "
    "t(idx, touch_id, stage_id, anchor, months, days, channel, kpi)",
    """INSERT INTO partners (partner_id, name, tier, region)
    SELECT printf('P%03d', i), 'Partner ' || i, ['gold', 'silver', 'registered'][1 + i % 3],
           'R' || (i % 7) FROM range(300) t(i)""",
    """INSERT INTO products (product_id, name, family, kind, list_price, currency)
    SELECT printf('PR%02d', i), 'Product ' || i, 'F' || (i % 9),
           CASE WHEN i % 3 = 0 THEN 'annuity' ELSE 'perpetual' END, 50 + 40 * i, 'CNY'
    FROM range(46) t(i)""",
    """INSERT INTO accounts (account_id, name, size, region, segment, partner_id, created_on,
                             merged_into, country, language)
    SELECT acc(i), 'Account ' || i, ['micro', 'small', 'medium', 'large'][1 + (hash(i) % 4)::INT],
           'R' || (hash(i, 'r') % 7), ['smb', 'corporate', 'public'][1 + (hash(i, 's') % 3)::INT],
           printf('P%03d', hash(i, 'p') % 300), DATE '2020-01-01' + (hash(i, 'c') % 900)::INT,
           CASE WHEN rnd(i, 'merged') < 0.005 THEN acc(1 + (i + 7) % {n}) END, 'CN', 'zh'
    FROM range(1, {n} + 1) t(i)""",
    """INSERT INTO holdout_assignments
    SELECT '{program}', acc(i), CASE WHEN rnd(i, 'arm') < 0.1 THEN 'holdout' ELSE 'test' END,
           DATE '2024-03-01' + (730 * rnd(i, 'joined'))::INT, 0.1, '{program}'
    FROM range(1, {n} + 1) t(i)""",
    """INSERT INTO agreements (agreement_id, account_id, program, sa, start_on, end_on, value,
                               currency, partner_id, cancelled_on)
    SELECT printf('G%07d', i), acc(i), kind, rnd(i, 'sa') < 0.5, start_on,
           start_on + CASE kind WHEN 'open_license' THEN 729 ELSE 1094 END,
           (500 + 5000 * rnd(i, 'value'))::DECIMAL(18, 2), 'CNY',
           printf('P%03d', hash(i, 'p') % 300),
           CASE WHEN rnd(i, 'cancel') < 0.02 THEN start_on + 100 END
    FROM (SELECT i, DATE '2022-09-01' + (1280 * rnd(i, 'start'))::INT AS start_on,
                 ['open_license', 'open_value', 'select', 'ea', 'olv'][1 + (hash(i, 'k') % 5)::INT]
                     AS kind
          FROM range(1, {n} + 1) t(i))""",
    """INSERT INTO agreements (agreement_id, account_id, program, sa, start_on, end_on, value,
                               currency, renewed_from, partner_id)
    SELECT 'R' || substr(agreement_id, 2), account_id, program, sa,
           end_on + 1 - (20 * rnd(agreement_id, 'early'))::INT,
           end_on + 1095, value, currency, agreement_id, partner_id
    FROM agreements JOIN holdout_assignments USING (account_id)
    WHERE end_on <= DATE '{end}' AND cancelled_on IS NULL
      AND rnd(agreement_id, 'renew') < CASE arm WHEN 'test' THEN 0.62 ELSE 0.55 END""",
    """INSERT INTO orders (order_id, account_id, ordered_on, partner_id, agreement_id,
                           currency, status)
    SELECT printf('O%07d-%d', i, j), acc(i),
           DATE '2023-06-01' + (1095 * rnd(i * 8 + j, 'day'))::INT,
           printf('P%03d', hash(i, 'p') % 300), printf('G%07d', i), 'CNY',
           CASE WHEN rnd(i * 8 + j, 'st') < 0.94 THEN 'booked'
                WHEN rnd(i * 8 + j, 'st') < 0.98 THEN 'cancelled' ELSE 'refunded' END
    FROM range(1, {n} + 1) a(i), range(7) k(j)
    WHERE j < floor(7 * rnd(i, 'orders'))""",
    """INSERT INTO order_lines
    SELECT order_id || '-' || l, order_id, printf('PR%02d', hash(order_id, l) % 46),
           quantity, price,
           (quantity * price * CASE WHEN arm = 'test' AND ordered_on >= assigned_on
                                    THEN 1.05 ELSE 1 END)::DECIMAL(18, 2)
    FROM (SELECT o.order_id, o.ordered_on, h.arm, h.assigned_on, l,
                 1 + hash(o.order_id, l, 'q') % 5 AS quantity,
                 (20 + 400 * rnd(o.order_id || l, 'price'))::DECIMAL(18, 2) AS price
          FROM orders o JOIN holdout_assignments h USING (account_id), range(5) r(l)
          WHERE l <= hash(o.order_id, 'lines') % 5)""",
    """CREATE TEMP TABLE drawn AS
    SELECT g.agreement_id, g.account_id, g.start_on, g.end_on, h.arm, p.*,
           CAST(CASE p.anchor WHEN 'start' THEN g.start_on ELSE g.end_on END
                + to_months(p.months) + to_days(p.days) AS DATE) AS due_on,
           CASE p.anchor WHEN 'start' THEN g.agreement_id
                ELSE g.agreement_id || '@' || g.end_on::VARCHAR END AS cycle
    FROM agreements g JOIN holdout_assignments h USING (account_id), range(6) k(j),
         plan_touches p
    WHERE g.renewed_from IS NULL AND p.idx = (hash(g.agreement_id, 't') + j) % {count}""",
    """INSERT INTO touches (touch_uid, program_id, touch_id, account_id, cycle, agreement_id,
                         program_revision, stage_id, contact_id, channel, content, priority,
                         kpi, due_on, planned_on, expires_on, status, reason, created_on,
                         updated_on)
    SELECT md5(touch_id || account_id || cycle), '{program}', touch_id, account_id, cycle,
           agreement_id, 1, stage_id, NULL, channel, 'content/' || touch_id, 50, kpi, due_on,
           planned_on, due_on + 14, status, NULL, due_on - 1, planned_on
    FROM (SELECT d.*, d.due_on + (4 * rnd(d.cycle || d.touch_id, 'late'))::INT AS planned_on,
                 CASE WHEN d.arm = 'holdout' THEN 'held_out' {status} ELSE 'failed' END
                     AS status
          FROM (SELECT *, rnd(cycle || touch_id, 'status') AS r FROM drawn) d
          WHERE d.due_on <= DATE '{end}')""",
    """INSERT INTO touch_events
    SELECT md5(touch_uid || 'sent'), touch_uid, 'sent',
           planned_on + INTERVAL 9 HOUR, NULL, 'sender'
    FROM touches WHERE status NOT IN ('planned', 'deferred', 'suppressed', 'expired',
                                      'held_out')""",
    """INSERT INTO touch_events
    SELECT md5(touch_uid || status), touch_uid, status,
           planned_on + INTERVAL 33 HOUR, NULL, 'api'
    FROM touches WHERE status NOT IN ('planned', 'deferred', 'suppressed', 'expired',
                                      'held_out', 'sent')""",
    """INSERT INTO survey_responses
    SELECT md5(touch_uid || 'answer'), 'survey/' || kpi, touch_uid, account_id, NULL,
           question, answer, planned_on + INTERVAL 40 HOUR
    FROM (SELECT t.*, CASE kpi WHEN 'customer_satisfaction' THEN 'overall_satisfaction'
                              WHEN 'free_support_registration_rate' THEN 'free_support_registered'
                              WHEN 'sa_activation_rate' THEN 'benefits_activated'
                              ELSE 'nps' END AS question,
                 CASE kpi WHEN 'customer_satisfaction' THEN (1 + hash(touch_uid) % 5)::VARCHAR
                          WHEN 'free_support_registration_rate'
                              THEN ['yes', 'no'][1 + (hash(touch_uid) % 2)::INT]
                          WHEN 'sa_activation_rate'
                              THEN ['all', 'some', 'none'][1 + (hash(touch_uid) % 3)::INT]
                          ELSE (hash(touch_uid) % 11)::VARCHAR END AS answer
          FROM touches t WHERE status IN ('responded', 'completed', 'reached'))""",
    """INSERT INTO support_cases (case_id, account_id, kind, severity, subject, opened_at,
                                  touch_uid)
    SELECT 'C' || i, acc(1 + hash(i, 'a') % {n}), 'issue', 'low', 'Issue',
           TIMESTAMP '2023-06-01 10:00' + to_days((1095 * rnd(i, 'd'))::INT), NULL
    FROM range({n} * 6 // 10) t(i)
    UNION ALL
    SELECT 'K' || touch_uid, account_id, 'complaint', 'medium', 'Complaint',
           planned_on + INTERVAL 34 HOUR, touch_uid
    FROM touches WHERE touch_id = 'usage_tips' AND status IN ('reached', 'responded')""",
    """INSERT INTO opportunities (opportunity_id, account_id, product_id, amount, currency,
                                  stage, source, created_on, closed_on, touch_uid)
    SELECT 'S' || touch_uid, account_id, 'PR01', 1000, 'CNY', stage, 'touch',
           planned_on + 2, CASE WHEN stage <> 'open' THEN planned_on + 40 END, touch_uid
    FROM (SELECT *, ['open', 'won', 'lost'][1 + (hash(touch_uid, 'stage') % 3)::INT] AS stage
          FROM touches WHERE kpi = 'sales_opportunities'
                         AND status IN ('reached', 'responded', 'completed', 'clicked'))
    UNION ALL
    SELECT 'X' || i, acc(1 + hash(i, 'a') % {n}), 'PR02', 800, 'CNY', 'open', 'sales',
           DATE '2023-06-01' + (1095 * rnd(i, 'd'))::INT, NULL, NULL
    FROM range({n} * 6 // 10) t(i)""",
    """INSERT INTO referrals (referral_id, referrer_account_id, referred_company, referred_on,
                              status)
    SELECT 'F' || i, acc(1 + hash(i, 'a') % {n}), 'Company ' || i,
           DATE '2023-06-01' + (1095 * rnd(i, 'd'))::INT,
           ['pending', 'qualified', 'purchased', 'rejected'][1 + (hash(i, 's') % 4)::INT]
    FROM range({n} // 40) t(i)""",
    """INSERT INTO web_visits
    SELECT acc(i), DATE '2023-06-01' + (hash(i, 'w') % 700 + 61 * j)::INT,
           1 + hash(i, j, 'v') % 20, 1 + hash(i, j, 'u') % 3
    FROM range(1, {n} + 1) a(i), range(6) k(j) WHERE rnd(i * 8 + j, 'visit') < 0.5""",
    """INSERT INTO usage_snapshots
    SELECT account_id, 'PR01', start_on + (15 + 30 * j)::INT, seats,
           (seats * rnd(agreement_id || j, 'active'))::INT, 3
    FROM (SELECT *, 5 + hash(agreement_id) % 50 AS seats FROM agreements
          WHERE renewed_from IS NULL), range(4) k(j)
    WHERE start_on + (15 + 30 * j)::INT <= DATE '{end}'""",
)


def build_world(path: Path, accounts: int) -> None:
    """Create the store at `path` and write its whole history by SQL."""
    store = open_store(f"duckdb:///{path}")
    migrate.upgrade(store)
    raw = store.engine.raw_connection().driver_connection
    assert raw is not None
    raw.execute("SET memory_limit = '6GB'")
    touches = program_touches(smb())
    values = {
        "n": accounts, "program": PROGRAM, "end": END, "status": STATUS,
        "touches": ", ".join(map(repr, touches)), "count": len(touches),
    }  # fmt: skip
    for statement in WORLD:
        started = time.perf_counter()
        raw.execute(statement.format(**values))
        first = " ".join(statement.split()[:3])
        print(f"  {first[:40]:40} {time.perf_counter() - started:6.1f} s", flush=True)
    started = time.perf_counter()
    with store.begin() as conn:
        # The touches' milestones, as the writers of events keep them.
        e = schema.touch_events
        stamp_touches(
            conn, sa.select(e.c.touch_uid, e.c.status, e.c.occurred_at.label("at")).subquery()
        )
    print(f"  {'touch milestones':40} {time.perf_counter() - started:6.1f} s", flush=True)
    raw.execute("CHECKPOINT")
    store.close()


def build(accounts: int, path: Path) -> float:
    """Build the world in a child process (its memory is not ours); return its seconds."""
    partial = path.with_suffix(".building")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--build-only", str(partial), "--accounts", str(accounts)],
        check=True,
    )
    partial.rename(path)
    return time.perf_counter() - started


def program_touches(found: ProgramFile) -> list[tuple[Any, ...]]:
    """Return the program's touches as (index, touch, stage, anchor, months and days from the
    anchor, first channel, KPI): what the world's touches are drawn from."""
    found_touches = [(stage, touch) for stage in found.program.stages for touch in stage.touches]
    return [
        (k, touch.id, stage.id, touch.trigger.at.anchor, touch.trigger.at.months,
         touch.trigger.at.days, touch.channels[0], touch.kpi or "")
        for k, (stage, touch) in enumerate(found_touches)
    ]  # fmt: skip


def smb() -> ProgramFile:
    """Return the built-in SMB Customer Care program."""
    return next(p for p in builtin_programs() if p.program.id == PROGRAM)


def timed_report(store: Store, found: ProgramFile) -> tuple[float, dict[str, float], Any]:
    """Return the report's seconds, the seconds of each of its parts, and the report."""
    marks: list[tuple[str, float]] = []

    def note(step: str) -> None:
        marks.append((step, time.perf_counter()))

    started = time.perf_counter()
    report = build_report(
        store, found, start=START, end=END, options=ReportOptions(costs=COSTS), say=note
    )
    finished = time.perf_counter()
    ends = [t for _, t in marks[1:]] + [finished]
    parts = {step: end - at for (step, at), end in zip(marks, ends, strict=True)}
    return finished - started, parts, report


def _frame(store: Store, sql: str) -> pd.DataFrame:
    raw = store.engine.raw_connection().driver_connection
    assert raw is not None
    frame: pd.DataFrame = raw.execute(sql).df()
    return frame


def baseline(store: Store) -> tuple[float, float, float]:
    """Return the program revenue lift's test mean, control mean and t, in pandas."""
    arms = _frame(
        store,
        f"SELECT account_id, arm, assigned_on FROM holdout_assignments "
        f"WHERE program_id = '{PROGRAM}' AND assigned_on <= DATE '{END}'",
    )
    orders = _frame(store, "SELECT order_id, account_id, ordered_on, status FROM orders")
    lines = _frame(store, "SELECT order_id, amount FROM order_lines")
    booked = orders[orders["status"] == "booked"].merge(lines, on="order_id")
    booked = booked.merge(arms, on="account_id")
    day = booked["ordered_on"]
    period = (day >= pd.Timestamp(START)) & (day <= pd.Timestamp(END))
    inside = booked[period & (day >= booked["assigned_on"])]
    revenue = inside.groupby("account_id")["amount"].sum().astype(float)
    units = arms.set_index("account_id").join(revenue.rename("revenue")).fillna({"revenue": 0})
    test = units.loc[units["arm"] == "test", "revenue"].to_numpy()
    control = units.loc[units["arm"] == "holdout", "revenue"].to_numpy()
    t = stats.ttest_ind(test, control, equal_var=False).statistic
    return float(test.mean()), float(control.mean()), float(t)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """Return the seconds `work` took and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def print_report(seconds: list[float], parts: list[dict[str, float]], report: Any) -> None:
    """Print the report's median time, its parts and what it found."""
    built: ProgramReport = report
    print(f"report, median of {len(seconds)}: {statistics.median(seconds):.2f} s "
          f"({', '.join(f'{s:.2f}' for s in seconds)})")  # fmt: skip
    for step in parts[0]:
        print(f"  {step:28} {statistics.median(p[step] for p in parts):6.2f} s")
    print(f"  arms: {built.arms.test:,} test, {built.arms.control:,} control; "
          f"{len(built.lifts)} lifts, {len(built.kpis)} KPI values")  # fmt: skip


def main() -> None:
    """Build or open the world, time the report and its baseline, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="a store built by an earlier run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_world(args.build_only, args.accounts)
        return
    # The cached world is named after what it is built from: a changed recipe builds anew.
    recipe = hashlib.sha256(repr((WORLD, program_touches(smb()), MILESTONES)).encode())
    recipe = recipe.hexdigest()[:8]
    path = args.store or CACHE / f"report-{args.accounts}-{recipe}.duckdb"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        print(f"building a world of {args.accounts:,} accounts in {path} …", flush=True)
        print(f"built in {build(args.accounts, path):.1f} s")
    store, found = open_store(f"duckdb:///{path}"), smb()
    # Warm both up, then alternate them: a machine whose speed drifts within the hour
    # slows both alike, and the ratio stays fair.
    timed_report(store, found)
    baseline(store)
    runs: list[tuple[float, dict[str, float], Any]] = []
    bases: list[tuple[float, Any]] = []
    for _ in range(args.runs):
        runs.append(timed_report(store, found))
        bases.append(timed(lambda: baseline(store)))
    print_report([r[0] for r in runs], [r[1] for r in runs], runs[-1][2])
    report_seconds = statistics.median(r[0] for r in runs)
    base = statistics.median(b[0] for b in bases)
    test, control, t = bases[-1][1]
    lift = next(x for x in runs[-1][2].lifts if x.level == "program" and x.measure == "revenue")
    print(f"baseline (pandas, program revenue lift alone), median of {args.runs}: {base:.2f} s "
          f"({', '.join(f'{b[0]:.2f}' for b in bases)}); "
          f"test {test:,.2f} vs control {control:,.2f}, t = {t:.2f} "
          f"(report: {lift.test.value:,.2f} vs {lift.control.value:,.2f})")  # fmt: skip
    pairs = ", ".join(f"{r[0] / b[0]:.2f}" for r, b in zip(runs, bases, strict=True))
    print(
        f"ratio: the whole report takes {report_seconds / base:.2f}× the baseline's time "
        f"(run by run, alternating: {pairs})"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory of this process: {peak:.2f} GB")
    store.close()


if __name__ == "__main__":
    main()

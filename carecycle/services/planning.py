"""Use cases: plan a day of a program, and register program revisions.

Each program's day is one transaction: register the revision, cancel touches whose
anchor changed, expire deferred ones past their grace, log new holdout assignments and
write the day's decisions with their events. The natural key is unique in the store and
writes skip keys already there, so re-running a day, or a run that crashed, plans
nothing twice. On PostgreSQL an advisory lock keeps two planners of one program apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from carecycle.engine.explain import Explanation, account_frame, explain_cycles
from carecycle.engine.holdout import assign_arms
from carecycle.engine.obsolete import obsolete_touches
from carecycle.engine.plan import arbitrate, candidates, unassigned_accounts
from carecycle.errors import InputError
from carecycle.programs.loader import ProgramFile
from carecycle.services.events import record_events
from carecycle.store import schema
from carecycle.store.db import Store

ARM_SCHEMA = pa.schema(
    [("program_id", pa.string()), ("account_id", pa.string()), ("arm", pa.string())]
)


@dataclass(frozen=True)
class PlanResult:
    """What planning one program for one day decided."""

    program_id: str
    revision: int
    as_of: date
    dry_run: bool
    statuses: dict[str, int]
    by_channel: dict[str, int]
    by_stage: dict[str, int]
    assigned: dict[str, int]
    cancelled: int
    expired: int
    decisions: pa.Table = field(repr=False)

    @property
    def planned(self) -> int:
        """Return how many touches go out today."""
        return self.statuses.get("planned", 0)


def plan_programs(
    store: Store, programs: list[ProgramFile], as_of: date, *, dry_run: bool = False
) -> list[PlanResult]:
    """Plan each program for `as_of`, one transaction per program."""
    return [plan_program(store, found, as_of, dry_run=dry_run) for found in programs]


def plan_program(
    store: Store, found: ProgramFile, as_of: date, *, dry_run: bool = False
) -> PlanResult:
    """Plan one program for `as_of`; with dry_run, decide and report but write nothing."""
    program = found.program
    with store.begin() as conn:
        _lock(store, conn, program.id)
        tables = store.tables()
        revision = register_revision(conn, found, as_of, write=not dry_run)
        arms, table = decide_day(tables, found, as_of)
        obsolete = obsolete_touches(tables, program, as_of, revision).to_pyarrow()
        expired = _expired_count(tables, program.id, as_of)
        if not dry_run:
            _write(store, conn, found, as_of, revision, (arms, table, obsolete))
    return _result(found, revision, as_of, dry_run, (arms, table, obsolete), expired)


def _lock(store: Store, conn: sa.Connection, program_id: str) -> None:
    if not store.is_duckdb:
        key = sa.func.hashtext(f"carecycle.plan:{program_id}")
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def register_revision(conn: sa.Connection, found: ProgramFile, as_of: date, *, write: bool) -> int:
    """Return the store's revision number of this program text, recording it when new."""
    revisions = schema.program_revisions
    rows = conn.execute(
        sa.select(revisions.c.revision, revisions.c.sha256)
        .where(revisions.c.program_id == found.program.id)
        .order_by(revisions.c.revision.desc())
    ).all()
    if rows and rows[0].sha256 == found.sha256:
        return int(rows[0].revision)
    revision = int(rows[0].revision) + 1 if rows else 1
    if write:
        conn.execute(
            revisions.insert().values(
                program_id=found.program.id,
                revision=revision,
                version=found.program.version,
                sha256=found.sha256,
                definition=found.text,
                registered_on=as_of,
            )
        )
    return revision


def new_assignments(rows: Any, assignments: Any, found: ProgramFile) -> pa.Table:
    """Return holdout arms for the candidates' accounts that have none yet."""
    program = found.program
    ids = unassigned_accounts(rows, assignments, program).to_pyarrow()["account_id"]
    arms = assign_arms(ids, salt=program.holdout.salt, share=program.holdout.share)
    program_ids = pa.array([program.id] * len(ids), type=pa.string())
    return pa.Table.from_arrays([program_ids, ids.cast(pa.string()), arms], schema=ARM_SCHEMA)


def decide_day(
    tables: dict[str, Any], found: ProgramFile, as_of: date
) -> tuple[pa.Table, pa.Table]:
    """Return the day's new holdout arms and decisions; `tables` gains the new arms."""
    program = found.program
    rows = candidates(tables, program, as_of, settle=materialise)
    arms = new_assignments(rows, tables["holdout_assignments"], found)
    tables["holdout_assignments"] = with_assignments(tables["holdout_assignments"], arms)
    decisions = arbitrate(
        rows, tables, program, as_of, assignments=tables["holdout_assignments"], settle=materialise
    )
    return arms, decisions.to_pyarrow()


def materialise(expr: Any) -> Any:
    """Return the expression's result as an in-memory table (for small intermediate sets)."""
    return ibis.memtable(expr.to_pyarrow())


def with_assignments(assignments: Any, arms: pa.Table) -> Any:
    """Return the assignments table with not-yet-written arms added."""
    logged = assignments.select("program_id", "account_id", "arm")
    if arms.num_rows == 0:
        return logged
    return logged.union(ibis.memtable(arms).cast(logged.schema()))


def _expired_count(tables: dict[str, Any], program_id: str, as_of: date) -> int:
    touches = tables["touches"]
    stale = touches.filter(
        touches.program_id == program_id,
        touches.status == "deferred",
        touches.expires_on < as_of,
    )
    return int(stale.count().execute())


def _write(
    store: Store,
    conn: sa.Connection,
    found: ProgramFile,
    as_of: date,
    revision: int,
    tables: tuple[pa.Table, pa.Table, pa.Table],
) -> None:
    arms, decisions, obsolete = tables
    moment = datetime.combine(as_of, time())
    if arms.num_rows:
        _log_assignments(store, conn, found, as_of, arms)
    if obsolete.num_rows:
        _cancel(store, conn, obsolete, as_of, moment)
    _expire(conn, found.program.id, as_of, moment)
    if decisions.num_rows:
        _write_decisions(store, conn, decisions, as_of, revision, moment)


def _log_assignments(
    store: Store, conn: sa.Connection, found: ProgramFile, as_of: date, arms: pa.Table
) -> None:
    staged = store.stage(conn, "stage_arms", arms)
    holdout = found.program.holdout
    conn.execute(
        schema.holdout_assignments.insert().from_select(
            ["program_id", "account_id", "arm", "assigned_on", "share", "salt"],
            sa.select(
                staged.c.program_id,
                staged.c.account_id,
                staged.c.arm,
                sa.literal(as_of, sa.Date),
                sa.literal(holdout.share, sa.Float),
                sa.literal(holdout.salt, sa.String),
            ),
        )
    )
    store.unstage(conn, staged)


def _cancel(
    store: Store, conn: sa.Connection, obsolete: pa.Table, as_of: date, moment: datetime
) -> None:
    touches = schema.touches
    staged = store.stage(conn, "stage_obsolete", obsolete)
    record_events(
        conn,
        sa.select(staged.c.touch_uid, sa.literal("cancelled"), staged.c.reason),
        moment,
        source="planner",
    )
    conn.execute(
        touches.update()
        .where(touches.c.touch_uid == staged.c.touch_uid)
        .values(status="cancelled", reason=staged.c.reason, updated_on=as_of)
    )
    store.unstage(conn, staged)


def _expire(conn: sa.Connection, program_id: str, as_of: date, moment: datetime) -> None:
    touches = schema.touches
    stale = sa.and_(
        touches.c.program_id == program_id,
        touches.c.status == "deferred",
        touches.c.expires_on < as_of,
    )
    reason = "still deferred when its grace ended"
    record_events(
        conn,
        sa.select(touches.c.touch_uid, sa.literal("expired"), sa.literal(reason)).where(stale),
        moment,
        source="planner",
    )
    conn.execute(
        touches.update().where(stale).values(status="expired", reason=reason, updated_on=as_of)
    )


def touch_uid(table: Any) -> Any:
    """Return the SQL digest of a touch's natural key over a table with its key columns."""
    c = table.c
    return sa.func.md5(c.program_id + "|" + c.touch_id + "|" + c.account_id + "|" + c.cycle)


def _write_decisions(
    store: Store,
    conn: sa.Connection,
    decisions: pa.Table,
    as_of: date,
    revision: int,
    moment: datetime,
) -> None:
    touches = schema.touches
    staged = store.stage(conn, "stage_decisions", decisions.drop_columns(["arm"]))
    c = staged.c
    columns = [
        "program_id", "touch_id", "account_id", "cycle", "agreement_id", "stage_id",
        "contact_id", "channel", "content", "priority", "kpi", "due_on", "planned_on",
        "expires_on", "status", "reason",
    ]  # fmt: skip
    insert = pg_insert(touches).from_select(
        ["touch_uid", *columns, "program_revision", "created_on", "updated_on"],
        sa.select(
            touch_uid(staged),
            *(c[name] for name in columns),
            sa.literal(revision, sa.Integer),
            sa.literal(as_of, sa.Date),
            sa.literal(as_of, sa.Date),
        ).where(c.touch_uid.is_(None)),
    )
    # The planner has already left out keys in the store; the unique key still guards
    # against a second planner on PostgreSQL, where rows it wrote first are skipped.
    conn.execute(insert if store.is_duckdb else insert.on_conflict_do_nothing())
    # A touch deferred again keeps its row as it is: it is retried until it goes out or
    # its grace ends, and only a change of status is written and logged.
    settled = sa.and_(c.touch_uid.is_not(None), c.status != "deferred")
    changed = ("contact_id", "channel", "planned_on", "status", "reason")
    conn.execute(
        touches.update()
        .where(touches.c.touch_uid == c.touch_uid, touches.c.status == "deferred", settled)
        .values(**{name: c[name] for name in changed}, program_revision=revision, updated_on=as_of)
    )
    uid = sa.func.coalesce(c.touch_uid, touch_uid(staged))
    news = sa.or_(c.touch_uid.is_(None), settled)
    record_events(conn, sa.select(uid, c.status, c.reason).where(news), moment, source="planner")
    store.unstage(conn, staged)


def _counts(values: pa.ChunkedArray) -> dict[str, int]:
    """Return how often each value occurs."""
    counted = pc.value_counts(values)
    return dict(
        zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
    )


def _result(
    found: ProgramFile,
    revision: int,
    as_of: date,
    dry_run: bool,
    tables: tuple[pa.Table, pa.Table, pa.Table],
    expired: int,
) -> PlanResult:
    arms, decisions, obsolete = tables
    planned = decisions.filter(pc.equal(decisions["status"], "planned"))
    return PlanResult(
        program_id=found.program.id,
        revision=revision,
        as_of=as_of,
        dry_run=dry_run,
        statuses=_counts(decisions["status"]),
        by_channel=_counts(planned["channel"]),
        by_stage=_counts(planned["stage_id"]),
        assigned=_counts(arms["arm"]),
        cancelled=obsolete.num_rows,
        expired=expired,
        decisions=decisions,
    )


def explain_account(store: Store, found: ProgramFile, account_id: str, as_of: date) -> Explanation:
    """Return the program's stage and touch verdicts for one account on one day."""
    tables = store.tables()
    accounts = tables["accounts"]
    row = accounts.filter(accounts.account_id == account_id).select("merged_into").to_pyarrow()
    if row.num_rows == 0:
        raise InputError(f"no account '{account_id}' in the store")
    survivor = row["merged_into"][0].as_py() or account_id
    program = found.program
    arms = tables["holdout_assignments"]
    logged = arms.filter(arms.program_id == program.id, arms.account_id == survivor)
    arm_rows = logged.select("arm").to_pyarrow()["arm"].to_pylist()
    arm = arm_rows[0] if arm_rows else None
    rows = account_frame(tables, program, survivor, as_of).to_pyarrow().to_pylist()
    touches = tables["touches"]
    stored = touches.filter(
        touches.program_id == program.id,
        touches.account_id == survivor,
        touches.created_on <= as_of,
    )
    known = {(t["touch_id"], t["cycle"]): t for t in stored.to_pyarrow().to_pylist()}
    cycles = explain_cycles(program, rows, known, as_of=as_of, arm=arm)
    return Explanation(survivor, program.id, as_of, arm, cycles)


SIMULATED = (
    "program_id", "touch_id", "account_id", "cycle", "agreement_id", "stage_id",
    "contact_id", "channel", "status", "planned_on", "expires_on", "due_on", "touch_uid",
)  # fmt: skip


@dataclass(frozen=True)
class SimulatedDay:
    """The touches a program would decide on one day, per stage, channel and status."""

    day: date
    stage_id: str
    channel: str
    status: str
    touches: int


def simulate_program(
    store: Store,
    found: ProgramFile,
    start: date,
    end: date,
    *,
    on_day: Callable[[date], None] | None = None,
) -> list[SimulatedDay]:
    """Return the daily volumes the program would produce from start to end; writes nothing.

    Each simulated day sees the touches the days before it would have planned, so caps,
    capacity and exactly-once behave as they would in operation.
    """
    if end < start:
        raise InputError(f"--to {end} is before --from {start}")
    tables = store.tables()
    stored = tables["touches"].select(*SIMULATED)
    logged = tables["holdout_assignments"]
    empty = stored.limit(0).to_pyarrow()
    simulated = empty.cast(pa.schema([f.with_nullable(True) for f in empty.schema]))
    arms = pa.Table.from_pylist([], schema=ARM_SCHEMA)
    days: list[SimulatedDay] = []
    day = start
    while day <= end:
        if on_day is not None:
            on_day(day)
        tables["touches"] = _overlay(stored, simulated)
        tables["holdout_assignments"] = with_assignments(logged, arms)
        fresh, decisions = decide_day(tables, found, day)
        arms = pa.concat_tables([arms, fresh])
        simulated = _fold(simulated, decisions.select(list(SIMULATED)))
        days.extend(_volumes(day, decisions))
        day += timedelta(days=1)
    return days


def _key(table: pa.Table) -> pa.Array:
    parts = [table[name] for name in ("program_id", "touch_id", "account_id", "cycle")]
    return pc.binary_join_element_wise(*parts, "|")


def _overlay(stored: Any, simulated: pa.Table) -> Any:
    if simulated.num_rows == 0:
        return stored
    loose = ibis.schema({n: t.copy(nullable=True) for n, t in stored.schema().items()})
    mine = ibis.memtable(simulated).cast(loose)
    keys = ["program_id", "touch_id", "account_id", "cycle"]
    return stored.cast(loose).anti_join(mine.select(*keys), keys).union(mine)


def _fold(simulated: pa.Table, decisions: pa.Table) -> pa.Table:
    decided = decisions.cast(simulated.schema)
    kept = simulated.filter(pc.invert(pc.is_in(_key(simulated), value_set=_key(decided))))
    return pa.concat_tables([kept, decided])


def _volumes(day: date, decisions: pa.Table) -> list[SimulatedDay]:
    if decisions.num_rows == 0:
        return []
    grouped = decisions.group_by(["stage_id", "channel", "status"]).aggregate(
        [("touch_id", "count")]
    )
    return [
        SimulatedDay(day, row["stage_id"], row["channel"], row["status"], row["touch_id_count"])
        for row in grouped.sort_by(
            [("stage_id", "ascending"), ("channel", "ascending"), ("status", "ascending")]
        ).to_pylist()
    ]

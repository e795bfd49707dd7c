"""The program report over a store the synthetic business ran in, on both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.measure.report import ProgramReport
from carecycle.services.forward import ForwardResult, run_forward
from carecycle.services.imports import files_in, import_files
from carecycle.services.report import ReportOptions, build_report
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.synth.behaviour import Behaviour, Effect
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from tests.services.planning_world import smb

START = date(2025, 3, 3)
COSTS = {"edm": 0.1, "dm": 2.0, "tsr_call": 5.0, "pam": 20.0, "partner": 10.0}


def _run(
    store: Store, folder: Path, *, accounts: int, days: int, behaviour: Behaviour
) -> ForwardResult:
    write_world(generate_world(accounts=accounts, seed=5, as_of=START - timedelta(1)), folder)
    import_files(store, files_in(folder), default_region="CN", now=datetime(2025, 3, 2))
    return run_forward(
        store, [smb()], start=START, days=days, behaviour=behaviour, seed=2, plan_every=7
    )


@pytest.fixture(scope="module")
def reported(
    module_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, ProgramReport]:
    behaviour = Behaviour((Effect("renew", renewal=0.2),))
    _run(module_store, tmp_path_factory.mktemp("w"), accounts=400, days=28, behaviour=behaviour)
    built = build_report(
        module_store, smb(), start=START, end=START + timedelta(27),
        options=ReportOptions(costs=COSTS),
    )  # fmt: skip
    return module_store, built


def test_the_report_has_every_level_of_lift(reported: tuple[Store, ProgramReport]) -> None:
    _, built = reported
    levels = {lift.level for lift in built.lifts}
    assert levels == {"program", "stage", "touch"}
    program = {lift.measure for lift in built.lifts if lift.level == "program"}
    assert program == {
        "revenue", "purchase_frequency", "transaction_size", "cross_purchase", "renewal_rate"
    }  # fmt: skip
    assert [f.stage_id for f in built.funnel] == ["welcome", "deploy", "use", "renew"]
    assert built.verdicts()


def test_the_arms_are_the_programs_assignments(reported: tuple[Store, ProgramReport]) -> None:
    store, built = reported
    h = schema.holdout_assignments
    with store.begin() as conn:
        arms = dict(conn.execute(sa.select(h.c.arm, sa.func.count()).group_by(h.c.arm)).all())
    assert (built.arms.test, built.arms.control) == (arms["test"], arms["holdout"])
    assert built.arms.expected_test_share == pytest.approx(0.9)


def test_channel_cost_is_sent_touches_times_the_configured_cost(
    reported: tuple[Store, ProgramReport],
) -> None:
    store, built = reported
    e = schema.touch_events
    with store.begin() as conn:
        sent = dict(
            conn.execute(
                sa.select(schema.touches.c.channel, sa.func.count())
                .select_from(schema.touches.join(e, e.c.touch_uid == schema.touches.c.touch_uid))
                .where(e.c.status == "sent")
                .group_by(schema.touches.c.channel)
            ).all()
        )
    assert {c.channel: c.sent for c in built.channels} == sent
    for activity in built.channels:
        assert activity.cost == pytest.approx(activity.sent * COSTS[activity.channel])
    assert built.returns is not None
    assert built.returns.cost == pytest.approx(sum(c.cost for c in built.channels))


def test_program_kpis_are_in_the_report(reported: tuple[Store, ProgramReport]) -> None:
    _, built = reported
    levels = {k.level for k in built.kpis}
    assert levels == {"program", "stage", "operational"}


def test_a_period_that_ends_before_it_starts_is_refused(
    reported: tuple[Store, ProgramReport],
) -> None:
    store, _ = reported
    with pytest.raises(InputError, match="before"):
        build_report(store, smb(), start=START, end=START - timedelta(1), options=ReportOptions())

"""The report recovers the effect the synthetic world planted, over the store, on both backends.

A world of 600 accounts with half of them held out runs eighteen weeks; touches that reach
a customer raise the chance its agreement renews and its purchases. Every lift the
report can set beside a planted truth must hold that truth in its 95% interval.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from carecycle.services.forward import run_forward
from carecycle.services.imports import files_in, import_files
from carecycle.services.planted import Recovered, recovered_effects
from carecycle.services.report import ReportOptions, build_report
from carecycle.store.db import Store
from carecycle.synth.behaviour import Behaviour, Effect
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from tests.services.planning_world import smb, with_holdout

START = date(2025, 3, 3)  # a Monday
DAYS = 126
BEHAVIOUR = Behaviour((Effect("renew", renewal=0.3), Effect("use", purchase=1.5)))


@pytest.fixture(scope="module")
def recovered(module_store: Store, tmp_path_factory: pytest.TempPathFactory) -> list[Recovered]:
    folder: Path = tmp_path_factory.mktemp("world")
    write_world(generate_world(accounts=600, seed=11, as_of=START - timedelta(1)), folder)
    import_files(module_store, files_in(folder), default_region="CN", now=datetime(2025, 3, 2))
    program = with_holdout(smb(), 0.5)
    ran = run_forward(
        module_store, [program], start=START, days=DAYS, behaviour=BEHAVIOUR, seed=4, plan_every=7
    )
    end = START + timedelta(DAYS - 1)
    built = build_report(module_store, program, start=START, end=end, options=ReportOptions())
    return recovered_effects(module_store, built, ran.truth)


def _one(found: list[Recovered], level: str, measure: str, name: str | None = None) -> Recovered:
    return next(
        r
        for r in found
        if (r.lift.level, r.lift.measure) == (level, measure) and name in (None, r.lift.scope)
    )


def test_the_program_lifts_hold_the_planted_effect(recovered: list[Recovered]) -> None:
    for measure in ("renewal_rate", "purchase_frequency", "revenue"):
        found = _one(recovered, "program", measure)
        assert found.truth > 0, measure
        assert found.covered, (measure, found.truth, found.lift.difference)


def test_the_renew_stage_lift_holds_the_planted_renewal_effect(
    recovered: list[Recovered],
) -> None:
    found = _one(recovered, "stage", "renewal_rate", "renew")
    assert found.truth > 0.1
    assert found.covered, (found.truth, found.lift.difference)


def test_no_lift_beside_a_truth_misses_it(recovered: list[Recovered]) -> None:
    missed = [(r.lift.level, r.lift.scope, r.lift.measure) for r in recovered if r.covered is False]
    assert not missed

"""Use case: set a report's lifts beside the effect the synthetic world planted.

The truth is an expectation: for each unit, what the touches added to its chance of
renewing or to its expected orders and revenue. Its difference between the arms is what
an unbiased comparison estimates, so a report's 95% interval should hold it 95% of the
time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.measure.lifts import assigned_by, cycle_renewals, program_renewals
from carecycle.measure.report import Lift, ProgramReport
from carecycle.store.db import Store
from carecycle.synth.behaviour import Truth


@dataclass(frozen=True)
class Recovered:
    """A reported lift and the true effect it estimates."""

    lift: Lift
    truth: float

    @property
    def label(self) -> str:
        """Return what the lift measures, e.g. 'program: renewal rate', 'Renew stage: …'."""
        lift = self.lift
        scope = "program" if lift.level == "program" else f"{lift.name} {lift.level}"
        return f"{scope}: {lift.measure.replace('_', ' ')}"

    @property
    def covered(self) -> bool | None:
        """Return whether the lift's interval holds the true effect (None: no interval)."""
        low, high = self.lift.difference.low, self.lift.difference.high
        if low is None or high is None:
            return None
        return low <= self.truth <= high


def recovered_effects(store: Store, report: ProgramReport, truth: Truth) -> list[Recovered]:
    """Return the report's program lifts and stage renewal lifts with their true effects."""
    tables, program_id = store.tables(), report.program_id
    window = {"start": report.start, "end": report.end}
    # The report's units, without the outcomes it already compared: only who is in which arm.
    units = assigned_by(tables, program_id, report.end).select("account_id", "arm").to_pyarrow()
    renewals = program_renewals(tables, program_id, **window).to_pyarrow()
    stages = cycle_renewals(tables, program_id, level="stage", **window).to_pyarrow()
    found = []
    for lift in report.lifts:
        value = _truth(lift, truth, units, renewals, stages)
        if value is not None:
            found.append(Recovered(lift, value))
    return found


def _truth(
    lift: Lift, truth: Truth, units: pa.Table, renewals: pa.Table, stages: pa.Table
) -> float | None:
    chance = {a: c - b for a, (_, b, c) in truth.renewals.items()}
    if lift.level == "program" and lift.measure == "revenue":
        return _difference(units, "account_id", truth.extra_revenue)
    if lift.level == "program" and lift.measure == "purchase_frequency":
        return _difference(units, "account_id", truth.extra_orders)
    if lift.level == "program" and lift.measure == "renewal_rate":
        return _difference(_decided(renewals), "agreement_id", chance)
    if lift.level == "stage" and lift.measure == "renewal_rate":
        mine = _decided(stages.filter(pc.equal(stages["scope"], lift.scope)))
        return _difference(mine, "agreement_id", chance)
    return None


def _decided(table: pa.Table) -> pa.Table:
    return table.filter(table["renewed"].is_valid())


def _difference(table: pa.Table, key: str, extra: dict[str, float]) -> float | None:
    """Return the mean extra in the test arm less the mean extra in control."""
    keys = table[key].to_pylist()
    values = np.array([extra.get(k, 0.0) for k in keys], dtype=float)
    test = np.asarray(pc.equal(table["arm"], "test").to_numpy(zero_copy_only=False), dtype=bool)
    if not test.any() or test.all():
        return None
    return float(values[test].mean() - values[~test].mean())

"""Recovery: does the report's interval hold the effect a running world planted?

`bench_calibration` checks the interval formulas on drawn numbers; this checks the whole
chain — planner, holdout, simulated channels and customers, the store, the lift queries
and the intervals — on worlds that run. Each world is a small synthetic business (a new
seed each time) run forward with half its accounts held out and a planted effect on
renewals and purchases; its report's program lifts and its Renew-stage renewal lift are
set beside the truth the world added up. It prints, per lift, the share of worlds whose
95% interval holds the truth (95% expected; its binomial standard error beside it) and
the mean standardised error (0 when unbiased).

The baseline, computed on the same worlds, is the comparison a program without a control
group can make: the test accounts' purchases in the period against their own before it.

    python bench/bench_recovery.py [--worlds 200] [--accounts 300] [--days 28]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from carecycle.measure.lifts import program_units
from carecycle.programs.loader import ProgramFile, builtin_programs, parse_program
from carecycle.services.forward import run_forward
from carecycle.services.imports import files_in, import_files
from carecycle.services.planted import Recovered, recovered_effects
from carecycle.services.report import ReportOptions, build_report
from carecycle.store import migrate
from carecycle.store.db import Store, open_store
from carecycle.synth.behaviour import Behaviour, Effect
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world

START = date(2025, 3, 3)  # a Monday: weekly planning never lands on a quiet day
BEHAVIOUR = Behaviour((Effect("renew", renewal=0.2), Effect("use", purchase=1.0)))
Z95 = 1.959963984540054


def half_held_out() -> ProgramFile:
    """Return SMB Customer Care with half its accounts held out: two arms of one size."""
    found = next(p for p in builtin_programs() if p.program.id == "smb-customer-care")
    return parse_program(found.text.replace("share: 0.10", "share: 0.5"), found.source)


def run_world(seed: int, accounts: int, days: int, folder: Path) -> tuple[Store, list[Recovered]]:
    """Build, import and run one world; return its store and its recovered lifts."""
    write_world(generate_world(accounts=accounts, seed=seed, as_of=START - timedelta(1)), folder)
    store = open_store(f"duckdb:///{folder / 'store.duckdb'}")
    migrate.upgrade(store)
    import_files(store, files_in(folder), default_region="CN", now=datetime(2025, 3, 2))
    program = half_held_out()
    ran = run_forward(
        store, [program], start=START, days=days, behaviour=BEHAVIOUR, seed=seed, plan_every=7
    )
    end = START + timedelta(days - 1)
    built = build_report(store, program, start=START, end=end, options=ReportOptions())
    return store, recovered_effects(store, built, ran.truth)


def before_after(store: Store, days: int, truth: float) -> tuple[bool, float]:
    """Return whether the test arm's own before/after interval holds the truth, and its z."""
    end = START + timedelta(days - 1)
    units = program_units(store.tables(), "smb-customer-care", start=START, end=end).to_pyarrow()
    test = units.filter(pc.equal(units["arm"], "test"))
    change = test["orders"].to_numpy().astype(float) - test["orders_pre"].to_numpy().astype(float)
    estimate, se = float(change.mean()), float(change.std(ddof=1) / math.sqrt(change.size))
    return abs(estimate - truth) <= Z95 * se, (estimate - truth) / se if se else 0.0


def _z(found: Recovered) -> float | None:
    d = found.lift.difference
    if d.low is None or d.high is None or d.estimate is None or d.high <= d.low:
        return None
    return (d.estimate - found.truth) / ((d.high - d.low) / (2 * Z95))


def main() -> None:
    """Run the worlds and print coverage per lift, then the before/after baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args()
    held: dict[str, list[bool]] = defaultdict(list)
    zs: dict[str, list[float]] = defaultdict(list)
    baseline: list[tuple[bool, float]] = []
    began = time.perf_counter()
    for seed in range(1, args.worlds + 1):
        with tempfile.TemporaryDirectory() as folder:
            store, found = run_world(seed, args.accounts, args.days, Path(folder))
            for r in found:
                z = _z(r)
                if r.covered is None or z is None or (r.lift.level == "stage" and r.truth == 0):
                    continue
                held[r.label].append(bool(r.covered))
                zs[r.label].append(z)
                if (r.lift.level, r.lift.measure) == ("program", "purchase_frequency"):
                    baseline.append(before_after(store, args.days, r.truth))
            store.close()
        if seed % 10 == 0 or seed == args.worlds:
            spent = time.perf_counter() - began
            print(f"  {seed} worlds in {spent:.0f} s ({spent / seed:.1f} s a world)", flush=True)
    print(f"{args.worlds} worlds of {args.accounts} accounts run {args.days} days, half held out")
    print(f"{'lift':40s} {'worlds':>6s} {'held':>7s} {'± se':>6s} {'mean z':>7s}")
    for label, flags in held.items():
        share = float(np.mean(flags))
        se = math.sqrt(share * (1 - share) / len(flags))
        print(f"{label:40s} {len(flags):6d} {share:7.1%} {se:6.1%} {np.mean(zs[label]):7.2f}")
    flags, z = [b for b, _ in baseline], [v for _, v in baseline]
    print(
        f"{'baseline, before/after without control':40s} {len(flags):6d} "
        f"{np.mean(flags):7.1%} {'':6s} {np.mean(z):7.2f}"
    )
    ours = np.mean(held["program: purchase frequency"])
    print(
        f"program purchase frequency held: {ours:.1%} against control, "
        f"{np.mean(flags):.1%} before/after (ratio {ours / max(np.mean(flags), 1e-9):.1f}x)"
    )


if __name__ == "__main__":
    main()

"""`carecycle health show` and `carecycle health check`: the health scorecard."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from carecycle.cli.output import (
    JsonOption,
    check_writable,
    out,
    parse_day,
    print_json,
    steps,
    table,
)

if TYPE_CHECKING:
    from carecycle.intelligence.health import CalibrationRow
    from carecycle.services.health import HealthReadout

health_group = typer.Typer(help="Customer health scorecard.", no_args_is_help=True)
DaysOption = Annotated[
    int | None,
    typer.Option("--days", help="Days of signals read (default: the setting health_days)."),
]


@health_group.command("show")
def show(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day scored, YYYY-MM-DD (default: today).")
    ] = None,
    days: DaysOption = None,
    compare: Annotated[
        int, typer.Option("--compare", help="Compare with the health this many days before.")
    ] = 90,
    accounts: Annotated[
        list[str] | None,
        typer.Option("--account", help="Show this account (repeat for more)."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", help="Show the least healthy accounts, this many.")
    ] = 10,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="CSV with every customer's health, components and why."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Score every customer's health on a day, compare it with an earlier day, and say why
    the least healthy (or the accounts named) score as they do."""
    import numpy as np

    from carecycle.cli import runtime
    from carecycle.errors import InputError
    from carecycle.services.health import health_policy, read_health, write_health

    day = parse_day(as_of, "--as-of")
    if top < 0:
        raise InputError("--top must be 0 or more")
    if out_file is not None:
        check_writable(out_file, "--out")
    with runtime() as rt, steps() as progress:
        policy = health_policy(rt.settings, days)
        progress.say(f"scoring health on {day} and {compare} days before")
        found = read_health(rt.store, as_of=day, compare_days=compare, policy=policy)
    rows = _chosen(found, accounts, top)
    if out_file is not None:
        write_health(found, out_file)
    change = found.change()
    if as_json:
        print_json({
            "as_of": found.as_of, "compared_on": found.compared_on, "days": policy.days,
            "weights": dict(policy.weights), "cuts": policy.cuts, "counts": found.counts(),
            "accounts": [_account(found, change, k) for k in rows],
        })  # fmt: skip
        return
    counts = found.counts()
    bands = table("band", f"on {found.as_of}", f"on {found.compared_on}", numeric=2)
    for band in counts["now"]:
        bands.add_row(band, f"{counts['now'][band]:,}", f"{counts['before'][band]:,}")
    out.print(bands)
    known = change[~np.isnan(change)]
    out.print(
        f"{len(known):,} customers scored on both days: {int((known <= -10).sum()):,} fell "
        f"10 points or more, {int((known >= 10).sum()):,} rose 10 or more"
    )
    if rows:
        title = "accounts asked for" if accounts else f"the {len(rows)} least healthy"
        shown = table("account", "health", "band", "change", "why", numeric=0, title=title)
        for k in rows:
            shown.add_row(
                found.now.accounts[k], _figure(found.now.health[k]), found.now.bands[k] or "",
                _figure(change[k], signed=True), found.explain(k),
            )  # fmt: skip
        out.print(shown)
    if out_file is not None:
        out.print(f"every customer's health written to {out_file}")


def _chosen(found: HealthReadout, accounts: list[str] | None, top: int) -> list[int]:
    """Return the rows shown: the accounts asked for, or the least healthy scored ones."""
    from carecycle.errors import InputError

    if accounts:
        where = {a: k for k, a in enumerate(found.now.accounts)}
        missing = [a for a in accounts if a not in where]
        if missing:
            raise InputError(
                f"--account {', '.join(missing)}: not a customer on {found.as_of} "
                "(no agreement or booked order by then, or merged into another account)"
            )
        return [where[a] for a in accounts]
    import numpy as np

    health = found.now.health
    scored = np.flatnonzero(~np.isnan(health))
    # The accounts come sorted by id: a stable sort keeps equal health in id order.
    return [int(k) for k in scored[np.argsort(health[scored], kind="stable")][:top]]


def _account(found: HealthReadout, change: Any, k: int) -> dict[str, Any]:
    now = found.now
    return {
        "account_id": now.accounts[k],
        "health": float(now.health[k]),
        "band": now.bands[k],
        "previous": float(found.before[k]),
        "change": float(change[k]),
        "components": {name: float(values[k]) for name, values in now.components.items()},
        "explanation": found.explain(k),
    }


def _figure(value: float, *, signed: bool = False) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:+.0f}" if signed else f"{value:.0f}"


@health_group.command("check")
def check(
    as_of: Annotated[
        str, typer.Option("--as-of", help="The past day health is scored on, YYYY-MM-DD.")
    ],
    window: Annotated[
        int, typer.Option("--window", help="Days after it whose ending agreements are read.")
    ] = 90,
    days: DaysOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check health against what happened: score a past day, then compare with the
    renewals of the agreements ending in the window after it (AUC and calibration)."""
    from carecycle.cli import runtime
    from carecycle.services.health import check_health, health_policy

    day = parse_day(as_of, "--as-of")
    with runtime() as rt, steps() as progress:
        policy = health_policy(rt.settings, days)
        progress.say(f"scoring health on {day} against the renewals of the {window} days after")
        found = check_health(rt.store, as_of=day, window_days=window, policy=policy)
    if as_json:
        print_json(found)
        return
    out.print(
        f"{found.agreements:,} agreements ending in the {window} days after {day}, "
        f"{found.renewed:,} renewed ({found.unscored:,} more of accounts too little known "
        f"to score); AUC of health on {day} against renewal: {found.auc:.3f}"
    )
    out.print(_rows(found.by_band, "by band"))
    out.print(_rows(found.by_score, "by health"))
    aucs = table("component", "AUC", numeric=1, title="each component alone")
    for name, value in found.component_auc.items():
        aucs.add_row(name, "–" if value is None else f"{value:.3f}")
    out.print(aucs)


def _rows(rows: list[CalibrationRow], title: str) -> Any:
    shown = table("health", "agreements", "mean health", "renewed", "rate", numeric=4,
                  title=title)  # fmt: skip
    for row in rows:
        shown.add_row(
            row.label, f"{row.agreements:,}",
            "–" if row.mean_health is None else f"{row.mean_health:.1f}",
            f"{row.renewed:,}", "–" if row.rate is None else f"{row.rate:.0%}",
        )  # fmt: skip
    return shown


def register(app: typer.Typer) -> None:
    """Add the health commands to the CLI."""
    app.add_typer(health_group, name="health")

"""`carecycle clv fit` and `carecycle renewal fit`: lifetime-value and renewal models."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carecycle.cli.output import (
    JsonOption,
    check_writable,
    out,
    parse_day,
    print_json,
    steps,
    table,
)  # fmt: skip

if TYPE_CHECKING:
    from carecycle.intelligence.clv import Fit

clv_group = typer.Typer(help="Customer lifetime value models.", no_args_is_help=True)
renewal_group = typer.Typer(help="Contractual renewal models.", no_args_is_help=True)
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Store: orders up to this day, YYYY-MM-DD (default: today)."),
]
UnitOption = Annotated[
    Literal["week", "day"], typer.Option("--unit", help="Store: the time unit of ages.")
]
NAMES = {"r": "r", "alpha": "α", "a": "a", "b": "b", "s": "s", "beta": "β", "p": "p", "q": "q",
         "gamma": "γ"}  # fmt: skip


@clv_group.command("fit")
def clv_fit(
    model: Annotated[
        Literal["bgnbd", "pareto", "gg"],
        typer.Option("--model", help="bgnbd, pareto (purchases) or gg (spend)."),
    ],
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="CSV, one row per customer: frequency, recency, T (and monetary_value for "
            "gg). Without it: the store's booked orders.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    unit: UnitOption = "week",
    as_json: JsonOption = False,
) -> None:
    """Fit a model by maximum likelihood; print its parameters and log-likelihood."""
    if input_file is not None:
        from carecycle.services.clv import fit_file

        found = fit_file(input_file, model)
    else:
        found = _fit_store(model, parse_day(as_of, "--as-of"), unit)
    if as_json:
        print_json(found)
        return
    shown = table("parameter", "estimate", numeric=1)
    for name, value in found.params.items():
        shown.add_row(NAMES[name], f"{value:.4f}")
    out.print(shown)
    out.print(
        f"log-likelihood {found.log_likelihood:,.2f} over {found.customers:,} customers "
        f"({found.rows:,} distinct rows)" + ("" if found.converged else "; did NOT converge")
    )


@clv_group.command("predict")
def clv_predict(
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="CSV, one row per customer: frequency, recency, T, monetary_value. "
            "Without it: the store's booked orders.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    unit: UnitOption = "week",
    horizon: Annotated[
        float, typer.Option("--horizon", help="How far ahead, in the time unit.")
    ] = 52.0,
    period: Annotated[
        float, typer.Option("--period", help="Discounting period, in the time unit.")
    ] = 4.0,
    discount: Annotated[float, typer.Option("--discount", help="Discount rate per period.")] = 0.01,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="CSV file for every customer's prediction.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Customers of highest value to show.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Fit BG/NBD and Gamma-Gamma, then predict each customer: alive, purchases, value."""
    from carecycle.services import clv

    if out_file is not None:
        check_writable(out_file, "--out")
    options = {"horizon": horizon, "period": period, "discount": discount}
    if input_file is not None:
        found = clv.predict_file(input_file, **options)
    else:
        day = parse_day(as_of, "--as-of")
        from carecycle.cli import runtime

        with runtime() as rt, steps() as progress:
            progress.say(f"summarising purchases as of {day}, fitting and predicting")
            found = clv.predict_store(rt.store, as_of=day, unit=unit, **options)
    if out_file is not None:
        clv.write_predictions(found, out_file)
    summary = {
        "purchases_fit": found.purchases_fit,
        "spend_fit": found.spend_fit,
        "customers": len(found.customers),
        "horizon": found.horizon,
        "period": found.period,
        "discount": found.discount,
        "total_value": float(found.value.sum()),
        "expected_purchases": float(found.purchases.sum()),
        "top": (best := found.top(top)),
    }
    if as_json:
        print_json(summary)
        return
    shown = table("customer", "P(alive)", "purchases", "spend", "value", numeric=4)
    for row in best:
        shown.add_row(
            str(row["customer"]), f"{row['probability_alive']:.3f}",
            f"{row['expected_purchases']:.2f}", f"{row['expected_spend']:,.2f}",
            f"{row['value']:,.2f}",
        )  # fmt: skip
    out.print(shown)
    out.print(
        f"{len(found.customers):,} customers: {found.purchases.sum():,.1f} purchases expected "
        f"over {horizon:g} units, value {found.value.sum():,.2f} discounted at "
        f"{discount:.2%} per {found.period:g} units"
    )
    if out_file is not None:
        out.print(f"predictions written to {out_file}")


@renewal_group.command("fit")
def renewal_fit(
    alive: Annotated[
        str | None,
        typer.Option(
            "--alive",
            help="Customers active at the start of each period: N0,N1,N2,… Without it: the "
            "store's agreements, per licence program and cohort.",
        ),
    ] = None,
    periods: Annotated[int, typer.Option("--periods", help="Periods to project.")] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="Discount rate per period for renewals to come.")
    ] = 0.1,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Store: agreements up to this day (default: today)."),
    ] = None,
    cohort: Annotated[
        Literal["year", "quarter"],
        typer.Option("--cohort", help="Store: chains grouped by the year or quarter they began."),
    ] = "year",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Store: CSV with every running agreement's outlook."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Fit the shifted-beta-geometric model to one cohort, or to the store's agreements per
    licence program and cohort; project the renewals."""
    if alive is None:
        _renewal_store(as_of, cohort, periods, discount, out_file, as_json)
        return
    from carecycle.services.clv import parse_counts
    from carecycle.services.renewal import project

    found = project(parse_counts(alive), periods=periods, discount=discount)
    if as_json:
        print_json(found)
        return
    fit = found.fit
    out.print(f"α = {fit.alpha:.4f}, β = {fit.beta:.4f}, log-likelihood {fit.log_likelihood:,.2f}")
    shown = table("period", "active", "renewal rate", numeric=3)
    for k, (share, rate) in enumerate(zip(found.survival, found.retention, strict=False), 1):
        shown.add_row(str(k), f"{share:.1%}", f"{rate:.1%}")
    out.print(shown)
    out.print(
        f"renewals to come, discounted at {discount:.0%} per period: "
        f"{found.expected_renewals:.3f} for a new customer"
    )


def _renewal_store(
    as_of: str | None,
    cohort: str,
    periods: int,
    discount: float,
    out_file: Path | None,
    as_json: bool,
) -> None:
    from carecycle.cli import runtime
    from carecycle.services.renewal import check_projection, fit_chains, read_chains, write_outlook

    day = parse_day(as_of, "--as-of")
    check_projection(periods, discount)
    if out_file is not None:
        check_writable(out_file, "--out")
    with runtime() as rt, steps() as progress:
        progress.say(f"following the agreements' renewals up to {day}")
        chains = read_chains(rt.store, as_of=day)
    fits, outlook = fit_chains(chains, by=cohort, periods=periods, discount=discount)
    if out_file is not None:
        write_outlook(outlook, out_file)
    if as_json:
        print_json({"as_of": day, "cohort": cohort, "discount": discount, "fits": fits,
                    "agreements": len(outlook)})  # fmt: skip
        return
    shown = table("program", "cohort", "chains", "lapsed", "α", "β", "renewal rates",
                  "to come", numeric=6)  # fmt: skip
    unfitted: dict[str, list[str]] = {}
    for f in fits:
        if f.fit is None:
            unfitted.setdefault(f.why_not or "", []).append(f"{f.program} {f.cohort}")
            continue
        rates = ", ".join(f"{r:.0%}" for r in f.retention[:3])
        come = "–" if f.expected_renewals is None else f"{f.expected_renewals:.2f}"
        shown.add_row(f.program, f.cohort, f"{f.chains:,}", f"{f.lapsed:,}",
                      f"{f.fit.alpha:.3f}", f"{f.fit.beta:.3f}", rates, come)  # fmt: skip
    out.print(shown)
    for why, groups in unfitted.items():
        out.print(f"not fitted ({why}): {', '.join(groups)}")
    out.print(
        f"{len(chains.latest):,} chains of agreements up to {day}, {int(chains.lapsed.sum()):,} "
        f"lapsed; renewals to come discounted at {discount:.0%} per period"
    )
    if out_file is not None:
        out.print(f"{len(outlook):,} running agreements' outlook written to {out_file}")


def _fit_store(model: Literal["bgnbd", "pareto", "gg"], as_of: date, unit: str) -> Fit:
    from carecycle.cli import runtime
    from carecycle.services.clv import fit_store

    with runtime() as rt, steps() as progress:
        progress.say(f"summarising purchases as of {as_of} and fitting {model}")
        return fit_store(rt.store, model, as_of=as_of, unit=unit)


def register(app: typer.Typer) -> None:
    """Add the clv and renewal commands to the CLI."""
    app.add_typer(clv_group, name="clv")
    app.add_typer(renewal_group, name="renewal")

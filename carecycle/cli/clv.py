"""`carecycle clv fit` and `carecycle renewal fit`: lifetime-value and renewal models."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from carecycle.cli.output import JsonOption, out, parse_day, print_json, steps, table

if TYPE_CHECKING:
    from carecycle.intelligence.clv import Fit

clv_group = typer.Typer(help="Customer lifetime value models.", no_args_is_help=True)
renewal_group = typer.Typer(help="Contractual renewal models.", no_args_is_help=True)
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
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Store: orders up to this day, YYYY-MM-DD (default: today)."),
    ] = None,
    unit: Annotated[
        Literal["week", "day"], typer.Option("--unit", help="Store: the time unit of ages.")
    ] = "week",
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


@renewal_group.command("fit")
def renewal_fit(
    alive: Annotated[
        str,
        typer.Option("--alive", help="Customers active at the start of each period: N0,N1,N2,…"),
    ],
    periods: Annotated[int, typer.Option("--periods", help="Periods to project.", min=1)] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="Discount rate per period for renewals to come.")
    ] = 0.1,
    as_json: JsonOption = False,
) -> None:
    """Fit the shifted-beta-geometric model to one cohort; project its renewals."""
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

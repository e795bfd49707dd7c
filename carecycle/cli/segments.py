"""`carecycle segments`: value tiers (the 20/80 rule), RFM, and what each tier costs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

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


def segments(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Last day of the window, YYYY-MM-DD (default: today)."),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Days in the window.")] = 365,
    by: Annotated[
        Literal["revenue", "margin"],
        typer.Option("--by", help="Tier by revenue, or by margin (setting margin_rates)."),
    ] = "revenue",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="CSV file with every account's tier and RFM.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Tier the base A/B/C by revenue (the 20/80 rule), score RFM, read out each tier."""
    from carecycle.cli import runtime
    from carecycle.services.segments import ValuePolicy, write_segments
    from carecycle.services.segments import segments as build

    day = parse_day(as_of, "--as-of")
    if out_file is not None:
        check_writable(out_file, "--out")
    with runtime() as rt, steps() as progress:
        progress.say(f"segmenting the base over the {days} days to {day}")
        found = build(rt.store, as_of=day, days=days, policy=ValuePolicy.of(rt.settings), by=by)
    if out_file is not None:
        write_segments(found, out_file)
    if as_json:
        print_json({k: getattr(found, k) for k in ("as_of", "days", "cuts", "by", "readout")})
        return
    margin = ("margin",) if by == "margin" else ()
    shown = table("tier", "customers", "revenue", *margin, "cost to serve", "service level",
                  numeric=0)  # fmt: skip
    for row in found.readout:
        margins = () if row.margin is None else (f"{row.margin:,.0f} ({row.margin_share:.0%})",)
        shown.add_row(
            row.tier, f"{row.customers:,} ({row.customer_share:.0%})",
            f"{row.revenue:,.0f} ({row.revenue_share:.0%})", *margins,
            f"{row.cost_to_serve:,.0f} ({row.cost_share:.0%})", row.service_level,
        )  # fmt: skip
    out.print(shown)
    out.print(
        f"{len(found.accounts):,} customers, {by} of the {days} days to {day}; tier A "
        f"brings the first {found.cuts[0]:.0%} of it, B up to {found.cuts[1]:.0%}"
    )
    if out_file is not None:
        out.print(f"every account's tier and RFM written to {out_file}")


def register(app: typer.Typer) -> None:
    """Add the segments command to the CLI."""
    app.command("segments")(segments)

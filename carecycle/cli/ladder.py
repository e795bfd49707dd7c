"""`carecycle ladder`: where companies and people stand on the loyalty ladder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, check_writable, out, parse_day, print_json, steps
from carecycle.cli.output import table as make_table


def ladder(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day placed, YYYY-MM-DD (default: today).")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Days of records read.")] = 365,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="CSV with every company's and person's rung, why and next."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Place every customer company and each of its people on the loyalty ladder: aware,
    engaged, satisfied, loyal, advocate."""
    from carecycle.cli import runtime
    from carecycle.intelligence.ladder import RUNGS
    from carecycle.services.health import health_policy
    from carecycle.services.ladder import read_ladders, write_ladders

    day = parse_day(as_of, "--as-of")
    if out_file is not None:
        check_writable(out_file, "--out")
    with runtime() as rt, steps() as progress:
        progress.say(f"placing the base on the loyalty ladder as of {day}")
        found = read_ladders(rt.store, as_of=day, days=days, health=health_policy(rt.settings))
    if out_file is not None:
        write_ladders(found, out_file)
    counts = found.counts()
    if as_json:
        print_json({"as_of": found.as_of, "days": found.days, "counts": counts})
        return
    companies, people = len(found.companies.ids), len(found.people.ids)
    shown = make_table("rung", "companies", "people", numeric=2)
    for rung in reversed(RUNGS):
        shown.add_row(
            rung, _share(counts["company"][rung], companies), _share(counts["person"][rung], people)
        )
    off = people - sum(counts["person"].values())
    shown.add_row("not on it", "", _share(off, people))
    out.print(shown)
    out.print(f"{companies:,} customer companies and their {people:,} people, records of the "
              f"{days} days to {day}")  # fmt: skip
    if out_file is not None:
        out.print(f"every company's and person's rung written to {out_file}")


def _share(count: int, whole: int) -> str:
    return f"{count:,} ({count / whole:.0%})" if whole else f"{count:,}"


def register(app: typer.Typer) -> None:
    """Add the ladder command to the CLI."""
    app.command("ladder")(ladder)

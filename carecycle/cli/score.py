"""`carecycle score`: dated score snapshots that program audiences can ask about."""

from __future__ import annotations

from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, out, parse_day, print_json, steps


def score(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day scored, YYYY-MM-DD (default: today).")
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Days of purchases for the tiers.")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Score every customer for a day: value tier, RFM, lifetime value, probability alive,
    health and its components."""
    from carecycle.cli import runtime
    from carecycle.services.health import health_policy
    from carecycle.services.scores import score_base
    from carecycle.services.segments import ValuePolicy

    day = parse_day(as_of, "--as-of")
    with runtime() as rt, steps() as progress:
        progress.say(f"scoring the base as of {day}")
        found = score_base(rt.store, as_of=day, days=days, policy=ValuePolicy.of(rt.settings),
                           health=health_policy(rt.settings))  # fmt: skip
    if as_json:
        print_json(found)
        return
    for name, count in found.written.items():
        out.print(f"score.{name}: {count:,} accounts scored on {day}")
    for name, why in found.skipped.items():
        out.print(f"score.{name}: not scored: {why}")


def register(app: typer.Typer) -> None:
    """Add the score command to the CLI."""
    app.command("score")(score)

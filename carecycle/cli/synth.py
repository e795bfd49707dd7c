"""`carecycle synth` and `carecycle forward`: the synthetic business, built and run."""

from __future__ import annotations

import time
from dataclasses import asdict, replace
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
    to_json,
)
from carecycle.errors import InputError
from carecycle.synth.behaviour import DEFAULT_BEHAVIOUR, Behaviour, parse_effects

if TYPE_CHECKING:
    from carecycle.programs.loader import ProgramFile
    from carecycle.services.forward import ForwardResult


def synth(
    accounts: Annotated[int, typer.Option(min=1, help="How many customer accounts.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the entity files to.")
    ] = Path("world"),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Last day of history, YYYY-MM-DD (default: today)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    as_json: JsonOption = False,
) -> None:
    """Write a synthetic SMB software-licensing business as importable files."""
    from carecycle.synth import generate_world, write_world

    if fmt not in ("csv", "parquet"):
        raise InputError(f"--format {fmt!r}: use csv or parquet")
    chosen: Literal["csv", "parquet"] = "csv" if fmt == "csv" else "parquet"
    started = time.perf_counter()
    with steps() as progress:
        world = generate_world(
            accounts=accounts,
            seed=seed,
            as_of=parse_day(as_of, "--as-of"),
            progress=progress.advance,
        )
        files = write_world(world, out_dir, fmt=chosen, progress=progress.advance)
    result = {
        "as_of": world.as_of,
        "seed": seed,
        "out": out_dir,
        "seconds": round(time.perf_counter() - started, 2),
        "rows": {name: world.tables[name].num_rows for name in files},
        "files": files,
    }
    if as_json:
        print_json(result)
        return
    shown = table("file", "rows", numeric=1, title=f"synthetic business as of {world.as_of}")
    for name, path in files.items():
        shown.add_row(str(path), f"{world.tables[name].num_rows:,}")
    out.print(shown)
    out.print(f"written in {result['seconds']} s")


def forward(
    days: Annotated[int, typer.Option(min=1, help="How many days to run.")] = 365,
    start: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: today).")
    ] = None,
    plan_every: Annotated[
        int, typer.Option(min=1, help="Plan every N days (at most the shortest grace).")
    ] = 1,
    effect: Annotated[
        list[str] | None,
        typer.Option(
            "--effect",
            help="Planted true effect, STAGE_OR_TOUCH.renewal=0.1 or .purchase=0.5 "
            "(repeatable; default: renew.renewal=0.12 and use.purchase=0.6).",
        ),
    ] = None,
    window_days: Annotated[
        int, typer.Option(min=0, help="Days a touch keeps raising purchases.")
    ] = 90,
    program: Annotated[
        list[str] | None,
        typer.Option("--program", "-p", help="Program id or file (default: every built-in)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the simulated behaviour.")] = 7,
    truth_file: Annotated[
        Path | None, typer.Option("--truth", help="Write the planted effects per unit (JSON).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the synthetic business forward: plan, send, answers, purchases, renewals."""
    from carecycle.cli.programs import chosen_programs

    if truth_file is not None:
        # checked first: the days run cannot be run again to get their truth
        check_writable(truth_file, "--truth")
    result = run_days(
        chosen_programs(program),
        start=parse_day(start, "--from"),
        days=days,
        behaviour=_behaviour(effect, window_days),
        seed=seed,
        plan_every=plan_every,
    )
    if truth_file is not None:
        truth_file.write_text(to_json(result.truth), encoding="utf-8")
    if as_json:
        print_json({k: v for k, v in asdict(result).items() if k != "truth"})
        return
    show_forward(result)


def run_days(
    found: list[ProgramFile],
    *,
    start: date,
    days: int,
    behaviour: Behaviour,
    seed: int,
    plan_every: int,
) -> ForwardResult:
    """Run the store's business forward with a progress bar; return what happened."""
    from carecycle.cli import runtime
    from carecycle.services.forward import run_forward

    with runtime() as rt, steps() as progress:
        return run_forward(
            rt.store, found, start=start, days=days, behaviour=behaviour, seed=seed,
            plan_every=plan_every,
            on_day=lambda d: progress.advance("days run", (d - start).days + 1, days),
        )  # fmt: skip


def _behaviour(effect: list[str] | None, window_days: int) -> Behaviour:
    if not effect:
        return replace(DEFAULT_BEHAVIOUR, window_days=window_days)
    try:
        return Behaviour(parse_effects(effect), window_days=window_days)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def show_forward(result: ForwardResult) -> None:
    out.print(
        f"ran {result.start} to {result.end}: planned on {result.planning_days} days, "
        f"{sum(result.sent.values()):,} touches sent, {result.orders:,} orders, "
        f"{result.renewals:,} renewals, {result.lapses:,} lapses"
    )
    shown = table("channel", "sent", numeric=1)
    for channel, n in sorted(result.sent.items()):
        shown.add_row(channel, f"{n:,}")
    out.print(shown)


def register(app: typer.Typer) -> None:
    """Add the synth and forward commands to `app`."""
    app.command("synth")(synth)
    app.command("forward")(forward)

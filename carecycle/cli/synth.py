"""`carecycle synth` and `carecycle demo`: the synthetic business and the main job."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from carecycle.cli.output import JsonOption, out, parse_day, print_json, steps, table
from carecycle.errors import InputError


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


def demo(
    accounts: Annotated[int, typer.Option(min=1, help="How many customer accounts.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the synthetic files.")] = Path(
        "demo-world"
    ),
) -> None:
    """Build a business, import it, clean it, show its quality, plan a day and send it."""
    from carecycle.cli import data, dedupe, programs

    out.rule("1. a synthetic business")
    synth(accounts=accounts, seed=seed, out_dir=out_dir, as_of=None, fmt="csv", as_json=False)
    out.rule("2. import into the store")
    data.import_(
        args=None,
        directory=out_dir,
        skip_bad=False,
        dry_run=False,
        encoding="auto",
        delimiter=None,
        as_json=False,
    )
    out.rule("3. find and merge duplicates")
    dedupe.run(dry_run=False, as_json=False)
    out.rule("4. data quality")
    data.quality_(out_file=Path("quality.json"), as_json=False)
    out.rule("5. plan today's touches of the built-in programs")
    programs.plan(program=None, as_of=None, dry_run=False, as_json=False)
    out.rule("6. hand today's touches to the channels")
    _send_all()
    out.print(f"demo finished {datetime.now():%H:%M}; the store is ready for `carecycle` commands")


def _send_all() -> None:
    """Send letters, calls and lists; emails to synthetic people are left for the user."""
    from carecycle.cli import channels

    for channel in ("dm", "tsr_call", "partner", "pam"):
        channels.send(channel=channel, as_of=None, limit=None, as_json=False)
    out.print(
        "emails are not sent by the demo (its addresses are made up): point "
        "CARECYCLE_SMTP_HOST/PORT at a test SMTP server and run `carecycle send -c edm`"
    )


def register(app: typer.Typer) -> None:
    """Add the synth and demo commands to `app`."""
    app.command("synth")(synth)
    app.command("demo")(demo)

"""`carecycle programs`, `plan`, `explain` and `simulate`: lifecycle programs at work."""

from __future__ import annotations

import contextlib
import csv
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.markup import escape

from carecycle.cli.output import JsonOption, err, out, parse_day, print_json, steps, table
from carecycle.errors import InputError
from carecycle.programs.loader import ProgramFile, builtin_programs, load_program, resolve_program

if TYPE_CHECKING:
    from carecycle.services.planning import SimulatedDay

group = typer.Typer(help="List, show and validate lifecycle programs.", no_args_is_help=True)

ProgramOption = Annotated[
    list[str] | None,
    typer.Option(
        "--program",
        "-p",
        help="A built-in program id or a program file (repeatable; default: all built-ins).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The day to plan or explain (YYYY-MM-DD; default today)."),
]


def chosen_programs(names: list[str] | None) -> list[ProgramFile]:
    """Return the programs named by --program options, or every built-in one."""
    return [resolve_program(n) for n in names] if names else builtin_programs()


@group.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List the built-in programs."""
    found = builtin_programs()
    if as_json:
        print_json([_summary(f) for f in found])
        return
    shown = table("id", "name", "version", "stages", "touches", "holdout", numeric=2)
    for f in found:
        p = f.program
        stages = " → ".join(s.name for s in p.stages)
        shown.add_row(
            p.id, p.name, str(p.version), stages, str(len(p.touches)), f"{p.holdout.share:.0%}"
        )
    out.print(shown)


def _summary(found: ProgramFile) -> dict[str, object]:
    p = found.program
    return {
        "id": p.id,
        "name": p.name,
        "version": p.version,
        "source": found.source,
        "stages": [s.id for s in p.stages],
        "touches": len(p.touches),
        "holdout_share": p.holdout.share,
    }


@group.command()
def show(
    program: Annotated[str, typer.Argument(help="A built-in program id or a program file.")],
    as_json: JsonOption = False,
) -> None:
    """Show a program: its stages, windows and touches."""
    found = resolve_program(program)
    if as_json:
        print_json(yaml.safe_load(found.text))
        return
    p = found.program
    out.print(f"[bold]{p.name}[/] ({p.id}, version {p.version}) — {found.source}")
    if p.description:
        out.print(p.description.strip())
    shown = table("stage", "window", "touch", "trigger", "channel", "priority", numeric=1)
    for stage in p.stages:
        window = f"{stage.window.start} … {stage.window.end}"
        for touch in stage.touches:
            trigger = str(touch.trigger.at) + (" when …" if touch.trigger.when else "")
            shown.add_row(
                stage.name, window, touch.id, trigger, "/".join(touch.channels), str(touch.priority)
            )
            window = ""
    out.print(shown)


@group.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Program files to check.")],
    as_json: JsonOption = False,
) -> None:
    """Check program files; each error names the file, line and field."""
    from carecycle.channels.coverage import content_gaps

    problems: list[str] = []
    valid = []
    for path in files:
        try:
            valid.append(load_program(path))
        except InputError as exc:
            problems.append(str(exc))
    warnings = [f"{f.source}: {gap}" for f in valid for gap in content_gaps(f.program)]
    if as_json:
        print_json(
            {"valid": [_summary(f) for f in valid], "errors": problems, "warnings": warnings}
        )
    else:
        for f in valid:
            out.print(f"{f.source}: ok ({f.program.id}, {len(f.program.touches)} touches)")
    for line in warnings if not as_json else []:
        err.print(f"[yellow]warning:[/] {escape(line)}", highlight=False)
    if problems:
        for line in "\n".join(problems).splitlines():
            err.print(f"[red]error:[/] {escape(line)}", highlight=False)
        raise typer.Exit(1)


def plan(
    program: ProgramOption = None,
    as_of: AsOfOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Decide and report; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Plan the day's touches of each program: exactly once, within caps and capacity."""
    from carecycle.cli import runtime
    from carecycle.services.planning import plan_program

    day = parse_day(as_of, "--as-of")
    found = chosen_programs(program)
    results = []
    with runtime() as rt, steps() as progress:
        for f in found:
            progress.say(f"planning {f.program.id} for {day}")
            results.append(plan_program(rt.store, f, day, dry_run=dry_run))
    if as_json:
        print_json([{k: v for k, v in asdict(r).items() if k != "decisions"} for r in results])
        return
    for r in results:
        verb = "would plan" if dry_run else "planned"
        out.print(
            f"[bold]{r.program_id}[/] revision {r.revision}, {r.as_of}: "
            f"{verb} {r.planned:,} touches"
        )
        shown = table("status", "touches", numeric=1)
        for status, n in sorted(r.statuses.items()):
            shown.add_row(status, f"{n:,}")
        out.print(shown)
        if r.by_channel:
            out.print(
                "by channel: " + ", ".join(f"{k} {v:,}" for k, v in sorted(r.by_channel.items()))
            )
        if r.assigned:
            out.print(
                "new holdout assignments: "
                + ", ".join(f"{k} {v:,}" for k, v in sorted(r.assigned.items()))
            )
        if r.cancelled or r.expired:
            out.print(
                f"cancelled {r.cancelled:,} (anchor changed or touch removed), "
                f"expired {r.expired:,}"
            )


def explain(
    account: Annotated[str, typer.Argument(help="The account id.")],
    as_of: AsOfOption = None,
    program: ProgramOption = None,
    as_json: JsonOption = False,
) -> None:
    """Explain an account's stage and every touch: planned, suppressed, not due or not eligible."""
    from carecycle.cli import runtime
    from carecycle.services.planning import explain_account

    day = parse_day(as_of, "--as-of")
    with runtime() as rt:
        found = [explain_account(rt.store, f, account, day) for f in chosen_programs(program)]
    if as_json:
        print_json(found)
        return
    for e in found:
        arm = e.arm or "not assigned yet"
        out.print(f"[bold]{e.program_id}[/] — account {e.account_id} on {e.as_of} (arm: {arm})")
        if not e.cycles:
            out.print("  no live agreement: the program has nothing to do for this account")
        for c in e.cycles:
            out.print(
                f"  agreement {c.agreement_id} ({c.licence_program}, "
                f"{c.start_on} to {c.end_on}): {c.stage_detail}"
            )
            shown = table("stage", "touch", "verdict", "due", "why")
            for t in c.touches:
                shown.add_row(t.stage_id, t.touch_id, t.verdict, str(t.due_on or ""), t.detail)
            out.print(shown)


def simulate(
    program: Annotated[
        str, typer.Option("--program", "-p", help="A built-in program id or a program file.")
    ],
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).")],
    csv_path: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write the daily volumes to this CSV file ('-' for stdout)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast daily touches per stage and channel over a period, writing nothing."""
    from carecycle.cli import runtime
    from carecycle.services.planning import simulate_program

    if as_json and csv_path is not None and str(csv_path) == "-":
        raise InputError("--csv - and --json both write to standard output; choose one")
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    found = resolve_program(program)
    total = (last - first).days + 1
    with runtime() as rt, steps() as progress:
        days = simulate_program(
            rt.store, found, first, last,
            on_day=lambda d: progress.advance("simulating", (d - first).days, max(total, 1)),
        )  # fmt: skip
    rows = [asdict(d) for d in days]
    if csv_path is not None:
        _write_csv(rows, csv_path)
    if as_json:
        print_json(rows)
        return
    if csv_path is not None and str(csv_path) == "-":
        return
    _show_volumes(days)


def _write_csv(rows: list[dict[str, object]], path: Path) -> None:
    fields = ["day", "stage_id", "channel", "status", "touches"]
    with contextlib.ExitStack() as stack:
        handle = (
            sys.stdout
            if str(path) == "-"
            else stack.enter_context(path.open("w", newline="", encoding="utf-8"))
        )
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _show_volumes(days: list[SimulatedDay]) -> None:
    planned = [d for d in days if d.status == "planned"]
    channels = sorted({d.channel for d in planned})
    per_day: dict[date, dict[str, int]] = {}
    for d in planned:
        per_day.setdefault(d.day, {}).setdefault(d.channel, 0)
        per_day[d.day][d.channel] += d.touches
    shown = table(
        "day", *channels, "total", numeric=len(channels) + 1, title="planned touches per day"
    )
    for day in sorted(per_day):
        counts = per_day[day]
        shown.add_row(
            str(day), *(f"{counts.get(c, 0):,}" for c in channels), f"{sum(counts.values()):,}"
        )
    out.print(shown)


def register(app: typer.Typer) -> None:
    """Add the program commands to the app."""
    app.add_typer(group, name="programs")
    app.command()(plan)
    app.command()(explain)
    app.command()(simulate)

"""`carecycle report`: a program's KPIs, funnel, channels and lifts over a period."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from carecycle.cli.output import check_writable, out, parse_day, steps
from carecycle.errors import InputError
from carecycle.measure.report import Lift, ProgramReport, Side, Unit, amount, bounds_text

if TYPE_CHECKING:
    from carecycle.programs.loader import ProgramFile

SHOWN_VERDICTS = 8


def report(
    program: Annotated[str, typer.Option("--program", "-p", help="Program id or YAML file.")],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: today).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, json or csv.")] = "html",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="File to write (default: report-PROGRAM.html; json/csv print)."),
    ] = None,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level.")] = 0.95,
    attribution_days: Annotated[
        int | None,
        typer.Option("--attribution-days", help="Attribution window (default: the setting)."),
    ] = None,
) -> None:
    """Report a program: KPIs at three levels, funnel, channels, lifts with intervals."""
    from carecycle.programs.loader import resolve_program

    if fmt not in ("html", "json", "csv"):
        raise InputError(f"--format {fmt!r}: use html, json or csv")
    found = resolve_program(program)
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    target = out_file or (Path(f"report-{found.program.id}.html") if fmt == "html" else None)
    if target is not None:
        check_writable(target, "--out")
    built = _build(found, first, last, confidence=confidence, attribution_days=attribution_days)
    text = _render(built, fmt)
    if target is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    target.write_text(text, encoding="utf-8")
    if fmt == "html":
        show_summary(built)
    out.print(f"report written to {target}")


def _build(
    found: ProgramFile, first: date, last: date, *, confidence: float, attribution_days: int | None
) -> ProgramReport:
    """Return the program's report from the store, showing progress on the terminal."""
    from carecycle.cli import runtime
    from carecycle.services.report import ReportOptions, build_report

    with runtime() as rt, steps() as progress:
        window = rt.settings.attribution_days if attribution_days is None else attribution_days
        options = ReportOptions(
            confidence=confidence, attribution_days=window, costs=rt.settings.channel_costs
        )
        return build_report(
            rt.store, found, start=first, end=last, options=options, say=progress.say
        )


def _render(built: ProgramReport, fmt: str) -> str:
    from carecycle.measure.export import render_csv, render_json
    from carecycle.measure.render import render_html

    if fmt == "html":
        return render_html(built, generated_at=datetime.now())
    return render_json(built) if fmt == "json" else render_csv(built)


def show_summary(built: ProgramReport) -> None:
    """Print the arms, the program and stage lifts and the verdicts, within 80 columns."""
    arms = built.arms
    check = "MISMATCH: check the assignment" if arms.mismatch else "ok"
    out.print(f"[bold]{escape(built.program_name)}[/], {built.start} to {built.end}")
    out.print(f"{arms.test:,} test / {arms.control:,} control accounts, sample ratio {check}")
    out.print(_lift_table(built))
    verdicts = built.verdicts()
    for sentence in verdicts[:SHOWN_VERDICTS]:
        out.print(_bullet(sentence), soft_wrap=False)
    if len(verdicts) > SHOWN_VERDICTS:
        out.print(f"  … {len(verdicts) - SHOWN_VERDICTS} more verdicts in the report")


def _lift_table(built: ProgramReport) -> Table:
    """Return the program and stage lifts, one block of measures per scope."""
    shown = Table(box=box.SIMPLE_HEAD, padding=(0, 1), collapse_padding=True, show_edge=False)
    shown.add_column("measure", overflow="fold")
    for name in ("test", "control", "difference"):
        shown.add_column(name, justify="right", no_wrap=True)
    shown.add_column(f"{built.confidence:.0%} CI", justify="right")
    scope = None
    for lift in built.lifts:
        if lift.level == "touch":
            continue
        if lift.scope != scope:
            scope = lift.scope
            heading = "program" if lift.level == "program" else f"{lift.name} stage"
            shown.add_row(f"[bold]{escape(heading)}[/]")
        shown.add_row(
            f"  {lift.measure.replace('_', ' ')}",
            _level(lift.test, lift.unit),
            _level(lift.control, lift.unit),
            _difference(lift),
            _interval(lift),
        )
    return shown


def _bullet(sentence: str) -> Table:
    """Return a sentence as a bullet whose wrapped lines hang under its first word."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row("•", escape(sentence))
    return grid


def _level(side: Side, unit: Unit) -> str:
    if side.n == 0:
        return "—"
    return f"{side.value:.1%}" if unit == "pp" else amount(side.value, unit)


def _difference(lift: Lift) -> str:
    estimate = lift.difference.estimate
    if estimate is None:
        return "—"
    mark = ""
    if lift.significant:
        mark = "[green]▲[/]" if estimate > 0 else "[red]▼[/]"
    return f"{mark}{amount(estimate, lift.unit, signed=True)}"


def _interval(lift: Lift) -> str:
    bounds = bounds_text(lift.difference, lift.unit)
    if bounds is None:
        return "—"
    return f"{bounds} pp" if lift.unit == "pp" else bounds


def register(app: typer.Typer) -> None:
    """Add the report command to the CLI."""
    app.command("report")(report)

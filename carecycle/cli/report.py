"""`carecycle report`: a program's KPIs, funnel, channels and lifts over a period."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from carecycle.cli.output import out, parse_day, steps, table
from carecycle.errors import InputError
from carecycle.measure.report import Lift, ProgramReport, Unit, amount, interval_text

Format = Literal["html", "json", "csv"]


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
    from carecycle.cli import runtime
    from carecycle.measure.render import render_csv, render_html, render_json
    from carecycle.programs.loader import resolve_program
    from carecycle.services.report import ReportOptions, build_report

    if fmt not in ("html", "json", "csv"):
        raise InputError(f"--format {fmt!r}: use html, json or csv")
    found = resolve_program(program)
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    with runtime() as rt, steps() as progress:
        options = ReportOptions(
            confidence=confidence,
            attribution_days=(
                rt.settings.attribution_days if attribution_days is None else attribution_days
            ),
            costs=rt.settings.channel_costs,
        )
        built = build_report(
            rt.store, found, start=first, end=last, options=options, say=progress.say
        )
    if fmt == "html":
        target = out_file or Path(f"report-{built.program_id}.html")
        target.write_text(render_html(built, generated_at=datetime.now()), encoding="utf-8")
        show_summary(built)
        out.print(f"report written to {target}")
        return
    text = render_json(built) if fmt == "json" else render_csv(built)
    if out_file is None:
        print(text, end="" if text.endswith("\n") else "\n")
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"report written to {out_file}")


def show_summary(built: ProgramReport) -> None:
    """Print the arms, the program and stage lifts, and the verdicts, in the terminal."""
    arms = built.arms
    check = "MISMATCH: check the assignment" if arms.mismatch else "ok"
    out.print(
        f"[bold]{built.program_name}[/] {built.start} to {built.end}: "
        f"{arms.test:,} test / {arms.control:,} control accounts (sample ratio {check})"
    )
    shown = table("level", "scope", "measure", "test", "control", "difference", numeric=3)
    for lift in built.lifts:
        if lift.level == "touch":
            continue
        shown.add_row(
            lift.level,
            lift.name,
            lift.measure.replace("_", " "),
            _level(lift.test.value, lift.unit),
            _level(lift.control.value, lift.unit),
            _difference(lift, built.confidence),
        )
    out.print(shown)
    for sentence in built.verdicts()[:8]:
        out.print(f"• {sentence}")


def _level(value: float, unit: Unit) -> str:
    return f"{value:.1%}" if unit == "pp" else amount(value, unit)


def _difference(lift: Lift, confidence: float) -> str:
    if lift.difference.estimate is None:
        return lift.note or "—"
    ci = interval_text(lift.difference, lift.unit, confidence)
    mark = "[green]▲[/]" if lift.significant and lift.difference.estimate > 0 else ""
    mark = "[red]▼[/]" if lift.significant and lift.difference.estimate < 0 else mark
    return f"{mark}{amount(lift.difference.estimate, lift.unit, signed=True)} ({ci})"


def register(app: typer.Typer) -> None:
    """Add the report command to the CLI."""
    app.command("report")(report)

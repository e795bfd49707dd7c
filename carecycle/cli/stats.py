"""`carecycle stats compare`: test against control for analysts, from CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from carecycle.cli.output import JsonOption, out, print_json, table

group = typer.Typer(help="Statistics for analysts.", no_args_is_help=True)


@group.command()
def compare(
    test: Annotated[Path, typer.Option("--test", help="CSV of the test group, one row per unit.")],
    control: Annotated[Path, typer.Option("--control", help="CSV of the control group.")],
    column: Annotated[str, typer.Option("--column", help="The column to compare.")] = "value",
    kind: Annotated[
        Literal["mean", "proportion"],
        typer.Option("--kind", help="mean (amounts) or proportion (0/1 values)."),
    ] = "mean",
    pre_column: Annotated[
        str | None, typer.Option("--pre-column", help="Pre-period column for CUPED.")
    ] = None,
    test_share: Annotated[
        float, typer.Option("--test-share", help="The share of units meant for test (SRM).")
    ] = 0.5,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level.")] = 0.95,
    as_json: JsonOption = False,
) -> None:
    """Compare two groups: means, lift with confidence intervals, p-value and SRM."""
    from carecycle.services.stats import compare_files

    found = compare_files(
        test,
        control,
        column=column,
        kind=kind,
        pre_column=pre_column,
        test_share=test_share,
        confidence=confidence,
    )
    if as_json:
        print_json(found)
        return
    c = found.comparison
    level = f"{confidence:.0%}"
    shown = table("group", "units", "mean", numeric=2)
    shown.add_row("test", f"{c.test.n:,}", f"{c.test.mean:,.4f}")
    shown.add_row("control", f"{c.control.n:,}", f"{c.control.mean:,.4f}")
    out.print(shown)
    out.print(f"difference: {_interval(c.difference, level)}")
    out.print(f"relative lift: {_interval(c.relative, level, percent=True)}")
    out.print(f"p-value: {_p(c.p_value)}")
    if c.note:
        out.print(f"note: {c.note}")
    srm = found.sample_ratio
    verdict = "MISMATCH: check the assignment" if srm.mismatch else "ok"
    out.print(
        f"sample ratio: {srm.test:,} test / {srm.control:,} control against "
        f"{srm.expected_test_share:.0%} expected, p = {_p(srm.p_value)} ({verdict})"
    )
    if found.cuped is not None:
        adjusted = _interval(found.cuped.difference, level)
        out.print(f"CUPED (θ = {found.theta:.4f}): difference {adjusted}")
        out.print(f"CUPED p-value: {_p(found.cuped.p_value)}")


def _interval(value: object, level: str, *, percent: bool = False) -> str:
    estimate, low, high = (getattr(value, k) for k in ("estimate", "low", "high"))
    if estimate is None:
        return "not defined"

    def shown(x: float) -> str:
        return f"{x:+.2%}" if percent else f"{x:+,.4f}"

    if low is None or high is None:
        return f"{shown(estimate)} (no interval)"
    return f"{shown(estimate)}, {level} CI {shown(low)} to {shown(high)}"


def _p(value: float | None) -> str:
    if value is None:
        return "not defined"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def register(app: typer.Typer) -> None:
    """Add the stats commands to the CLI."""
    app.add_typer(group, name="stats")

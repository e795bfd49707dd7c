"""`carecycle demo`: build a business, run two years of it, and report what care did."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from carecycle.cli.output import out, table, to_json
from carecycle.errors import InputError
from carecycle.measure.report import amount, bounds_text
from carecycle.synth.behaviour import Truth

DEMO_PROGRAM = "smb-customer-care"
PLAN_EVERY = 7
PLANTED_FILE = "planted.json"


def demo(
    accounts: Annotated[int, typer.Option(min=1, help="How many customer accounts.")] = 3000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    days: Annotated[int, typer.Option(min=28, help="Days of operation to run.")] = 730,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the synthetic files.")] = Path(
        "demo-world"
    ),
) -> None:
    """Build a business, run it forward two years, report the care program, score and
    reward the customers, plan today.

    Run again on the same store, the demo keeps the business it built, runs only the days
    since it last ran and reports the whole span.
    """
    from carecycle.cli import data, dedupe, ladder, loyalty, programs, score, synth

    today = date.today()
    earlier = _earlier_run(out_dir / PLANTED_FILE)
    if earlier is None:
        start = _monday_after(today - timedelta(days=days))
        out.rule(f"1. a synthetic business as it stood on {start - timedelta(days=1)}")
        synth.synth(
            accounts=accounts, seed=seed, out_dir=out_dir,
            as_of=(start - timedelta(days=1)).isoformat(), fmt="csv", as_json=False,
        )  # fmt: skip
        out.rule("2. import into the store")
        data.import_(
            args=None, directory=out_dir, skip_bad=False, dry_run=False, encoding="auto",
            delimiter=None, as_json=False,
        )  # fmt: skip
    else:
        start, seed = earlier.start, earlier.seed
        out.rule("1–2. the synthetic business is already in the store")
        out.print(
            f"built for {start - timedelta(days=1)} and run forward to {earlier.last} "
            f"(seed {seed}); a new store gets a new business"
        )
    out.rule("3. find and merge duplicates")
    dedupe.run(dry_run=False, as_json=False)
    out.rule("4. data quality")
    data.quality_(out_file=Path("quality.json"), as_json=False)
    last = today - timedelta(days=1)
    out.rule(f"5. run {DEMO_PROGRAM} from {start} to {last}")
    truth = _operate(start if earlier is None else earlier.last + timedelta(days=1), last, seed)
    if earlier is not None:
        earlier.truth.merge(truth)
        truth = earlier.truth
    _save_run(out_dir / PLANTED_FILE, start, seed, truth)
    out.rule("6. the program report: test against control")
    _report(start, last, truth)
    out.rule("7. score the customers: value, lifetime value, health, loyalty ladder")
    score.score(as_of=None, days=365, as_json=False)
    ladder.ladder(as_of=None, days=365, out_file=None, as_json=False)
    out.rule("8. reward loyalty: the Scoring and Rewarding Plan's points, and tiers")
    loyalty.award(as_of=last.isoformat(), rules=None, dry_run=False, as_json=False)
    loyalty.tiers(as_of=last.isoformat(), rules=None, dry_run=False, as_json=False)
    out.rule("9. plan today's touches of the built-in programs")
    programs.plan(program=None, as_of=None, dry_run=False, as_json=False)
    out.rule("10. hand today's touches to the channels")
    _send_all()
    out.print(f"demo finished {datetime.now():%H:%M}; the store is ready for `carecycle` commands")


@dataclass(frozen=True)
class _Run:
    """A demo run this store already holds: its first day, seed, last day and truth."""

    start: date
    seed: int
    last: date
    truth: Truth


def _earlier_run(planted: Path) -> _Run | None:
    """Return the run the store already holds, None for a new store, or raise."""
    from carecycle.cli import runtime
    from carecycle.services.forward import last_simulated_day

    with runtime() as rt:
        last = last_simulated_day(rt.store)
    if last is None:
        return None
    try:
        data = json.loads(planted.read_text(encoding="utf-8"))
        return _Run(
            date.fromisoformat(data["start"]), int(data["seed"]), last,
            Truth.from_dict(data["truth"]),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"this store already holds a business run forward to {last}, but its planted "
            f"effects cannot be read from {planted} ({exc}): run the demo on a new store"
        ) from None


def _save_run(planted: Path, start: date, seed: int, truth: Truth) -> None:
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(to_json({"start": start, "seed": seed, "truth": truth}), encoding="utf-8")


def _monday_after(day: date) -> date:
    """Return the Monday on or after `day`: weekly planning then never lands on a quiet day."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _operate(first: date, last: date, seed: int) -> Truth:
    """Run the demo program from `first` to `last`; return the planted truth of those days."""
    from carecycle.cli.synth import run_days, show_forward
    from carecycle.programs.loader import resolve_program
    from carecycle.synth.behaviour import DEFAULT_BEHAVIOUR

    if first > last:
        out.print(f"the store has already run to {last}: nothing to run")
        return Truth()
    effects = ", ".join(
        f"{e.scope}: renewal {e.renewal:+.0%}"
        if e.renewal
        else f"{e.scope}: purchases {e.purchase:+.0%}"
        for e in DEFAULT_BEHAVIOUR.effects
    )
    out.print(f"planted true effects on the customers a touch reaches — {effects}")
    result = run_days(
        [resolve_program(DEMO_PROGRAM)], start=first, days=(last - first).days + 1,
        behaviour=DEFAULT_BEHAVIOUR, seed=seed, plan_every=PLAN_EVERY,
    )  # fmt: skip
    show_forward(result)
    return result.truth


def _report(start: date, end: date, truth: Truth) -> None:
    from carecycle.cli import runtime
    from carecycle.cli.report import show_summary
    from carecycle.measure.render import render_html
    from carecycle.programs.loader import resolve_program
    from carecycle.services.planted import recovered_effects
    from carecycle.services.report import ReportOptions, build_report

    with runtime() as rt:
        options = ReportOptions(
            attribution_days=rt.settings.attribution_days, costs=rt.settings.channel_costs
        )
        built = build_report(
            rt.store, resolve_program(DEMO_PROGRAM), start=start, end=end, options=options
        )
        recovered = recovered_effects(rt.store, built, truth)
    target = Path(f"report-{DEMO_PROGRAM}.html")
    target.write_text(render_html(built, generated_at=datetime.now()), encoding="utf-8")
    show_summary(built)
    ci = f"{built.confidence:.0%} CI"
    shown = table("effect", "planted", "measured", ci, "covered", numeric=4)
    for r in recovered:
        lift = r.lift
        shown.add_row(
            r.label,
            amount(r.truth, lift.unit, signed=True),
            amount(lift.difference.estimate or 0.0, lift.unit, signed=True),
            bounds_text(lift.difference, lift.unit) or "no interval",
            {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[r.covered],
        )
    out.print(shown)
    out.print(f"the full report, with charts, is in {target}")


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
    """Add the demo command to `app`."""
    app.command("demo")(demo)

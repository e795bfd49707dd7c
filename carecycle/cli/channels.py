"""`carecycle send`, `calls`, `outcomes` and `serve`: touches reach customers and come back."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from carecycle.cli.output import (
    JsonOption,
    err,
    out,
    parse_answers,
    parse_day,
    print_json,
    steps,
    table,
)
from carecycle.errors import InputError
from carecycle.store.schema import SENDABLE_CHANNELS
from carecycle.times import as_stored, utc_now

if TYPE_CHECKING:
    from carecycle.services.sending import SendResult

calls_group = typer.Typer(help="Work the telesales call queue.", no_args_is_help=True)
outcomes_group = typer.Typer(help="Record and read what happened to touches.", no_args_is_help=True)

AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The day to act for (YYYY-MM-DD; default today)."),
]


def moment_for(day: date) -> datetime:
    """Return the moment a command acts at: now for today, 09:00 UTC on another day."""
    now = utc_now()
    return now if day == now.date() else datetime.combine(day, time(9))


def parse_moment(text: str | None, option: str) -> datetime | None:
    """Return the date-time an option gives (ISO 8601; a zone is converted to UTC)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{option}: expected a date-time as YYYY-MM-DDTHH:MM, got {text!r}"
        ) from None
    return as_stored(moment)


def send(
    channel: Annotated[
        str, typer.Option("--channel", "-c", help=f"One of {', '.join(SENDABLE_CHANNELS)}.")
    ],
    as_of: AsOfOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Hand over at most this many touches.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Hand the channel its due planned touches, exactly once; files go to the outbox folder."""
    from carecycle.cli import runtime
    from carecycle.services.sending import send_due

    if channel not in SENDABLE_CHANNELS:
        raise InputError(f"--channel: use one of {', '.join(SENDABLE_CHANNELS)}, not {channel!r}")
    day = parse_day(as_of, "--as-of")
    with runtime() as rt, steps() as progress:
        progress.say(f"sending {channel} for {day}")
        result = send_due(
            rt.store,
            rt.channels(),
            channel,
            day,
            now=moment_for(day),
            limit=limit,
            progress=lambda done, total: progress.advance(channel, done, total),
        )
    if as_json:
        print_json(result)
        return
    _print_send(result)


def _print_send(r: SendResult) -> None:
    handed = f"queued {r.queued:,} calls" if r.channel == "tsr_call" else f"sent {r.sent:,}"
    out.print(f"[bold]{r.channel}[/] {r.as_of}: {handed}, failed {r.failed:,}")
    if r.retrying:
        out.print(f"{r.retrying:,} emails the server deferred wait for a later run")
    screened = {k: v for k, v in r.screened.items() if v}
    if screened:
        out.print("not sent: " + ", ".join(f"{k} {v:,}" for k, v in screened.items()))
    if any(r.reconciled.values()):
        out.print(
            f"after an interrupted run: {r.reconciled['recorded']:,} recorded as sent, "
            f"{r.reconciled['released']:,} sent again"
        )
    for path in r.files:
        out.print(f"wrote {escape(str(path))}")
    for uid, reason in r.failures[:20]:
        err.print(f"[yellow]failed[/] {uid}: {escape(reason)}")


@calls_group.command("queue")
def queue(
    team: Annotated[str | None, typer.Option("--team", help="Only this team's calls.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Calls due by this time (default now).")
    ] = None,
    agent: Annotated[
        str | None, typer.Option("--agent", help="Your name, filled into the openings.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the calls due now, most urgent first, with account summary and script."""
    from carecycle.channels.calls import item_as_dict
    from carecycle.cli import runtime
    from carecycle.services.calls import call_queue

    now = parse_moment(at, "--at") or utc_now()
    with runtime() as rt:
        items = call_queue(rt.store, rt.channels(), now=now, team=team, agent=agent)
    if as_json:
        print_json([item_as_dict(i) for i in items])
        return
    shown = table("touch", "team", "account", "contact", "phone", "script", "try", numeric=1)
    for item in items:
        d = item_as_dict(item)
        shown.add_row(
            item.touch_uid,
            item.team,
            _text(d, "account", "name"),
            _text(d, "contact", "name"),
            _text(d, "contact", "phone"),
            item.title,
            str(item.attempts),
        )
    out.print(shown)
    out.print(f"{len(items):,} calls due by {now:%Y-%m-%d %H:%M} UTC")


def _text(d: dict[str, Any], part: str, key: str) -> str:
    value = (d.get(part) or {}).get(key)
    return escape(str(value)) if value is not None else ""


@calls_group.command("record")
def record(
    touch: Annotated[str, typer.Argument(help="The touch id of the call (from the queue).")],
    result: Annotated[
        str,
        typer.Option(
            "--result", help="reached, not_reached, wrong_number, call_back or do_not_call."
        ),
    ],
    at: Annotated[str | None, typer.Option("--at", help="When the call took place.")] = None,
    call_back_at: Annotated[
        str | None, typer.Option("--call-back-at", help="When to call back (call_back).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note on the call.")] = None,
    amount: Annotated[
        str | None, typer.Option("--opportunity-amount", help="Amount of the opportunity.")
    ] = None,
    product: Annotated[
        str | None, typer.Option("--opportunity-product", help="Product of the opportunity.")
    ] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Its currency.")] = None,
    complaint: Annotated[
        str | None, typer.Option("--complaint", help="The complaint, in the customer's words.")
    ] = None,
    severity: Annotated[str, typer.Option("--severity", help="Complaint severity.")] = "medium",
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", help="A profiling answer QUESTION=VALUE (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a call's result and what it produced: opportunity, complaint, answers."""
    from carecycle.cli import runtime
    from carecycle.services.calls import CallReport, record_call

    report = CallReport(
        touch_uid=touch,
        result=result,
        occurred_at=parse_moment(at, "--at") or utc_now(),
        call_back_at=parse_moment(call_back_at, "--call-back-at"),
        note=note,
        opportunity=(_amount(amount), product, currency) if amount is not None else None,
        complaint=(complaint, severity) if complaint else None,
        answers=parse_answers(answer or []),
    )
    with runtime() as rt:
        recorded = record_call(rt.store, rt.channels(), report)
    if as_json:
        print_json(recorded)
        return
    for r in recorded:
        note_new = "" if r.new else " (already recorded)"
        effects = f": {', '.join(r.effects)}" if r.effects else ""
        out.print(f"{r.type}{note_new} → touch {r.status}{escape(effects)}")


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(f"--opportunity-amount: not a number: {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise InputError(f"--opportunity-amount: must be a positive amount, got {text!r}")
    return value


@outcomes_group.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV, JSON or XLSX outcome files.")],
    as_json: JsonOption = False,
) -> None:
    """Import outcomes (bounces, deliveries, partner and mail-house returns); all or nothing."""
    from carecycle.cli import runtime
    from carecycle.services.outcome_files import import_outcomes

    with runtime() as rt:
        report = import_outcomes(rt.store, rt.channels(), files)
    if as_json:
        print_json(report)
        return
    out.print(
        f"imported {report.recorded:,} outcomes ({report.already:,} already recorded) "
        f"from {len(files)} file(s)"
    )
    for kind, n in sorted(report.by_type.items()):
        out.print(f"  {kind}: {n:,}")


@outcomes_group.command("show")
def show(
    touch: Annotated[str, typer.Argument(help="A touch id or an email Message-ID.")],
    as_json: JsonOption = False,
) -> None:
    """Show a touch, how it was handed over, and every event since it was planned."""
    from carecycle.cli import runtime
    from carecycle.services.outcome_files import touch_history

    with runtime() as rt:
        history = touch_history(rt.store, touch)
    if as_json:
        print_json(history)
        return
    t = history.touch
    out.print(
        f"[bold]{t['touch_uid']}[/] {t['program_id']}/{t['touch_id']} for account "
        f"{t['account_id']} on {t['channel']}: [bold]{t['status']}[/]"
    )
    if history.dispatch:
        d = history.dispatch
        out.print(f"dispatch: {d['state']}, attempt {d['attempts']}, batch {d['batch_id']}")
    shown = table("when", "event", "source", "detail")
    for e in history.events:
        shown.add_row(
            str(e["occurred_at"]), e["status"], e["source"] or "", escape(e["detail"] or "")
        )
    out.print(shown)


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve tracked links, unsubscribe pages and the JSON API (owns a DuckDB store)."""
    import uvicorn

    from carecycle.cli import runtime
    from carecycle.web.app import create_app

    with runtime() as rt:
        err.print(f"serving on http://{host}:{port} (links point at {rt.settings.public_url})")
        uvicorn.run(create_app(rt), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add the channel commands to the CLI."""
    app.command()(send)
    app.command()(serve)
    app.add_typer(calls_group, name="calls")
    app.add_typer(outcomes_group, name="outcomes")

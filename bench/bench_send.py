"""Sending speed: a day's emails, letters and calls of a synthetic base of N accounts.

Builds the world (synth, then import into a DuckDB file), plans one day of both built-in
programs, then times `send_due` per channel. Emails go to a real SMTP server (aiosmtpd,
in this process) on one connection. The baseline, run in the same process on the same
messages, renders each email and hands it to smtplib's `send_message` on one connection
with no bookkeeping at all: the ratio is what exactly-once (a claim, a "transmitting"
record before the final dot and a "sent" record after it, per email) costs.

    python bench/bench_send.py [--accounts 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import smtplib
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from carecycle.bootstrap import build_channels
from carecycle.channels.email import render_email
from carecycle.config import load_settings
from carecycle.programs.loader import builtin_programs
from carecycle.services.imports import files_in, import_files
from carecycle.services.outbox import load_dispatches
from carecycle.services.planning import plan_program
from carecycle.services.sending import send_due
from carecycle.store import migrate, schema
from carecycle.store.db import Store, open_store
from carecycle.synth import generate_world, write_world

AS_OF = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 9, 0)


class Sink:
    """Accepts every message and counts them."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


def build(accounts: int, folder: Path) -> Store:
    """Return a store holding the world, planned for AS_OF."""
    write_world(generate_world(accounts=accounts, seed=7, as_of=AS_OF), folder / "w", fmt="parquet")
    store = open_store(f"duckdb:///{folder}/store.duckdb")
    migrate.upgrade(store)
    import_files(store, files_in(folder / "w"), default_region="CN", now=NOW)
    for found in builtin_programs():
        plan_program(store, found, AS_OF)
    return store


def baseline(store: Store, port: int, kit: object) -> tuple[int, float]:
    """Render and send the same emails with smtplib alone; return count and seconds."""
    t = schema.touches
    with store.begin() as conn:
        sent = sa.and_(t.c.channel == "edm", t.c.status == "sent")
        dispatches = load_dispatches(conn, sent, AS_OF)
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for d in dispatches:
            message = render_email(
                d,
                kit.links_for(d),
                kit.email,
                sent_at=NOW.replace(tzinfo=dt.UTC),  # type: ignore[attr-defined]
            )
            smtp.send_message(message)
    return len(dispatches), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        store = build(args.accounts, folder)
        took = time.perf_counter() - started
        print(f"world of {args.accounts:,} accounts built and planned in {took:.1f} s")
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=8026)
        controller.start()
        try:
            settings = load_settings(smtp_port=8026, outbox_dir=folder / "outbox")
            kit = build_channels(settings, store)
            for channel in ("edm", "dm", "tsr_call", "partner", "pam"):
                started = time.perf_counter()
                result = send_due(store, kit, channel, AS_OF, now=NOW)
                took = time.perf_counter() - started
                handed = result.sent + result.queued
                rate = handed / took
                print(f"{channel:8} {handed:6,} touches in {took:6.2f} s  ({rate:8,.0f} per s)")
                if channel == "edm":
                    ours = took
                    emails = handed
            count, plain = baseline(store, 8026, kit)
            assert count == emails, (count, emails)
            print(
                f"baseline: smtplib alone, {count:,} emails in {plain:.2f} s "
                f"({count / plain:,.0f} per s); exactly-once costs {ours / plain:.2f}x"
            )
            print(f"server received {sink.count:,} messages")
        finally:
            controller.stop()
            store.close()


if __name__ == "__main__":
    sys.exit(main())

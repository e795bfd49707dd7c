"""An email's whole journey: planned for a synthetic business, sent to a real SMTP server,
clicked and unsubscribed through the web app over HTTP, and respected by the next plan.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from carecycle.bootstrap import Runtime
from carecycle.channels.links import verify_token
from carecycle.config import load_settings
from carecycle.programs.loader import builtin_programs
from carecycle.services.imports import files_in, import_files
from carecycle.services.planning import plan_program
from carecycle.services.sending import send_due
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from carecycle.web.app import create_app
from tests.smtp_server import Mailbox, free_port

WORLD_AS_OF = date(2026, 3, 2)
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Journey:
    store: Store
    runtime: Runtime
    base_url: str
    day: date


def busiest_sa_start(store: Store) -> date:
    """Return the start day most SA agreements share, early enough to plan 14 days on."""
    g = schema.agreements
    with store.begin() as conn:
        starts = conn.execute(
            sa.select(g.c.start_on).where(
                g.c.sa.is_(True),
                g.c.program == "open_license",
                g.c.cancelled_on.is_(None),
                g.c.start_on <= WORLD_AS_OF - timedelta(days=20),
                g.c.start_on >= WORLD_AS_OF - timedelta(days=400),
            )
        ).scalars()
        counted = Counter(starts)
    assert counted, "the synthetic world has no recent SA agreement"
    return counted.most_common(1)[0][0]


@pytest.fixture
def journey(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> Iterator[tuple[Journey, Mailbox]]:
    """Import a synthetic business, plan the day its SA customers get their briefing, send."""
    world = generate_world(accounts=400, seed=11, as_of=WORLD_AS_OF)
    write_world(world, tmp_path / "world", fmt="parquet")
    import_files(store, files_in(tmp_path / "world"), default_region="CN", now=datetime(2026, 3, 2))
    port = free_port()
    settings = load_settings(
        smtp_port=smtp[1], public_url=f"http://127.0.0.1:{port}", outbox_dir=tmp_path / "out"
    )
    runtime = Runtime(settings=settings, store=store)
    day = busiest_sa_start(store) + timedelta(days=10)
    plan_program(store, smb(), day)
    app = create_app(runtime)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.02)
    try:
        send_due(
            store, runtime.channels(), "edm", day, now=datetime.combine(day, datetime.min.time())
        )
        yield Journey(store, runtime, f"http://127.0.0.1:{port}", day), smtp[0]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def smb() -> Any:
    return next(p for p in builtin_programs() if p.program.id == "smb-customer-care")


def rows(store: Store, query: Any) -> list[dict[str, Any]]:
    with store.begin() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def sent_emails(store: Store) -> list[dict[str, Any]]:
    t, c = schema.touches, schema.contacts
    return rows(
        store,
        sa.select(
            t.c.touch_uid, t.c.touch_id, t.c.account_id, t.c.contact_id, c.c.email, c.c.language
        )
        .join(c, c.c.contact_id == t.c.contact_id)
        .where(t.c.channel == "edm", t.c.status == "sent"),
    )


def test_each_planned_email_reaches_its_contact_in_their_language(
    journey: tuple[Journey, Mailbox],
) -> None:
    trip, mailbox = journey
    sent = sent_emails(trip.store)
    assert len(sent) >= 3
    assert len(mailbox.messages) == len(sent)
    by_touch = {m.message["X-CareCycle-Touch"]: m for m in mailbox.messages}
    secret = trip.runtime.channels().secret
    for email in sent:
        received = by_touch[email["touch_uid"]]
        assert received.rcpt_tos == (email["email"],)
        chinese = email["language"] == "zh"
        assert received.message["Content-Language"] == ("zh-CN" if chinese else "en")
        assert bool(CJK.search(received.message["Subject"])) == chinese
        unsubscribe = received.message["List-Unsubscribe"].strip("<>")
        assert unsubscribe.startswith(f"{trip.base_url}/u/")
        claim = verify_token(secret, unsubscribe.rsplit("/", 1)[1])
        assert (claim.touch_uid, claim.contact_id) == (email["touch_uid"], email["contact_id"])


def test_a_tracked_click_and_an_unsubscribe_over_http_reach_the_next_plan(
    journey: tuple[Journey, Mailbox],
) -> None:
    trip, mailbox = journey
    briefings = [e for e in sent_emails(trip.store) if e["touch_id"] == "free_support_briefing"]
    assert briefings, "no free-support briefing went out on the chosen day"
    chosen = briefings[0]
    message = next(m for m in mailbox.messages if m.rcpt_tos == (chosen["email"],)).message
    html = message.get_body(("html",))
    assert html is not None
    links = re.findall(r'href="([^"]+/t/c/[^"]+)"', html.get_content())
    clicked = httpx.get(links[0].replace("&amp;", "&"), follow_redirects=False)
    assert clicked.status_code == 302
    assert clicked.headers["location"].startswith(trip.runtime.settings.site_url)
    pixel = re.search(r'src="([^"]+/t/o/[^"]+)"', html.get_content())
    assert pixel is not None
    assert httpx.get(pixel.group(1)).headers["content-type"] == "image/gif"
    t = schema.touches
    status = rows(trip.store, sa.select(t.c.status).where(t.c.touch_uid == chosen["touch_uid"]))
    assert status == [{"status": "clicked"}]

    tampered = links[0][:-3] + ("AAA" if not links[0].endswith("AAA") else "BBB")
    assert httpx.get(tampered, follow_redirects=False).status_code == 400

    unsubscribe = message["List-Unsubscribe"].strip("<>")
    page = httpx.get(unsubscribe)
    assert page.status_code == 200
    assert chosen["email"] in page.text
    assert not rows(trip.store, sa.select(schema.suppressions))
    done = httpx.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert 'id="done"' in done.text
    s = schema.suppressions
    closed = rows(trip.store, sa.select(s.c.contact_id, s.c.channel, s.c.reason))
    assert closed == [
        {"contact_id": chosen["contact_id"], "channel": "edm", "reason": "unsubscribed"}
    ]

    plan_program(trip.store, smb(), trip.day + timedelta(days=4))
    later = rows(
        trip.store,
        sa.select(t.c.contact_id, t.c.channel, t.c.status).where(
            t.c.account_id == chosen["account_id"], t.c.touch_id == "sa_benefit_introduction"
        ),
    )
    assert later, "the SA benefit introduction was not decided for that account"
    emailed = [r for r in later if r["channel"] == "edm" and r["status"] == "planned"]
    assert all(r["contact_id"] != chosen["contact_id"] for r in emailed)

"""A sender killed part-way and started again delivers every email exactly once.

The sender is a real `carecycle send` process; the SMTP server kills it at two precise
moments of the SMTP conversation: while it holds a complete message and has not answered
yet (the sender cannot know whether it was accepted), and when the next message's
recipient is given (the message is claimed but nothing of it has been sent).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carecycle.services.planning import plan_program
from carecycle.store import schema
from carecycle.store.db import Store, open_store
from tests.services.channel_world import DAY, START, channel_program
from tests.services.planning_world import account, agreement, contact, load
from tests.smtp_server import Mailbox

CUSTOMERS = 12
KILL_AT = 5


def build_many(store: Store) -> None:
    """Write CUSTOMERS accounts whose free-support briefing email is due on DAY."""
    end = START + timedelta(days=730)
    load(
        store,
        accounts=[account(f"A{i:02}", language="en") for i in range(CUSTOMERS)],
        contacts=[contact(f"C{i:02}", f"A{i:02}") for i in range(CUSTOMERS)],
        agreements=[
            agreement(f"G{i:02}", f"A{i:02}", "open_license", START, end, sa=False)
            for i in range(CUSTOMERS)
        ],
    )
    plan_program(store, channel_program(), DAY)


def sender(url: str, port: int, folder: Path) -> subprocess.Popen[str]:
    """Start `carecycle send --channel edm` against the test SMTP server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARECYCLE_")}
    env |= {"CARECYCLE_SMTP_PORT": str(port), "CARECYCLE_OUTBOX_DIR": str(folder / "outbox")}
    command = [sys.executable, "-m", "carecycle", "--database-url", url]
    command += ["send", "--channel", "edm", "--as-of", DAY.isoformat()]
    return subprocess.Popen(
        command, env=env, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def sent_events(url: str) -> Counter[str]:
    store = open_store(url)
    try:
        e = schema.touch_events
        with store.begin() as conn:
            found = conn.execute(sa.select(e.c.touch_uid).where(e.c.status == "sent")).scalars()
            return Counter(found)
    finally:
        store.close()


@pytest.mark.parametrize("moment", ["holding_a_whole_message", "before_the_next_message"])
def test_a_killed_sender_restarted_delivers_every_email_exactly_once(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int], moment: str
) -> None:
    build_many(store)
    url = store.url
    store.close()
    mailbox, port = smtp
    running: dict[str, Any] = {}

    def kill(count: int) -> None:
        if count == KILL_AT and "killed" not in running:
            running["killed"] = True
            os.kill(running["process"].pid, signal.SIGKILL)

    if moment == "holding_a_whole_message":
        mailbox.on_data = kill
    else:
        mailbox.on_rcpt = kill
    running["process"] = sender(url, port, tmp_path)
    _, first_errors = running["process"].communicate(timeout=120)
    assert running["process"].returncode == -signal.SIGKILL, first_errors
    assert 0 < len(mailbox.messages) < CUSTOMERS

    restarted = sender(url, port, tmp_path)
    out, errors = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, errors
    assert "after an interrupted run" in out
    ids = Counter(m.message["Message-ID"] for m in mailbox.messages)
    assert len(ids) == CUSTOMERS
    assert set(ids.values()) == {1}
    events = sent_events(url)
    assert len(events) == CUSTOMERS
    assert set(events.values()) == {1}

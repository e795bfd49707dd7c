"""A hand-built base whose touches all fall due on one day, one per channel."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from carecycle.bootstrap import build_channels
from carecycle.channels.kit import ChannelKit
from carecycle.config import load_settings
from carecycle.programs.loader import ProgramFile, parse_program
from carecycle.services.planning import plan_program
from carecycle.store.db import Store
from tests.services.planning_world import account, agreement, contact, load

DAY = date(2026, 3, 3)
START = DAY - timedelta(days=1)
PROGRAM = """\
id: channel-check
name: Channel check
version: 1
holdout: {share: 0.0, salt: channel-check}
stages:
  - id: welcome
    name: Welcome
    window: {from: start, to: start+1mo}
    touches:
      - {id: briefing, name: Free-support briefing, channel: edm,
         content: welcome/free-support-briefing, trigger: start+1d, priority: 70}
      - {id: reminder, name: SA benefits, channel: edm,
         content: welcome/sa-benefit-introduction, trigger: start+2d, priority: 70}
      - {id: letter, name: Thank-you letter, channel: dm,
         content: welcome/thank-you-letter, trigger: start+1d, priority: 60}
      - {id: profiling, name: Core IO profiling, channel: tsr_call,
         content: scripts/core-io-profiling-9q, trigger: start+1d, priority: 80}
      - {id: partner_list, name: Renewal plan with the partner, channel: partner,
         content: renew/budget-partner-plan-promotion, trigger: start+1d, priority: 50}
      - {id: pam_list, name: Cross-sell from purchases, channel: pam,
         content: scripts/cross-sell-from-purchases, trigger: start+1d, priority: 40}
"""


def channel_program() -> ProgramFile:
    """Return the test program: one touch per channel on START+1d, an email on START+2d."""
    return parse_program(PROGRAM, "channel-check.yaml")


def build_world(store: Store) -> None:
    """Write two accounts of one partner: an English-speaking one and a Chinese one."""
    load(
        store,
        partners=[{"partner_id": "P1", "name": "Partner One", "tier": "gold"}],
        accounts=[
            account("A1", name="Alpha Ltd", region="North", partner_id="P1", language="en"),
            account(
                "A2", name="北京贝塔科技有限公司", region="East", partner_id="P1", language="zh"
            ),
        ],
        contacts=[
            contact("C1", "A1", name="Alice Smith", language="en", role="IT manager"),
            contact("C2", "A2", name="王芳", language="zh", role="IT 经理"),
        ],
        agreements=[
            agreement("G1", "A1", "open_license", START, START + timedelta(days=730), sa=True),
            agreement("G2", "A2", "open_license", START, START + timedelta(days=730), sa=True),
        ],
    )


def kit_for(store: Store, tmp_path: Path, **settings: Any) -> ChannelKit:
    """Return channels writing under tmp_path, with settings on top of the defaults."""
    chosen = {"outbox_dir": tmp_path / "outbox", "call_teams": {"north": ["North"]}} | settings
    return build_channels(load_settings(**chosen), store)


def planned_world(store: Store, day: date = DAY) -> ProgramFile:
    """Build the world and plan `day`; return the program."""
    build_world(store)
    found = channel_program()
    plan_program(store, found, day)
    return found

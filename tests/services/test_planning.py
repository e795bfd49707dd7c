"""The SMB Customer Care program planned day by day on hand-built bases, on both stores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from carecycle.programs.loader import parse_program
from carecycle.services.planning import (
    explain_account,
    plan_program,
    simulate_program,
)
from carecycle.store import schema
from carecycle.store.db import Store
from tests.services.planning_world import (
    account,
    agreement,
    contact,
    load,
    plan_days,
    smb,
    touches,
    without_holdout,
)

START = date(2025, 1, 10)
END = date(2027, 1, 9)  # a 24-month Open License
EA_START, EA_END = date(2024, 1, 15), date(2027, 1, 14)  # a 36-month Enterprise Agreement
WELCOME_DAYS = [START + timedelta(days=d) for d in (3, 7, 10, 14, 21, 24)]
DEPLOY_DAYS = [date(2025, 2, 21), date(2025, 3, 10), date(2025, 3, 21), date(2025, 4, 10)]
DEPLOY_DAYS += [date(2025, 4, 20), date(2025, 4, 21)]
COUNTDOWN = {
    "renew_minus_180": END - timedelta(days=180),
    "renew_minus_90": END - timedelta(days=90),
    "renew_minus_45": END - timedelta(days=45),
    "renew_minus_0": END,
}
MONDAY_START = date(2025, 1, 13)  # its welcome call falls on a Monday
RENEW_DAYS = [*COUNTDOWN.values(), END - timedelta(days=89), END - timedelta(days=88)]


def build_lifecycle(store: Store) -> None:
    load(
        store,
        accounts=[account("A1"), account("A2"), account("A3")],
        contacts=[contact("C1", "A1"), contact("C2", "A2"), contact("C3", "A3")],
        agreements=[
            agreement("G1", "A1", "open_license", START, END, sa=True),
            agreement("G2", "A2", "open_license", START, END, sa=False),
            agreement("G3", "A3", "ea", EA_START, EA_END, sa=True),
        ],
    )


@pytest.fixture(scope="module")
def lifecycle(module_store: Store) -> Store:
    build_lifecycle(module_store)
    plan_days(module_store, without_holdout(smb()), WELCOME_DAYS + DEPLOY_DAYS + RENEW_DAYS)
    return module_store


def planned(store: Store, account_id: str) -> dict[str, dict[str, object]]:
    rows = touches(store, account_id=account_id, status="planned")
    return {str(row["touch_id"]): row for row in rows}


def test_welcome_touches_go_out_in_month_one_on_their_day(lifecycle: Store) -> None:
    got = planned(lifecycle, "A1")
    expected = {
        "thank_you_letter": (START + timedelta(days=3), "dm"),
        "welcome_call": (START + timedelta(days=7), "tsr_call"),
        "free_support_briefing": (START + timedelta(days=10), "edm"),
        "sa_benefit_introduction": (START + timedelta(days=14), "edm"),
        "sa_activation_process": (START + timedelta(days=21), "tsr_call"),
    }
    for touch_id, (day, channel) in expected.items():
        row = got[touch_id]
        assert (row["due_on"], row["planned_on"], row["channel"]) == (day, day, channel)
        assert row["stage_id"] == "welcome"
        assert row["contact_id"] == "C1"
    # The gift goes only to customers who completed the welcome survey.
    assert "promotion_gift_application" not in got


def test_profiling_falls_in_months_two_to_four(lifecycle: Store) -> None:
    got = planned(lifecycle, "A1")
    profiling = got["core_io_profiling"]
    assert profiling["planned_on"] == date(2025, 2, 21)
    assert date(2025, 2, 10) <= profiling["planned_on"] <= date(2025, 5, 10)
    # Not completed by month 3 (no outcome came back): the reminder follows on the day.
    assert got["core_io_profiling_reminder"]["planned_on"] == date(2025, 4, 10)
    for touch_id in ("training_program_list", "end_user_promotion", "sa_experience_feedback"):
        assert got[touch_id]["stage_id"] == "deploy"


def test_renewal_countdown_hits_exactly_180_90_45_and_0_days_before_the_end(
    lifecycle: Store,
) -> None:
    got = planned(lifecycle, "A1")
    for touch_id, day in COUNTDOWN.items():
        assert got[touch_id]["due_on"] == day, touch_id
    assert got["renew_minus_180"]["planned_on"] == END - timedelta(days=180)
    assert got["renew_minus_45"]["planned_on"] == END - timedelta(days=45)
    assert got["renew_minus_0"]["planned_on"] == END
    # -90 days is a Sunday: the call waits for Monday, the statement for the day after.
    assert (END - timedelta(days=90)).weekday() == 6
    assert got["renew_minus_90"]["planned_on"] == END - timedelta(days=89)
    assert got["licence_statement"]["planned_on"] == END - timedelta(days=88)


def test_a_customer_without_sa_never_gets_an_sa_touch(lifecycle: Store) -> None:
    every = touches(lifecycle, account_id="A2")
    assert every, "the customer without SA still gets its other touches"
    assert not [row for row in every if str(row["touch_id"]).startswith("sa_")]
    assert {"thank_you_letter", "welcome_call"} <= set(planned(lifecycle, "A2"))


def test_an_open_license_without_sa_has_nothing_to_renew(lifecycle: Store) -> None:
    assert not [t for t in planned(lifecycle, "A2") if t.startswith("renew_")]


def test_enterprise_agreement_renews_in_months_31_to_36(store: Store) -> None:
    build_lifecycle(store)
    found = smb()
    month_31 = date(2026, 7, 15)  # EA_START + 30 months
    stages = {
        day: explain_account(store, found, "A3", day).cycles[0].stage
        for day in (month_31 - timedelta(days=7), month_31, EA_END - timedelta(days=1))
    }
    assert list(stages.values()) == ["use", "renew", "renew"]
    plan_days(store, without_holdout(found), [EA_END - timedelta(days=180)])
    renew = planned(store, "A3")["renew_minus_180"]
    assert month_31 <= renew["planned_on"] <= EA_END


def test_planning_a_day_twice_plans_nothing_new(store: Store) -> None:
    build_lifecycle(store)
    found = without_holdout(smb())
    first = plan_program(store, found, START + timedelta(days=7))
    written = touches(store)
    again = plan_program(store, found, START + timedelta(days=7))
    # Both welcome calls go out; each thank-you letter (due 4 days ago) loses the
    # one-touch-a-day cap to its call and waits for tomorrow.
    assert first.statuses == {"planned": 2, "deferred": 2}
    assert again.statuses == {}
    assert touches(store) == written


def test_do_not_contact_is_never_planned_on_any_channel(store: Store) -> None:
    load(
        store,
        accounts=[account("B1"), account("B2")],
        contacts=[
            contact("D1", "B1", do_not_contact=True),
            contact("D2", "B1", consent_phone=False),
            contact("D3", "B2", do_not_contact=True),
        ],
        agreements=[
            agreement("H1", "B1", "open_license", START, END, sa=True),
            agreement("H2", "B2", "open_license", START, END, sa=True),
        ],
    )
    plan_days(store, without_holdout(smb()), WELCOME_DAYS)
    every = touches(store)
    assert not [row for row in every if row["contact_id"] in ("D1", "D3")]
    b1 = {str(row["touch_id"]): row for row in every if row["account_id"] == "B1"}
    assert b1["free_support_briefing"]["contact_id"] == "D2"
    assert b1["welcome_call"]["status"] == "suppressed"  # D2 gave no phone consent
    assert "do-not-contact" in str(b1["welcome_call"]["reason"])
    b2 = [row for row in every if row["account_id"] == "B2"]
    assert b2
    assert {row["status"] for row in b2} == {"suppressed"}


def test_capacity_overflow_waits_for_the_next_day_by_priority(store: Store) -> None:
    load(
        store,
        accounts=[account(f"K{i}") for i in range(3)],
        contacts=[contact(f"P{i}", f"K{i}") for i in range(3)],
        agreements=[
            agreement(f"L{i}", f"K{i}", "open_license", MONDAY_START, END, sa=True)
            for i in range(3)
        ],
    )
    text = without_holdout(smb()).text.replace("tsr_call: 2000", "tsr_call: 2")
    found = parse_program(text, "capacity.yaml")
    call_day = MONDAY_START + timedelta(days=7)
    plan_program(store, found, call_day)
    calls = touches(store, touch_id="welcome_call")
    assert [c["status"] for c in calls] == ["planned", "planned", "deferred"]
    waiting = calls[2]
    assert "capacity" in str(waiting["reason"])
    assert waiting["planned_on"] == call_day + timedelta(1)
    plan_program(store, found, call_day + timedelta(days=1))
    calls = touches(store, touch_id="welcome_call")
    assert [c["status"] for c in calls] == ["planned"] * 3
    assert calls[2]["planned_on"] == call_day + timedelta(days=1)


def test_holdout_accounts_get_held_out_rows_and_keep_their_arm(store: Store) -> None:
    accounts = [account(f"H{i:03d}") for i in range(200)]
    load(
        store,
        accounts=accounts,
        contacts=[contact(f"HC{i:03d}", f"H{i:03d}") for i in range(200)],
        agreements=[
            agreement(f"HG{i:03d}", f"H{i:03d}", "open_license", START, END, sa=True)
            for i in range(200)
        ],
    )
    found = smb()
    plan_program(store, found, START + timedelta(days=3))
    arms = _arms(store)
    held = {a for a, arm in arms.items() if arm == "holdout"}
    assert len(arms) == 200
    assert 5 <= len(held) <= 40
    letters = touches(store, touch_id="thank_you_letter")
    assert {row["account_id"] for row in letters if row["status"] == "held_out"} == held
    # A new salt makes a new revision, but logged arms never change.
    salted = parse_program(found.text.replace("salt: smb-customer-care", "salt: x"), "new.yaml")
    later = plan_program(store, salted, START + timedelta(days=7))
    assert later.revision == 2
    assert _arms(store) == arms


def _arms(store: Store) -> dict[str, str]:
    table = schema.holdout_assignments
    with store.begin() as conn:
        return {r.account_id: r.arm for r in conn.execute(sa.select(table))}


def test_a_new_revision_neither_replans_nor_keeps_removed_touches(store: Store) -> None:
    build_lifecycle(store)
    found = without_holdout(smb())
    sunday = END - timedelta(days=90)
    plan_program(store, found, sunday)
    waiting = {str(r["touch_id"]) for r in touches(store, account_id="A1", status="deferred")}
    assert waiting == {"renew_minus_90", "licence_statement"}
    start = found.text.index("      - id: licence_statement")
    end = found.text.index("      - id: renew_minus_45")
    trimmed = parse_program(found.text[:start] + found.text[end:], "trimmed.yaml")
    result = plan_program(store, trimmed, sunday + timedelta(days=1))
    assert result.revision == 2
    assert result.cancelled == 1
    gone = touches(store, touch_id="licence_statement")[0]
    assert gone["status"] == "cancelled"
    assert "no longer in the program" in str(gone["reason"])
    assert touches(store, touch_id="renew_minus_90")[0]["status"] == "planned"
    assert len(touches(store, account_id="A1")) == 2


def test_an_extended_agreement_cancels_its_old_countdown_and_starts_a_new_one(
    store: Store,
) -> None:
    build_lifecycle(store)
    found = without_holdout(smb())
    sunday = END - timedelta(days=90)
    plan_program(store, found, sunday)
    new_end = END + timedelta(days=365)
    with store.begin() as conn:
        table = schema.agreements
        conn.execute(table.update().where(table.c.agreement_id == "G1").values(end_on=new_end))
    result = plan_program(store, found, sunday + timedelta(days=1))
    assert result.cancelled == 2
    old = touches(store, account_id="A1")
    assert {row["status"] for row in old} == {"cancelled"}
    assert all(f"now ends {new_end}" in str(row["reason"]) for row in old)
    plan_program(store, found, new_end - timedelta(days=180))
    fresh = touches(store, account_id="A1", status="planned")
    assert [(r["touch_id"], r["cycle"]) for r in fresh] == [("renew_minus_180", f"G1@{new_end}")]


def test_explain_says_planned_not_due_and_not_eligible(store: Store) -> None:
    build_lifecycle(store)
    found = without_holdout(smb())
    plan_program(store, found, START + timedelta(days=3))
    day = START + timedelta(days=5)
    a1 = explain_account(store, found, "A1", day)
    verdicts = {t.touch_id: t for t in a1.cycles[0].touches}
    assert a1.cycles[0].stage == "welcome"
    assert verdicts["thank_you_letter"].verdict == "planned"
    assert verdicts["welcome_call"].verdict == "not due"
    assert str(START + timedelta(days=7)) in verdicts["welcome_call"].detail
    a2 = explain_account(store, found, "A2", START + timedelta(days=14))
    sa_intro = {t.touch_id: t for t in a2.cycles[0].touches}["sa_benefit_introduction"]
    assert sa_intro.verdict == "not eligible"
    assert "agreement.sa = true" in sa_intro.detail


def test_simulate_forecasts_daily_volumes_and_writes_nothing(store: Store) -> None:
    build_lifecycle(store)
    found = without_holdout(smb())
    days = simulate_program(store, found, START, START + timedelta(days=10))
    planned_rows = [(d.day, d.channel, d.touches) for d in days if d.status == "planned"]
    assert (START + timedelta(days=3), "dm", 2) in planned_rows
    assert (START + timedelta(days=7), "tsr_call", 2) in planned_rows
    assert (START + timedelta(days=10), "edm", 2) in planned_rows
    assert touches(store) == []

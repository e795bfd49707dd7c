"""Earning rules awarded over the store, on DuckDB and PostgreSQL: the seed's Scoring and
Rewarding Plan on hand-built cases, top-ups, caps, reversal, idempotence and the command."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carecycle.errors import InputError
from carecycle.loyalty.rules import RuleSet, builtin_rule_sets, parse_rules
from carecycle.services import points
from carecycle.services.award import AwardReport
from carecycle.services.award import award as run_award
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.times import add_months
from tests.intelligence.test_store_clv import cli_env
from tests.loyalty.commands import loyalty_command
from tests.services.planning_world import load

PLAN = builtin_rule_sets()[0]
PROFILE = "scripts/core-io-profiling-9q"
D = date(2026, 6, 30)
D_AFTER = date(2026, 7, 1)


def award(store: Store, rules: RuleSet, *, as_of: date, dry_run: bool = False) -> AwardReport:
    """Run the award as of a day, at the end of that day."""
    return run_award(store, rules, as_of=as_of, now=datetime.combine(as_of, time(23, 59)),
                     dry_run=dry_run)  # fmt: skip


def person(cid: str, aid: str, **values: object) -> dict[str, object]:
    return {"contact_id": cid, "account_id": aid, "name": f"Person {cid}", "email": None,
            "phone": None, "created_on": date(2026, 1, 1)} | values  # fmt: skip


def deal(gid: str, aid: str, start: str, *, sa: bool, value: float = 1000, **more: object):  # type: ignore[no-untyped-def]
    return {"agreement_id": gid, "account_id": aid, "program": "open", "sa": sa,
            "start_on": date.fromisoformat(start), "end_on": date(2027, 12, 31),
            "value": value} | more  # fmt: skip


def paid(oid: str, aid: str, gid: str | None, day: str, amount: float, status: str = "booked"):  # type: ignore[no-untyped-def]
    order = {"order_id": oid, "account_id": aid, "agreement_id": gid,
             "ordered_on": date.fromisoformat(day), "status": status}  # fmt: skip
    line = {"order_line_id": f"{oid}-1", "order_id": oid, "product_id": "P1", "quantity": 1,
            "amount": amount}  # fmt: skip
    return order, line


def answers(survey: str, aid: str, cid: str, touch: str, n: int, day: str) -> list[dict[str, Any]]:
    at = datetime.fromisoformat(f"{day}T10:00")
    return [{"response_id": f"{touch}-{q}", "survey_id": survey, "touch_uid": touch,
             "account_id": aid, "contact_id": cid, "question_id": f"q{q}", "answer": "3",
             "answered_at": at} for q in range(n)]  # fmt: skip


def referral(rid: str, referrer: str, contact: str | None, referred: str | None, day: str,
             status: str = "qualified") -> dict[str, object]:  # fmt: skip
    return {"referral_id": rid, "referrer_account_id": referrer, "referrer_contact_id": contact,
            "referred_company": f"Company {referred or rid}", "referred_account_id": referred,
            "referred_on": date.fromisoformat(day), "status": status}  # fmt: skip


def world(store: Store) -> None:
    """Account A earns by every rule of the plan; B was referred by A and bought after;
    C had bought before A referred it; M is a duplicate of A."""
    orders = [
        paid("o1", "A", "g1", "2026-02-01", 1000),  # full at once within 4 months: 10
        paid("o2", "A", "g2", "2026-01-20", 600),  # through two orders within 4 months: 5
        paid("o3", "A", "g2", "2026-03-01", 400),
        paid("o4", "A", "g3", "2026-02-01", 500),  # through, after 4 months: 5
        paid("o5", "A", "g3", "2026-06-01", 500),
        paid("o6", "A", "g4", "2026-02-10", 500),  # half only: nothing
        paid("o7", "A", "g7", "2026-02-10", 1000, "refunded"),  # refunded: nothing
        paid("o8", "A", "g3", "2026-07-15", 500),  # after the day
        paid("b1", "B", None, "2026-04-01", 300),  # B's first purchase, after R1
        paid("c1", "C", None, "2026-01-01", 300),  # C bought before R2
    ]
    load(
        store,
        accounts=[{"account_id": a, "name": f"Company {a}"} for a in "ABC"]
        + [{"account_id": "M", "name": "Company A dup", "merged_into": "A"}],
        contacts=[
            person("k1", "A", phone="+8613800138000", email="k1@example.cn"),  # 5
            person("k2", "A", phone="+8613800138001"),  # 3
            person("k3", "A", email="k3@example.cn"),  # 3
            person("k4", "A"),  # name only: 0
            # k5's email bounced: name and phone, 3. k6 came after the day.
            person("k5", "A", phone="+8613800138002", email="x@example.cn", email_issue="bounced"),
            person("k6", "A", phone="+8613800138003", email="k6@example.cn", created_on=D_AFTER),
            person("km", "M", phone="+8613800138004", email="km@example.cn"),  # 5, to A
        ],
        agreements=[
            deal("g1", "A", "2026-01-10", sa=True),  # registration 4
            deal("g2", "A", "2026-01-10", sa=False),  # 2
            deal("g3", "A", "2026-01-01", sa=False),  # 2
            deal("g4", "A", "2026-02-01", sa=True),  # 4
            deal("g5", "A", "2026-01-05", sa=True, cancelled_on=date(2026, 3, 1)),  # nothing
            deal("g6", "A", "2026-08-01", sa=True),  # after the day
            deal("g7", "A", "2026-02-01", sa=False),  # 2
        ],
        orders=[o for o, _ in orders],
        order_lines=[line for _, line in orders],
        survey_responses=answers(PROFILE, "A", "k1", "T1", 9, "2026-03-01")  # profile: 5
        + answers(PROFILE, "A", "k2", "T2", 8, "2026-03-02")  # 8 of 9: no profile
        + [
            row
            for i in range(3, 9)
            for row in answers("nps", "A", "k1", f"T{i}", 1, f"2026-04-0{i}")
        ],
        referrals=[
            referral("R1", "A", "k1", "B", "2026-03-01"),  # B bought 04-01: 10 to A, 5 to B
            referral("R2", "A", "k1", "C", "2026-02-01"),  # C bought before: nothing
            referral("R3", "A", "k1", None, "2026-02-01"),  # not a customer: nothing
            referral("R4", "A", "k2", "A", "2026-05-01"),  # inside A: 5
            referral("R5", "A", "k2", "A", "2026-05-02", "rejected"),  # rejected: nothing
            referral("R6", "M", None, "B", "2026-03-15"),  # by A's duplicate: 10 to A
            referral("R7", "A", "k1", "B", "2026-08-01"),  # after the day
        ],
    )


def earned(store: Store) -> dict[str, tuple[str, str | None, int]]:
    """Return the earned entries by key (without `earn:`): account, contact, points."""
    e = schema.points_entries
    with store.begin() as conn:
        rows = conn.execute(sa.select(e).where(e.c.kind == "earn")).all()
    return {r.source_key.removeprefix("earn:"): (r.account_id, r.contact_id, r.points)
            for r in rows}  # fmt: skip


def test_the_seed_plan_awards_its_points_on_hand_built_cases(store: Store) -> None:
    world(store)
    report = award(store, PLAN, as_of=D)
    got = earned(store)
    assert {k: v for k, v in got.items() if k.startswith("contact-info:")} == {
        "contact-info:k1:0": ("A", "k1", 5),
        "contact-info:k2:1": ("A", "k2", 3),
        "contact-info:k3:2": ("A", "k3", 3),
        "contact-info:k5:1": ("A", "k5", 3),
        "contact-info:km:0": ("A", "km", 5),
    }
    assert {k: v[2] for k, v in got.items() if k.startswith("revenue-on-time:")} == {
        "revenue-on-time:g1:0": 10, "revenue-on-time:g2:1": 5, "revenue-on-time:g3:2": 5,
    }  # fmt: skip
    assert {k: v[2] for k, v in got.items() if k.startswith("registration:")} == {
        "registration:g1:0": 4, "registration:g2:1": 2, "registration:g3:1": 2,
        "registration:g4:0": 4, "registration:g7:1": 2,
    }  # fmt: skip
    assert {k: v for k, v in got.items() if k.startswith("profiling:")} == {
        f"profiling:{PROFILE}:A:0": ("A", "k1", 5)
    }
    surveys = {k: v[2] for k, v in got.items() if k.startswith("survey-answered:")}
    # Eight surveys answered in 2026 at 2 points each; the cap keeps 10 a year: the first five.
    assert surveys == {f"survey-answered:{PROFILE}:T1:k1:0": 2,
                       f"survey-answered:{PROFILE}:T2:k2:0": 2,
                       "survey-answered:nps:T3:k1:0": 2, "survey-answered:nps:T4:k1:0": 2,
                       "survey-answered:nps:T5:k1:0": 2}  # fmt: skip
    assert {k: v for k, v in got.items() if "recommendation" in k} == {
        "internal-recommendation:R4:0": ("A", "k2", 5)
    }
    assert {k: v for k, v in got.items() if k.startswith("external-referral:")} == {
        "external-referral:R1:0": ("A", "k1", 10),
        "external-referral:R6:0": ("A", None, 10),
        "external-referral:referred:B:0": ("B", None, 5),
    }
    by_rule = {r.rule: r for r in report.rules}
    assert by_rule["survey-answered"].capped == 6
    assert (by_rule["contact-info"].qualifying, by_rule["contact-info"].points) == (5, 19)
    assert report.points == 19 + 20 + 14 + 5 + 10 + 5 + 25
    assert points.balance(store, "A", datetime(2026, 7, 1)) == report.points - 5
    assert points.balance(store, "B", datetime(2026, 7, 1)) == 5


def test_a_second_run_awards_nothing_new(store: Store) -> None:
    world(store)
    first = award(store, PLAN, as_of=D)
    again = award(store, PLAN, as_of=D)
    assert first.entries > 0
    assert (again.entries, again.points) == (0, 0)
    later = award(store, PLAN, as_of=date(2026, 7, 10))
    # k6 joined on 1 July, with everything: only that is new ten days on.
    assert {(r.rule, r.points) for r in later.rules if r.points} == {("contact-info", 5)}


def test_a_subject_reaching_a_better_level_earns_the_difference(store: Store) -> None:
    world(store)
    award(store, PLAN, as_of=D)
    c = schema.contacts
    with store.begin() as conn:
        conn.execute(c.update().where(c.c.contact_id == "k2").values(email="k2@example.cn"))
        conn.execute(c.update().where(c.c.contact_id == "k1").values(email=None))
    later = award(store, PLAN, as_of=date(2026, 7, 1))
    got = earned(store)
    # k2 now has everything: 5, of which 3 were earned. k1 lost its email: keeps its 5.
    # k6, new on 1 July, earns its 5.
    assert got["contact-info:k2:0"] == ("A", "k2", 2)
    assert "contact-info:k1:1" not in got
    assert [(r.rule, r.entries, r.points) for r in later.rules if r.entries] == [
        ("contact-info", 2, 2 + 5)
    ]


def test_points_of_a_purchase_that_no_longer_counts_are_taken_back(store: Store) -> None:
    world(store)
    award(store, PLAN, as_of=D)
    o = schema.orders
    with store.begin() as conn:
        conn.execute(o.update().where(o.c.order_id.in_(["o1", "b1"])).values(status="refunded"))
    dry = award(store, PLAN, as_of=date(2026, 7, 1), dry_run=True)
    by_rule = {r.rule: r for r in dry.rules}
    taken = {r: (by_rule[r].reversed_entries, by_rule[r].reversed_points) for r in by_rule}
    assert taken["revenue-on-time"] == (1, 10)
    assert taken["external-referral"] == (3, 25)
    before = points.balance(store, "A", datetime(2026, 7, 2))
    done = award(store, PLAN, as_of=date(2026, 7, 1))
    assert [(r.reversed_entries, r.reversed_points) for r in done.rules] == [
        (r.reversed_entries, r.reversed_points) for r in dry.rules
    ]
    # Taken back: g1's 10 and A's two referrals of B; k6, new on 1 July, earned 5.
    assert points.balance(store, "A", datetime(2026, 7, 2)) == before - 10 - 20 + 5
    assert points.balance(store, "B", datetime(2026, 7, 2)) == 0
    again = award(store, PLAN, as_of=date(2026, 7, 1))
    assert sum(r.reversed_entries for r in again.rules) == 0


def test_a_merge_after_an_award_neither_pays_again_nor_takes_back(store: Store) -> None:
    world(store)
    award(store, PLAN, as_of=D)
    a = schema.accounts
    with store.begin() as conn:  # A (M's survivor) turns out a duplicate of Z: M → A → Z
        conn.execute(a.insert().values(account_id="Z", name="Company Z"))
        conn.execute(a.update().where(a.c.account_id == "A").values(merged_into="Z"))
    again = award(store, PLAN, as_of=D)
    assert (again.entries, sum(r.reversed_entries for r in again.rules)) == (0, 0)
    o = schema.orders
    with store.begin() as conn:  # a refund on the merged account is still taken back
        conn.execute(o.update().where(o.c.order_id == "o1").values(status="refunded"))
    taken = award(store, PLAN, as_of=D)
    assert [(r.rule, r.reversed_points) for r in taken.rules if r.reversed_points] == [
        ("revenue-on-time", 10)
    ]


def test_no_award_for_a_day_after_today(store: Store) -> None:
    world(store)
    with pytest.raises(InputError, match="after today"):
        run_award(store, PLAN, as_of=date(2026, 7, 2), now=datetime(2026, 7, 1, 12))


def test_a_dry_run_writes_nothing(store: Store) -> None:
    world(store)
    dry = award(store, PLAN, as_of=D, dry_run=True)
    assert earned(store) == {}
    done = award(store, PLAN, as_of=D)
    assert [(r.rule, r.entries, r.points, r.capped) for r in dry.rules] == [
        (r.rule, r.entries, r.points, r.capped) for r in done.rules
    ]


def test_weights_scale_a_factor_and_old_points_are_left_out(store: Store) -> None:
    world(store)
    text = """
id: weighted
name: Weighted
expires_after: 3mo
factors: {control: 1.5}
rules:
  - {id: contact-info, kind: contact_completeness, factor: control,
     levels: [{has: [name, phone, email], points: 5}, {has: [name, phone], points: 3}]}
  - {id: registration, kind: registration, points: 2}
"""
    report = award(store, parse_rules(text, "weighted.yaml"), as_of=D)
    by_rule = {r.rule: r for r in report.rules}
    # 5 × 1.5 = 7.5 → 8 (k1, km); 3 × 1.5 = 4.5 → 5 (k2, k5).
    assert (by_rule["contact-info"].entries, by_rule["contact-info"].points) == (4, 26)
    # Registered on their start, by 1 February: three months on, all had expired by the day.
    assert (by_rule["registration"].entries, by_rule["registration"].expired) == (0, 10)


def test_bad_rules_are_refused_with_file_and_line() -> None:
    text = "id: x\nname: X\nrules:\n  - id: r\n    kind: registration\n    points: 0\n"
    with pytest.raises(InputError, match=r"x.yaml:6: rules.0.points: .*greater than or equal to 1"):
        parse_rules(text, "x.yaml")
    text = "id: x\nname: X\nrules:\n  - {id: r, kind: survey_answered, factor: fame, points: 1}\n"
    with pytest.raises(InputError, match="rules name factors without a weight: fame"):
        parse_rules(text, "x.yaml")
    text = "id: x\nname: X\nrules:\n  - {id: r, kind: registration, levels: [{has: [name],\n"
    text += "     points: 1}]}\n"
    with pytest.raises(InputError, match="'has' belongs to contact_completeness rules"):
        parse_rules(text, "x.yaml")
    head = "id: x\nname: X\n"
    with pytest.raises(InputError, match="longer than a lifetime"):
        parse_rules(head + "expires_after: 9000y\nrules: [{id: r, kind: registration, "
                    "points: 1}]\n", "x.yaml")  # fmt: skip
    with pytest.raises(InputError, match="a survey_answered rule has one level"):
        parse_rules(head + "rules: [{id: r, kind: survey_answered, levels: [{points: 1}, "
                    "{points: 9}]}]\n", "x.yaml")  # fmt: skip
    with pytest.raises(InputError, match="level 1 asks nothing"):
        parse_rules(head + "rules: [{id: r, kind: registration, levels: [{points: 1}, "
                    "{sa: true, points: 9}]}]\n", "x.yaml")  # fmt: skip
    with pytest.raises(InputError, match="target belongs to revenue_milestone rules"):
        parse_rules(head + "rules: [{id: r, kind: registration, target: 2, points: 1}]\n",
                    "x.yaml")  # fmt: skip


def test_the_command_awards_once(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)

    run = loyalty_command(env, tmp_path)

    shown = run("award", "--as-of", "2026-06-30", "--dry-run")
    assert "dry run" in shown
    assert "would award 98 points in 23 entries" in shown
    done = json.loads(run("award", "--as-of", "2026-06-30", "--json"))
    assert (done["points"], done["entries"]) == (98, 23)
    again = json.loads(run("award", "--as-of", "2026-06-30", "--json"))
    assert (again["points"], again["entries"]) == (0, 0)
    rules = json.loads(run("rules", "--json"))
    first = rules["rules"][0]["levels"][0]
    assert (first["points"], first["has"]) == (5, ["name", "phone", "email"])
    assert "Scoring and Rewarding Plan" in run("rules")


WORLD_TABLES = ("points_allocations", "points_entries", "order_lines", "orders", "agreements",
                "contacts", "accounts")  # fmt: skip
START = date(2026, 1, 1)
CONTACTS = st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 90)), max_size=4)
AGREEMENTS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 60),
              st.lists(st.tuples(st.integers(0, 200), st.sampled_from([25, 50, 100])),
                       max_size=3)),
    max_size=3,
)  # fmt: skip


def _revenue_level(start: int, orders: list[tuple[int, int]], day: int) -> int:
    """Return the seed plan's revenue points for an agreement of value 100 as of `day`:
    10 at once within 4 months, 5 through several within, 5 after, 0 not reached."""
    total, count = 0, 0
    for on, amount in sorted(orders):
        if on > day:
            break
        total, count = total + amount, count + 1
        if total >= 100:
            within = on <= (add_months(START + timedelta(days=start), 4) - START).days
            return 10 if within and count == 1 else 5
    return 0


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
# Paid ahead of its start, awarded for a later day and then an earlier one: still paid.
@example(contacts=[], agreements=[(False, 10, [(5, 100)])], days=[100, 7])
@given(contacts=CONTACTS, agreements=AGREEMENTS,
       days=st.lists(st.integers(0, 220), min_size=1, max_size=3))  # fmt: skip
def test_award_runs_are_idempotent_and_pay_each_subject_its_best_level(
    module_store: Store,
    contacts: list[tuple[bool, bool, int]],
    agreements: list[tuple[bool, int, list[tuple[int, int]]]],
    days: list[int],
) -> None:
    store = module_store
    with store.begin() as conn:
        for name in WORLD_TABLES:
            conn.execute(schema.metadata.tables[name].delete())
    orders = [paid(f"o{i}-{j}", "A", f"g{i}", str(START + timedelta(days=on)), amount)
              for i, (_, _, paid_) in enumerate(agreements)
              for j, (on, amount) in enumerate(paid_)]  # fmt: skip
    load(
        store,
        accounts=[{"account_id": "A", "name": "Company A"}],
        contacts=[person(f"k{i}", "A", phone="+8613800138000" if phone else None,
                         email=f"k{i}@example.cn" if email else None,
                         created_on=START + timedelta(days=on))
                  for i, (phone, email, on) in enumerate(contacts)],
        agreements=[deal(f"g{i}", "A", str(START + timedelta(days=on)), sa=sa, value=100)
                    for i, (sa, on, _) in enumerate(agreements)],
        orders=[o for o, _ in orders],
        order_lines=[line for _, line in orders],
    )  # fmt: skip
    for n in days:
        award(store, PLAN, as_of=START + timedelta(days=n))
        again = award(store, PLAN, as_of=START + timedelta(days=n))
        assert (again.entries, again.points) == (0, 0)
    totals: dict[str, int] = {}
    for key, (_, _, n) in earned(store).items():
        rule, subject = key.split(":")[:2]
        totals[f"{rule}:{subject}"] = totals.get(f"{rule}:{subject}", 0) + n
    last = max(days)
    expected: dict[str, int] = {}
    for i, (phone, email, on) in enumerate(contacts):
        best = 5 if phone and email else 3 if phone or email else 0
        if on <= last and best:
            expected[f"contact-info:k{i}"] = best
    for i, (assured, on, paid_) in enumerate(agreements):
        if on <= last:
            expected[f"registration:g{i}"] = 4 if assured else 2
        best = max(_revenue_level(on, paid_, n) for n in days if n >= on) if on <= last else 0
        if best:
            expected[f"revenue-on-time:g{i}"] = best
    assert totals == expected
    assert points.balance(store, "A", datetime(2027, 1, 1)) == sum(expected.values())

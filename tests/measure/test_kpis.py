"""The KPI catalogue on a hand-built base whose every value is counted by hand.

The period is the first quarter of 2025. Accounts A1 (north), A2 (south) and A5 (east)
are in the `care` program by the period's end; A3 was merged into A1; A4 (north) is only
in the `other` program; A6 joins `care` the day after the period.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from carecycle.errors import InputError
from carecycle.measure.kpis import GROUPINGS, KPIS, evaluate_kpis, quarter_ends
from carecycle.measure.lifts import report_orders
from carecycle.store.db import Store
from tests.services.planning_world import load

START, END = date(2025, 1, 1), date(2025, 3, 31)
CARE = "care"
DOCS = Path(__file__).parents[2] / "docs" / "kpis.md"


def at(day: str, clock: str = "09:00:00") -> datetime:
    return datetime.fromisoformat(f"{day} {clock}")


def account(aid: str, region: str, **values: object) -> dict[str, object]:
    base = {"account_id": aid, "name": f"Company {aid}", "region": region, "segment": "smb"}
    return base | {"partner_id": f"P-{region}", "merged_into": None} | values


def agreement(
    gid: str, aid: str, program: str, sa: bool, start: str, end: str, **values: object
) -> dict[str, Any]:
    base = {"agreement_id": gid, "account_id": aid, "program": program, "sa": sa}
    dates = {"start_on": date.fromisoformat(start), "end_on": date.fromisoformat(end)}
    return base | dates | {"renewed_from": None, "cancelled_on": None} | values


def order(
    oid: str, aid: str, day: str, status: str = "booked", agreement_id: str | None = None
) -> dict[str, Any]:
    return {
        "order_id": oid,
        "account_id": aid,
        "ordered_on": date.fromisoformat(day),
        "status": status,
        "agreement_id": agreement_id,
    }


def line(oid: str, n: int, amount: float) -> dict[str, object]:
    return {"order_line_id": f"{oid}-{n}", "order_id": oid, "product_id": "X", "quantity": 1,
            "amount": amount}  # fmt: skip


def touch(
    uid: str, aid: str, stage: str, channel: str, planned: str, status: str, **values: object
) -> dict[str, Any]:
    day, program = date.fromisoformat(planned), values.pop("program", CARE)
    return {
        "touch_uid": uid, "program_id": program, "touch_id": f"{stage}_{channel}",
        "account_id": aid, "cycle": uid, "program_revision": 1, "stage_id": stage,
        "channel": channel, "content": "c", "priority": 50, "kpi": values.pop("kpi", None),
        "due_on": day, "planned_on": day, "expires_on": day, "status": status,
        "created_on": day, "updated_on": day,
    }  # fmt: skip


def event(uid: str, status: str, when: datetime) -> dict[str, object]:
    return {"event_id": f"{uid}-{status}-{when:%m%d%H%M%S}", "touch_uid": uid, "status": status,
            "occurred_at": when, "source": "test"}  # fmt: skip


def answer(
    rid: str, aid: str, question: str, text: str, when: datetime, uid: str | None
) -> dict[str, object]:
    return {"response_id": rid, "survey_id": "s", "touch_uid": uid, "account_id": aid,
            "question_id": question, "answer": text, "answered_at": when}  # fmt: skip


def assigned(program: str, aid: str, day: str) -> dict[str, object]:
    return {"program_id": program, "account_id": aid, "arm": "test",
            "assigned_on": date.fromisoformat(day), "share": 0.1, "salt": "s"}  # fmt: skip


def _accounts() -> list[dict[str, object]]:
    return [
        account("A1", "north"),
        account("A2", "south"),
        account("A3", "west", merged_into="A1"),
        account("A4", "north"),
        account("A5", "east"),
        account("A6", "south"),
    ]


def _assignments() -> list[dict[str, object]]:
    return [
        assigned(CARE, "A1", "2024-12-01"),
        assigned(CARE, "A3", "2024-11-01"),  # merged: counts for A1
        assigned(CARE, "A2", "2025-01-01"),
        assigned(CARE, "A5", "2025-03-31"),
        assigned(CARE, "A6", "2025-04-01"),
        assigned("other", "A4", "2025-02-01"),
        assigned("other", "A1", "2025-02-15"),
    ]


def _orders() -> tuple[list[dict[str, Any]], list[dict[str, object]]]:
    orders = [
        order("O1", "A1", "2025-01-01"),
        order("O2", "A2", "2025-03-31"),
        order("O3", "A1", "2024-12-31"),
        order("O4", "A2", "2025-04-01"),
        order("O5", "A1", "2025-02-01", status="cancelled"),
        order("O6", "A3", "2025-02-10"),
        order("O7", "A4", "2025-02-10"),
        order("O8", "A5", "2025-03-01"),
        order("R1", "A5", "2024-12-20", agreement_id="G1r"),
        order("R3", "A2", "2025-04-10", agreement_id="G3r"),
    ]
    amounts = {"O1": [100, 50], "O2": [200], "O3": [999], "O4": [888], "O5": [500],
               "O6": [25], "O7": [1000], "O8": [40]}  # fmt: skip
    lines = [line(o, n, a) for o, values in amounts.items() for n, a in enumerate(values)]
    return orders, lines


def _agreements() -> list[dict[str, Any]]:
    return [
        agreement("G1", "A5", "open_license", True, "2023-01-16", "2025-01-15"),
        agreement("G1r", "A5", "open_license", True, "2025-01-16", "2027-01-15", renewed_from="G1"),
        agreement("G2", "A2", "open_license", False, "2023-03-01", "2025-02-28"),
        agreement(
            "G2r", "A2", "open_license", False, "2025-03-01", "2027-02-28", renewed_from="G2"
        ),
        agreement("G3", "A2", "ea", False, "2022-04-01", "2025-03-31"),
        agreement("G3r", "A2", "ea", False, "2025-04-01", "2028-03-31", renewed_from="G3"),
        agreement("G4", "A5", "open_license", True, "2023-03-16", "2025-03-15"),
        agreement(
            "G5",
            "A2",
            "open_license",
            False,
            "2023-02-11",
            "2025-02-10",
            cancelled_on=date(2025, 1, 5),
        ),
        agreement("G6", "A2", "open_license", False, "2023-04-02", "2025-04-01"),
        agreement("G7", "A5", "open_license", False, "2023-03-21", "2025-03-20"),
        agreement(
            "G7r",
            "A5",
            "open_license",
            False,
            "2025-03-21",
            "2027-03-20",
            renewed_from="G7",
            cancelled_on=date(2025, 3, 21),
        ),
        agreement("G8", "A2", "select", True, "2022-03-11", "2025-03-10"),
        agreement(
            "G8r", "A2", "open_license", False, "2025-03-11", "2028-03-10", renewed_from="G8"
        ),
        agreement("GA1", "A1", "open_license", False, "2024-06-01", "2026-05-31"),
        agreement("GA4", "A4", "subscription", False, "2024-06-01", "2025-05-31"),
        agreement("GA6", "A6", "open_value", False, "2025-04-01", "2028-03-31"),
        agreement("AU1", "A1", "open_license", False, "2025-01-01", "2026-12-31"),
        agreement("AU2", "A2", "open_license", False, "2024-11-01", "2026-10-31"),
        agreement(
            "AU3",
            "A1",
            "open_license",
            False,
            "2025-01-15",
            "2027-01-14",
            cancelled_on=date(2025, 2, 1),
        ),
        agreement("AU4", "A2", "open_license", False, "2025-02-01", "2027-01-31"),
    ]


def _touches() -> list[dict[str, Any]]:
    core = {"kpi": "core_io_profiling_completion_rate"}
    return [
        touch("E1", "A1", "welcome", "edm", "2025-01-01", "delivered"),
        touch("E2", "A2", "welcome", "edm", "2025-03-31", "clicked"),
        touch("E3", "A5", "deploy", "edm", "2025-02-01", "bounced", **core),
        touch("E4", "A1", "use", "edm", "2025-03-31", "clicked"),
        touch("E5", "A2", "use", "edm", "2024-12-31", "delivered"),
        touch("E6", "A5", "welcome", "edm", "2025-02-02", "failed"),
        touch("E7", "A1", "renew", "edm", "2025-02-03", "unsubscribed"),
        touch("E8", "A2", "deploy", "edm", "2025-02-04", "responded", **core),
        touch("E9", "A4", "welcome", "edm", "2025-02-05", "delivered", program="other"),
        touch("D1", "A1", "welcome", "dm", "2025-01-10", "sent"),
        touch("D2", "A2", "welcome", "dm", "2025-01-11", "bounced"),
        touch("P1", "A1", "deploy", "tsr_call", "2025-02-10", "completed", **core),
        touch("P2", "A2", "deploy", "tsr_call", "2025-02-11", "not_reached", **core),
        touch("P4", "A5", "deploy", "tsr_call", "2025-02-12", "held_out", **core),
        touch("K1", "A5", "use", "tsr_call", "2024-12-30", "reached"),
        touch("K2", "A1", "renew", "tsr_call", "2025-03-01", "failed"),
        touch("K3", "A2", "use", "tsr_call", "2025-03-30", "reached"),
        touch("K4", "A5", "welcome", "tsr_call", "2025-03-15", "sent"),
        touch("R", "A1", "use", "pam", "2025-03-01", "completed", kpi="referenceable_customers"),
    ]


def _events() -> list[dict[str, object]]:
    sent = {
        "E1": at("2025-01-01"), "E2": at("2025-03-31", "23:59:59"), "E3": at("2025-02-01"),
        "E4": at("2025-04-01", "00:00:00"), "E5": at("2024-12-31", "23:59:59"),
        "E7": at("2025-02-03"), "E8": at("2025-02-04"), "E9": at("2025-02-05"),
        "D1": at("2025-01-10"), "D2": at("2025-01-11"), "P1": at("2025-02-10"),
        "P2": at("2025-02-11"), "K1": at("2024-12-30"), "K2": at("2025-03-01"),
        "K3": at("2025-03-30"), "K4": at("2025-03-15"),
    }  # fmt: skip
    outcomes = [
        event("P1", "profiling", at("2025-02-12")),
        event("P2", "not_reached", at("2025-02-12")),
        event("K1", "call_back", at("2024-12-31")),
        event("K1", "reached", at("2025-01-02")),
        event("K2", "not_reached", at("2025-03-02")),
        event("K2", "wrong_number", at("2025-03-03")),
        event("K3", "reached", at("2025-04-01", "08:00:00")),
    ]
    return [event(uid, "sent", when) for uid, when in sent.items()] + outcomes


def _opportunities() -> list[dict[str, object]]:
    def opp(
        oid: str, aid: str, created: str, uid: str | None, stage: str, closed: str | None
    ) -> dict[str, object]:
        closed_on = date.fromisoformat(closed) if closed else None
        return {"opportunity_id": oid, "account_id": aid, "stage": stage, "touch_uid": uid,
                "created_on": date.fromisoformat(created), "closed_on": closed_on}  # fmt: skip

    return [
        opp("OP1", "A5", "2025-01-10", "K1", "won", "2025-02-01"),
        opp("OP2", "A2", "2025-02-01", "E8", "lost", "2025-03-01"),
        opp("OP3", "A1", "2025-03-01", None, "open", None),
        opp("OP4", "A5", "2024-12-01", "K1", "won", "2025-01-05"),
        opp("OP5", "A4", "2025-03-05", "E9", "open", None),
        opp("OP6", "A2", "2025-03-31", "E8", "open", None),
        opp("OP7", "A2", "2025-04-01", "E8", "open", None),
    ]


def _cases() -> list[dict[str, object]]:
    def case(cid: str, aid: str, kind: str, when: datetime, uid: str | None) -> dict[str, object]:
        return {"case_id": cid, "account_id": aid, "kind": kind, "severity": "low",
                "opened_at": when, "touch_uid": uid}  # fmt: skip

    return [
        case("C1", "A1", "complaint", at("2025-03-31", "23:30:00"), "K2"),
        case("C2", "A2", "complaint", at("2025-04-01", "00:00:00"), "K3"),
        case("C3", "A5", "complaint", at("2025-02-01"), None),
        case("C4", "A1", "issue", at("2025-02-01"), "K2"),
        case("C5", "A5", "complaint", at("2025-01-01", "00:00:00"), "E1"),
        case("C6", "A4", "complaint", at("2025-02-01"), "E9"),
    ]


def _answers() -> list[dict[str, object]]:
    feb = at("2025-02-20")
    given = [
        ("S1", "A1", "free_support_registered", "yes", at("2025-01-15"), "D1"),
        ("S2", "A2", "free_support_registered", "no", at("2025-03-31", "12:00:00"), "K4"),
        ("S3", "A5", "free_support_registered", "yes", at("2025-04-01", "00:00:00"), None),
        ("S4", "A4", "free_support_registered", "yes", feb, None),
        ("S5", "A1", "benefits_activated", "all", feb, None),
        ("S6", "A2", "benefits_activated", "some", feb, None),
        ("S7", "A5", "benefits_activated", "none", feb, None),
        ("S8", "A5", "benefits_activated", "unaware", feb, None),
        ("S9", "A1", "recommend", "10", feb, None),
        ("S10", "A2", "recommend", "9", feb, None),
        ("S11", "A5", "nps", "9", feb, None),
        ("S12", "A1", "recommend", "8", feb, None),
        ("S13", "A2", "recommend", "6", feb, None),
        ("S14", "A5", "recommend", "n/a", feb, None),
        ("S15", "A5", "recommend", "11", feb, None),
        ("S16", "A1", "recommend", "7.5", feb, None),
        ("S17", "A1", "overall_satisfaction", "5", feb, None),
        ("S18", "A2", "overall_satisfaction", "4", feb, None),
        ("S19", "A5", "overall_satisfaction", "3", feb, None),
        ("S20", "A5", "overall_satisfaction", "6", feb, None),
    ]
    return [answer(*row) for row in given]


def _usage_and_visits() -> dict[str, list[dict[str, object]]]:
    def snap(aid: str, product: str, day: str, seats: int, active: int) -> dict[str, object]:
        return {"account_id": aid, "product_id": product, "measured_on": date.fromisoformat(day),
                "seats": seats, "active_users": active}  # fmt: skip

    def visit(aid: str, day: str, views: int, visitors: int) -> dict[str, object]:
        return {"account_id": aid, "visited_on": date.fromisoformat(day), "page_views": views,
                "unique_visitors": visitors}  # fmt: skip

    usage = [
        snap("A1", "X", "2025-01-01", 10, 2), snap("A1", "Y", "2025-01-01", 5, 1),
        snap("A1", "X", "2025-01-31", 10, 6), snap("A1", "Y", "2025-01-31", 5, 4),
        snap("A1", "X", "2025-03-01", 10, 8), snap("A2", "X", "2024-12-15", 20, 5),
    ]  # fmt: skip
    visits = [
        visit("A1", "2025-01-01", 10, 3), visit("A1", "2025-03-31", 5, 2),
        visit("A2", "2024-12-31", 100, 50), visit("A3", "2025-02-01", 7, 1),
        visit("A4", "2025-02-02", 1000, 500),
    ]  # fmt: skip
    return {"usage_snapshots": usage, "web_visits": visits}


def _referrals() -> list[dict[str, object]]:
    def referral(rid: str, aid: str, day: str, status: str) -> dict[str, object]:
        return {"referral_id": rid, "referrer_account_id": aid, "referred_company": "New Co",
                "referred_on": date.fromisoformat(day), "status": status}  # fmt: skip

    return [
        referral("F1", "A2", "2025-02-01", "qualified"),
        referral("F2", "A5", "2025-02-01", "pending"),
        referral("F3", "A1", "2025-04-02", "purchased"),
    ]


@pytest.fixture(scope="module")
def world(module_store: Store) -> dict[str, Any]:
    """Yield the hand-built base's tables, once per backend."""
    orders, lines = _orders()
    load(
        module_store,
        accounts=_accounts(),
        holdout_assignments=_assignments(),
        orders=orders,
        order_lines=lines,
        agreements=_agreements(),
        touches=_touches(),
        touch_events=_events(),
        opportunities=_opportunities(),
        support_cases=_cases(),
        survey_responses=_answers(),
        referrals=_referrals(),
        **_usage_and_visits(),
    )
    return module_store.tables()


def kpis_of(tables: dict[str, Any], **options: Any) -> dict[tuple[str, str | None], Any]:
    """Return (kpi, group) -> (value, numerator, denominator) for the first quarter."""
    options = {"start": START, "end": END} | options
    found = evaluate_kpis(tables, **options).to_pylist()
    return {(r["kpi"], r["group"]): (r["value"], r["numerator"], r["denominator"]) for r in found}


def value(tables: dict[str, Any], name: str, group: str | None = None, **options: Any) -> Any:
    """Return one KPI's value for one group."""
    return kpis_of(tables, names=[name], **options)[(name, group)][0]


def by_group(tables: dict[str, Any], name: str, by: str, **options: Any) -> dict[str | None, Any]:
    """Return one KPI's value per group."""
    found = kpis_of(tables, names=[name], by=by, **options)
    return {group: v[0] for (_, group), v in found.items()}


def test_revenue_adds_booked_order_lines_ordered_in_the_period(world: dict[str, Any]) -> None:
    # O1 (150) on the first day, O2 (200) on the last, O6 (25) of merged A3, O8 (40);
    # not O3/O4 outside the period, nor cancelled O5, nor A4's O7 outside the program.
    assert kpis_of(world, program_id=CARE, names=["revenue"]) == {
        ("revenue", None): (415.0, 415.0, None)
    }
    assert value(world, "revenue") == 1415.0


def test_revenue_from_orders_at_hand_equals_revenue_from_the_lines(
    world: dict[str, Any],
) -> None:
    # A report gathers one row per booked order (its lines added up); revenue read from
    # those is revenue read from the lines, whole and by region.
    orders = report_orders(world, start=START, end=END)
    for options in ({"program_id": CARE}, {}, {"program_id": CARE, "by": "region"}):
        assert kpis_of(world, names=["revenue"], orders=orders, **options) == kpis_of(
            world, names=["revenue"], **options
        )


def test_a_merged_accounts_rows_count_for_its_survivors_region(world: dict[str, Any]) -> None:
    regions = by_group(world, "revenue", "region", program_id=CARE)
    assert regions == {"north": 175.0, "south": 200.0, "east": 40.0}
    views = by_group(world, "site_page_views", "region", program_id=CARE)
    assert views == {"north": 22.0}


def test_program_restricts_to_its_accounts_and_touches(world: dict[str, Any]) -> None:
    care, whole = kpis_of(world, program_id=CARE), kpis_of(world)
    for name, in_care, in_whole in [
        ("edm_sent", 5.0, 6.0),
        ("complaints_captured", 2.0, 3.0),
        ("sales_opportunities", 3.0, 4.0),
        ("site_page_views", 22.0, 1022.0),
        ("site_unique_visitors", 6.0, 506.0),
    ]:
        assert (care[(name, None)][0], whole[(name, None)][0]) == (in_care, in_whole), name
    assert care[("free_support_registration_rate", None)] == (0.5, 1.0, 2.0)
    assert whole[("free_support_registration_rate", None)][1:] == (2.0, 3.0)


def test_renewal_rates_count_agreements_ending_in_the_period(world: dict[str, Any]) -> None:
    # Ending and not cancelled: G1, G2, G3, G4, G7, G8. Renewed by 31 March: G1 (booked in
    # December), G2 (starts 1 March, no order), G8 (starts 11 March); G3's renewal was
    # booked on 10 April; G7's renewal was cancelled on its first day.
    found = kpis_of(world, program_id=CARE)
    assert found[("renewal_rate", None)] == (0.5, 3.0, 6.0)
    assert found[("in_quarter_renewal_rate", None)] == (0.5, 3.0, 6.0)
    assert found[("final_renewal_rate", None)] == (pytest.approx(4 / 6), 4.0, 6.0)


def test_in_quarter_renewal_counts_bookings_until_the_quarter_ends(world: dict[str, Any]) -> None:
    # January and February: G1 and G2 end; G2's renewal is booked on 1 March.
    found = kpis_of(world, end=date(2025, 2, 28))
    assert found[("renewal_rate", None)] == (0.5, 1.0, 2.0)
    assert found[("in_quarter_renewal_rate", None)] == (1.0, 2.0, 2.0)
    assert found[("final_renewal_rate", None)] == (1.0, 2.0, 2.0)


def test_annuity_recapture_needs_an_annuity_renewal(world: dict[str, Any]) -> None:
    # Annuities ending: G1 (SA, renewed with SA), G3 (EA, renewed too late), G4 (SA, not
    # renewed), G8 (SA, renewed without SA).
    assert kpis_of(world, names=["annuity_recapture_rate"])[("annuity_recapture_rate", None)] == (
        0.25,
        1.0,
        4.0,
    )


def test_penetration_and_references_count_customers_in_force_on_the_last_day(
    world: dict[str, Any],
) -> None:
    # Customers on 31 March: A1 (no annuity), A2 (G3, EA, ends that day), A5 (G1r, SA).
    # References: A2 referred a qualified company; A1 completed a reference request.
    found = kpis_of(world, program_id=CARE)
    assert found[("annuity_penetration_rate", None)] == (pytest.approx(2 / 3), 2.0, 3.0)
    assert found[("referenceable_customers", None)] == (pytest.approx(2 / 3), 2.0, 3.0)
    whole = kpis_of(world)  # adds A4, with a subscription and no reference
    assert whole[("annuity_penetration_rate", None)] == (0.75, 3.0, 4.0)
    assert whole[("referenceable_customers", None)] == (0.5, 2.0, 4.0)


def test_base_growth_counts_first_assignments_over_the_base_before(world: dict[str, Any]) -> None:
    assert kpis_of(world, program_id=CARE, names=["cared_for_base_growth"]) == {
        ("cared_for_base_growth", None): (2.0, 2.0, 1.0)  # A2, A5 join; A1 (and A3) before
    }
    assert value(world, "cared_for_base_growth") == 3.0  # A4 joins `other` in February
    per_program = kpis_of(world, names=["cared_for_base_growth"], by="program")
    assert per_program[("cared_for_base_growth", "care")] == (2.0, 2.0, 1.0)
    assert per_program[("cared_for_base_growth", "other")] == (None, 2.0, 0.0)
    regions = by_group(world, "cared_for_base_growth", "region", program_id=CARE)
    assert regions == {"north": 0.0, "south": None, "east": None}


def test_opportunities_count_only_those_a_touch_created(world: dict[str, Any]) -> None:
    # Created in the period by a care touch: OP1, OP2, OP6 (not OP3 without a touch, nor
    # OP7 on 1 April). Closed in the period: OP1 and OP4 won, OP2 lost.
    found = kpis_of(world, program_id=CARE)
    assert found[("sales_opportunities", None)] == (3.0, 3.0, None)
    assert found[("conversion_rate", None)] == (pytest.approx(2 / 3), 2.0, 3.0)


def test_opportunities_by_stage_follow_the_touch_that_created_them(
    world: dict[str, Any],
) -> None:
    assert by_group(world, "sales_opportunities", "stage", program_id=CARE) == {
        "use": 1.0,
        "deploy": 2.0,
    }
    assert by_group(world, "conversion_rate", "stage", program_id=CARE) == {
        "use": 1.0,
        "deploy": 0.0,
    }


def test_complaints_captured_during_touches_on_the_days_of_the_period(
    world: dict[str, Any],
) -> None:
    # C1 at 23:30 on 31 March and C5 at midnight on 1 January; C2 opened on 1 April.
    assert by_group(world, "complaints_captured", "channel", program_id=CARE) == {
        "edm": 1.0,
        "tsr_call": 1.0,
    }


def test_survey_kpis_read_the_answers_given_in_the_period(world: dict[str, Any]) -> None:
    found = kpis_of(world, program_id=CARE)
    assert found[("sa_activation_rate", None)] == (0.5, 2.0, 4.0)
    # Scores 10, 9, 9 (promoters), 8, 7.5 (passives), 6 (detractor); "n/a" and 11 ignored.
    assert found[("nps", None)] == (pytest.approx(100 * 2 / 6), 2.0, 6.0)
    assert found[("customer_satisfaction", None)] == (4.0, 12.0, 3.0)


def test_answers_group_by_the_touch_they_were_given_through(world: dict[str, Any]) -> None:
    found = kpis_of(world, program_id=CARE, by="stage", names=["free_support_registration_rate"])
    assert found == {("free_support_registration_rate", "welcome"): (0.5, 1.0, 2.0)}


def test_email_and_letter_counts_follow_the_day_they_were_sent(world: dict[str, Any]) -> None:
    # Sent: E1 (1 Jan), E2 (31 Mar 23:59:59), E3 (bounced), E7 (unsubscribed), E8
    # (responded); not E4 (1 Apr), E5 (31 Dec), E6 (failed before leaving).
    found = kpis_of(world, program_id=CARE)
    assert found[("edm_sent", None)][0] == 5.0
    assert found[("edm_delivered", None)][0] == 4.0
    assert found[("edm_clicks", None)][0] == 2.0
    assert found[("edm_click_rate", None)] == (0.5, 2.0, 4.0)
    assert (found[("dm_sent", None)][0], found[("dm_delivered", None)][0]) == (2.0, 1.0)


def test_email_counts_by_stage_follow_each_touch(world: dict[str, Any]) -> None:
    # Use had only a call sent: the group is there, with no email.
    found = kpis_of(world, program_id=CARE, by="stage", names=["edm_sent", "edm_click_rate"])
    assert found == {
        ("edm_sent", "deploy"): (2.0, 2.0, None),
        ("edm_sent", "renew"): (1.0, 1.0, None),
        ("edm_sent", "use"): (0.0, 0.0, None),
        ("edm_sent", "welcome"): (2.0, 2.0, None),
        ("edm_click_rate", "deploy"): (1.0, 1.0, 1.0),
        ("edm_click_rate", "renew"): (0.0, 0.0, 1.0),
        ("edm_click_rate", "use"): (None, 0.0, 0.0),
        ("edm_click_rate", "welcome"): (0.5, 1.0, 2.0),
    }


def test_profiling_completion_is_completed_over_sent_touches_serving_it(
    world: dict[str, Any],
) -> None:
    # Sent: P1 (completed), P2 (call), E3 and E8 (emails); held-out P4 was never sent.
    found = kpis_of(world, program_id=CARE, names=["core_io_profiling_completion_rate"])
    assert found == {("core_io_profiling_completion_rate", None): (0.25, 1.0, 4.0)}
    channels = by_group(world, "core_io_profiling_completion_rate", "channel", program_id=CARE)
    assert channels == {"dm": None, "edm": 0.0, "tsr_call": 0.5}  # letters sent serve no KPI


def test_calls_count_touches_dialled_in_the_period_once(world: dict[str, Any]) -> None:
    # Made: P1 (profiling), P2 (not reached), K1 (reached on 2 Jan after a December call
    # back), K2 (not reached, then wrong number). K3 was reached on 1 April; K4 is queued.
    found = kpis_of(world, program_id=CARE, names=["calls_made", "calls_successful"])
    assert found == {
        ("calls_made", None): (4.0, 4.0, None),
        ("calls_successful", None): (2.0, 2.0, None),
    }


def test_activity_counts_each_touch_in_the_period_of_its_first_event(store: Store) -> None:
    # S1 is sent in December and again in January; S2 first in January. Call K1 is tried in
    # December and again, unreached, in January; K2 is tried in December and reached in
    # January; K3 is first tried in January.
    touches = [
        touch("S1", "A1", "welcome", "edm", "2024-12-30", "delivered"),
        touch("S2", "A1", "welcome", "edm", "2025-01-05", "delivered"),
        touch("K1", "A1", "use", "tsr_call", "2024-12-30", "not_reached"),
        touch("K2", "A1", "use", "tsr_call", "2024-12-30", "reached"),
        touch("K3", "A1", "use", "tsr_call", "2025-01-09", "not_reached"),
    ]
    events = [
        event("S1", "sent", at("2024-12-30")), event("S1", "sent", at("2025-01-05")),
        event("S2", "sent", at("2025-01-05")),
        event("K1", "not_reached", at("2024-12-31")), event("K1", "not_reached", at("2025-01-10")),
        event("K2", "call_back", at("2024-12-31")), event("K2", "reached", at("2025-01-10")),
        event("K3", "not_reached", at("2025-01-10")),
    ]  # fmt: skip
    member = assigned(CARE, "A1", "2024-12-01")
    load(
        store, accounts=[account("A1", "north")], holdout_assignments=[member],
        touches=touches, touch_events=events,
    )  # fmt: skip
    names = ["edm_sent", "calls_made", "calls_successful"]
    first_quarter = kpis_of(store.tables(), program_id=CARE, names=names)
    assert {k[0]: v[0] for k, v in first_quarter.items()} == {
        "edm_sent": 1.0, "calls_made": 2.0, "calls_successful": 1.0,
    }  # fmt: skip
    december = kpis_of(
        store.tables(), program_id=CARE, names=names,
        start=date(2024, 12, 1), end=date(2024, 12, 31),
    )  # fmt: skip
    assert {k[0]: v[0] for k, v in december.items()} == {
        "edm_sent": 1.0, "calls_made": 2.0, "calls_successful": 0.0,
    }  # fmt: skip


def test_active_users_read_the_latest_snapshot_by_day_30_60_90(world: dict[str, Any]) -> None:
    # AU1 starts 1 Jan: day 30 reads 31 Jan (15 seats, 10 active), day 60 reads 1 Mar;
    # AU2 starts 1 Nov: day 90 reads 15 Dec. AU3 was cancelled before its day 30.
    found = kpis_of(world, program_id=CARE)
    assert found[("active_users_30d", None)] == (pytest.approx(10 / 15), 10.0, 15.0)
    assert found[("active_users_60d", None)] == (0.8, 8.0, 10.0)
    assert found[("active_users_90d", None)] == (0.25, 5.0, 20.0)


def test_active_users_read_the_latest_snapshot_as_recorded(store: Store) -> None:
    # B1's agreement starts 1 Jan. By day 30 the latest snapshot (20 Jan) has 12 seats
    # and no active users recorded: that day is read, not the 5 January one before it.
    # By day 60, 1 Mar records 0 seats of X and 3 of Y, and 0 active users.
    def snap(day: str, product: str, seats: int | None, active: int | None) -> dict[str, object]:
        return {"account_id": "B1", "product_id": product, "measured_on": date.fromisoformat(day),
                "seats": seats, "active_users": active}  # fmt: skip

    load(
        store,
        accounts=[account("B1", "north")],
        holdout_assignments=[assigned(CARE, "B1", "2024-12-01")],
        agreements=[agreement("BU1", "B1", "open_license", False, "2025-01-01", "2026-12-31")],
        usage_snapshots=[
            snap("2025-01-05", "X", 10, 4), snap("2025-01-20", "X", 12, None),
            snap("2025-03-01", "X", 0, 0), snap("2025-03-01", "Y", 3, 0),
        ],
    )  # fmt: skip
    names = ["active_users_30d", "active_users_60d"]
    found = kpis_of(store.tables(), program_id=CARE, names=names)
    assert found[("active_users_30d", None)] == (0.0, 0.0, 12.0)
    assert found[("active_users_60d", None)] == (0.0, 0.0, 3.0)


def test_account_kpis_by_stage_count_accounts_touched_in_the_period(
    world: dict[str, Any],
) -> None:
    # Welcome: A1, A2, A5. Deploy: A1, A2 and A5, whose touch was held out. Use: A1, A2.
    # Renew: A1 (K2 failed, E7 went out).
    stages = by_group(world, "revenue", "stage", program_id=CARE)
    assert stages == {"deploy": 415.0, "renew": 175.0, "use": 375.0, "welcome": 415.0}
    channels = by_group(world, "revenue", "channel", program_id=CARE)
    assert channels == {"dm": 175.0, "edm": 375.0, "pam": 175.0, "tsr_call": 415.0}


def test_undefined_ratios_are_null_and_counts_zero(store: Store) -> None:
    found = evaluate_kpis(store.tables(), start=START, end=END)
    assert found.schema.names == ["kpi", "group", "value", "numerator", "denominator"]
    assert found.column("kpi").to_pylist() == list(KPIS)
    for row in found.to_pylist():
        ratio = KPIS[row["kpi"]].unit in ("rate", "score")
        assert row["value"] is None if ratio else row["value"] == 0.0, row
        assert not (isinstance(row["value"], float) and math.isnan(row["value"]))
        assert row["group"] is None


def test_an_unknown_kpi_is_refused_naming_the_valid_ones(world: dict[str, Any]) -> None:
    with pytest.raises(InputError, match=r"unknown KPI 'churn'.*renewal_rate"):
        evaluate_kpis(world, start=START, end=END, names=["revenue", "churn"])


def test_a_grouping_a_kpi_cannot_take_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(InputError, match=r"cared_for_base_growth cannot be grouped by stage"):
        evaluate_kpis(world, start=START, end=END, names=["cared_for_base_growth"], by="stage")
    with pytest.raises(InputError, match=r"cannot group by 'city'.*region"):
        evaluate_kpis(world, start=START, end=END, by="city")
    with pytest.raises(InputError, match="after it ends"):
        evaluate_kpis(world, start=END, end=START)


def test_all_kpis_by_a_grouping_leave_out_those_it_does_not_fit(world: dict[str, Any]) -> None:
    found = evaluate_kpis(world, start=START, end=END, program_id=CARE, by="stage")
    names = set(found.column("kpi").to_pylist())
    assert "cared_for_base_growth" not in names
    assert {"revenue", "edm_sent", "renewal_rate"} <= names


def test_asking_for_no_kpis_returns_an_empty_table(world: dict[str, Any]) -> None:
    found = evaluate_kpis(world, start=START, end=END, names=[])
    assert found.num_rows == 0
    assert found.schema.names == ["kpi", "group", "value", "numerator", "denominator"]


def test_quarter_ends_cover_every_quarter_the_period_touches() -> None:
    assert quarter_ends(date(2024, 11, 5), date(2025, 4, 1)) == [
        (date(2024, 10, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
    ]


def test_every_kpi_is_defined_and_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, found in KPIS.items():
        assert found.doc, name
        assert found.label, name
        assert found.groupings <= set(GROUPINGS), name
        assert f"`{name}`" in text, f"add {name} to docs/kpis.md"
        assert found.doc in text, f"docs/kpis.md should define {name} as its docstring does"

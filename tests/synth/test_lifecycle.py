"""The world puts customers in every lifecycle stage, with a signal health models can find."""

from __future__ import annotations

import datetime as dt

import pyarrow.compute as pc
import pytest

from carecycle.synth import World, generate_world

AS_OF = dt.date(2025, 6, 30)
TERM_YEARS = {"open_license": 2, "open_value": 3, "select": 3, "ea": 3, "olv": 3, "subscription": 1}


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(accounts=2_000, seed=11, as_of=AS_OF)


def _days_after_as_of(world: World, table: str, column: str) -> list[int]:
    return [(d - AS_OF).days for d in world.tables[table][column].to_pylist()]


@pytest.mark.parametrize("days", [180, 90, 45, 0])
def test_renewal_countdown_hits_each_offset_exactly(world: World, days: int) -> None:
    ends = _days_after_as_of(world, "agreements", "end_on")
    assert ends.count(days) >= 2


def test_renewal_countdown_is_planted_even_in_a_small_world() -> None:
    small = generate_world(accounts=300, seed=3, as_of=AS_OF)
    ends = _days_after_as_of(small, "agreements", "end_on")
    assert all(ends.count(days) >= 2 for days in (180, 90, 45, 0))


def _first_purchase_ages(world: World) -> list[int]:
    orders = world.tables["orders"]
    first = orders.group_by("account_id").aggregate([("ordered_on", "min")])
    return [(AS_OF - d).days for d in first["ordered_on_min"].to_pylist()]


def test_first_purchases_cover_welcome_deploy_and_use(world: World) -> None:
    ages = _first_purchase_ages(world)
    assert sum(age <= 30 for age in ages) >= 20
    assert sum(30 < age <= 120 for age in ages) >= 40
    assert sum(150 < age <= 540 for age in ages) >= 200
    assert max(ages) <= 4 * 366


def test_accounts_sit_in_open_and_enterprise_renewal_windows(world: World) -> None:
    agreements = world.tables["agreements"].to_pylist()
    open_window = [a for a in agreements if a["program"] == "open_license"]
    enterprise = [a for a in agreements if a["program"] in ("ea", "select", "olv")]
    assert any(0 <= (a["end_on"] - AS_OF).days <= 180 for a in open_window)
    assert any(0 <= (a["end_on"] - AS_OF).days <= 180 for a in enterprise)


def test_agreement_terms_follow_the_licence_program(world: World) -> None:
    for row in world.tables["agreements"].to_pylist():
        years = TERM_YEARS[row["program"]]
        assert (row["end_on"] - row["start_on"]).days == years * 365 - 1


def test_renewal_starts_the_day_after_the_agreement_it_renews_ends(world: World) -> None:
    rows = world.tables["agreements"].to_pylist()
    by_id = {r["agreement_id"]: r for r in rows}
    renewals = [r for r in rows if r["renewed_from"]]
    assert len(renewals) > 200
    for renewal in renewals:
        previous = by_id[renewal["renewed_from"]]
        assert renewal["account_id"] == previous["account_id"]
        assert renewal["start_on"] == previous["end_on"] + dt.timedelta(days=1)
        assert previous["end_on"] < AS_OF


def test_every_program_and_both_sa_states_occur(world: World) -> None:
    agreements = world.tables["agreements"]
    assert set(agreements["program"].to_pylist()) == set(TERM_YEARS)
    assert set(agreements["sa"].to_pylist()) == {True, False}
    assert set(agreements["currency"].to_pylist()) == {"CNY", "USD"}


def test_orders_are_mostly_booked_with_a_few_cancelled_or_refunded(world: World) -> None:
    status = world.tables["orders"]["status"].to_pylist()
    assert status.count("booked") / len(status) > 0.9
    assert status.count("cancelled") > 0
    assert status.count("refunded") > 0


def test_customers_buy_again_at_different_rates(world: World) -> None:
    counts = world.tables["orders"].group_by("account_id").aggregate([("order_id", "count")])
    per_account = counts["order_id_count"].to_pylist()
    assert per_account.count(1) > 100
    assert max(per_account) >= 10


def test_accounts_with_complaints_renew_less(world: World) -> None:
    agreements = world.tables["agreements"]
    renewed = set(agreements["renewed_from"].drop_null().to_pylist())
    ended = agreements.filter(pc.less(agreements["end_on"], AS_OF)).to_pylist()
    cases = world.tables["support_cases"]
    complained = set(cases.filter(pc.equal(cases["kind"], "complaint"))["account_id"].to_pylist())

    def rate(rows: list[dict[str, object]]) -> float:
        return sum(r["agreement_id"] in renewed for r in rows) / len(rows)

    unhappy = [r for r in ended if r["account_id"] in complained]
    happy = [r for r in ended if r["account_id"] not in complained]
    assert rate(unhappy) < rate(happy) - 0.05


def test_usage_declines_or_stays_low_for_some_accounts(world: World) -> None:
    usage = world.tables["usage_snapshots"].to_pylist()
    by_account: dict[str, list[float]] = {}
    for row in usage:
        by_account.setdefault(row["account_id"], []).append(row["active_users"] / row["seats"])
    full = [shares for shares in by_account.values() if len(shares) == 6]
    declining = [s for s in full if s[-1] < s[0] - 0.2]
    low = [s for s in full if max(s) < 0.4]
    assert len(full) > 500
    assert len(declining) >= 10
    assert len(low) >= 10


def test_some_referrals_lead_to_an_account_that_bought_afterwards(world: World) -> None:
    referrals = world.tables["referrals"].to_pylist()
    firsts = world.tables["orders"].group_by("account_id").aggregate([("ordered_on", "min")])
    accounts, days = firsts["account_id"].to_pylist(), firsts["ordered_on_min"].to_pylist()
    first = dict(zip(accounts, days, strict=True))
    bought = [r for r in referrals if r["status"] == "purchased"]
    assert len(bought) >= 5
    for referral in bought:
        assert first[referral["referred_account_id"]] > referral["referred_on"]
        assert first[referral["referrer_account_id"]] < referral["referred_on"]
    assert all(r["referred_account_id"] is None for r in referrals if r["status"] != "purchased")


def test_open_opportunities_have_no_close_date(world: World) -> None:
    for row in world.tables["opportunities"].to_pylist():
        assert (row["closed_on"] is None) == (row["stage"] == "open")

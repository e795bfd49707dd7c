"""The synthetic customers: how they answer touches and what a touch changes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from carecycle.synth.behaviour import (
    Behaviour,
    Effect,
    Truth,
    draw_customers,
    draw_responses,
    parse_effects,
    reached,
    renewal_chance,
)


def test_effects_are_read_per_stage_or_touch_and_kind() -> None:
    found = parse_effects(["renew.renewal=0.1", "use.purchase=0.5", "renew.purchase=0.2"])
    assert found == (Effect("renew", 0.1, 0.2), Effect("use", 0.0, 0.5))


@pytest.mark.parametrize(
    "text",
    [
        "renew=0.1",
        "renew.churn=0.1",
        "renew.renewal=1.5",
        "use.purchase=-1",
        "renew.renewal=0.1.2",
        "use.purchase=.",
    ],
)
def test_a_malformed_effect_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(ValueError, match="effect"):
        parse_effects([text])


def test_renewal_lift_adds_the_effects_of_every_scope_that_reached_the_cycle() -> None:
    behaviour = Behaviour((Effect("renew", renewal=0.1), Effect("renew_minus_90", renewal=0.05)))
    assert behaviour.renewal_lift({"renew", "renew_minus_90"}) == pytest.approx(0.15)
    assert behaviour.renewal_lift({"welcome"}) == 0.0


def test_answers_follow_each_channel_and_a_miss_says_so() -> None:
    rng = np.random.default_rng(1)
    answers = draw_responses(rng, ["edm"] * 20_000 + ["tsr_call"] * 20_000 + ["web"])
    emails, calls = answers[:20_000], answers[20_000:40_000]
    assert answers[-1] == []
    delivered = np.mean([a[:1] == ["delivered"] for a in emails])
    bounced = np.mean([a == ["bounced"] for a in emails])
    assert delivered == pytest.approx(0.96, abs=0.01)
    assert bounced == pytest.approx(0.04, abs=0.01)
    assert np.mean([a[:1] == ["not_reached"] for a in calls]) == pytest.approx(0.35, abs=0.01)
    assert all(reached(a) == (a[:1] not in (["bounced"], ["not_reached"])) for a in answers)


def test_renewal_chance_grows_with_software_assurance_and_size() -> None:
    propensity = np.zeros(3)
    chance = renewal_chance(
        propensity,
        sa=np.array([False, True, True]),
        large=np.array([False, False, True]),
        open_license=np.array([False, False, False]),
    )
    assert chance[0] < chance[1] < chance[2]
    assert chance[0] == pytest.approx(1 / (1 + np.exp(-1.0)))


def test_truth_adds_up_each_accounts_expected_extra() -> None:
    truth = Truth()
    truth.add_extra("A1", 0.5, 100.0)
    truth.add_extra("A1", 0.25, 50.0)
    truth.add_renewal("AG1", "A1", 0.6, 0.72)
    assert truth.extra_orders == {"A1": 0.75}
    assert truth.extra_revenue == {"A1": 150.0}
    assert truth.renewals["AG1"] == ("A1", 0.6, 0.72)


def test_truth_merges_a_later_run_and_reads_back_from_json() -> None:
    first, later = Truth(), Truth()
    first.add_extra("A1", 0.5, 100.0)
    first.add_renewal("AG1", "A1", 0.6, 0.72)
    later.add_extra("A1", 0.25, 50.0)
    later.add_extra("A2", 1.0, 10.0)
    later.add_renewal("AG2", "A2", 0.5, 0.5)
    first.merge(later)
    assert first.extra_orders == {"A1": 0.75, "A2": 1.0}
    assert first.extra_revenue == {"A1": 150.0, "A2": 10.0}
    written = json.loads(json.dumps(vars(first)))
    assert Truth.from_dict(written) == first


def test_purchase_rates_follow_each_accounts_history() -> None:
    """Gamma prior, Poisson orders: the rate is drawn from Gamma(0.8 + x, 0.8 / 2.5 + T)."""
    n = 20_000
    ids = [f"A{i}" for i in range(n)]
    orders = np.where(np.arange(n) < n // 2, 0.0, 12.0)
    years = np.full(n, 2.0)
    drawn = draw_customers(
        np.random.default_rng(3), ids, ["small"] * n, ["US"] * n, history=(orders, years)
    )
    quiet, busy = drawn.rate[: n // 2], drawn.rate[n // 2 :]
    assert quiet.mean() == pytest.approx(0.8 / (0.32 + 2.0), rel=0.03)
    assert busy.mean() == pytest.approx(12.8 / (0.32 + 2.0), rel=0.03)
    fresh = draw_customers(np.random.default_rng(3), ids, ["small"] * n, ["US"] * n)
    assert fresh.rate.mean() == pytest.approx(2.5, rel=0.05)

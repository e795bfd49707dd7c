"""The health scorecard's arithmetic, AUC and calibration, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.intelligence.health import (
    HealthPolicy,
    Signals,
    auc,
    bands,
    calibration,
    calibration_by_band,
    explain,
    score_components,
    score_health,
)

NAN = np.nan


def signals(**given: list[float]) -> Signals:
    """Return signals for as many accounts as the lists hold: nothing known by default."""
    n = len(next(iter(given.values())))
    unknown = ("used", "trend", "nps", "satisfaction")
    columns = {
        name: np.array(given.get(name, [NAN if name in unknown else 0.0] * n), dtype=float)
        for name in Signals.__dataclass_fields__
        if name != "accounts"
    }
    return Signals(accounts=[f"A{k}" for k in range(n)], **columns)


def test_each_component_scores_its_signal() -> None:
    found = score_components(
        signals(
            used=[0.4, 0.9, NAN], seats=[10, 10, 0], trend=[-0.04, 0.02, -0.2],
            issues=[1, 0, 12], complaints=[1, 0, 0], open_serious=[1, 0, 0],
            nps=[8, NAN, NAN], satisfaction=[4, 2, NAN],
            sent=[4, 4, 2], answered=[3, 1, 2],
            ended=[2, 0, 0], renewed=[1, 0, 0], refunds=[1, 0, 0],
        )
    )  # fmt: skip
    # 40 % of seats in use is half of the 80 % that scores 100; above it scores 100.
    assert found["usage"][:2].tolist() == pytest.approx([50.0, 100.0])
    assert np.isnan(found["usage"][2])
    # Falling 4 points a month is half of the 8 that scores 0; rising scores 100; the
    # trend is known without the latest level.
    assert found["usage_trend"].tolist() == pytest.approx([50.0, 100.0, 0.0])
    # 100 - 10 an issue - 25 a complaint - 15 a serious case still open; never below 0.
    assert found["support"].tolist() == pytest.approx([50.0, 100.0, 0.0])
    # NPS 8 → 80 and satisfaction 4 of 5 → 75, averaged; satisfaction 2 alone → 25.
    assert found["survey"][:2].tolist() == pytest.approx([77.5, 25.0])
    assert np.isnan(found["survey"][2])
    # 3 of 4 answered is past the 50 % that scores 100; 1 of 4 is half of it; under 3
    # touches sent, engagement is unknown.
    assert found["engagement"][:2].tolist() == pytest.approx([100.0, 50.0])
    assert np.isnan(found["engagement"][2])
    # Renewed 1 of 2 (50) less 25 for the refunded order; no history is unknown.
    assert found["renewal"][0] == pytest.approx(25.0)
    assert np.isnan(found["renewal"][1:]).all()


def test_health_is_the_weighted_mean_of_the_known_components() -> None:
    policy = HealthPolicy(weights={"usage": 3, "support": 1, "renewal": 1}, cuts=(70, 40))
    found = score_health(
        signals(
            used=[0.4, 0.4, NAN, NAN], issues=[0, 3, 0, 0], complaints=[0, 0, 0, 4],
            ended=[1, 1, 0, 1], renewed=[1, 0, 0, 1],
        ),
        policy,
    )  # fmt: skip
    # (3·50 + 1·100 + 1·100) / 5 = 70; (3·50 + 70 + 0) / 5 = 44; usage and renewal
    # unknown leaves support (1/5 of the weight, under the 30 % needed): not scored;
    # (1·0 + 1·100) / 2 = 50 from support and renewal, 2/5 of the weight.
    assert found.health[:2].tolist() == pytest.approx([70.0, 44.0])
    assert np.isnan(found.health[2])
    assert found.health[3] == pytest.approx(50.0)
    assert found.bands == ["green", "amber", None, "amber"]


def test_bands_are_closed_at_their_cuts() -> None:
    values = np.array([100.0, 70.0, 69.99, 40.0, 39.99, 0.0, NAN])
    assert bands(values, (70, 40)) == ["green", "green", "amber", "amber", "red", "red", None]
    # 14 of 25 seats in use is 70 % of the 80 % that scores 100: 69.99999999999999 in
    # floating point, scored 70 and green; so is a mean of components that are all 70.
    policy = HealthPolicy(weights={"usage": 0.3, "survey": 0.1, "engagement": 0.6})
    found = score_health(signals(used=[14 / 25], nps=[7.0], sent=[10], answered=[3.5]), policy)
    assert found.components["usage"][0] == 70.0
    assert found.health[0] == 70.0
    assert found.bands == ["green"]


def test_the_explanation_names_the_weak_components_costliest_first() -> None:
    policy = HealthPolicy()
    given = signals(
        used=[0.2, 0.9, NAN], seats=[25, 10, 0], trend=[-0.06, 0.0, NAN],
        issues=[1, 0, 0], complaints=[2, 0, 0], ended=[2, 0, 0], renewed=[1, 0, 0],
    )  # fmt: skip
    found = score_health(given, policy)
    # Usage 25 costs 0.30 · 75; renewal 50 costs 0.20 · 50; support 40 costs 0.15 · 60;
    # the trend 25 costs 0.15 · 75 (11.25, ahead of renewal and support).
    assert explain(given, found, policy, 0) == (
        "20% of 25 seats in use; usage falling 6.0 points of seats a month; "
        "renewed 1 of 2 ended agreements; 2 complaints and 1 issue in the window"
    )
    assert explain(given, found, policy, 1) == "every known component green"
    assert explain(given, found, policy, 2) == "too little known to score: nothing known"


def test_auc_is_the_share_of_pairs_in_order_ties_half() -> None:
    # Renewed 2 and 3 against lapsed 1 and 2: (2>1) 1, (2=2) ½, (3>1) 1, (3>2) 1 → 3.5 / 4.
    assert auc(np.array([1.0, 2.0, 2.0, 3.0]), np.array([0, 1, 0, 1])) == 0.875
    assert auc(np.array([1.0, 2.0]), np.array([1, 0])) == 0.0
    assert auc(np.array([5.0, 5.0, 5.0]), np.array([1, 0, 1])) == 0.5
    with pytest.raises(InputError, match="both outcomes"):
        auc(np.array([1.0, 2.0]), np.array([1, 1]))


def test_calibration_counts_and_rates_per_bin_and_band() -> None:
    scores = np.array([5.0, 35.0, 45.0, 75.0, 100.0, 100.0])
    renewed = np.array([0, 1, 0, 1, 1, 0])
    rows = calibration(scores, renewed, (0.0, 40.0, 70.0, 100.0))
    assert [(r.label, r.agreements, r.renewed) for r in rows] == [
        ("0–40", 2, 1), ("40–70", 1, 0), ("70–100", 3, 2),
    ]  # fmt: skip
    assert rows[2].rate == pytest.approx(2 / 3)
    assert rows[2].mean_health == pytest.approx(275 / 3)
    by_band = calibration_by_band(scores, renewed, (70, 40))
    assert [(r.label, r.agreements, r.rate) for r in by_band] == [
        ("green", 3, pytest.approx(2 / 3)), ("amber", 1, 0.0), ("red", 2, 0.5),
    ]  # fmt: skip
    empty = calibration(np.array([]), np.array([]), (0.0, 100.0))
    assert (empty[0].agreements, empty[0].rate, empty[0].mean_health) == (0, None, None)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"weights": {"usage": 1, "mood": 1}}, "unknown component mood"),
        ({"weights": {"usage": -1}}, "0 or more"),
        ({"weights": {"usage": 0}}, "must not all be 0"),
        ({"cuts": (40, 70)}, "green > amber"),
        ({"cuts": (120, 40)}, "green > amber"),
        ({"days": 0}, "--days must be 1 or more"),
    ],
)
def test_a_bad_policy_is_refused(given: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        HealthPolicy(**given)  # type: ignore[arg-type]

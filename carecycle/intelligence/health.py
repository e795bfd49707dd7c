"""Customer health: a weighted scorecard of usage, support, surveys, engagement, renewals.

Each component scores an account 0–100 from what the store says about it over a window
(`Signals`); a component the store says nothing about is left out, and the health is the
weighted mean of the components present, when those that say something carry enough of
the weight (support without a case scores 100 but says little on its own). Scores
fall in bands: green from the first cut, amber from the second, red below. How each
component scores is in docs/intelligence.md; `explain` says, per account, which weak
components pull its health down and why.

Whether health means anything is checked against what happened: `auc` is the chance that
an agreement that renewed had a healthier account than one that lapsed, `calibration`
the renewal rate per band of health.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from scipy.stats import rankdata

from carecycle.config import DEFAULT_HEALTH_WEIGHTS
from carecycle.errors import InputError

COMPONENTS = ("usage", "usage_trend", "support", "survey", "engagement", "renewal")
BANDS = ("green", "amber", "red")
DEFAULT_WEIGHTS: Mapping[str, float] = DEFAULT_HEALTH_WEIGHTS
DEFAULT_CUTS = (70.0, 40.0)
FULL_USE = 0.8  # share of seats in use that scores 100
ZERO_DECLINE = 0.08  # a fall of this share of seats a month scores 0
ISSUE_COST, COMPLAINT_COST, OPEN_SERIOUS_COST = 10.0, 25.0, 15.0
FULL_ANSWERS = 0.5  # share of touches answered that scores 100
MIN_TOUCHES = 3  # touches sent before engagement counts
REFUND_COST = 25.0
MIN_WEIGHT = 0.30  # share of the weight whose components must say something to score


@dataclass(frozen=True)
class HealthPolicy:
    """How health is scored: each component's weight, the green and amber cuts, the days
    of signals read, and the share of the weight that must be known."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    cuts: tuple[float, float] = DEFAULT_CUTS
    days: int = 180
    min_weight: float = MIN_WEIGHT

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(COMPONENTS))
        if unknown:
            raise InputError(
                f"setting health_weights: unknown component {', '.join(unknown)} "
                f"(components: {', '.join(COMPONENTS)})"
            )
        if any(not np.isfinite(w) or w < 0 for w in self.weights.values()):
            raise InputError("setting health_weights: weights must be 0 or more")
        if not sum(self.weights.values()) > 0:
            raise InputError("setting health_weights: weights must not all be 0")
        green, amber = self.cuts
        if not 0 < amber < green <= 100:
            raise InputError(
                f"setting health_cuts: need green > amber > 0, at most 100, not {list(self.cuts)}"
            )
        if self.days < 1:
            raise InputError("--days must be 1 or more")

    def weight(self, component: str) -> float:
        """Return the component's share of the total weight."""
        return self.weights.get(component, 0.0) / sum(self.weights.values())


@dataclass(frozen=True)
class Signals:
    """Per account, what the store says over the window; NaN where it says nothing.

    `used` is the latest share of seats in use, `trend` its change per month (a least
    squares slope over the window's snapshots, two at least); `nps` (0–10) and
    `satisfaction` (1–5) are the mean answers in the window; `sent` and `answered` the
    touches first sent in the window and those the customer answered; `ended` and
    `renewed` the agreements ended in the years before and those renewed; `refunds` the
    orders in the window refunded or cancelled.
    """

    accounts: list[str]
    seats: np.ndarray
    used: np.ndarray
    trend: np.ndarray
    issues: np.ndarray
    complaints: np.ndarray
    open_serious: np.ndarray
    nps: np.ndarray
    satisfaction: np.ndarray
    sent: np.ndarray
    answered: np.ndarray
    ended: np.ndarray
    renewed: np.ndarray
    refunds: np.ndarray


@dataclass(frozen=True)
class Health:
    """Per account: each component's score (NaN when unknown), the health (NaN when too
    little is known) and its band (None then)."""

    accounts: list[str]
    components: dict[str, np.ndarray]
    health: np.ndarray
    bands: list[str | None]


def score_components(signals: Signals) -> dict[str, np.ndarray]:
    """Return each component's 0–100 score per account, NaN where it is unknown."""
    s = signals
    nothing = np.full(len(s.accounts), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        usage = 100 * np.minimum(s.used / FULL_USE, 1.0)
        trend = 100 * (1 - np.maximum(-s.trend, 0.0) / ZERO_DECLINE)
        support = 100 - ISSUE_COST * s.issues - COMPLAINT_COST * s.complaints
        support = support - OPEN_SERIOUS_COST * s.open_serious
        nps, satisfied = 10 * s.nps, 25 * (s.satisfaction - 1)
        survey = np.where(np.isnan(nps), satisfied,
                          np.where(np.isnan(satisfied), nps, (nps + satisfied) / 2))  # fmt: skip
        engagement = np.where(
            s.sent >= MIN_TOUCHES, 100 * np.minimum(s.answered / s.sent / FULL_ANSWERS, 1), np.nan
        )
        history = np.where(s.ended > 0, 100 * s.renewed / s.ended, 100.0)
        renewal = np.where((s.ended > 0) | (s.refunds > 0), history - REFUND_COST * s.refunds,
                           nothing)  # fmt: skip
    raw = {
        "usage": usage, "usage_trend": trend, "support": support, "survey": survey,
        "engagement": engagement, "renewal": renewal,
    }  # fmt: skip
    # Rounded to 9 decimals, so a score on a cut is not banded below it by 1e-14.
    return {name: np.clip(np.round(v.astype(np.float64), 9), 0.0, 100.0) for name, v in raw.items()}


def score_health(signals: Signals, policy: HealthPolicy) -> Health:
    """Return each account's components, health and band."""
    components = score_components(signals)
    total = np.zeros(len(signals.accounts))
    known = np.zeros(len(signals.accounts))
    evidence = np.zeros(len(signals.accounts))
    for name, values in components.items():
        weight = policy.weight(name)
        present = ~np.isnan(values)
        total += np.where(present, weight * values, 0.0)
        known += np.where(present, weight, 0.0)
        evidence += np.where(_evidence(name, signals, present), weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        health = np.where(evidence >= policy.min_weight - 1e-12, total / known, np.nan)
    health = np.clip(np.round(health, 9), 0.0, 100.0)  # the weighted mean, without 1e-14s
    return Health(signals.accounts, components, health, bands(health, policy.cuts))


def _evidence(name: str, signals: Signals, present: np.ndarray) -> np.ndarray:
    """Return where a known component also says something: support without a single case
    scores 100 but, alone, does not tell a quiet customer from a gone one."""
    if name != "support":
        return present
    s = signals
    return np.asarray(present & (s.issues + s.complaints + s.open_serious > 0))


def bands(values: np.ndarray, cuts: tuple[float, float]) -> list[str | None]:
    """Return each score's band: green from the first cut, amber from the second, red below;
    None for a score that is unknown."""
    green, amber = cuts
    marks = np.full(len(values), None, dtype=object)
    with np.errstate(invalid="ignore"):  # NaN compares false: no band
        marks[values < amber] = "red"
        marks[values >= amber] = "amber"
        marks[values >= green] = "green"
    return list(marks.tolist())


ALL_GREEN = "every known component green"


def explain_all(signals: Signals, found: Health, policy: HealthPolicy) -> list[str]:
    """Return every account's explanation; accounts scored with every known component
    green share one text, without a look at each."""
    with np.errstate(invalid="ignore"):
        weak = np.zeros(len(found.accounts), dtype=bool)
        for values in found.components.values():
            weak |= values < policy.cuts[0]
    plain = ~weak & ~np.isnan(found.health)
    return [ALL_GREEN if fine else explain(signals, found, policy, k)
            for k, fine in enumerate(plain.tolist())]  # fmt: skip


def explain(signals: Signals, found: Health, policy: HealthPolicy, k: int) -> str:
    """Return why account `k` scores as it does: its components below green, the one
    costing most health first, each with the signal behind it."""
    if np.isnan(found.health[k]):
        cases = signals.issues[k] + signals.complaints[k] + signals.open_serious[k]
        told = [  # as `_evidence` has it, for one account
            name
            for name, values in found.components.items()
            if not np.isnan(values[k]) and (name != "support" or cases > 0)
        ]
        known = f"{' and '.join(told)} only" if told else "nothing known"
        return f"too little known to score: {known}"
    weak = []
    for name, values in found.components.items():
        value = values[k]
        if np.isnan(value) or value >= policy.cuts[0]:
            continue
        weak.append((policy.weight(name) * (100 - value), f"{_reason(name, signals, k)}"))
    if not weak:
        return ALL_GREEN
    return "; ".join(reason for _, reason in sorted(weak, key=lambda w: -w[0]))


def _reason(name: str, s: Signals, k: int) -> str:
    if name == "usage":
        return f"{s.used[k]:.0%} of {int(s.seats[k]):,} seats in use"
    if name == "usage_trend":
        return f"usage falling {-100 * s.trend[k]:.1f} points of seats a month"
    if name == "support":
        parts = [_count(int(s.complaints[k]), "complaint"), _count(int(s.issues[k]), "issue")]
        serious = int(s.open_serious[k])
        open_part = f", {serious} serious still open" if serious else ""
        return f"{' and '.join(p for p in parts if p) or 'no case'} in the window{open_part}"
    if name == "survey":
        said = []
        if not np.isnan(s.nps[k]):
            said.append(f"NPS answer {s.nps[k]:.1f} of 10")
        if not np.isnan(s.satisfaction[k]):
            said.append(f"satisfaction {s.satisfaction[k]:.1f} of 5")
        return ", ".join(said)
    if name == "engagement":
        return f"answered {int(s.answered[k])} of {int(s.sent[k])} touches"
    ended, refunds = int(s.ended[k]), int(s.refunds[k])
    parts = [f"renewed {int(s.renewed[k])} of {ended} ended agreements" if ended else ""]
    parts.append(_count(refunds, "order") + " refunded or cancelled" if refunds else "")
    return ", ".join(p for p in parts if p)


def _count(n: int, noun: str) -> str:
    return "" if not n else f"{n} {noun}{'' if n == 1 else 's'}"


def auc(scores: np.ndarray, outcomes: np.ndarray) -> float:
    """Return the area under the ROC curve: the chance that a random positive outcome has a
    higher score than a random negative one, ties counting half (Mann–Whitney U / n₁n₀)."""
    positive = np.asarray(outcomes, dtype=bool)
    n1, n0 = int(positive.sum()), int((~positive).sum())
    if not n1 or not n0:
        raise InputError("the AUC needs both outcomes: some renewed and some not")
    ranks = rankdata(scores)
    u = ranks[positive].sum() - n1 * (n1 + 1) / 2
    return float(u / (n1 * n0))


@dataclass(frozen=True)
class CalibrationRow:
    """One bin of health: how many agreements' accounts scored in it, their mean health,
    and how many of the agreements renewed."""

    label: str
    agreements: int
    mean_health: float | None
    renewed: int
    rate: float | None


def calibration(
    scores: np.ndarray, outcomes: np.ndarray, edges: tuple[float, ...]
) -> list[CalibrationRow]:
    """Return the renewal rate per bin of health, bins from each edge to the next (the
    last closed at 100)."""
    rows = []
    for low, high in pairwise(edges):
        mine = (scores >= low) & ((scores <= high) if high >= 100 else (scores < high))
        rows.append(_row(f"{low:g}–{high:g}", mine, scores, outcomes))
    return rows


def calibration_by_band(
    scores: np.ndarray, outcomes: np.ndarray, cuts: tuple[float, float]
) -> list[CalibrationRow]:
    """Return the renewal rate per band of health."""
    marks = np.array(bands(scores, cuts), dtype=object)
    return [_row(band, marks == band, scores, outcomes) for band in BANDS]


def _row(label: str, mine: np.ndarray, scores: np.ndarray, outcomes: np.ndarray) -> CalibrationRow:
    n, hit = int(mine.sum()), int(np.asarray(outcomes, dtype=bool)[mine].sum())
    return CalibrationRow(
        label=label,
        agreements=n,
        mean_health=float(scores[mine].mean()) if n else None,
        renewed=hit,
        rate=hit / n if n else None,
    )

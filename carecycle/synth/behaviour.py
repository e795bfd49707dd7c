"""How the synthetic customers answer touches, buy and renew, with a planted true effect.

Each account has a base yearly purchase rate and a renewal propensity, drawn once from
the seed. A touch that reached the customer (sent and not bounced, failed or unreached)
changes behaviour by the configured effect of its stage or touch: renewal adds to the
chance that the touched cycle's agreement renews; purchase multiplies the purchase rate
for `window_days` after the touch. The control group is never touched, so it never
changes. Every change is also added up as its expected value — the truth a measurement
must recover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from carecycle.synth.sampling import Bools, Floats, Ints, sigmoid

# Chances of what happens to a touch once sent, per channel: (first outcome, its chance,
# then the deeper outcome and its chance among the first).
RESPONSES: dict[str, tuple[tuple[str, float], ...]] = {
    "edm": (("delivered", 0.96), ("opened", 0.40), ("clicked", 0.30)),
    "dm": (("delivered", 0.97),),
    "tsr_call": (("reached", 0.65), ("completed", 0.60)),
    "pam": (("reached", 0.85), ("responded", 0.50)),
    "partner": (("reached", 0.75), ("responded", 0.40)),
}
MISSED = {"edm": "bounced", "dm": "bounced", "tsr_call": "not_reached"}
SIZE_RATE = {"micro": 0.7, "small": 1.0, "medium": 1.3, "large": 1.8}
SIZE_QUANTITY = {"micro": 1.0, "small": 3.0, "medium": 8.0, "large": 20.0}
RATE_SHAPE, RATE_MEAN_PER_YEAR = 0.8, 2.5
EFFECT_PATTERN = re.compile(r"^([A-Za-z0-9_\-]+)\.(renewal|purchase)=(-?\d+(?:\.\d+)?|-?\.\d+)$")
EFFECT_FORMAT = "write STAGE_OR_TOUCH.renewal=0.1 or .purchase=0.5"


@dataclass(frozen=True)
class Effect:
    """The true effect of a stage's or a touch's touches on the customers they reach."""

    scope: str
    renewal: float = 0.0
    purchase: float = 0.0


@dataclass(frozen=True)
class Behaviour:
    """The planted effects and how long a touch moves purchases."""

    effects: tuple[Effect, ...]
    window_days: int = 90

    def renewal_lift(self, scopes: set[str]) -> float:
        """Return the rise in renewal chance for a cycle reached in these scopes."""
        return sum(e.renewal for e in self.effects if e.scope in scopes)

    def purchase_scopes(self) -> dict[str, float]:
        """Return the relative purchase lift of each scope that has one."""
        return {e.scope: e.purchase for e in self.effects if e.purchase}


DEFAULT_BEHAVIOUR = Behaviour(
    (Effect("renew", renewal=0.12), Effect("use", purchase=0.6)), window_days=90
)


def parse_effects(texts: list[str]) -> tuple[Effect, ...]:
    """Return effects from 'SCOPE.renewal=0.1' / 'SCOPE.purchase=0.5' texts, or raise."""
    found: dict[str, Effect] = {}
    for text in texts:
        match = EFFECT_PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"--effect {text!r}: {EFFECT_FORMAT}")
        scope, kind, value = match.group(1), match.group(2), float(match.group(3))
        if kind == "renewal" and not -1 <= value <= 1:
            raise ValueError(f"--effect {text!r}: a renewal effect is a chance, -1 to 1")
        if kind == "purchase" and value <= -1:
            raise ValueError(f"--effect {text!r}: a purchase effect must be above -1")
        current = found.get(scope, Effect(scope))
        found[scope] = Effect(
            scope,
            value if kind == "renewal" else current.renewal,
            value if kind == "purchase" else current.purchase,
        )
    return tuple(found.values())


def draw_responses(rng: np.random.Generator, channels: list[str]) -> list[list[str]]:
    """Return, per sent touch, the outcomes it gets in order (empty: no news)."""
    draws = rng.random((len(channels), 3))
    found: list[list[str]] = []
    for row, channel in zip(draws, channels, strict=True):
        steps = RESPONSES.get(channel, ())
        outcomes: list[str] = []
        for (status, chance), u in zip(steps, row, strict=False):
            if u >= chance:
                if not outcomes and channel in MISSED:
                    outcomes.append(MISSED[channel])
                break
            outcomes.append(status)
        found.append(outcomes)
    return found


REACHED_NOT = frozenset({"bounced", "failed", "not_reached"})


def reached(outcomes: list[str]) -> bool:
    """Return True when the touch got to the customer."""
    return not any(o in REACHED_NOT for o in outcomes)


@dataclass(frozen=True)
class Customers:
    """Per-account behaviour: yearly purchase rate, renewal propensity, order size."""

    ids: list[str]
    rate: Floats
    propensity: Floats
    quantity: Floats
    currency: list[str]

    def index(self) -> dict[str, int]:
        """Return each account id's row."""
        return {a: i for i, a in enumerate(self.ids)}


def draw_customers(
    rng: np.random.Generator,
    ids: list[str],
    sizes: list[str | None],
    countries: list[str | None],
    *,
    history: tuple[Floats, Floats] | None = None,
) -> Customers:
    """Return each account's behaviour, drawn once so the world stays one world.

    The yearly purchase rate is gamma-distributed across accounts. Given `history` —
    each account's repeat orders and the years it was watched before the run — the rate
    is drawn from its posterior (gamma prior, Poisson orders), so accounts keep buying
    as they bought before and a pre-period says something about the period.
    """
    n = len(ids)
    size_rate = np.array([SIZE_RATE.get(s or "small", 1.0) for s in sizes])
    shape, beta = np.full(n, RATE_SHAPE), RATE_SHAPE / (RATE_MEAN_PER_YEAR * size_rate)
    if history is not None:
        orders, years = history
        shape, beta = shape + orders, beta + years
    rate = rng.gamma(shape, 1.0 / beta)
    quantity = np.array([SIZE_QUANTITY.get(s or "small", 3.0) for s in sizes])
    currency = ["CNY" if c == "CN" else "USD" for c in countries]
    return Customers(ids, np.minimum(rate, 24.0), rng.normal(0.0, 0.8, n), quantity, currency)


def renewal_chance(propensity: Floats, *, sa: Bools, large: Bools, open_license: Bools) -> Floats:
    """Return the chance an ending agreement renews without any touch."""
    score = 1.0 + propensity + 0.5 * sa + 0.3 * large - 0.35 * open_license
    return np.asarray(sigmoid(score), dtype=float)


@dataclass
class Truth:
    """The expected effect of the touches, added up as the world runs (not observable)."""

    renewals: dict[str, tuple[str, float, float]] = field(default_factory=dict)
    extra_orders: dict[str, float] = field(default_factory=dict)
    extra_revenue: dict[str, float] = field(default_factory=dict)

    def add_renewal(self, agreement: str, account: str, base: float, chance: float) -> None:
        """Record an ending agreement's chance of renewal without and with its touches."""
        self.renewals[agreement] = (account, base, chance)

    def add_extra(self, account: str, orders: float, revenue: float) -> None:
        """Add expected orders and revenue the touches brought an account."""
        self.extra_orders[account] = self.extra_orders.get(account, 0.0) + orders
        self.extra_revenue[account] = self.extra_revenue.get(account, 0.0) + revenue

    def merge(self, other: Truth) -> None:
        """Add a later run's truth to this one."""
        self.renewals.update(other.renewals)
        for account, orders in other.extra_orders.items():
            self.add_extra(account, orders, other.extra_revenue.get(account, 0.0))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Truth:
        """Return the truth written as JSON by `carecycle forward --truth`."""
        return cls(
            {k: (str(a), float(b), float(c)) for k, (a, b, c) in data["renewals"].items()},
            {k: float(v) for k, v in data["extra_orders"].items()},
            {k: float(v) for k, v in data["extra_revenue"].items()},
        )


def pick_products(rng: np.random.Generator, count: int, prices: Floats) -> Ints:
    """Return a catalogue row for each of `count` purchases, uniformly."""
    return rng.integers(0, len(prices), count)

"""Partners (resellers) and which accounts buy through which of them."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.store.schema import PARTNER_TIERS
from carecycle.synth.addresses import draw_cities
from carecycle.synth.cities import CITIES, country_of_city
from carecycle.synth.columns import fill, ids, pick, table, with_nulls
from carecycle.synth.emails import draw_company_domains
from carecycle.synth.names import draw_company_parts, format_company_names
from carecycle.synth.phones import draw_phone_numbers
from carecycle.synth.sampling import Ints, chance, weighted

TIER_SHARES = (0.1, 0.3, 0.6)
# A gold partner wins more of its city's accounts than a registered one.
TIER_PULL = np.array([6.0, 3.0, 1.0])
DIRECT_SHARE = (0.08, 0.1, 0.15, 0.3)
MAILBOXES = ("sales", "info", "service", "contact")


@dataclass(frozen=True)
class Partners:
    """The partners: ids, city and tier of each, and their table."""

    ids: pa.Array
    city: Ints
    tier: Ints
    table: pa.Table


def count_partners(accounts: int) -> int:
    """Return how many partners serve a base of `accounts` (a few dozen to a few hundred)."""
    return 20 + round(0.28 * math.sqrt(accounts))


def draw_partners(rng: np.random.Generator, count: int) -> Partners:
    """Return `count` partners spread over the cities like their customers."""
    city = draw_cities(rng, count)
    tier = weighted(rng, TIER_SHARES, count)
    chinese = np.array([CITIES[c].country == "CN" for c in city], dtype=np.bool_)
    parts = draw_company_parts(rng, city, np.zeros(count, dtype=np.int64), chinese)
    partner_ids = ids("P", count, width=5)
    domain = draw_company_domains(rng, parts)
    mailbox = pick(MAILBOXES, rng.integers(0, len(MAILBOXES), count))
    email = fill("{box}@{domain}", {"box": mailbox, "domain": domain}, count)
    columns = {
        "partner_id": partner_ids,
        "name": format_company_names(parts),
        "tier": pick(PARTNER_TIERS, tier),
        "region": pick([c.region for c in CITIES], city),
        "email": with_nulls(email, chance(rng, 0.05, count)),
        "phone": with_nulls(
            draw_phone_numbers(rng, city, np.zeros(count, dtype=np.bool_)), chance(rng, 0.05, count)
        ),
    }
    return Partners(partner_ids, city, tier, table("partners", columns))


def assign_partners(rng: np.random.Generator, partners: Partners, city: Ints, size: Ints) -> Ints:
    """Return the partner each account buys through (-1 when it buys direct)."""
    chosen = np.full(len(city), -1, dtype=np.int64)
    country = np.array(country_of_city(), dtype=np.int64)
    for c in range(len(CITIES)):
        rows = np.flatnonzero(city == c)
        candidates = _candidates(partners, c, country)
        drawn = weighted(rng, TIER_PULL[partners.tier[candidates]], len(rows))
        chosen[rows] = candidates[drawn]
    direct = chance(rng, np.array(DIRECT_SHARE)[size], len(city))
    return np.where(direct, -1, chosen)


def _candidates(partners: Partners, city: int, country: Ints) -> Ints:
    local = np.flatnonzero(partners.city == city)
    if len(local):
        return local
    national = np.flatnonzero(country[partners.city] == country[city])
    return national if len(national) else np.arange(len(partners.city))


def link_partners(partners: Partners, partner: Ints) -> pa.Array:
    """Return the partner id of each row, null where the row has no partner."""
    return pc.if_else(
        partner < 0, pa.scalar(None, pa.string()), partners.ids.take(np.maximum(partner, 0))
    )

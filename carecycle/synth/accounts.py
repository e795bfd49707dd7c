"""Customer companies, with a latent engagement and about 1% planted duplicate records.

A duplicate copies an original's place and shape: either the same registration id, or no
id and a near-identical name ("Ltd" for "Limited", 有限公司 missing) at the same address.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.store.schema import ACCOUNT_SIZES, LANGUAGES
from carecycle.synth.addresses import draw_cities, draw_places, draw_postcodes, format_addresses
from carecycle.synth.cities import CITIES
from carecycle.synth.columns import dates, ids, integers, pick, table, with_nulls
from carecycle.synth.emails import draw_company_domains
from carecycle.synth.names import INDUSTRIES, draw_company_parts, format_company_names
from carecycle.synth.partners import Partners, assign_partners, link_partners
from carecycle.synth.registrations import draw_registration_ids
from carecycle.synth.sampling import Bools, Floats, Ints, chance, log_uniform, weighted

SIZE_SHARES = (0.30, 0.40, 0.20, 0.10)
EMPLOYEES = np.array([[1, 9], [10, 49], [50, 249], [250, 2000]], dtype=np.float64)
SEGMENTS = ("smb", "smb", "mid_market", "corporate")
DUPLICATE_SHARE = 0.01
HISTORY_DAYS = 4 * 365
CHINESE_NAME_SHARE = 0.9
REGISTERED_SHARE = {"CN": 0.93, "other": 0.75}
CHINA: Bools = np.array([c.country == "CN" for c in CITIES], dtype=np.bool_)


@dataclass(frozen=True)
class Accounts:
    """Every account's traits that later steps draw on (row i is account i)."""

    ids: pa.Array
    names: pa.Array
    domain: pa.Array
    size: Ints
    employees: Ints
    industry: Ints
    city: Ints
    chinese: Bools
    partner: Ints
    engagement: Floats
    first_purchase: Ints
    lead_days: Ints
    duplicate_of: Ints
    columns: dict[str, pa.Array]

    @property
    def count(self) -> int:
        """Return the number of accounts."""
        return len(self.size)

    @property
    def created(self) -> Ints:
        """Return each account's creation day (days from as_of, ≤ its first purchase)."""
        return self.first_purchase - self.lead_days

    @property
    def usd(self) -> Bools:
        """Return whether each account is billed in USD (CNY otherwise)."""
        return ~CHINA[self.city]


def draw_accounts(rng: np.random.Generator, count: int, partners: Partners) -> Accounts:
    """Return `count` accounts, about 1% of them duplicates of another account."""
    duplicate_of = plan_duplicates(rng, count)
    source = np.where(duplicate_of >= 0, duplicate_of, np.arange(count))
    size = weighted(rng, SIZE_SHARES, count)[source]
    bounds = EMPLOYEES[size]
    employees = np.floor(log_uniform(rng, bounds[:, 0], bounds[:, 1] + 1)).astype(np.int64)
    industry = weighted(rng, [i[1] for i in INDUSTRIES], count)[source]
    city = draw_cities(rng, count)[source]
    chinese = CHINA[city]
    partner = assign_partners(rng, partners, city, size)
    names, domain, columns = _identity(rng, city, industry, duplicate_of, source)
    columns |= {
        "size": pick(ACCOUNT_SIZES, size),
        "employees": integers(employees[source]),
        "industry": pick([i[0] for i in INDUSTRIES], industry),
        "region": pick([c.region for c in CITIES], city),
        "city": pick([c.name for c in CITIES], city),
        "country": pick([c.country for c in CITIES], city),
        "language": pick(LANGUAGES, chinese.astype(np.int64)),
        "segment": pick(SEGMENTS, size),
        "partner_id": link_partners(partners, partner),
    }
    return Accounts(
        ids=ids("A", count),
        names=names,
        domain=domain,
        size=size,
        employees=employees[source],
        industry=industry,
        city=city,
        chinese=chinese,
        partner=partner,
        engagement=rng.normal(size=count),
        first_purchase=draw_first_purchases(rng, count),
        lead_days=np.minimum(rng.exponential(45.0, count), 365).astype(np.int64),
        duplicate_of=duplicate_of,
        columns=columns,
    )


def plan_duplicates(rng: np.random.Generator, count: int) -> Ints:
    """Return, per account, the account it duplicates (-1 for an original)."""
    duplicate_of = np.full(count, -1, dtype=np.int64)
    planted = round(count * DUPLICATE_SHARE) if count >= 50 else 0
    if planted:
        order = rng.permutation(count)
        duplicates, originals = order[:planted], order[planted:]
        duplicate_of[duplicates] = originals[rng.integers(0, len(originals), planted)]
    return duplicate_of


def _identity(
    rng: np.random.Generator, city: Ints, industry: Ints, duplicate_of: Ints, source: Ints
) -> tuple[pa.Array, pa.Array, dict[str, pa.Array]]:
    """Return names, web domains and identity columns, duplicates copied from originals."""
    count = len(city)
    duplicate = duplicate_of >= 0
    same_id = duplicate & chance(rng, 0.5, count)
    renamed = duplicate & (~same_id | chance(rng, 0.5, count))
    chinese_name = (CHINA[city] & chance(rng, CHINESE_NAME_SHARE, count))[source]
    parts = draw_company_parts(rng, city, industry, chinese_name).take(source)
    places = draw_places(rng, city).take(source)
    registration = draw_registration_ids(rng, city, places.district).take(source)
    registered = _registered(rng, city, duplicate_of, same_id)
    variants = format_company_names(parts.take(np.flatnonzero(renamed)).with_alternate_suffix())
    names = pc.replace_with_mask(format_company_names(parts), pa.array(renamed), variants)
    columns = {
        "registration_id": with_nulls(registration, ~registered),
        "postcode": draw_postcodes(rng, places).take(source),
        "address": format_addresses(places, chinese_name),
    }
    return names, draw_company_domains(rng, parts).take(source), columns


def _registered(rng: np.random.Generator, city: Ints, duplicate_of: Ints, same_id: Bools) -> Bools:
    share = np.where(CHINA[city], REGISTERED_SHARE["CN"], REGISTERED_SHARE["other"])
    registered = chance(rng, share, len(city))
    registered[duplicate_of[same_id]] = True
    registered[duplicate_of >= 0] = same_id[duplicate_of >= 0]
    return registered


def draw_first_purchases(rng: np.random.Generator, count: int) -> Ints:
    """Return each account's first purchase day (days from as_of), denser in recent years."""
    return -np.floor(HISTORY_DAYS * rng.random(count) ** 1.25).astype(np.int64)


def build_accounts_table(accounts: Accounts, today: int) -> pa.Table:
    """Return the accounts table, created_on counted back from each first purchase."""
    columns = accounts.columns | {
        "account_id": accounts.ids,
        "name": accounts.names,
        "created_on": dates(today + accounts.created),
    }
    return table("accounts", columns)

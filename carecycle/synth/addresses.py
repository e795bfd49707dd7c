"""Street addresses and postcodes, written the way each country writes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from carecycle.synth.cities import CITIES, city_weights
from carecycle.synth.columns import Builder, by_case, digits, fill_by_case, patterned, pick
from carecycle.synth.sampling import Bools, Ints, RowArrays, weighted

DISTRICTS = tuple(d for c in CITIES for d in c.districts)
DISTRICT_CITY = np.array([i for i, c in enumerate(CITIES) for _ in c.districts], dtype=np.int64)
STREETS = tuple(s for c in CITIES for s in c.streets)
STREET_CITY = np.array([i for i, c in enumerate(CITIES) for _ in c.streets], dtype=np.int64)
# Two ways of writing an address per script and country; `_case` picks one per row.
TEMPLATES = (
    "{province}{city_zh}市{district_zh}{street_zh}{number}号",
    "{province}{city_zh}市{district_zh}{street_zh}{number}号{tower}座{room}室",
    "No. {number} {street}, {district}, {city}",
    "Room {room}, No. {number} {street}, {district}, {city}",
    "{number} {street}",
    "{number} {street}, Suite {room}",
    "{number} {street}",
    "Unit {floor}, {number} {street}",
    "{number} {street}",
    "Level {floor}, {number} {street}",
    "{number} {street}",
    "{number} {street}, #{floor}-{unit}",
)
COUNTRY_TEMPLATES = {"US": 4, "CA": 4, "GB": 6, "AU": 8, "SG": 10}


@dataclass(frozen=True)
class Places(RowArrays):
    """Where each row is: city, district and street (global indices), number and unit."""

    city: Ints
    district: Ints
    street: Ints
    number: Ints
    floor: Ints
    unit: Ints
    variant: Ints


def draw_cities(rng: np.random.Generator, size: int) -> Ints:
    """Return a city for each of `size` companies, mostly in China."""
    return weighted(rng, city_weights(), size)


def draw_places(rng: np.random.Generator, city: Ints) -> Places:
    """Return a district, street and building in each row's city."""
    size = len(city)
    return Places(
        city=city,
        district=_within(rng, DISTRICT_CITY, city),
        street=_within(rng, STREET_CITY, city),
        number=1 + np.floor(rng.pareto(1.2, size) * 20).astype(np.int64) % 999,
        floor=rng.integers(2, 32, size),
        unit=rng.integers(1, 20, size),
        variant=rng.integers(0, 2, size),
    )


def _within(rng: np.random.Generator, owner: Ints, city: Ints) -> Ints:
    counts = np.bincount(owner, minlength=len(CITIES))
    starts = np.searchsorted(owner, np.arange(len(CITIES)))
    return starts[city] + np.floor(rng.random(len(city)) * counts[city]).astype(np.int64)


def draw_postcodes(rng: np.random.Generator, places: Places) -> pa.Array:
    """Return a postcode of each row's district, e.g. 100083, EC2A 4NE, 94105."""

    def builder(pattern: str) -> Builder:
        return lambda rows: patterned(rng, pattern, len(rows))

    return by_case(places.district, [builder(d.postcode) for d in DISTRICTS])


def format_addresses(places: Places, chinese: Bools) -> pa.Array:
    """Return each row's street address, in Chinese where flagged."""
    country = np.array([c.country for c in CITIES])[places.city]
    base = np.array([COUNTRY_TEMPLATES.get(c, 2) for c in country])
    case = np.where(chinese, 0, base) + places.variant
    room = places.floor * 100 + places.unit
    fields = {
        "province": pick([c.region_local for c in CITIES], places.city),
        "city_zh": pick([c.local for c in CITIES], places.city),
        "city": pick([c.name for c in CITIES], places.city),
        "district_zh": pick([d.local for d in DISTRICTS], places.district),
        "district": pick([d.english for d in DISTRICTS], places.district),
        "street_zh": pick([s for s, _ in STREETS], places.street),
        "street": pick([s for _, s in STREETS], places.street),
        "number": digits(places.number, 1),
        "tower": pick("ABCDEFGH", places.unit % 8),
        "room": digits(room, 3),
        "floor": digits(places.floor, 2),
        "unit": digits(places.unit, 2),
    }
    return fill_by_case(case, TEMPLATES, fields)

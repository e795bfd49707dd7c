"""Phone numbers typed the way people type them, mostly valid for their country."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.synth.cities import CITIES, COUNTRIES, country_of_city
from carecycle.synth.columns import Builder, by_case, patterned
from carecycle.synth.sampling import Bools, Ints

LANDLINES = tuple(p for c in CITIES for p in c.landlines)
MOBILES = tuple(p for c in COUNTRIES for p in c.mobiles)


def _layout(groups: list[tuple[str, ...]]) -> tuple[Ints, Ints]:
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return starts, counts


LANDLINE_STARTS, LANDLINE_COUNTS = _layout([c.landlines for c in CITIES])
MOBILE_STARTS, MOBILE_COUNTS = _layout([c.mobiles for c in COUNTRIES])


def mobile_share_of(city: Ints) -> np.ndarray:
    """Return the share of people in each row's city who give a mobile number."""
    return np.array([COUNTRIES[c].mobile_share for c in country_of_city()])[city]


def draw_phone_numbers(rng: np.random.Generator, city: Ints, mobile: Bools) -> pa.Array:
    """Return a number per row: a landline of its city or a mobile of its country."""
    country = np.array(country_of_city(), dtype=np.int64)[city]
    pick_one = rng.random(len(city))
    landline = LANDLINE_STARTS[city] + np.floor(pick_one * LANDLINE_COUNTS[city])
    cellular = MOBILE_STARTS[country] + np.floor(pick_one * MOBILE_COUNTS[country])
    case = np.where(mobile, len(LANDLINES) + cellular, landline).astype(np.int64)
    return by_case(case, [_shaped(rng, p) for p in LANDLINES + MOBILES])


def _shaped(rng: np.random.Generator, pattern: str) -> Builder:
    return lambda rows: patterned(rng, pattern, len(rows))


def mistype_phones(phones: pa.Array) -> pa.Array:
    """Return the numbers with their last three characters lost, as a hurried typist does."""
    return pc.utf8_slice_codeunits(phones, 0, -3)


def compact_phones(phones: pa.Array) -> pa.Array:
    """Return the numbers without spaces, dashes or dots: the same number, written differently."""
    return pc.replace_substring_regex(phones, r"[ .\-]", "")

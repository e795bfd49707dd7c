"""Company registration numbers: China's unified social credit code and other countries' ids.

The Chinese code carries both of its real check characters (GB 11714 for the organisation
code, GB 32100 for the whole code), so a validator written to the standard accepts it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from carecycle.synth.addresses import DISTRICTS
from carecycle.synth.cities import CITIES
from carecycle.synth.columns import Builder, by_case, patterned, strings_of
from carecycle.synth.sampling import Ints

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
PATTERNS = {
    "US": "[1-9]#-#######",
    "GB": "0#######",
    "AU": "[1-9]# ### ### ###",
    "SG": "201#####@",
    "CA": "[1-9]########",
}


def draw_registration_ids(rng: np.random.Generator, city: Ints, district: Ints) -> pa.Array:
    """Return a registration id for each company, shaped by its country."""
    codes = ("CN", *PATTERNS)
    case = np.array([codes.index(c.country) for c in CITIES])[city]
    builders: list[Builder] = [lambda rows: draw_social_credit_codes(rng, district[rows])]
    builders += [_patterned(rng, p) for p in PATTERNS.values()]
    return by_case(case, builders)


def _patterned(rng: np.random.Generator, pattern: str) -> Builder:
    return lambda rows: patterned(rng, pattern, len(rows))


def draw_social_credit_codes(rng: np.random.Generator, district: Ints) -> pa.Array:
    """Return valid 18-character unified social credit codes registered in each district."""
    size = len(district)
    matrix = np.zeros((size, 18), dtype=np.uint8)
    matrix[:, 0:2] = np.frombuffer(b"91", dtype=np.uint8)
    divisions = np.frombuffer("".join(d.division or "000000" for d in DISTRICTS).encode(), np.uint8)
    matrix[:, 2:8] = divisions.reshape(-1, 6)[district]
    matrix[:, 8:16] = _organisation_bodies(rng, size)
    matrix[:, 16] = _organisation_check(matrix[:, 8:16])
    matrix[:, 17] = _code_check(matrix[:, :17])
    return strings_of(matrix)


def _organisation_bodies(rng: np.random.Generator, size: int) -> np.ndarray:
    alphabet = np.frombuffer(USCC_CHARS.encode(), np.uint8)
    body = alphabet[rng.integers(0, 10, (size, 8))]
    modern = rng.random(size) < 0.6
    body[modern, 0:2] = np.frombuffer(b"MA", np.uint8)
    body[modern, 2:] = alphabet[rng.integers(0, len(alphabet), (int(modern.sum()), 6))]
    return body


def _organisation_check(body: np.ndarray) -> np.ndarray:
    values = np.where(body >= ord("A"), body.astype(np.int64) - ord("A") + 10, body - ord("0"))
    check = 11 - (values @ ORG_WEIGHTS) % 11
    chars = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + ord("0")))
    return chars.astype(np.uint8)


def _code_check(head: np.ndarray) -> np.ndarray:
    lookup = np.zeros(256, dtype=np.int64)
    lookup[np.frombuffer(USCC_CHARS.encode(), np.uint8)] = np.arange(len(USCC_CHARS))
    check = (31 - (lookup[head] @ USCC_WEIGHTS) % 31) % 31
    return np.asarray(np.frombuffer(USCC_CHARS.encode(), np.uint8)[check], dtype=np.uint8)

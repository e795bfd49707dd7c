"""The product catalogue: families of perpetual licences and annuity subscriptions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from carecycle.store.schema import LICENCE_PROGRAMS, PRODUCT_KINDS
from carecycle.synth.columns import ids, money, pick, table

PERPETUAL_PROGRAMS = ("open_license", "select", "olv")
ANNUITY_PROGRAMS = ("open_value", "ea", "subscription")
CNY_PER_USD = 7.2


@dataclass(frozen=True)
class Product:
    """One catalogue entry; `anchor` marks a per-seat product an agreement can be built on."""

    name: str
    family: str
    kind: str
    price: int
    per_seat: bool = False
    anchor: bool = False


P = Product
# fmt: off
PRODUCTS: tuple[Product, ...] = (
    P("Office Suite Standard", "office", "perpetual", 3200, True, True),
    P("Office Suite Professional Plus", "office", "perpetual", 4800, True, True),
    P("Office Suite Software Assurance", "office", "annuity", 1100, True),
    P("Office Online Business Basic", "office", "annuity", 360, True, True),
    P("Office Online Business Standard", "office", "annuity", 900, True, True),
    P("Office Online Business Premium", "office", "annuity", 1600, True, True),
    P("Desktop OS Professional Upgrade", "windows", "perpetual", 1500, True, True),
    P("Desktop OS Enterprise E3", "windows", "annuity", 1700, True, True),
    P("Desktop OS Software Assurance", "windows", "annuity", 600, True),
    P("Server OS Standard 16-core", "server", "perpetual", 7800),
    P("Server OS Datacenter 16-core", "server", "perpetual", 44000),
    P("Server User CAL", "server", "perpetual", 320, True, True),
    P("Server Device CAL", "server", "perpetual", 280, True),
    P("Server Software Assurance", "server", "annuity", 1950),
    P("Remote Desktop User CAL", "server", "perpetual", 980, True),
    P("Database Server Standard 2-core", "database", "perpetual", 28000),
    P("Database Server Enterprise 2-core", "database", "perpetual", 105000),
    P("Database CAL", "database", "perpetual", 1500, True),
    P("Database Software Assurance", "database", "annuity", 7000),
    P("Managed Database Service", "database", "annuity", 12000),
    P("Mail Server Standard", "collaboration", "perpetual", 5200),
    P("Mail Server CAL", "collaboration", "perpetual", 420, True, True),
    P("Team Portal Server", "collaboration", "perpetual", 9800),
    P("Team Chat Premium", "collaboration", "annuity", 480, True, True),
    P("Cloud Telephony Add-on", "collaboration", "annuity", 650, True),
    P("Developer Studio Professional", "devtools", "perpetual", 3600, True),
    P("Developer Studio Professional Subscription", "devtools", "annuity", 7700, True),
    P("Developer Studio Enterprise Subscription", "devtools", "annuity", 40000, True),
    P("Test Manager", "devtools", "annuity", 2800, True),
    P("Code Repository Enterprise", "devtools", "annuity", 1500, True),
    P("Endpoint Protection", "security", "annuity", 260, True, True),
    P("Business Defender", "security", "annuity", 230, True, True),
    P("Identity and Access Premium", "security", "annuity", 420, True),
    P("Email Security Gateway", "security", "annuity", 180, True),
    P("Security Suite E5 Add-on", "security", "annuity", 1000, True),
    P("Cloud Compute Credits", "cloud", "annuity", 10000),
    P("Cloud Backup", "cloud", "annuity", 1200),
    P("Cloud Storage 1 TB", "cloud", "annuity", 720),
    P("Virtual Desktop", "cloud", "annuity", 1800, True, True),
    P("Cloud Monitor", "cloud", "annuity", 900),
    P("Systems Manager Server", "management", "perpetual", 9500),
    P("Systems Manager Client", "management", "perpetual", 360, True),
    P("Device Management Suite", "management", "annuity", 540, True, True),
    P("Project Planner Professional", "management", "perpetual", 7200, True),
    P("Project Planner Online", "management", "annuity", 1800, True),
    P("Diagram Studio Professional", "management", "perpetual", 3900, True),
)
# fmt: on
FAMILIES = tuple(dict.fromkeys(p.family for p in PRODUCTS))
FAMILY = np.array([FAMILIES.index(p.family) for p in PRODUCTS], dtype=np.int64)
KIND = np.array([PRODUCT_KINDS.index(p.kind) for p in PRODUCTS], dtype=np.int64)
PRICE_CENTS = np.array([p.price * 100 for p in PRODUCTS], dtype=np.int64)
PER_SEAT = np.array([p.per_seat for p in PRODUCTS])
# How often a product turns up in an ordinary (non-agreement) order.
POPULARITY = np.where(PER_SEAT, 3.0, 1.0) / np.sqrt(PRICE_CENTS / 100_000)


def find_software_assurance() -> np.ndarray:
    """Return, per product, the Software Assurance product of its family (or -1)."""
    by_family = {p.family: i for i, p in enumerate(PRODUCTS) if "Software Assurance" in p.name}
    return np.array([by_family.get(p.family, -1) for p in PRODUCTS], dtype=np.int64)


def find_anchors(program: str) -> np.ndarray:
    """Return the products an agreement under `program` can be built on."""
    kind = "perpetual" if program in PERPETUAL_PROGRAMS else "annuity"
    return np.array([i for i, p in enumerate(PRODUCTS) if p.anchor and p.kind == kind])


ANCHORS = tuple(find_anchors(p) for p in LICENCE_PROGRAMS)
SA_PRODUCT = find_software_assurance()


def number_products() -> pa.Array:
    """Return the product ids, SKU0001 onwards."""
    return ids("SKU", len(PRODUCTS), width=4)


def build_products_table() -> pa.Table:
    """Return the catalogue as the products table (list prices in CNY)."""
    index = np.arange(len(PRODUCTS))
    return table(
        "products",
        {
            "product_id": number_products(),
            "name": pick([p.name for p in PRODUCTS], index),
            "family": pick([p.family for p in PRODUCTS], index),
            "kind": pick([p.kind for p in PRODUCTS], index),
            "list_price": money(PRICE_CENTS),
            "currency": pick(["CNY"], np.zeros(len(PRODUCTS), dtype=np.int64)),
        },
    )

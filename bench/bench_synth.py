"""Synthetic world speed: generate and write N accounts with everything that hangs off them.

Prints rows per entity, seconds to generate and to write CSV, peak memory, and the ratio
to a straightforward baseline run in the same process: accounts and contacts generated
row by row in pure Python (random.Random, one dict per row, pyarrow.Table.from_pylist)
for a sample, extrapolated per row.

    python bench/bench_synth.py [--accounts 1000000] [--seed 1] [--format csv]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from carecycle.synth import generate_world, write_world
from carecycle.synth.cities import CITIES, city_weights
from carecycle.synth.names import FIRST_NAMES, GIVEN, INDUSTRIES, LAST_NAMES, SURNAMES, TRADE
from carecycle.synth.registrations import USCC_CHARS

AS_OF = dt.date(2025, 6, 30)
BASELINE_SAMPLE = 20_000
SIZES = (("micro", 1, 9, 0.3), ("small", 10, 49, 0.4), ("medium", 50, 249, 0.2))
CONTACTS = {"micro": (1, 3), "small": (2, 4), "medium": (2, 5), "large": (3, 5)}
CITY_WEIGHTS = city_weights()
SURNAME_WEIGHTS = [s[2] for s in SURNAMES]


def baseline_account(rnd: random.Random, number: int) -> dict[str, object]:
    """Return one account built field by field, the way a first version would."""
    city = rnd.choices(CITIES, weights=CITY_WEIGHTS)[0]
    district = rnd.choice(city.districts)
    size, low, high = rnd.choices(
        [*SIZES, ("large", 250, 2000, 0.1)], weights=[0.3, 0.4, 0.2, 0.1]
    )[0][:3]
    industry = rnd.choice(INDUSTRIES)
    trade = "".join(t for t, _ in rnd.sample(TRADE, 2))
    street = rnd.choice(city.streets)
    postcode = "".join(rnd.choice("0123456789") if c == "#" else c for c in district.postcode)
    code = "91" + (district.division or "000000") + "".join(rnd.choices(USCC_CHARS[:10], k=9))
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code))
    return {
        "account_id": f"A{number:07d}",
        "name": f"{city.local}{trade}{rnd.choice(industry[2])}有限公司",
        "registration_id": code + USCC_CHARS[(31 - total % 31) % 31],
        "size": size,
        "employees": rnd.randint(low, high),
        "industry": industry[0],
        "region": city.region,
        "city": city.name,
        "postcode": postcode,
        "address": f"{city.local}市{district.local}{street[0]}{rnd.randint(1, 300)}号",
        "country": city.country,
        "language": "zh" if city.country == "CN" else "en",
        "created_on": AS_OF - dt.timedelta(days=rnd.randint(0, 1460)),
    }


def baseline_contact(
    rnd: random.Random, account: dict[str, object], number: int
) -> dict[str, object]:
    """Return one contact of `account` built field by field."""
    if account["language"] == "zh":
        family, pinyin, _ = rnd.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        given, given_pinyin = rnd.choice(GIVEN)
        name, local = family + given, f"{pinyin}.{given_pinyin}"
    else:
        first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
        name, local = f"{first} {last}", f"{first}.{last}".lower()
    digits = "".join(rnd.choices("0123456789", k=8))
    return {
        "contact_id": f"C{number:07d}",
        "account_id": account["account_id"],
        "name": name,
        "email": f"{local}@{rnd.choice(['qq.com', '163.com', 'gmail.com'])}",
        "phone": f"1{rnd.choice('358')}{rnd.randint(0, 9)} {digits[:4]} {digits[4:]}",
        "consent_email": rnd.choice([True, False, None]),
        "do_not_contact": rnd.random() < 0.03,
    }


def baseline_per_row(sample: int, seed: int) -> float:
    """Return seconds per row (accounts and contacts) of the row-by-row generator."""
    rnd = random.Random(seed)
    started = time.perf_counter()
    accounts: list[dict[str, object]] = []
    contacts: list[dict[str, object]] = []
    for number in range(1, sample + 1):
        account = baseline_account(rnd, number)
        accounts.append(account)
        for _ in range(rnd.randint(*CONTACTS[str(account["size"])])):
            contacts.append(baseline_contact(rnd, account, len(contacts) + 1))
    pa.Table.from_pylist(accounts)
    pa.Table.from_pylist(contacts)
    return (time.perf_counter() - started) / (len(accounts) + len(contacts))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args, _ = parser.parse_known_args()
    marks: dict[str, float] = {}

    def mark(step: str, _done: int, _total: int) -> None:
        marks[step] = time.perf_counter()

    started = time.perf_counter()
    world = generate_world(
        accounts=args.accounts,
        seed=args.seed,
        as_of=AS_OF,
        progress=mark,
    )
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        paths = write_world(world, Path(tmp), fmt=args.format)
        written = time.perf_counter() - started
        megabytes = sum(p.stat().st_size for p in paths.values()) / 1e6
    rows = world.rows()
    for entity, count in rows.items():
        print(f"  {entity:<16} {count:>12,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    per_row = baseline_per_row(min(BASELINE_SAMPLE, args.accounts), args.seed)
    baseline = per_row * sum(rows.values())
    own = marks["contacts"] - marks["partners"]
    like = per_row * (rows["accounts"] + rows["contacts"])
    print(
        f"synth: {args.accounts:,} accounts in {generated:.1f} s "
        f"(baseline {baseline:,.1f} s, ratio {baseline / generated:,.1f})"
    )
    print(
        f"write: {sum(rows.values()):,} rows, {megabytes:,.0f} MB {args.format} in {written:.1f} s"
    )
    print(
        f"accounts+contacts alone: {own:.1f} s vs row by row {like:,.1f} s "
        f"({min(BASELINE_SAMPLE, args.accounts):,}-account sample, ratio {like / own:,.1f})"
    )
    print(f"peak RSS: {peak:.2f} GB")


if __name__ == "__main__":
    main()

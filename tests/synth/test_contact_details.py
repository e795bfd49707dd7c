"""Contact details look like real data: mixed formats, mostly valid, a few slips."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import phonenumbers
import pytest

from carecycle.synth import World, generate_world

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EMAIL = re.compile(r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
TYPO_DOMAINS = ("gmial.com", "qq.con", "163.cm", "126.con", "hotmial.com", "yaho.com")


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(accounts=2_000, seed=9, as_of=dt.date(2025, 6, 30))


@pytest.fixture(scope="module")
def contacts(world: World) -> list[dict[str, object]]:
    countries = dict(
        zip(
            world.tables["accounts"]["account_id"].to_pylist(),
            world.tables["accounts"]["country"].to_pylist(),
            strict=True,
        )
    )
    rows: list[dict[str, object]] = world.tables["contacts"].to_pylist()
    for row in rows:
        row["country"] = countries[row["account_id"]]
    return rows


def _valid_phone(text: str, country: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, country)))
    except phonenumbers.NumberParseException:
        return False


def test_most_phone_numbers_are_valid_for_their_country_and_a_few_are_not(
    contacts: list[dict[str, object]],
) -> None:
    phones = [(str(r["phone"]), str(r["country"])) for r in contacts if r["phone"]]
    valid = sum(_valid_phone(text, country) for text, country in phones)
    assert 0.93 <= valid / len(phones) < 1.0


def test_phones_are_typed_in_many_shapes(contacts: list[dict[str, object]]) -> None:
    phones = [str(r["phone"]) for r in contacts if r["phone"]]
    shapes = Counter(re.sub(r"\d", "9", p) for p in phones)
    assert len(shapes) >= 25
    assert {"999 9999 9999", "+99 99 9999 9999", "(999) 9999-9999"} <= set(shapes)
    assert any(p.startswith("+1 ") for p in phones)


def test_most_emails_are_well_formed_and_a_few_have_domain_typos(
    contacts: list[dict[str, object]],
) -> None:
    emails = [str(r["email"]).strip().lower() for r in contacts if r["email"]]
    well_formed = sum(bool(EMAIL.match(e)) for e in emails)
    assert 0.97 <= well_formed / len(emails) < 1.0
    typos = sum(e.endswith(TYPO_DOMAINS) for e in emails)
    assert 0.002 <= typos / len(emails) <= 0.03


def test_contacts_have_realistic_gaps(contacts: list[dict[str, object]]) -> None:
    count = len(contacts)
    for column in ("email", "phone", "preferred_channel", "consent_email", "consent_phone"):
        missing = sum(r[column] is None for r in contacts) / count
        assert 0.03 <= missing <= 0.4, column
    assert 0.01 <= sum(bool(r["do_not_contact"]) for r in contacts) / count <= 0.06


def test_contact_language_mostly_follows_the_country(contacts: list[dict[str, object]]) -> None:
    expected = sum((r["language"] == "zh") == (r["country"] == "CN") for r in contacts)
    assert expected / len(contacts) > 0.9


def test_account_language_follows_the_country(world: World) -> None:
    for row in world.tables["accounts"].to_pylist():
        assert row["language"] == ("zh" if row["country"] == "CN" else "en")


def _uscc_is_valid(code: str) -> bool:
    if not re.fullmatch(f"[{USCC_CHARS}]{{18}}", code):
        return False
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    org = code[8:16]
    org_total = sum(
        (ord(c) - 55 if c.isalpha() else int(c)) * w
        for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    org_check = {10: "X", 11: "0"}.get(11 - org_total % 11, str(11 - org_total % 11))
    return code[17] == USCC_CHARS[(31 - total % 31) % 31] and code[16] == org_check


def test_chinese_registration_ids_carry_valid_check_characters(world: World) -> None:
    rows = world.tables["accounts"].to_pylist()
    chinese = [r["registration_id"] for r in rows if r["country"] == "CN"]
    present = [code for code in chinese if code]
    assert 0.85 <= len(present) / len(chinese) < 1.0
    assert all(_uscc_is_valid(code) for code in present)


def test_chinese_companies_mostly_have_chinese_names(world: World) -> None:
    rows = [r for r in world.tables["accounts"].to_pylist() if r["country"] == "CN"]
    chinese = sum(bool(re.search(r"[\u4e00-\u9fff]", r["name"])) for r in rows)
    assert 0.8 <= chinese / len(rows) < 1.0
    assert any(r["name"].endswith("有限公司") for r in rows)


def test_most_accounts_are_in_china_and_some_abroad(world: World) -> None:
    countries = Counter(world.tables["accounts"]["country"].to_pylist())
    total = sum(countries.values())
    assert 0.75 <= countries["CN"] / total <= 0.92
    assert len(countries) >= 5


def test_postcodes_fit_the_country(world: World) -> None:
    shapes = {
        "CN": r"\d{6}",
        "US": r"\d{5}",
        "AU": r"\d{4}",
        "SG": r"\d{6}",
        "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",
        "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d",
    }
    for row in world.tables["accounts"].to_pylist():
        assert re.fullmatch(shapes[row["country"]], row["postcode"]), row


def test_employees_fit_the_account_size(world: World) -> None:
    bounds = {"micro": (1, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 2000)}
    for row in world.tables["accounts"].to_pylist():
        low, high = bounds[row["size"]]
        assert low <= row["employees"] <= high


def test_most_accounts_buy_through_a_partner(world: World) -> None:
    partners = world.tables["accounts"]["partner_id"]
    assert 0.75 <= 1 - partners.null_count / len(partners) <= 0.95
    tiers = set(world.tables["partners"]["tier"].to_pylist())
    assert tiers == {"gold", "silver", "registered"}

"""The planted duplicates a cleansing step must find: about 1% of accounts, 3% of contacts."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest

from carecycle.synth import World, generate_world

ACCOUNTS = 2_000
LEGAL_FORMS = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|Incorporated|Inc\.|L\.L\.C\.|LLC|Corporation|Corp\."
    r"|Company Limited|Co\., Ltd\.|Pty Limited|Pty Ltd|Pte\. Ltd\.|Pte Ltd|Limited|Ltd\.?)$"
)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(accounts=ACCOUNTS, seed=5, as_of=dt.date(2025, 6, 30))


def _groups(rows: list[dict[str, object]], key: str) -> list[list[dict[str, object]]]:
    groups: dict[object, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        if row[key] is not None:
            groups[row[key]].append(row)
    return [g for g in groups.values() if len(g) > 1]


def test_some_duplicate_accounts_share_a_registration_id(world: World) -> None:
    accounts = world.tables["accounts"].to_pylist()
    pairs = _groups(accounts, "registration_id")
    assert len(pairs) >= ACCOUNTS * 0.003
    for group in pairs:
        assert len({(r["city"], r["postcode"], r["address"]) for r in group}) == 1


def test_some_duplicate_accounts_differ_only_in_legal_form_at_one_address(world: World) -> None:
    accounts = world.tables["accounts"].to_pylist()
    for row in accounts:
        row["place"] = (row["city"], row["postcode"], row["address"])
    variants = 0
    for group in _groups(accounts, "place"):
        names = {str(r["name"]) for r in group}
        stems = {LEGAL_FORMS.sub("", n).strip() for n in names}
        variants += len(names) > 1 and len(stems) == 1
    assert variants >= ACCOUNTS * 0.002


def test_about_one_percent_of_accounts_are_duplicates(world: World) -> None:
    accounts = world.tables["accounts"].to_pylist()
    for row in accounts:
        row["place"] = (row["city"], row["postcode"], row["address"])
    duplicated = sum(len(g) - 1 for g in _groups(accounts, "place"))
    assert ACCOUNTS * 0.007 <= duplicated <= ACCOUNTS * 0.015


def test_duplicate_accounts_have_their_own_contacts(world: World) -> None:
    accounts = world.tables["accounts"].to_pylist()
    with_contacts = set(world.tables["contacts"]["account_id"].to_pylist())
    for group in _groups(accounts, "registration_id"):
        assert all(r["account_id"] in with_contacts for r in group)


def _contact_twins(world: World) -> tuple[int, int]:
    contacts = world.tables["contacts"].to_pylist()
    by_email: set[tuple[object, str]] = set()
    by_phone: set[tuple[object, str]] = set()
    for account_rows in _groups(contacts, "account_id"):
        by_email |= _same_email(account_rows)
        by_phone |= _same_mobile(account_rows)
    return len(by_email), len(by_phone)


def _same_email(rows: list[dict[str, object]]) -> set[tuple[object, str]]:
    seen: dict[str, str] = {}
    found = set()
    for row in rows:
        if row["email"]:
            raw = str(row["email"])
            key = raw.strip().lower()
            if key in seen and seen[key] != raw:
                found.add((row["account_id"], key))
            seen.setdefault(key, raw)
    return found


def _same_mobile(rows: list[dict[str, object]]) -> set[tuple[object, str]]:
    seen: dict[str, str] = {}
    found = set()
    for row in rows:
        if row["phone"]:
            key = re.sub(r"\D", "", str(row["phone"]))
            if key in seen and seen[key] != row["name"]:
                found.add((row["account_id"], key))
            seen.setdefault(key, str(row["name"]))
    return found


def test_some_contacts_repeat_an_email_in_another_case_or_with_spaces(world: World) -> None:
    by_email, _ = _contact_twins(world)
    assert by_email >= ACCOUNTS * 0.01


def test_some_contacts_repeat_a_mobile_under_a_misspelt_name(world: World) -> None:
    _, by_phone = _contact_twins(world)
    assert by_phone >= ACCOUNTS * 0.01


def test_about_three_percent_of_accounts_have_a_duplicate_contact(world: World) -> None:
    by_email, by_phone = _contact_twins(world)
    assert ACCOUNTS * 0.02 <= by_email + by_phone <= ACCOUNTS * 0.04

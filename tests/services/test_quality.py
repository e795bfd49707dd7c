"""Data-quality KPIs on a hand-built base whose answers are counted by hand."""

from __future__ import annotations

from datetime import datetime

from carecycle.services.quality import measure_quality
from carecycle.store import schema
from carecycle.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0)


def contact(cid: str, account: str, **values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "contact_id": cid,
        "account_id": account,
        "name": f"Person {cid}",
        "email": None,
        "email_issue": None,
        "phone": None,
        "phone_issue": None,
        "consent_email": None,
        "consent_mail": None,
        "consent_phone": None,
        "do_not_contact": False,
        "merged_into": None,
    }
    return base | values


def build(store: Store) -> None:
    address = {"address": "1 Main St", "postcode": "100020", "city": "Beijing", "merged_into": None}
    accounts = [
        {"account_id": "A1", "name": "One", **address},
        {"account_id": "A2", "name": "Two", **address},
        {"account_id": "A3", "name": "Three", **address, "address": None},
        {"account_id": "A4", "name": "Four (merged)", **(address | {"merged_into": "A1"})},
    ]
    contacts = [
        # A1: full contact with consent everywhere -> reachable on every channel
        contact(
            "C1",
            "A1",
            email="a@x.cn",
            phone="+8613800138000",
            consent_email=True,
            consent_phone=True,
            consent_mail=True,
        ),
        # A1: name + phone with an invalid phone -> name_only, invalid phone
        contact("C2", "A1", phone="12345", phone_issue="not a valid phone number for CN"),
        # A2: name + email, consent unknown -> address but not reachable; mail consent given
        contact("C3", "A2", email="b@y.cn", consent_mail=True),
        # A2: name + phone with consent but do-not-contact -> address, not reachable
        contact("C4", "A2", phone="+8613900139000", consent_phone=True, do_not_contact=True),
        # A3: email with a typo flag, consent given -> not usable; no postal address
        contact(
            "C5",
            "A3",
            email="c@gmial.com",
            email_issue="domain looks like a typo of gmail.com",
            consent_email=True,
            consent_mail=True,
        ),
        # A3: invalid email -> name_only
        contact("C6", "A3", email="not-an-email", email_issue="invalid address"),
        # merged contact: left out everywhere
        contact("C7", "A1", email="a@x.cn", merged_into="C1"),
    ]
    with store.begin() as conn:
        conn.execute(schema.accounts.insert(), accounts)
        conn.execute(schema.contacts.insert(), contacts)
        conn.execute(
            schema.orders.insert(),
            [
                {
                    "order_id": "O1",
                    "account_id": "A1",
                    "ordered_on": NOW.date(),
                    "status": "booked",
                },
                {
                    "order_id": "O2",
                    "account_id": "A9",
                    "ordered_on": NOW.date(),
                    "status": "booked",
                },
            ],
        )


def test_quality_kpis_match_a_hand_count(store: Store) -> None:
    build(store)
    report = measure_quality(store, similarity=88, now=NOW)
    assert report.accounts == 3
    levels = {k: v.count for k, v in report.completeness.levels.items()}
    assert levels == {"name_phone_email": 1, "name_phone": 1, "name_email": 1, "name_only": 3}
    assert report.completeness.contacts == 6
    assert report.completeness.average_points == round((5 + 3 + 3) / 6, 3)
    reach = {r.channel: (r.with_address.count, r.reachable.count) for r in report.reachability}
    assert reach == {"edm": (2, 1), "tsr_call": (2, 1), "dm": (2, 2)}
    assert report.reachability[0].reachable.share == round(1 / 3, 4)
    v = report.validity
    assert (v.invalid_emails, v.suspected_email_typos, v.invalid_phones) == (1, 1, 1)
    assert report.orphans["orders.account_id"] == 1
    assert report.orphan_rows == 1


def test_an_empty_store_has_zero_kpis_not_errors(store: Store) -> None:
    report = measure_quality(store, similarity=88, now=NOW)
    assert report.accounts == 0
    assert report.completeness.average_points == 0.0
    assert all(r.reachable.share == 0.0 for r in report.reachability)
    assert report.orphan_rows == 0


def test_a_merged_accounts_contacts_count_for_its_survivor(store: Store) -> None:
    address = {"address": "1 Main St", "postcode": "100020", "city": "Beijing"}
    with store.begin() as conn:
        conn.execute(
            schema.accounts.insert(),
            [
                {"account_id": "A1", "name": "One", **address, "merged_into": None},
                {"account_id": "A2", "name": "One Ltd", **address, "merged_into": "A1"},
            ],
        )
        conn.execute(
            schema.contacts.insert(), [contact("C2", "A2", email="a@x.cn", consent_email=True)]
        )
    report = measure_quality(store, similarity=88, now=NOW)
    edm = report.reachability[0]
    assert (report.accounts, edm.channel, edm.reachable.count) == (1, "edm", 1)


def test_a_contact_who_unsubscribed_no_longer_counts_as_reachable_by_email(store: Store) -> None:
    build(store)
    with store.begin() as conn:
        conn.execute(
            schema.suppressions.insert().values(
                contact_id="C1", channel="edm", reason="unsubscribed", occurred_at=NOW
            )
        )
    report = measure_quality(store, similarity=88, now=NOW)
    reach = {r.channel: (r.with_address.count, r.reachable.count) for r in report.reachability}
    assert reach == {"edm": (2, 0), "tsr_call": (2, 1), "dm": (2, 2)}

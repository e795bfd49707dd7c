from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.services.dedupe import (
    count_duplicates,
    list_merges,
    merge_duplicates,
    undo_merge,
)
from carecycle.store import schema
from carecycle.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0)
LATER = datetime(2026, 11, 24, 10, 30)
LATEST = datetime(2026, 11, 25, 8, 0)
SIMILARITY = 88.0


def account(
    account_id: str, name: str, city: str, postcode: str, **extra: object
) -> dict[str, object]:
    blank = {"registration_id": None, "created_on": None}
    return (
        {"account_id": account_id, "name": name, "city": city, "postcode": postcode} | blank | extra
    )


def contact(contact_id: str, account_id: str, name: str, **extra: object) -> dict[str, object]:
    blank = {"phone": None, "email": None, "created_on": None}
    return {"contact_id": contact_id, "account_id": account_id, "name": name} | blank | extra


ACCOUNTS = [
    account(
        "A1",
        "北京华信科技有限公司",
        "Beijing",
        "100020",
        registration_id="91110105MA01",
        created_on=date(2024, 3, 1),
    ),
    account("A2", "北京华信科技股份有限公司", "Beijing", "100020", created_on=date(2024, 5, 1)),
    account(
        "A3",
        "Acme Trading Ltd",
        "Shanghai",
        "200000",
        registration_id="X-1",
        created_on=date(2023, 1, 1),
    ),
    account(
        "A4",
        "ACME TRADING CO., LTD.",
        "Shanghai",
        "200000",
        registration_id="x1",
        created_on=date(2024, 1, 1),
    ),
    account("A5", "Blue Sky Consulting", "Shanghai", "200000"),
]
CONTACTS = [
    contact("C1", "A1", "王伟", phone="+8613800138000", email="wang.wei@qq.com"),
    contact("C2", "A2", "王 伟", phone="+8613800138000"),
    contact("C3", "A1", "李娜", phone="+861065529988"),
    contact("C4", "A1", "王芳", phone="+861065529988"),
    contact("C5", "A3", "John Smith", email="john@acme.example", created_on=date(2023, 2, 1)),
    contact("C6", "A4", "Smith John", email="john@acme.example", created_on=date(2024, 2, 1)),
]


@pytest.fixture
def world(store: Store) -> Store:
    with store.begin() as conn:
        conn.execute(sa.insert(schema.accounts), ACCOUNTS)
        conn.execute(sa.insert(schema.contacts), CONTACTS)
    return store


def merged_into(store: Store, entity: str) -> dict[str, str | None]:
    table = schema.metadata.tables[entity]
    key = table.c["account_id" if entity == "accounts" else "contact_id"]
    with store.begin() as conn:
        return {row[0]: row[1] for row in conn.execute(sa.select(key, table.c.merged_into))}


def insert(store: Store, table: sa.Table, *rows: dict[str, object]) -> None:
    with store.begin() as conn:
        conn.execute(sa.insert(table), list(rows))


def merge_of(store: Store, survivor_id: str) -> str:
    return next(m.merge_id for m in list_merges(store) if m.survivor_id == survivor_id)


def log_rows(store: Store) -> list[tuple[object, ...]]:
    log = schema.merge_log
    query = sa.select(
        log.c.entity,
        log.c.survivor_id,
        log.c.duplicate_id,
        log.c.rule,
        log.c.merged_at,
        log.c.undone_at,
    )
    with store.begin() as conn:
        return sorted(tuple(r) for r in conn.execute(query))


def test_merge_marks_duplicates_and_logs_one_row_per_duplicate(world: Store) -> None:
    report = merge_duplicates(world, similarity=SIMILARITY, now=NOW)

    assert (report.accounts, report.contacts) == (2, 2)
    assert len(report.merge_ids) == len(report.clusters) == 4
    assert merged_into(world, "accounts") == {
        "A1": None,
        "A2": "A1",
        "A3": None,
        "A4": "A3",
        "A5": None,
    }
    assert merged_into(world, "contacts") == {
        "C1": None,
        "C2": "C1",
        "C3": None,
        "C4": None,
        "C5": None,
        "C6": "C5",
    }
    assert log_rows(world) == [
        ("accounts", "A1", "A2", "similar_name", NOW, None),
        ("accounts", "A3", "A4", "same_registration_id", NOW, None),
        ("contacts", "C1", "C2", "same_mobile", NOW, None),
        ("contacts", "C5", "C6", "same_email", NOW, None),
    ]


def test_contact_of_a_merged_account_is_compared_with_the_survivors_contacts(world: Store) -> None:
    report = merge_duplicates(world, similarity=SIMILARITY, now=NOW)

    contact_clusters = [c for c in report.clusters if c.entity == "contacts"]
    assert [(c.survivor_id, c.duplicate_ids) for c in contact_clusters] == [
        ("C1", ("C2",)),
        ("C5", ("C6",)),
    ]


def test_dry_run_reports_the_merge_and_writes_nothing(world: Store) -> None:
    report = merge_duplicates(world, similarity=SIMILARITY, now=NOW, dry_run=True)

    assert report.dry_run
    assert report.merge_ids == ()
    assert (report.accounts, report.contacts) == (2, 2)
    assert set(merged_into(world, "accounts").values()) == {None}
    assert log_rows(world) == []
    assert count_duplicates(world, similarity=SIMILARITY) == {"accounts": 2, "contacts": 2}


def test_merging_twice_merges_nothing_new(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    before = log_rows(world)

    again = merge_duplicates(world, similarity=SIMILARITY, now=LATER)

    assert again.clusters == ()
    assert again.merge_ids == ()
    assert log_rows(world) == before
    assert count_duplicates(world, similarity=SIMILARITY) == {"accounts": 0, "contacts": 0}


def test_undo_restores_the_duplicates_and_stays_undone(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    accounts_merge = next(m for m in list_merges(world) if m.survivor_id == "A1")

    undone = undo_merge(world, accounts_merge.merge_id, now=LATER)
    again = merge_duplicates(world, similarity=SIMILARITY, now=LATER)

    assert (undone.entity, undone.survivor_id, undone.restored_ids) == ("accounts", "A1", ("A2",))
    assert merged_into(world, "accounts")["A2"] is None
    assert again.clusters == ()
    assert ("accounts", "A1", "A2", "similar_name", NOW, LATER) in log_rows(world)


def test_undone_contacts_are_not_merged_again(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    for merge in list_merges(world):
        if merge.survivor_id in ("A1", "C5"):
            undo_merge(world, merge.merge_id, now=LATER)

    again = merge_duplicates(world, similarity=SIMILARITY, now=LATER)

    assert merged_into(world, "contacts")["C6"] is None
    assert merged_into(world, "accounts")["A2"] is None
    assert again.clusters == ()


def test_unknown_merge_cannot_be_undone(world: Store) -> None:
    with pytest.raises(InputError, match="no merge 'nope'"):
        undo_merge(world, "nope", now=LATER)


def test_a_merge_is_undone_only_once(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    merge_id = list_merges(world)[0].merge_id
    undo_merge(world, merge_id, now=LATER)

    with pytest.raises(InputError, match="already undone at 2026-11-24 10:30"):
        undo_merge(world, merge_id, now=LATER)


def test_merges_are_listed_newest_first_with_their_duplicates(world: Store) -> None:
    with world.begin() as conn:
        conn.execute(
            sa.insert(schema.accounts),
            [account("A6", "Acme Trading Limited", "Shanghai", "200000")],
        )
    first = merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    with world.begin() as conn:
        conn.execute(
            sa.insert(schema.accounts),
            [account("A7", "Blue Sky Consulting Co.", "Shanghai", "200000")],
        )
    second = merge_duplicates(world, similarity=SIMILARITY, now=LATER)

    merges = list_merges(world)

    assert [m.merge_id for m in merges[: len(second.merge_ids)]] == sorted(second.merge_ids)
    assert {m.merge_id for m in merges} == set(first.merge_ids) | set(second.merge_ids)
    acme = next(m for m in merges if m.survivor_id == "A3")
    assert (acme.duplicate_ids, acme.merged_at, acme.undone_at) == (("A4", "A6"), NOW, None)
    assert len(list_merges(world, limit=1)) == 1


def test_empty_store_has_nothing_to_merge(store: Store) -> None:
    report = merge_duplicates(store, similarity=SIMILARITY, now=NOW)

    assert (report.clusters, report.accounts, report.contacts) == ((), 0, 0)
    assert list_merges(store) == []


def test_undoing_an_account_merge_undoes_the_contact_merges_it_caused(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    caused = merge_of(world, "C1")

    undone = undo_merge(world, merge_of(world, "A1"), now=LATER)

    assert undone.cascaded == (caused,)
    assert merged_into(world, "contacts")["C2"] is None
    assert merged_into(world, "contacts")["C6"] == "C5"
    assert ("contacts", "C1", "C2", "same_mobile", NOW, LATER) in log_rows(world)
    assert next(m for m in list_merges(world) if m.merge_id == caused).undone_at == LATER


def test_contact_merges_within_one_account_stay_when_its_account_merge_is_undone(
    world: Store,
) -> None:
    insert(
        world,
        schema.contacts,
        contact("C7", "A1", "赵磊", phone="+8613900139000"),
        contact("C8", "A1", "赵 磊", phone="+8613900139000"),
        contact("D7", "A2", "刘洋", phone="+8613700137000"),
        contact("D8", "A2", "刘洋", phone="+8613700137000"),
    )
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)

    undone = undo_merge(world, merge_of(world, "A1"), now=LATER)

    contacts = merged_into(world, "contacts")
    assert undone.cascaded == (merge_of(world, "C1"),)
    assert (contacts["C2"], contacts["C8"], contacts["D8"]) == (None, "C7", "D7")


def test_undoing_a_contact_merge_undoes_nothing_else(world: Store) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)

    undone = undo_merge(world, merge_of(world, "C5"), now=LATER)

    assert undone.cascaded == ()
    assert merged_into(world, "accounts")["A4"] == "A3"
    assert merged_into(world, "contacts")["C2"] == "C1"


def test_contacts_parted_with_their_accounts_stay_apart_when_the_accounts_meet_again(
    world: Store,
) -> None:
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    undo_merge(world, merge_of(world, "A1"), now=LATER)
    insert(
        world,
        schema.accounts,
        account(
            "A6",
            "北京华信科技有限公司",
            "Beijing",
            "100020",
            registration_id="91110105MA01",
            industry="software",
            region="Beijing",
            address="朝阳区建国路 88 号",
        ),
    )

    merge_duplicates(world, similarity=SIMILARITY, now=LATEST)
    merge_duplicates(world, similarity=SIMILARITY, now=LATEST)

    # Account rules let A1 and A2 meet again through the more complete A6 (their undone
    # pair is not carried to A6); their contacts are compared again and must stay apart.
    accounts = merged_into(world, "accounts")
    assert (accounts["A1"], accounts["A2"]) == ("A6", "A6")
    assert merged_into(world, "contacts")["C2"] is None


def test_colleagues_of_one_account_undone_with_an_account_merge_may_merge_again(
    world: Store,
) -> None:
    insert(world, schema.contacts, contact("C9", "A1", "王伟", phone="+8613800138000"))
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    assert next(m for m in list_merges(world) if m.survivor_id == "C1").duplicate_ids == (
        "C2",
        "C9",
    )

    undo_merge(world, merge_of(world, "A1"), now=LATER)
    again = merge_duplicates(world, similarity=SIMILARITY, now=LATER)

    assert [(c.survivor_id, c.duplicate_ids) for c in again.clusters] == [("C1", ("C9",))]
    assert merged_into(world, "contacts")["C2"] is None


def test_a_contact_merge_the_user_undid_stays_undone_after_its_account_merge_is_undone(
    world: Store,
) -> None:
    insert(world, schema.contacts, contact("C9", "A1", "王伟", phone="+8613800138000"))
    merge_duplicates(world, similarity=SIMILARITY, now=NOW)
    undo_merge(world, merge_of(world, "C1"), now=LATER)

    undone = undo_merge(world, merge_of(world, "A1"), now=LATEST)
    again = merge_duplicates(world, similarity=SIMILARITY, now=LATEST)

    assert undone.cascaded == ()
    assert again.clusters == ()


def test_undoing_an_account_merge_parts_contacts_of_accounts_merged_into_its_duplicate(
    store: Store,
) -> None:
    insert(
        store,
        schema.accounts,
        account("A2", "北京华信科技股份有限公司", "Beijing", "100020", industry="software"),
        account("A7", "北京华信科技公司", "Beijing", "100020", industry=None),
    )
    insert(store, schema.contacts, contact("C7", "A7", "王伟", phone="+8613800138000"))
    merge_duplicates(store, similarity=SIMILARITY, now=NOW)
    insert(
        store,
        schema.accounts,
        account(
            "A1",
            "北京华信科技有限公司",
            "Beijing",
            "100020",
            registration_id="91110105MA01",
            industry="software",
        ),
    )
    insert(
        store,
        schema.contacts,
        contact("C1", "A1", "王伟", phone="+8613800138000", email="wang.wei@qq.com"),
        contact("C8", "A7", "王 伟", phone="+8613800138000"),
    )
    merge_duplicates(store, similarity=SIMILARITY, now=LATER)
    assert merged_into(store, "accounts") == {"A1": None, "A2": "A1", "A7": "A2"}
    assert merged_into(store, "contacts") == {"C1": None, "C7": "C1", "C8": "C1"}

    undone = undo_merge(store, merge_of(store, "A1"), now=LATEST)
    again = merge_duplicates(store, similarity=SIMILARITY, now=LATEST)

    assert undone.cascaded == (merge_of(store, "C1"),)
    assert [(c.survivor_id, c.duplicate_ids) for c in again.clusters] == [("C7", ("C8",))]

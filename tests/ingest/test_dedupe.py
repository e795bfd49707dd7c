from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest
import sqlalchemy as sa

from carecycle.ingest.cleansing import role_mailboxes
from carecycle.ingest.dedupe import (
    RULES,
    Cluster,
    count_duplicates,
    find_account_clusters,
    find_clusters,
    find_contact_clusters,
)
from carecycle.store import schema

SIMILARITY = 88.0
ACCOUNT_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("name", pa.string()), ("registration_id", pa.string()),
     ("city", pa.string()), ("postcode", pa.string()), ("industry", pa.string()),
     ("created_on", pa.date32()), ("merged_into", pa.string())]
)  # fmt: skip
CONTACT_SCHEMA = pa.schema(
    [("contact_id", pa.string()), ("account_id", pa.string()), ("name", pa.string()),
     ("email", pa.string()), ("email_issue", pa.string()), ("phone", pa.string()),
     ("phone_issue", pa.string()), ("created_on", pa.date32())]
)  # fmt: skip


def accounts(*rows: dict[str, object]) -> pa.Table:
    return pa.Table.from_pylist(
        [{"city": "Beijing", "postcode": "100020"} | r for r in rows], ACCOUNT_SCHEMA
    )


def contacts(*rows: dict[str, object]) -> pa.Table:
    return pa.Table.from_pylist([{"account_id": "A1"} | r for r in rows], CONTACT_SCHEMA)


def contact_pairs(*rows: dict[str, object]) -> list[tuple[str, tuple[str, ...], str]]:
    found = find_contact_clusters(contacts(*rows), similarity=SIMILARITY)
    return [(c.survivor_id, c.duplicate_ids, c.rule) for c in found]


def account_pairs(*rows: dict[str, object]) -> list[tuple[str, tuple[str, ...], str]]:
    found = find_account_clusters(accounts(*rows), similarity=SIMILARITY)
    return [(c.survivor_id, c.duplicate_ids, c.rule) for c in found]


def test_same_mobile_in_one_account_is_a_duplicate() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "phone": "+8613800138000"},
        {"contact_id": "C2", "name": "王总", "phone": "+8613800138000"},
    ) == [("C1", ("C2",), "same_mobile")]


def test_same_mobile_in_two_accounts_is_not_a_duplicate() -> None:
    assert (
        contact_pairs(
            {"contact_id": "C1", "name": "王伟", "phone": "+8613800138000"},
            {"contact_id": "C2", "account_id": "A2", "name": "王伟", "phone": "+8613800138000"},
        )
        == []
    )


def test_shared_switchboard_with_different_names_is_not_a_duplicate() -> None:
    assert (
        contact_pairs(
            {"contact_id": "C1", "name": "李娜", "phone": "+861065529988"},
            {"contact_id": "C2", "name": "王芳", "phone": "+861065529988"},
            {"contact_id": "C3", "name": "John Smith", "phone": "+861065529988"},
        )
        == []
    )


def test_shared_switchboard_with_the_same_name_is_a_duplicate() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "phone": "+861065529988"},
        {"contact_id": "C2", "name": "王 伟", "phone": "+861065529988"},
        {"contact_id": "C3", "name": "王芳", "phone": "+861065529988"},
    ) == [("C1", ("C2",), "same_phone_similar_name")]


def test_chinese_names_one_character_apart_are_different_people_on_a_switchboard() -> None:
    assert (
        contact_pairs(
            {"contact_id": "C1", "name": "王伟", "phone": "+861065529988"},
            {"contact_id": "C2", "name": "王玮", "phone": "+861065529988"},
        )
        == []
    )


def test_latin_names_match_in_any_word_order_and_case() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "Wang Wei", "phone": "+861065529988"},
        {"contact_id": "C2", "name": "WEI, wang", "phone": "+861065529988"},
    ) == [("C1", ("C2",), "same_phone_similar_name")]


def test_us_number_whose_type_cannot_be_told_needs_similar_names() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "John Smith", "phone": "+14155550134"},
        {"contact_id": "C2", "name": "Mary Jones", "phone": "+14155550134"},
        {"contact_id": "C3", "name": "Jon Smith", "phone": "+14155550134"},
    ) == [("C1", ("C3",), "same_phone_similar_name")]


def test_same_email_in_one_account_is_a_duplicate_whatever_its_case() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang.wei@qq.com"},
        {"contact_id": "C2", "name": "Wang Wei", "email": " Wang.Wei@QQ.com"},
    ) == [("C1", ("C2",), "same_email")]


def test_shared_sales_mailbox_with_different_names_is_not_a_duplicate() -> None:
    assert (
        contact_pairs(
            {"contact_id": "C1", "name": "王伟", "email": "sales@huaxin.cn"},
            {"contact_id": "C2", "name": "李娜", "email": "Sales@huaxin.cn"},
            {"contact_id": "C3", "name": "John Smith", "email": "sales@huaxin.cn"},
        )
        == []
    )


def test_same_role_mailbox_with_similar_names_is_a_duplicate() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "Wang Wei", "email": "info.bj@huaxin.cn"},
        {"contact_id": "C2", "name": "李娜", "email": "info.bj@huaxin.cn"},
        {"contact_id": "C3", "name": "WEI, wang", "email": "INFO.BJ@huaxin.cn"},
    ) == [("C1", ("C3",), "same_role_email")]


def test_role_mailbox_of_a_nameless_contact_is_not_a_duplicate() -> None:
    assert (
        contact_pairs(
            {"contact_id": "C1", "name": "王伟", "email": "service@huaxin.cn"},
            {"contact_id": "C2", "name": None, "email": "service@huaxin.cn"},
        )
        == []
    )


@pytest.mark.parametrize(
    ("email", "role"),
    [("sales@acme.com", True), ("Sales01@acme.com", True), ("info.bj@huaxin.cn", True),
     ("HR@acme.com", True), ("it-support@acme.com", True), ("no-reply@acme.com", True),
     ("sh.service@huaxin.cn", True), ("enquiries+web@acme.com", True),
     ("wang.wei@qq.com", False), ("information@acme.com", False), ("salesforce@acme.com", False),
     ("itzel.ruiz@acme.com", False), ("1234567890@qq.com", False), ("h.r.jones@acme.com", False)],
)  # fmt: skip
def test_role_mailboxes_are_told_by_their_local_part_whatever_case_digits_and_dots(
    email: str, role: bool
) -> None:
    assert role_mailboxes(pa.array([email])).to_pylist() == [role]


def test_personal_mailbox_with_different_names_is_still_a_duplicate() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang.wei@huaxin.cn"},
        {"contact_id": "C2", "name": "Wang Wei", "email": "wang.wei@huaxin.cn"},
    ) == [("C1", ("C2",), "same_email")]


@pytest.mark.parametrize("rules", [RULES[:2], RULES[2:]], ids=["accounts", "contacts"])
def test_a_cluster_held_by_every_rule_of_its_entity_fits_the_merge_log(
    rules: tuple[str, ...],
) -> None:
    column = schema.merge_log.c.rule.type
    assert isinstance(column, sa.String)
    assert len("+".join(rules)) <= (column.length or 0)


def test_contacts_without_email_or_phone_are_never_duplicates() -> None:
    assert (
        contact_pairs({"contact_id": "C1", "name": "王伟"}, {"contact_id": "C2", "name": "王伟"})
        == []
    )


def test_clusters_are_transitive() -> None:
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang@qq.com"},
        {"contact_id": "C2", "name": "王伟", "email": "wang@qq.com", "phone": "+8613800138000"},
        {"contact_id": "C3", "name": "王伟", "phone": "+8613800138000"},
    ) == [("C2", ("C1", "C3"), "same_email+same_mobile")]


def test_survivor_is_the_most_complete_contact() -> None:
    found = contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang@qq.com"},
        {"contact_id": "C2", "name": "王伟", "email": "wang@qq.com", "phone": "+8613800138000"},
        {"contact_id": "C3", "name": "王伟", "phone": "+8613800138000", "email": "w@163.com"},
    )
    assert found[0][0] == "C2"


def test_name_and_phone_beat_name_and_email() -> None:
    found = contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang@qq.com", "phone": "+8613800138000"},
        {
            "contact_id": "C2",
            "name": "王伟",
            "email": "wang@qq.com",
            "phone_issue": "x",
            "phone": "1",
        },
    )
    assert found == [("C1", ("C2",), "same_email")]
    assert contact_pairs(
        {"contact_id": "C1", "name": "王伟", "email": "wang@qq.com"},
        {"contact_id": "C2", "name": "王伟", "phone": "+8613800138000", "email": "wang@qq.com",
         "email_issue": "domain looks like a typo of qq.com"},
    )[0][0] == "C2"  # fmt: skip


def test_survivor_ties_go_to_the_earliest_created_then_the_smallest_id() -> None:
    assert contact_pairs(
        {
            "contact_id": "C1",
            "name": "王伟",
            "phone": "+8613800138000",
            "created_on": date(2024, 5, 1),
        },
        {
            "contact_id": "C2",
            "name": "王伟",
            "phone": "+8613800138000",
            "created_on": date(2023, 5, 1),
        },
        {"contact_id": "C3", "name": "王伟", "phone": "+8613800138000"},
    ) == [("C2", ("C1", "C3"), "same_mobile")]
    assert contact_pairs(
        {"contact_id": "C9", "name": "王伟", "phone": "+8613800138000"},
        {"contact_id": "C10", "name": "王伟", "phone": "+8613800138000"},
    ) == [("C10", ("C9",), "same_mobile")]


def test_same_registration_id_is_a_duplicate_account_wherever_it_is() -> None:
    assert account_pairs(
        {"account_id": "A1", "name": "华信科技", "registration_id": "91110105-MA01 XK"},
        {
            "account_id": "A2",
            "name": "Huaxin Tech",
            "registration_id": "91110105ma01xk",
            "city": "Shanghai",
        },
    ) == [("A1", ("A2",), "same_registration_id")]


@pytest.mark.parametrize(
    ("first", "second"),
    [("北京华信科技有限公司", "北京华信科技股份有限公司"),
     ("北京华信科技有限责任公司", "北京华信科技公司"),
     ("Acme Trading Ltd", "ACME TRADING CO., LTD."), ("Acme Trading Inc.", "Acme Trading LLC"),
     ("Acme Trading Corp", "Acme Trading Limited"), ("ＡＣＭＥ Trading Ltd", "acme trading"),
     ("Parker & Patel Academy L.L.C.", "Parker & Patel Academy LLC")],
)  # fmt: skip
def test_legal_forms_punctuation_and_case_are_ignored_in_company_names(
    first: str, second: str
) -> None:
    assert account_pairs(
        {"account_id": "A1", "name": first}, {"account_id": "A2", "name": second}
    ) == [("A1", ("A2",), "similar_name")]


def test_different_companies_at_one_postcode_are_not_duplicates() -> None:
    assert (
        account_pairs(
            {"account_id": "A1", "name": "北京华信科技有限公司"},
            {"account_id": "A2", "name": "北京华新软件有限公司"},
            {"account_id": "A3", "name": "Acme Trading Ltd"},
            {"account_id": "A4", "name": "Acme Consulting Ltd"},
        )
        == []
    )


def test_companies_with_different_registration_ids_are_never_merged() -> None:
    assert account_pairs(
        {
            "account_id": "A1",
            "name": "广州海迅自动化设备有限公司",
            "registration_id": "91440106MAQXG1DQXW",
        },
        {"account_id": "A2", "name": "广州海迅自动化设备有限公司"},
        {
            "account_id": "A3",
            "name": "广州海迅自动化设备股份有限公司",
            "registration_id": "914401065070358",
        },
    ) == [("A1", ("A2",), "similar_name")]


def test_similar_names_in_another_city_or_postcode_are_not_duplicates() -> None:
    assert (
        account_pairs(
            {"account_id": "A1", "name": "北京华信科技有限公司"},
            {"account_id": "A2", "name": "北京华信科技有限公司", "postcode": "100083"},
            {"account_id": "A3", "name": "北京华信科技有限公司", "city": "Shanghai"},
            {"account_id": "A4", "name": "北京华信科技有限公司", "city": None, "postcode": None},
        )
        == []
    )


def test_account_with_the_most_filled_fields_survives() -> None:
    found = account_pairs(
        {"account_id": "A1", "name": "Acme Trading Ltd", "created_on": date(2020, 1, 1)},
        {
            "account_id": "A2",
            "name": "Acme Trading",
            "industry": "retail",
            "created_on": date(2024, 1, 1),
        },
    )
    assert found == [("A2", ("A1",), "similar_name")]


def test_records_kept_apart_are_not_joined_even_through_a_third() -> None:
    rows = contacts(
        {"contact_id": "C1", "name": "王伟", "phone": "+8613800138000", "email": "w@qq.com"},
        {"contact_id": "C2", "name": "王伟", "phone": "+8613800138000"},
        {"contact_id": "C3", "name": "王伟", "email": "w@qq.com"},
    )
    found = find_contact_clusters(rows, similarity=SIMILARITY, apart=[("C1", "C2")])
    assert [(c.survivor_id, c.duplicate_ids) for c in found] == [("C1", ("C3",))]


def test_contacts_of_a_merged_account_are_compared_with_the_survivors() -> None:
    people = contacts(
        {"contact_id": "C1", "account_id": "A1", "name": "王伟", "phone": "+8613800138000"},
        {"contact_id": "C2", "account_id": "A2", "name": "王伟", "phone": "+8613800138000"},
        {"contact_id": "C3", "account_id": "A9", "name": "王伟", "phone": "+8613800138000"},
    )
    firms = accounts(
        {"account_id": "A1", "name": "华信科技"}, {"account_id": "A2", "name": "华信科技有限公司"}
    )
    found = find_clusters(firms, people, similarity=SIMILARITY, merged_accounts={"A9": "A2"})
    assert found == [
        Cluster("accounts", "A1", ("A2",), "similar_name", 100.0),
        Cluster("contacts", "C1", ("C2", "C3"), "same_mobile", 100.0),
    ]
    assert count_duplicates(firms, people, similarity=SIMILARITY) == {"accounts": 1, "contacts": 1}


def test_clusters_do_not_depend_on_row_order() -> None:
    rows: list[dict[str, object]] = [
        {
            "contact_id": f"C{i}",
            "account_id": f"A{i % 3}",
            "name": "王伟",
            "phone": "+8613800138000",
        }
        for i in range(9)
    ]
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert find_contact_clusters(contacts(*rows), similarity=SIMILARITY) == find_contact_clusters(
        contacts(*shuffled), similarity=SIMILARITY
    )


def test_large_blocks_find_the_same_duplicates_as_small_ones() -> None:
    rng = random.Random(5)
    pool = [chr(0x4E00 + i) for i in range(0, 4000, 3)]
    names = ["".join(rng.choices(pool, k=rng.randint(4, 9))) for _ in range(700)]
    rows: list[dict[str, object]] = [
        {"account_id": f"A{i:04}", "name": n + "有限公司"} for i, n in enumerate(names)
    ]
    rows += [{"account_id": f"B{i:04}", "name": names[i] + "股份有限公司"} for i in (3, 300, 650)]
    found = account_pairs(*rows)
    assert found == [(f"A{i:04}", (f"B{i:04}",), "similar_name") for i in (3, 300, 650)]

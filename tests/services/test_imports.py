from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.services.imports import ImportReport, files_in, import_files
from carecycle.store import schema
from carecycle.store.db import Store

NOW = datetime(2026, 11, 23, 9, 0)
ACCOUNTS = (
    "account_id,name,city,postcode,created_on\n"
    "A1,北京华信科技有限公司,Beijing,100020,2024-03-01\n"
    "A2,Acme Trading Ltd,Shanghai,200000,2024/05/17\n"
)
CONTACTS = (
    "contact_id,account_id,name,email,phone,consent_email\n"
    "C1,A1,  王 伟 , Wang.Wei@QQ.com ,138 0013 8000,yes\n"
    "C2,A2,John Smith,john@acme.example,+1 415-555-0134,no\n"
)
PRODUCTS = "product_id,name,family,kind,list_price\nP1,Office Suite,office,annuity,1200.00\n"
ORDERS = "order_id,account_id,ordered_on\nO1,A1,2024-03-02\nO2,A2,2024-06-01\n"
LINES = "order_line_id,order_id,product_id,quantity,amount\nL1,O1,P1,2,2400.00\nL2,O2,P1,1,1200\n"


def world(directory: Path, **overrides: str) -> Path:
    files = {
        "accounts": ACCOUNTS,
        "contacts": CONTACTS,
        "products": PRODUCTS,
        "orders": ORDERS,
        "order_lines": LINES,
    } | overrides
    directory.mkdir(exist_ok=True)
    for entity, text in files.items():
        (directory / f"{entity}.csv").write_text(text, encoding="utf-8")
    return directory


def run(store: Store, directory: Path, **options: object) -> ImportReport:
    return import_files(store, files_in(directory), default_region="CN", now=NOW, **options)  # type: ignore[arg-type]


def counts(store: Store) -> dict[str, int]:
    with store.begin() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in schema.metadata.tables.items()
        }


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.begin() as conn:
        return {
            name: sorted(tuple(r) for r in conn.execute(sa.select(table)))
            for name, table in schema.metadata.tables.items()
            if name != "import_log"
        }


def test_good_world_is_imported_typed_and_cleansed(store: Store, tmp_path: Path) -> None:
    report = run(store, world(tmp_path / "w"))
    assert report.committed
    assert [(f.entity, f.inserted) for f in report.files] == [
        ("accounts", 2),
        ("contacts", 2),
        ("products", 1),
        ("orders", 2),
        ("order_lines", 2),
    ]
    with store.begin() as conn:
        c1 = conn.execute(
            sa.select(schema.contacts).where(schema.contacts.c.contact_id == "C1")
        ).one()
        a2 = conn.execute(
            sa.select(schema.accounts).where(schema.accounts.c.account_id == "A2")
        ).one()
    assert (c1.name, c1.email, c1.phone, c1.consent_email) == (
        "王 伟",
        "wang.wei@qq.com",
        "+8613800138000",
        True,
    )
    assert str(a2.created_on) == "2024-05-17"


def test_importing_the_same_files_twice_changes_no_row(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w")
    run(store, directory)
    before = snapshot(store)
    again = run(store, directory)
    assert all(f.inserted == 0 and f.updated == 0 for f in again.files)
    assert sum(f.unchanged for f in again.files) == 9
    assert snapshot(store) == before


def test_changed_row_updates_by_its_source_id(store: Store, tmp_path: Path) -> None:
    run(store, world(tmp_path / "w"))
    changed = ACCOUNTS.replace("Acme Trading Ltd,Shanghai", "Acme Trading Ltd,Suzhou")
    report = run(store, world(tmp_path / "w2", accounts=changed))
    accounts = next(f for f in report.files if f.entity == "accounts")
    assert (accounts.inserted, accounts.updated, accounts.unchanged) == (0, 1, 1)
    with store.begin() as conn:
        cities = dict(
            conn.execute(sa.select(schema.accounts.c.account_id, schema.accounts.c.city)).all()
        )
    assert cities == {"A1": "Beijing", "A2": "Suzhou"}


def test_columns_missing_from_a_file_are_left_as_they_were(store: Store, tmp_path: Path) -> None:
    run(store, world(tmp_path / "w"))
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "accounts.csv").write_text("account_id,name\nA1,北京华信科技有限公司\n")
    report = run(store, tmp_path / "only")
    assert report.files[0].unchanged == 1
    with store.begin() as conn:
        city = conn.execute(
            sa.select(schema.accounts.c.city).where(schema.accounts.c.account_id == "A1")
        ).scalar()
    assert city == "Beijing"


BAD_ROWS = [
    (
        "accounts",
        ACCOUNTS + "A3,,Beijing,100020,2024-01-01\n",
        4,
        "name",
        "required value is missing",
    ),
    ("accounts", ACCOUNTS + "A3,X,Beijing,100020,2024-02-30\n", 4, "created_on", "not a date"),
    ("orders", ORDERS + "O3,A9,2024-07-01\n", 4, "account_id", "no accounts row 'A9'"),
    ("order_lines", LINES + "L3,O1,P1,two,10\n", 4, "quantity", "not a whole number"),
    ("order_lines", LINES + "L3,O1,P1,1,10.005\n", 4, "amount", "at most 2 decimals"),
    (
        "products",
        PRODUCTS + "P2,Server,server,lease,10\n",
        3,
        "kind",
        "must be one of annuity, perpetual",
    ),
    (
        "accounts",
        ACCOUNTS + "A1,Again,Beijing,100020,2024-01-01\n",
        4,
        "account_id",
        "duplicate key, first seen on line 2",
    ),
    ("accounts", ACCOUNTS + "A3,X,Beijing,100020,0000-01-01\n", 4, "created_on", "not a date"),
    ("accounts", ACCOUNTS + "A3,X,Beijing,100020,24-01-05\n", 4, "created_on", "not a date"),
    ("accounts", ACCOUNTS + "A3,X\x01,Beijing,100020,2024-01-05\n", 4, "name", "control char"),
    ("order_lines", LINES + "L3,O1,P1,3000000000,10\n", 4, "quantity", "and 2147483647"),
]


@pytest.mark.parametrize(("entity", "text", "line", "column", "reason"), BAD_ROWS)
def test_a_bad_row_names_file_line_and_column_and_changes_nothing(
    store: Store, tmp_path: Path, entity: str, text: str, line: int, column: str, reason: str
) -> None:
    run(store, world(tmp_path / "good"))
    before = counts(store), snapshot(store)
    report = run(store, world(tmp_path / "bad", **{entity: text}))
    assert not report.committed
    [problem] = report.problems
    assert problem.file.endswith(f"{entity}.csv")
    assert (problem.line, problem.column) == (line, column)
    assert reason in problem.reason
    assert (counts(store), snapshot(store)) == before


def test_undecodable_bytes_reject_the_file_and_change_nothing(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w")
    (directory / "accounts.csv").write_bytes(
        ACCOUNTS.encode() + b"A3,Bad \xff\xfe name,Beijing,100020,2024-01-01\n"
    )
    report = run(store, directory)
    assert not report.committed
    assert [(p.line, p.column) for p in report.problems] == [(4, "name")]
    assert counts(store)["accounts"] == 0


def test_skip_bad_writes_good_rows_and_a_reject_file(store: Store, tmp_path: Path) -> None:
    bad = ORDERS + "O3,A9,2024-07-01\n"
    lines = LINES + "L3,O3,P1,1,10.00\n"
    directory = world(tmp_path / "w", orders=bad, order_lines=lines)
    report = run(store, directory, skip_bad=True)
    assert report.committed
    orders = next(f for f in report.files if f.entity == "orders")
    assert (orders.inserted, orders.rejected) == (2, 1)
    rejects = (directory / "orders.rejects.csv").read_text().splitlines()
    assert rejects[0] == "order_id,account_id,ordered_on,_line,_reasons"
    assert rejects[1].startswith("O3,A9,2024-07-01,4,account_id: no accounts row 'A9'")
    line_rejects = (directory / "order_lines.rejects.csv").read_text()
    assert "which this import rejected" in line_rejects
    assert counts(store)["order_lines"] == 2


def test_reference_to_a_row_already_in_the_store_is_accepted(store: Store, tmp_path: Path) -> None:
    run(store, world(tmp_path / "w"))
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "orders.csv").write_text(
        "order_id,account_id,ordered_on\nO9,A2,2025-01-01\n"
    )
    assert run(store, tmp_path / "later").committed


def test_unknown_column_is_refused_with_a_suggestion(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w", products="product_id,name,famly,kind\nP1,X,office,annuity\n")
    with pytest.raises(
        InputError, match=r"products.csv:1: unknown column 'famly' \(did you mean family\?\)"
    ):
        run(store, directory)


def test_file_whose_entity_cannot_be_told_is_refused(tmp_path: Path) -> None:
    (tmp_path / "acounts.csv").write_text("x\n1\n")
    with pytest.raises(InputError, match=r"cannot tell the entity of acounts\.csv"):
        files_in(tmp_path)


def test_import_log_records_each_committed_file(store: Store, tmp_path: Path) -> None:
    report = run(store, world(tmp_path / "w"))
    with store.begin() as conn:
        logged = conn.execute(
            sa.select(schema.import_log.c.entity, schema.import_log.c.inserted)
        ).all()
    assert sorted(logged) == sorted((f.entity, f.inserted) for f in report.files)


def test_a_contact_phone_is_read_in_its_account_country(store: Store, tmp_path: Path) -> None:
    accounts = "account_id,name,country\nA1,Acme Pty Ltd,AU\nA2,华信,CN\n"
    contacts = (
        "contact_id,account_id,name,phone\n"
        "C1,A1,Kylie Brown,(03) 9676 0148\n"
        "C2,A2,王伟,(010) 6552 9988\n"
    )
    directory = world(
        tmp_path / "w",
        accounts=accounts,
        contacts=contacts,
        orders="order_id,account_id,ordered_on\n",
        order_lines="order_line_id,order_id,product_id,quantity,amount\n",
    )
    assert run(store, directory).committed
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(
                schema.contacts.c.contact_id, schema.contacts.c.phone, schema.contacts.c.phone_issue
            )
        ).all()
    assert sorted(tuple(r) for r in rows) == [
        ("C1", "+61396760148", None),
        ("C2", "+861065529988", None),
    ]


def test_fixed_rejects_file_imports_as_it_is(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w", orders=ORDERS + "O3,A9,2024-07-01\n")
    run(store, directory, skip_bad=True)
    rejects = directory / "orders.rejects.csv"
    rejects.write_text(rejects.read_text().replace("O3,A9,", "O3,A1,"))
    report = import_files(store, [("orders", rejects)], default_region="CN", now=NOW)
    assert (report.committed, report.files[0].inserted) == (True, 1)


def test_ragged_row_keeps_its_text_in_the_rejects_file(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w", products=PRODUCTS + "P2,Server,server\n")
    run(store, directory, skip_bad=True)
    text = (directory / "products.rejects.csv").read_text()
    assert "has 3 fields, the header has 5: P2,Server,server" in text


def test_empty_cell_in_a_column_with_a_default_takes_the_default(
    store: Store, tmp_path: Path
) -> None:
    contacts = "contact_id,account_id,name,do_not_contact\nC1,A1,Ann,\nC2,A2,Bo,yes\n"
    orders = "order_id,account_id,ordered_on,status\nO1,A1,2024-03-02,\nO2,A2,2024-06-01,refunded\n"
    assert run(store, world(tmp_path / "w", contacts=contacts, orders=orders)).committed
    c, o = schema.contacts.c, schema.orders.c
    with store.begin() as conn:
        dnc = dict(conn.execute(sa.select(c.contact_id, c.do_not_contact)).all())
        status = dict(conn.execute(sa.select(o.order_id, o.status)).all())
    assert dnc == {"C1": False, "C2": True}
    assert status == {"O1": "booked", "O2": "refunded"}


def test_skip_bad_never_keeps_a_renewal_of_a_rejected_agreement(
    store: Store, tmp_path: Path
) -> None:
    agreements = (
        "agreement_id,account_id,program,sa,start_on,end_on,renewed_from,partner_id\n"
        "AG1,A1,open_license,yes,2022-01-01,2023-12-31,,NOPE\n"
        "AG2,A1,open_license,yes,2024-01-01,2025-12-31,AG1,\n"
        "AG3,A2,select,no,2024-01-01,2026-12-31,,\n"
    )
    report = run(store, world(tmp_path / "w", agreements=agreements), skip_bad=True)
    found = sorted((p.line, p.column) for p in report.problems)
    assert found == [(2, "partner_id"), (3, "renewed_from")]
    with store.begin() as conn:
        kept = conn.execute(sa.select(schema.agreements.c.agreement_id)).scalars().all()
    assert kept == ["AG3"]


def test_a_key_in_two_files_of_one_entity_is_refused(store: Store, tmp_path: Path) -> None:
    directory = world(tmp_path / "w")
    (directory / "accounts_more.csv").write_text("account_id,name\nA2,Acme again\nA5,New Co\n")
    report = run(store, directory)
    assert not report.committed
    [problem] = report.problems
    assert (Path(problem.file).name, problem.line) == ("accounts_more.csv", 2)
    assert "key also in accounts.csv" in problem.reason


def test_the_same_file_given_twice_is_imported_once(store: Store, tmp_path: Path) -> None:
    path = world(tmp_path / "w") / "accounts.csv"
    items = [("accounts", path), ("accounts", path)]
    report = import_files(store, items, default_region="CN", now=NOW)
    assert [f.inserted for f in report.files] == [2]


def test_partner_contact_details_are_cleansed_and_flagged(store: Store, tmp_path: Path) -> None:
    partners = "partner_id,name,email,phone\nPA1,Channel Co,Sales@GMIAL.com,12345\n"
    assert run(store, world(tmp_path / "w", partners=partners)).committed
    p = schema.partners.c
    with store.begin() as conn:
        row = conn.execute(sa.select(p.email, p.email_issue, p.phone_issue)).one()
    assert row.email == "sales@gmial.com"
    assert row.email_issue == "domain looks like a typo of gmail.com"
    assert row.phone_issue is not None

"""Rules every generated world keeps: the import contract, references, keys and time."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from carecycle.ingest.contracts import CONTRACTS
from carecycle.synth import World, generate_world
from carecycle.synth.columns import arrow_schema

AS_OF = dt.date(2025, 6, 30)
# Agreements may run past as_of; everything else is history.
FUTURE_ALLOWED = {("agreements", "end_on")}


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(accounts=2_000, seed=7, as_of=AS_OF)


def test_same_seed_gives_identical_tables(world: World) -> None:
    again = generate_world(accounts=2_000, seed=7, as_of=AS_OF)
    for name, table in world.tables.items():
        assert table.equals(again.tables[name]), name


def test_another_seed_gives_another_world(world: World) -> None:
    other = generate_world(accounts=2_000, seed=8, as_of=AS_OF)
    assert not other.tables["accounts"].equals(world.tables["accounts"])
    assert not other.tables["orders"].equals(world.tables["orders"])


def test_world_holds_one_table_per_importable_entity(world: World) -> None:
    assert list(world.tables) == list(CONTRACTS)
    assert world.as_of == AS_OF
    assert world.seed == 7


def test_every_table_has_exactly_the_contract_columns_in_order(world: World) -> None:
    for name, table in world.tables.items():
        assert table.column_names == list(CONTRACTS[name].names), name
        assert table.schema.equals(arrow_schema(name)), name


def test_money_is_decimal_with_two_places(world: World) -> None:
    money = [(e, c.name) for e, k in CONTRACTS.items() for c in k.columns if c.kind == "decimal"]
    assert len(money) >= 5
    for entity, column in money:
        assert world.tables[entity].schema.field(column).type == pa.decimal128(18, 2)


def test_required_columns_are_never_null(world: World) -> None:
    for name, table in world.tables.items():
        for column in CONTRACTS[name].required:
            assert table[column].null_count == 0, (name, column)


def test_enum_values_are_in_the_vocabulary(world: World) -> None:
    for name, contract in CONTRACTS.items():
        for column in contract.columns:
            if column.values:
                values = world.tables[name][column.name].drop_null()
                assert pc.all(pc.is_in(values, pa.array(column.values))).as_py(), column.name


def test_every_reference_resolves(world: World) -> None:
    for name, contract in CONTRACTS.items():
        for column in contract.columns:
            if column.ref:
                (key,) = CONTRACTS[column.ref].key
                values = world.tables[name][column.name].drop_null()
                known = world.tables[column.ref][key]
                assert pc.all(pc.is_in(values, known)).as_py(), (name, column.name)


def test_keys_are_unique(world: World) -> None:
    for name, contract in CONTRACTS.items():
        table = world.tables[name]
        distinct = table.group_by(list(contract.key)).aggregate([]).num_rows
        assert distinct == table.num_rows, name


def test_history_never_passes_as_of(world: World) -> None:
    end_of_day = dt.datetime.combine(AS_OF, dt.time(23, 59, 59))
    for name, table in world.tables.items():
        for field in table.schema:
            if (name, field.name) in FUTURE_ALLOWED or not pa.types.is_temporal(field.type):
                continue
            latest = pc.max(table[field.name]).as_py()
            limit = end_of_day if pa.types.is_timestamp(field.type) else AS_OF
            assert latest is None or latest <= limit, (name, field.name, latest)


def test_agreement_value_is_the_total_of_the_order_that_created_it(world: World) -> None:
    lines = world.tables["order_lines"].group_by("order_id").aggregate([("amount", "sum")])
    orders = world.tables["orders"].join(lines, "order_id")
    created = orders.filter(pc.is_valid(orders["agreement_id"]))
    joined = world.tables["agreements"].join(created, "agreement_id")
    assert joined.num_rows == world.tables["agreements"].num_rows
    assert joined["value"].to_pylist() == joined["amount_sum"].to_pylist()


def test_line_amount_is_quantity_times_unit_price(world: World) -> None:
    lines = world.tables["order_lines"].slice(0, 5_000).to_pylist()
    assert all(r["amount"] == r["quantity"] * r["unit_price"] for r in lines)


def test_usage_and_traffic_counts_are_consistent(world: World) -> None:
    usage = world.tables["usage_snapshots"]
    assert pc.all(pc.less_equal(usage["active_users"], usage["seats"])).as_py()
    visits = world.tables["web_visits"]
    assert pc.all(pc.greater_equal(visits["page_views"], visits["unique_visitors"])).as_py()
    assert pc.min(visits["unique_visitors"]).as_py() >= 1


def test_every_account_has_a_contact_and_bought_something(world: World) -> None:
    accounts = world.tables["accounts"]["account_id"]
    for entity in ("contacts", "orders"):
        holders = pc.unique(world.tables[entity]["account_id"])
        assert len(holders) == len(accounts), entity


def test_volumes_scale_like_the_reference_world(world: World) -> None:
    rows = world.rows()
    assert 2.5 <= rows["contacts"] / rows["accounts"] <= 3.5
    assert 8 <= rows["order_lines"] / rows["accounts"] <= 12
    assert 30 <= rows["products"] <= 60
    assert 20 <= rows["partners"] <= 400
    assert min(rows.values()) > 0


@pytest.mark.parametrize("accounts", [1, 7, 60])
def test_a_tiny_world_is_still_consistent(accounts: int) -> None:
    small = generate_world(accounts=accounts, seed=1, as_of=AS_OF)
    assert small.tables["accounts"].num_rows == accounts
    for name, table in small.tables.items():
        assert table.schema.equals(arrow_schema(name)), name


def test_a_world_needs_an_account() -> None:
    with pytest.raises(ValueError, match="at least one account"):
        generate_world(accounts=0, seed=1, as_of=AS_OF)


def test_progress_reports_every_step_in_order() -> None:
    seen: list[tuple[str, int, int]] = []
    generate_world(accounts=50, seed=1, as_of=AS_OF, progress=lambda *a: seen.append(a))
    assert [done for _, done, _ in seen] == list(range(1, len(seen) + 1))
    assert {total for *_, total in seen} == {len(seen)}


def test_every_order_has_one_to_five_lines(world: World) -> None:
    lines = world.tables["order_lines"]
    counts = lines.group_by("order_id").aggregate([("order_line_id", "count")])
    assert counts.num_rows == world.tables["orders"].num_rows
    per_order = counts["order_line_id_count"]
    assert pc.min(per_order).as_py() == 1
    assert pc.max(per_order).as_py() == 5

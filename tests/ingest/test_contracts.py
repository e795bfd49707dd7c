from __future__ import annotations

from pathlib import Path

from carecycle.ingest.contracts import CONTRACTS, describe_contracts, import_order

DOC = Path(__file__).parents[2] / "docs" / "import.md"


def test_import_doc_holds_the_current_contract_of_every_entity() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("-->\n", text.index("<!-- contracts:start")) + 4
    end = text.index("<!-- contracts:end -->")
    assert text[start:end] == describe_contracts(), (
        "docs/import.md is out of date: paste describe_contracts() between the markers"
    )


def test_every_entity_comes_after_the_entities_it_refers_to() -> None:
    order = import_order()
    assert set(order) == set(CONTRACTS)
    for entity in order:
        for target in CONTRACTS[entity].depends_on:
            assert order.index(target) < order.index(entity)


def test_platform_columns_are_never_read_from_files() -> None:
    names = {c.name for contract in CONTRACTS.values() for c in contract.columns}
    assert not names & {"merged_into", "email_issue", "phone_issue"}

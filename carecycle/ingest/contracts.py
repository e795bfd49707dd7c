"""The column contract of every importable entity, derived from the store's schema.

A contract says which columns a file may carry, which are required, how each is typed
and formatted, which other entity a column refers to, and the key a re-import updates
by. Types and required-ness come from `store.schema`; this module adds only what the
schema cannot say (allowed values, references, ranges, cleansing). `docs/import.md` is
checked against it by a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa

from carecycle.store import schema

Kind = Literal["text", "int", "decimal", "date", "datetime", "bool", "enum", "email", "phone"]

# Columns the platform fills, never read from a file.
PLATFORM_COLUMNS = frozenset({"merged_into", "email_issue", "phone_issue", "touch_uid"})


@dataclass(frozen=True)
class Column:
    """One column of an entity's file."""

    name: str
    kind: Kind
    required: bool
    max_length: int | None = None
    values: tuple[str, ...] = ()
    ref: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: str | None = None

    @property
    def type_label(self) -> str:
        """Return the human description used in errors and docs."""
        labels = {
            "text": f"text (≤ {self.max_length} characters)" if self.max_length else "text",
            "int": "whole number" + (f" ≥ {self.minimum}" if self.minimum is not None else ""),
            "decimal": "decimal number, '.' as separator, at most 2 decimals",
            "date": "date YYYY-MM-DD (or YYYY/MM/DD)",
            "datetime": "date and time YYYY-MM-DD HH:MM[:SS] (or a date)",
            "bool": "true/false, yes/no, y/n, 1/0, 是/否",
            "enum": "one of " + ", ".join(self.values),
            "email": "email address (normalised; a suspect one is flagged, not rejected)",
            "phone": "phone number (normalised to E.164; an invalid one is flagged)",
        }
        return labels[self.kind]


@dataclass(frozen=True)
class Contract:
    """What one entity's import file must look like."""

    entity: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str
    refs: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> sa.Table:
        """Return the store table this entity lands in."""
        return schema.metadata.tables[self.entity]

    @property
    def names(self) -> tuple[str, ...]:
        """Return every column name in file order."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """Return the names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """Return the column called `name`."""
        return next(c for c in self.columns if c.name == name)

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Return the entities this one refers to (itself excluded)."""
        return tuple(dict.fromkeys(c.ref for c in self.columns if c.ref and c.ref != self.entity))


def _kind_of(column: sa.Column[object]) -> Kind:
    if isinstance(column.type, sa.Boolean):
        return "bool"
    if isinstance(column.type, sa.Integer):
        return "int"
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        return "decimal"
    if isinstance(column.type, sa.DateTime):
        return "datetime"
    if isinstance(column.type, sa.Date):
        return "date"
    return "text"


def _contract(
    entity: str,
    doc: str,
    *,
    values: dict[str, tuple[str, ...]] | None = None,
    refs: dict[str, str] | None = None,
    minimum: dict[str, int] | None = None,
    kinds: dict[str, Kind] | None = None,
) -> Contract:
    table = schema.metadata.tables[entity]
    values, refs, minimum, kinds = values or {}, refs or {}, minimum or {}, kinds or {}
    columns = []
    for col in table.columns:
        if col.name in PLATFORM_COLUMNS:
            continue
        kind: Kind = "enum" if col.name in values else kinds.get(col.name, _kind_of(col))
        default = None if col.server_default is None else _server_default(col)
        columns.append(
            Column(
                name=col.name,
                kind=kind,
                required=not col.nullable and default is None,
                max_length=getattr(col.type, "length", None),
                values=values.get(col.name, ()),
                ref=refs.get(col.name),
                minimum=minimum.get(col.name),
                maximum=_maximum(col),
                default=default,
            )
        )
    key = tuple(c.name for c in table.primary_key.columns)
    return Contract(entity=entity, key=key, columns=tuple(columns), doc=doc, refs=refs)


def _maximum(col: sa.Column[object]) -> int | None:
    if isinstance(col.type, sa.BigInteger):
        return 2**63 - 1
    if isinstance(col.type, sa.Integer):
        return 2**31 - 1
    return None


def _server_default(col: sa.Column[object]) -> str:
    default = col.server_default
    arg = getattr(default, "arg", None)
    text = getattr(arg, "text", arg)
    return str(text).lower()


CONTRACTS: dict[str, Contract] = {
    c.entity: c
    for c in (
        _contract(
            "partners",
            "Resellers and service partners that accounts buy through.",
            values={"tier": schema.PARTNER_TIERS},
            kinds={"email": "email", "phone": "phone"},
        ),
        _contract(
            "accounts",
            "Customer companies.",
            values={"size": schema.ACCOUNT_SIZES, "language": schema.LANGUAGES},
            refs={"partner_id": "partners"},
            minimum={"employees": 0},
        ),
        _contract(
            "contacts",
            "People at customer companies, with consent per channel.",
            values={"language": schema.LANGUAGES, "preferred_channel": schema.CHANNELS},
            refs={"account_id": "accounts"},
            kinds={"email": "email", "phone": "phone"},
        ),
        _contract(
            "products",
            "The catalogue: each product's family and whether it is annuity or perpetual.",
            values={"kind": schema.PRODUCT_KINDS},
            minimum={"list_price": 0},
        ),
        _contract(
            "agreements",
            "Licence agreements; a renewal names the agreement it renews in renewed_from.",
            values={"program": schema.LICENCE_PROGRAMS},
            refs={"account_id": "accounts", "renewed_from": "agreements", "partner_id": "partners"},
            minimum={"value": 0},
        ),
        _contract(
            "orders",
            "Order headers.",
            values={"status": schema.ORDER_STATUSES},
            refs={"account_id": "accounts", "partner_id": "partners", "agreement_id": "agreements"},
        ),
        _contract(
            "order_lines",
            "Order lines: the product bought, how many and for how much.",
            refs={"order_id": "orders", "product_id": "products"},
            minimum={"quantity": 1},
        ),
        _contract(
            "usage_snapshots",
            "Usage measured on a day: seats, active users and features used.",
            refs={"account_id": "accounts", "product_id": "products"},
            minimum={"seats": 0, "active_users": 0, "features_used": 0},
        ),
        _contract(
            "web_visits",
            "Site traffic per account and day (page views and unique visitors).",
            refs={"account_id": "accounts"},
            minimum={"page_views": 0, "unique_visitors": 0},
        ),
        _contract(
            "support_cases",
            "Support issues and complaints, with severity and whether the SLA was met.",
            values={"kind": schema.CASE_KINDS, "severity": schema.SEVERITIES},
            refs={"account_id": "accounts", "contact_id": "contacts"},
        ),
        _contract(
            "opportunities",
            "Sales opportunities and how they ended.",
            values={"stage": schema.OPPORTUNITY_STAGES},
            refs={"account_id": "accounts", "product_id": "products"},
            minimum={"amount": 0},
        ),
        _contract(
            "referrals",
            "A customer referring another company, followed to its first purchase.",
            values={"status": schema.REFERRAL_STATUSES},
            refs={
                "referrer_account_id": "accounts",
                "referrer_contact_id": "contacts",
                "referred_account_id": "accounts",
            },
        ),
    )
}


def import_order() -> tuple[str, ...]:
    """Return every entity, each after the entities it refers to."""
    done: list[str] = []
    while len(done) < len(CONTRACTS):
        for name, contract in CONTRACTS.items():
            if name not in done and all(d in done for d in contract.depends_on):
                done.append(name)
    return tuple(done)


def describe_contracts() -> str:
    """Return the Markdown reference of every entity's columns (kept in docs/import.md)."""
    parts = []
    for entity in import_order():
        contract = CONTRACTS[entity]
        parts.append(f"### {entity}\n\n{contract.doc} Key: `{', '.join(contract.key)}`.\n")
        parts.append("| column | required | type and format | refers to |")
        parts.append("|---|---|---|---|")
        for c in contract.columns:
            required = "yes" if c.required else (f"no (default {c.default})" if c.default else "no")
            ref = f"{c.ref}.{CONTRACTS[c.ref].key[0]}" if c.ref else ""
            parts.append(f"| `{c.name}` | {required} | {c.type_label} | {ref} |")
        parts.append("")
    return "\n".join(parts)

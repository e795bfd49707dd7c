"""Data-quality KPIs of the customer base, as Ibis questions over the store.

Completeness follows the seed's Scoring and Rewarding Plan ("contact info tracking"): a
contact with name + phone + email scores 5, name + phone 3, name + email 3, a name alone
0. An email or phone counts only when it is usable: present and carrying no cleansing
issue (an invalid address, or a domain that looks like a typo, is not yet usable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ibis
from ibis import _

from carecycle.ingest.contracts import CONTRACTS

COMPLETENESS_POINTS = {"name_phone_email": 5, "name_phone": 3, "name_email": 3, "name_only": 0}
CHANNEL_CONSENT = {"edm": "consent_email", "tsr_call": "consent_phone", "dm": "consent_mail"}

Tables = Mapping[str, Any]


@dataclass(frozen=True)
class Share:
    """A count and its share of a whole."""

    count: int
    share: float


@dataclass(frozen=True)
class Completeness:
    """How complete contacts are, by the seed's levels."""

    contacts: int
    levels: dict[str, Share]
    average_points: float


@dataclass(frozen=True)
class Reachability:
    """Accounts reachable on one channel: a usable address and explicit consent."""

    channel: str
    with_address: Share
    reachable: Share


@dataclass(frozen=True)
class Validity:
    """Emails and phones the cleansing flagged."""

    invalid_emails: int
    suspected_email_typos: int
    invalid_phones: int


def _share(count: int, whole: int) -> Share:
    return Share(count, round(count / whole, 4) if whole else 0.0)


def _live(table: Any) -> Any:
    return table.filter(table.merged_into.isnull())


def has_postal_address(accounts: Any) -> Any:
    """Return the expression 'this account has an address a letter can go to'."""
    return accounts.address.notnull() & accounts.postcode.notnull() & accounts.city.notnull()


def usable_email(contacts: Any) -> Any:
    """Return the expression 'this contact has a usable email'."""
    return contacts.email.notnull() & contacts.email_issue.isnull()


def usable_phone(contacts: Any) -> Any:
    """Return the expression 'this contact has a usable phone'."""
    return contacts.phone.notnull() & contacts.phone_issue.isnull()


def channel_addresses(contacts: Any) -> dict[str, Any]:
    """Return, per consent-bound channel, 'this contact has an address for it'.

    `contacts` carries a `postal` column: whether its account has a postal address.
    """
    return {
        "edm": usable_email(contacts),
        "tsr_call": usable_phone(contacts),
        "dm": contacts.postal.fill_null(False),
    }


def reachable_on(contacts: Any, channel: str, address: Any) -> Any:
    """Return 'the contact may be reached on this channel': address, consent, no do-not-contact."""
    consent = contacts[CHANNEL_CONSENT[channel]].fill_null(False)
    return address & ~contacts.do_not_contact.fill_null(False) & consent


def completeness_level(contacts: Any) -> Any:
    """Return each contact's completeness level as an expression."""
    email, phone = usable_email(contacts), usable_phone(contacts)
    return ibis.cases(
        (email & phone, "name_phone_email"),
        (phone, "name_phone"),
        (email, "name_email"),
        else_="name_only",
    )


def measure_completeness(tables: Tables) -> Completeness:
    """Return the count and share of live contacts at each completeness level."""
    contacts = _live(tables["contacts"])
    counts = contacts.group_by(level=completeness_level(contacts)).aggregate(n=_.count()).execute()
    found = dict(zip(counts["level"], counts["n"], strict=True))
    total = int(sum(found.values()))
    levels = {lvl: _share(int(found.get(lvl, 0)), total) for lvl in COMPLETENESS_POINTS}
    points = sum(COMPLETENESS_POINTS[lvl] * s.count for lvl, s in levels.items())
    return Completeness(total, levels, round(points / total, 3) if total else 0.0)


def with_closed_channels(contacts: Any, suppressions: Any, channels: Iterable[str]) -> Any:
    """Add a `closed_CHANNEL` flag per channel: the contact closed it, or closed them all."""
    flags = {f"closed_{ch}": suppressions.channel.isin([ch, "any"]).any() for ch in channels}
    closed = suppressions.group_by("contact_id").aggregate(**flags)
    joined = contacts.left_join(closed, "contact_id")
    return joined.select(contacts, **{name: joined[name].fill_null(False) for name in flags})


def measure_reachability(tables: Tables) -> list[Reachability]:
    """Return, per channel, the share of live accounts with an address and with consent."""
    accounts = _live(tables["accounts"])
    postal = accounts.select(
        "account_id",
        postal=has_postal_address(accounts),
    )
    live = _live(tables["contacts"])
    every = tables["accounts"].select(owner="account_id", survivor="merged_into")
    # A contact of a merged account now belongs to the survivor.
    joined = live.left_join(every, live.account_id == every.owner)
    owned = joined.mutate(account_id=ibis.coalesce(joined.survivor, joined.account_id)).drop(
        "owner", "survivor"
    )
    contacts = owned.left_join(postal, "account_id").select(owned, postal=postal.postal)
    contacts = with_closed_channels(contacts, tables["suppressions"], CHANNEL_CONSENT)
    addressable = channel_addresses(contacts)
    per_account = contacts.group_by("account_id").aggregate(
        **{f"{ch}_address": addressable[ch].any() for ch in CHANNEL_CONSENT},
        **{
            f"{ch}_ok": (
                reachable_on(contacts, ch, addressable[ch]) & ~contacts[f"closed_{ch}"]
            ).any()
            for ch in CHANNEL_CONSENT
        },
    )
    joined = accounts.select("account_id").left_join(per_account, "account_id")
    flags = [f"{ch}_{kind}" for ch in CHANNEL_CONSENT for kind in ("address", "ok")]
    sums = joined.aggregate(
        total=_.count(), **{f: joined[f].fill_null(False).sum() for f in flags}
    ).execute()
    row = sums.iloc[0]
    total = int(row["total"])
    return [
        Reachability(
            ch,
            _share(int(row[f"{ch}_address"] or 0), total),
            _share(int(row[f"{ch}_ok"] or 0), total),
        )
        for ch in CHANNEL_CONSENT
    ]


def measure_validity(tables: Tables) -> Validity:
    """Return how many live contacts carry an invalid or suspect email, or an invalid phone."""
    c = _live(tables["contacts"])
    counts = c.aggregate(
        invalid=(c.email_issue.notnull() & ~c.email_issue.startswith("domain")).sum(),
        typo=c.email_issue.startswith("domain").fill_null(False).sum(),
        phones=c.phone_issue.notnull().sum(),
    ).execute()
    row = counts.iloc[0]
    return Validity(int(row["invalid"] or 0), int(row["typo"] or 0), int(row["phones"] or 0))


def count_orphans(tables: Tables) -> dict[str, int]:
    """Return, per reference column, how many rows name a row that does not exist."""
    found = {}
    for contract in CONTRACTS.values():
        for column in contract.columns:
            if not column.ref:
                continue
            rows = tables[contract.entity]
            target = tables[column.ref]
            target = target.view() if column.ref == contract.entity else target
            key = CONTRACTS[column.ref].key[0]
            named = rows.filter(rows[column.name].notnull())
            orphans = named.anti_join(target, named[column.name] == target[key])
            found[f"{contract.entity}.{column.name}"] = int(orphans.count().execute())
    return found

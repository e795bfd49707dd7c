"""People at the customer companies, with realistic gaps, slips and planted duplicates.

About 3% of accounts get a second record of one of their people: the same email typed in
another case or with stray spaces, or the same mobile under a slightly misspelt name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.store.schema import CHANNELS, LANGUAGES
from carecycle.synth.accounts import Accounts
from carecycle.synth.columns import dates, flags, ids, pick, table, with_nulls
from carecycle.synth.emails import draw_email_addresses, retype_emails
from carecycle.synth.names import PersonParts, draw_people, format_person_names
from carecycle.synth.phones import (
    compact_phones,
    draw_phone_numbers,
    mistype_phones,
    mobile_share_of,
)
from carecycle.synth.sampling import (
    Bools,
    Ints,
    chance,
    member_of,
    owners_of,
    rank_within,
    starts_of,
    weighted,
)

CONTACTS_PER_SIZE = np.array([[1, 3], [2, 4], [2, 5], [3, 5]], dtype=np.int64)
DUPLICATE_SHARE = 0.03
EMAIL_SHARE = 0.86
PHONE_SHARE = 0.88
MISTYPED_PHONE_SHARE = 0.02
OTHER_LANGUAGE_SHARE = 0.05
DO_NOT_CONTACT_SHARE = 0.03
ROLES = (
    ("IT Manager", 20), ("System Administrator", 12), ("Procurement Manager", 12),
    ("Owner", 10), ("General Manager", 10), ("Finance Manager", 10), ("Office Manager", 10),
    ("Developer", 6), ("Operations Manager", 6), ("CIO", 4),
)  # fmt: skip
CHANNEL_SHARES = (0.45, 0.08, 0.25, 0.04, 0.08, 0.10)
NO_CHANNEL_SHARE = 0.1
# (yes, no) shares per consent; the rest is unknown (null).
CONSENTS = {"consent_email": (0.7, 0.1), "consent_mail": (0.55, 0.1), "consent_phone": (0.6, 0.12)}


@dataclass(frozen=True)
class Contacts:
    """The contacts, laid out account by account, and their table."""

    ids: pa.Array
    starts: Ints
    counts: Ints
    table: pa.Table

    def one_of(self, rng: np.random.Generator, accounts: Ints) -> Ints:
        """Return a random contact row of each listed account."""
        return member_of(rng, self.starts, self.counts, accounts)


@dataclass(frozen=True)
class _Layout:
    """Which account each contact row belongs to, and which rows are planted twins."""

    owner: Ints
    counts: Ints
    source: Ints
    by_email: Bools
    by_phone: Bools
    reachable: Bools


def _lay_out(rng: np.random.Generator, accounts: Accounts) -> _Layout:
    bounds = CONTACTS_PER_SIZE[accounts.size]
    base = rng.integers(bounds[:, 0], bounds[:, 1] + 1)
    twinned = chance(rng, DUPLICATE_SHARE, accounts.count)
    counts = base + twinned
    owner, rank = owners_of(counts), rank_within(counts)
    twin = twinned[owner] & (rank == base[owner])
    source = np.where(twin, starts_of(counts)[owner], np.arange(len(owner)))
    by_email = twin & chance(rng, 0.5, len(owner))
    # The person a twin repeats must have both an email and a mobile to repeat.
    reachable = (twinned[owner] & (rank == 0)) | twin
    return _Layout(owner, counts, source, by_email, twin & ~by_email, reachable)


def draw_contacts(rng: np.random.Generator, accounts: Accounts, today: int) -> Contacts:
    """Return 1-5 contacts per account (by size), plus the planted duplicates."""
    layout = _lay_out(rng, accounts)
    owner, source, size = layout.owner, layout.source, len(layout.owner)
    chinese = (accounts.chinese[owner] ^ chance(rng, OTHER_LANGUAGE_SHARE, size))[source]
    people = draw_people(rng, chinese).take(source)
    misspelt = format_person_names(people.take(np.flatnonzero(layout.by_phone)).misspelt())
    names = pc.replace_with_mask(format_person_names(people), pa.array(layout.by_phone), misspelt)
    has_email = chance(rng, EMAIL_SHARE, size) | layout.reachable
    has_phone = chance(rng, PHONE_SHARE, size) | layout.reachable
    created = accounts.created[owner]
    columns = {
        "contact_id": ids("C", size),
        "account_id": accounts.ids.take(owner),
        "name": names,
        "role": pick([r for r, _ in ROLES], weighted(rng, [w for _, w in ROLES], size)[source]),
        "email": with_nulls(_emails(rng, accounts, layout, people), ~has_email),
        "phone": with_nulls(_phones(rng, accounts, layout), ~has_phone),
        "language": pick(LANGUAGES, chinese.astype(np.int64)),
        "preferred_channel": with_nulls(
            pick(CHANNELS, _channels(rng, has_email)), chance(rng, NO_CHANNEL_SHARE, size)
        ),
        "do_not_contact": flags(chance(rng, DO_NOT_CONTACT_SHARE, size)),
        "created_on": dates(today + created + np.floor(rng.random(size) * (1 - created))),
    }
    columns |= {name: _consent(rng, shares, size) for name, shares in CONSENTS.items()}
    counts = layout.counts
    return Contacts(columns["contact_id"], starts_of(counts), counts, table("contacts", columns))


def _emails(
    rng: np.random.Generator, accounts: Accounts, layout: _Layout, people: PersonParts
) -> pa.Array:
    email = draw_email_addresses(rng, people, accounts.domain.take(layout.owner))
    retyped = retype_emails(email.take(layout.source[layout.by_email]), rng)
    return pc.replace_with_mask(email, pa.array(layout.by_email), retyped)


def _phones(rng: np.random.Generator, accounts: Accounts, layout: _Layout) -> pa.Array:
    city, size = accounts.city[layout.owner], len(layout.owner)
    mobile = chance(rng, mobile_share_of(city), size) | layout.reachable
    phone = draw_phone_numbers(rng, city, mobile)
    slipped = chance(rng, MISTYPED_PHONE_SHARE, size) & ~layout.reachable
    phone = pc.if_else(slipped, mistype_phones(phone), phone)
    same = compact_phones(phone.take(layout.source[layout.by_phone]))
    return pc.replace_with_mask(phone, pa.array(layout.by_phone), same)


def _channels(rng: np.random.Generator, has_email: Bools) -> Ints:
    channel = weighted(rng, CHANNEL_SHARES, len(has_email))
    edm, call = CHANNELS.index("edm"), CHANNELS.index("tsr_call")
    return np.where(~has_email & (channel == edm), call, channel)


def _consent(rng: np.random.Generator, shares: tuple[float, float], size: int) -> pa.Array:
    answer = weighted(rng, [shares[0], shares[1], 1 - sum(shares)], size)
    return flags(answer == 0, answer == 2)

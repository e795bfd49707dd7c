"""Duplicate accounts and contacts, found by rules a person can check, and their survivors.

Rules (a cluster names every rule that holds it together):
- accounts `same_registration_id`: the same registration id (spaces, dashes, case aside).
- accounts `similar_name`: in the same city and postcode, names at least `similarity`
  alike once legal forms (Ltd, Co., Inc, LLC, Corp, 有限公司, 股份有限公司, 公司, …),
  punctuation and case are set aside. Accounts with two different registration ids are
  two companies however alike their names (广州海迅自动化 and 广州森迅自动化 are).
- contacts, only within one account (a contact of a merged account counts as one of the
  survivor's): `same_email`, the same normalised personal email; `same_role_email`, the
  same role mailbox (sales@, info.bj@, … a team's, see `cleansing.ROLE_MAILBOXES`) and names at
  least `similarity` alike, for colleagues sharing a mailbox are not one person;
  `same_mobile`, the same mobile number, which is a person's own;
  `same_phone_similar_name`, the same other number (a company switchboard, or a number
  whose type cannot be told, as in the US) and names at least `similarity` alike.
A role mailbox is an email whose local part, case and digits aside, is a role word
(`sales01`, `HR`), has one as a part between dots, dashes, underscores or plus signs
(`info.bj`, `sales-east`), or spells one once those are gone (`no-reply`).
Names are compared character by character (Chinese names carry no spaces, and a space
typed between surname and given name is ignored); Latin words may come in any order.
Scores are whole percentages.

Clusters are transitive: A~B and B~C make one cluster. Records of an undone merge are
kept apart: no cluster joins two of them again. A cluster's score is the lowest score
of the links that hold it together, strongest links taken first.

Survivorship: the survivor is the most complete record (contacts: name+phone+email, then
name+phone, then name+email, counting emails and phones that carry no cleansing issue;
accounts: the most non-null fields), then the earliest `created_on`, then the smallest id.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz
from rapidfuzz.process import cdist, cpdist

from carecycle.ingest.cleansing import mobile_phones, role_mailboxes

# Account rules, then contact rules. A cluster's rule joins the names of its links, so the
# names of one entity's rules joined must fit merge_log.rule (64 characters).
RULES = (
    "same_registration_id", "similar_name", "same_email", "same_mobile",
    "same_phone_similar_name", "same_role_email",
)  # fmt: skip
LEGAL_FORMS_ZH = ("股份有限公司", "有限责任公司", "有限公司", "公司")
# Matched as whole words once punctuation is gone, so "L.L.C." is "l l c".
LEGAL_FORMS = (
    "co", "company", "corp", "corporation", "inc", "incorporated", "llc", "l l c", "ltd",
    "limited", "plc", "llp", "l l p", "gmbh", "pte", "pty",
)  # fmt: skip
SMALL_GROUP = 64  # groups up to this size are scored pair by pair, all at once
CHUNK = 512  # rows of a large group scored per call
MAX_MATRIX = 20_000_000  # score cells per call, so a huge group cannot exhaust memory
PARALLEL_PAIRS = 100_000  # below this, threads cost more than they save

Pairs = Collection[tuple[str, str]]
Links = tuple[Any, Any, Any, Any]  # left rows, right rows, rule indices, scores


@dataclass(frozen=True)
class Cluster:
    """Records found to be one: the survivor and the duplicates to merge into it."""

    entity: str
    survivor_id: str
    duplicate_ids: tuple[str, ...]
    rule: str
    score: float


def find_clusters(
    accounts: pa.Table,
    contacts: pa.Table,
    *,
    similarity: float,
    merged_accounts: Mapping[str, str] | None = None,
    apart: Mapping[str, Pairs] | None = None,
) -> list[Cluster]:
    """Return account clusters, then contact clusters grouped by each account's survivor.

    `merged_accounts` maps accounts merged earlier to their live survivor; `apart` holds,
    per entity, pairs of ids that must stay apart (from undone merges).
    """
    apart = apart or {}
    found = find_account_clusters(accounts, similarity=similarity, apart=apart.get("accounts", ()))
    new = {d: c.survivor_id for c in found for d in c.duplicate_ids}
    survivors = {**{k: new.get(v, v) for k, v in (merged_accounts or {}).items()}, **new}
    grouped = regroup_contacts(contacts, survivors)
    return found + find_contact_clusters(
        grouped, similarity=similarity, apart=apart.get("contacts", ())
    )


def count_duplicates(
    accounts: pa.Table,
    contacts: pa.Table,
    *,
    similarity: float,
    merged_accounts: Mapping[str, str] | None = None,
    apart: Mapping[str, Pairs] | None = None,
) -> dict[str, int]:
    """Return how many accounts and contacts a merge would fold into a survivor."""
    counts = {"accounts": 0, "contacts": 0}
    clusters = find_clusters(
        accounts, contacts, similarity=similarity, merged_accounts=merged_accounts, apart=apart
    )
    for cluster in clusters:
        counts[cluster.entity] += len(cluster.duplicate_ids)
    return counts


def find_account_clusters(
    accounts: pa.Table, *, similarity: float, apart: Pairs = ()
) -> list[Cluster]:
    """Return clusters of accounts with the same registration id or a similar name.

    `accounts` needs account_id, name, registration_id, city and postcode; every other
    column (created_on, …) counts for survivorship.
    """
    rows = _by_id(accounts, "account_id")
    registration = _codes(
        pc.utf8_upper(pc.replace_substring_regex(_text(rows, "registration_id"), r"[\s-]+", ""))
    )
    city = pc.utf8_lower(pc.utf8_trim_whitespace(_text(rows, "city")))
    postcode = pc.utf8_upper(pc.replace_substring_regex(_text(rows, "postcode"), r"\s+", ""))
    names = comparable_names(rows["name"], company=True)
    block = pc.binary_join_element_wise(city, postcode, pc.if_else(pc.is_valid(names), "|", None))
    links = _join(
        _star_links(registration, RULES.index("same_registration_id")),
        _similar_links(_codes(block), _objects(names), similarity, RULES.index("similar_name")),
    )
    filled = np.zeros(rows.num_rows, dtype=np.int64)
    for column in set(rows.column_names) - {"account_id", "merged_into"}:
        filled += _flags(pc.is_valid(rows[column]))
    return _clusters("accounts", rows, "account_id", links, filled, apart, registration)


def find_contact_clusters(
    contacts: pa.Table, *, similarity: float, apart: Pairs = ()
) -> list[Cluster]:
    """Return clusters of contacts of one account sharing an email, or a phone (and name).

    `contacts` needs contact_id, account_id, name, email and phone (E.164, as cleansing
    writes it); created_on, email_issue and phone_issue count for survivorship.
    """
    rows = _by_id(contacts, "contact_id")
    account, phone = _text(rows, "account_id"), _text(rows, "phone")
    email = pc.utf8_lower(pc.utf8_trim_whitespace(_text(rows, "email")))
    links = _join(
        *_email_links(
            _codes(pc.binary_join_element_wise(account, email, "|")),
            email,
            rows["name"],
            similarity,
        ),
        *_phone_links(
            _codes(pc.binary_join_element_wise(account, phone, "|")),
            phone,
            rows["name"],
            similarity,
        ),
    )
    return _clusters("contacts", rows, "contact_id", links, _completeness(rows), apart)


def regroup_contacts(contacts: pa.Table, survivors: Mapping[str, str]) -> pa.Table:
    """Return contacts with each merged account replaced by its survivor."""
    if not survivors:
        return contacts
    index = pc.index_in(contacts["account_id"], pa.array(list(survivors), pa.string()))
    mapped = pc.take(pa.array(list(survivors.values()), pa.string()), index)
    column = contacts.column_names.index("account_id")
    return contacts.set_column(column, "account_id", pc.coalesce(mapped, contacts["account_id"]))


def comparable_names(names: pa.Array | pa.ChunkedArray, *, company: bool) -> pa.Array:
    """Return names as compared: lowercase, no punctuation, Chinese without spaces, words
    sorted; company names also without their legal form."""
    text = pc.utf8_lower(pc.utf8_normalize(_array(names).cast(pa.string()), form="NFKC"))
    if company:
        text = pc.replace_substring_regex(text, "|".join(LEGAL_FORMS_ZH), " ")
    text = pc.replace_substring_regex(text, r"[\p{P}\p{S}\s]+", " ")
    if company:
        text = pc.replace_substring_regex(text, rf"\b(?:{'|'.join(LEGAL_FORMS)})\b", " ")
    han = pc.fill_null(pc.match_substring_regex(text, r"\p{Han}"), False)
    text = pc.utf8_trim_whitespace(pc.if_else(han, pc.replace_substring(text, " ", ""), text))
    # Sorted words let a plain character ratio ignore word order ("Wang Wei", "Wei Wang").
    several = _flags(pc.match_substring(text, " "))
    if several.any():
        words = pc.utf8_split_whitespace(text.filter(pa.array(several))).to_pylist()
        text = pc.replace_with_mask(text, several, pa.array([" ".join(sorted(w)) for w in words]))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _text(rows: pa.Table, column: str) -> pa.Array:
    return _array(rows[column]).cast(pa.string())


def _flags(mask: pa.Array | pa.ChunkedArray) -> Any:
    return _array(pc.fill_null(mask, False)).to_numpy(zero_copy_only=False)


def _objects(values: pa.Array) -> Any:
    return values.to_numpy(zero_copy_only=False).astype(object)


def _by_id(rows: pa.Table, column: str) -> pa.Table:
    """Return rows in id order, so that row indices break ties as ids do."""
    ids = _text(rows, column)
    if len(ids) < 2 or pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py():
        return rows
    return rows.take(pc.sort_indices(ids))


def _codes(keys: pa.Array) -> Any:
    """Return an integer per row, equal for equal keys, -1 for a null key."""
    return pc.fill_null(pc.dictionary_encode(keys).indices, -1).to_numpy(zero_copy_only=False)


def _join(*parts: Links) -> Links:
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0))
    return tuple(np.concatenate(arrays) for arrays in zip(empty, *parts, strict=True))  # type: ignore[return-value]


def _links(left: Any, right: Any, rule: int, score: Any = 100.0) -> Links:
    return (
        left,
        right,
        np.full(len(left), rule, np.int8),
        np.broadcast_to(score, len(left)).astype(float),
    )


def _star_links(codes: Any, rule: int) -> Links:
    """Link every row to the first row with the same code."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    head = order[np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))]
    linked = ~first & (ordered >= 0)
    return _links(head[linked], order[linked], rule)


def _email_links(
    codes: Any, emails: pa.Array, names: pa.ChunkedArray, similarity: float
) -> tuple[Links, Links]:
    shared = _shared(codes)
    role = np.zeros(len(codes), dtype=bool)
    role[shared] = _flags(role_mailboxes(emails.take(pa.array(shared, pa.int64()))))
    return (
        _star_links(np.where(role, -1, codes), RULES.index("same_email")),
        _named_links(np.where(role, codes, -1), names, similarity, RULES.index("same_role_email")),
    )


def _phone_links(
    codes: Any, phones: pa.Array, names: pa.ChunkedArray, similarity: float
) -> tuple[Links, Links]:
    shared = _shared(codes)
    mobile = np.zeros(len(codes), dtype=bool)
    mobile[shared] = _flags(mobile_phones(phones.take(pa.array(shared, pa.int64()))))
    rule = RULES.index("same_phone_similar_name")
    return (
        _star_links(np.where(mobile, codes, -1), RULES.index("same_mobile")),
        _named_links(np.where(mobile, -1, codes), names, similarity, rule),
    )


def _shared(codes: Any) -> Any:
    """Return the rows whose code (≥ 0) another row shares."""
    counts = np.bincount(codes[codes >= 0], minlength=1)
    return np.flatnonzero((codes >= 0) & (counts[np.maximum(codes, 0)] > 1))


def _named_links(codes: Any, names: pa.ChunkedArray, similarity: float, rule: int) -> Links:
    """Link rows with the same code whose person names are at least `similarity` alike."""
    shared = _shared(codes)
    comparable = np.full(len(codes), None, dtype=object)
    comparable[shared] = _objects(
        comparable_names(_array(names).take(pa.array(shared, pa.int64())), company=False)
    )
    named = np.where(comparable == None, -1, codes)  # noqa: E711
    return _similar_links(named, comparable, similarity, rule)


def _similar_links(groups: Any, names: Any, similarity: float, rule: int) -> Links:
    """Link rows of one group whose names (an object array) are at least `similarity` alike."""
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(order) else order
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    keep = (ends - starts > 1) & (ordered[starts] >= 0)
    starts, ends = starts[keep], ends[keep]
    small = ends - starts <= SMALL_GROUP
    parts = [_small_group_links(order, starts[small], ends[small], names, similarity, rule)]
    for start, end in zip(starts[~small], ends[~small], strict=True):
        rows = order[start:end]
        i, j, score = _similar_pairs(names[rows].tolist(), similarity)
        parts.append(_links(rows[i], rows[j], rule, score))
    return _join(*parts)


def _small_group_links(
    order: Any, starts: Any, ends: Any, names: Any, similarity: float, rule: int
) -> Links:
    """Score every pair inside the small groups at once (most hold two or three rows)."""
    sizes = ends - starts
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    rows = order[np.repeat(starts, sizes) + offsets]
    group = np.repeat(np.arange(len(starts)), sizes)
    same = [
        (np.flatnonzero(group[:-gap] == group[gap:]), gap)
        for gap in range(1, int(sizes.max(initial=1)))
    ]
    a = np.concatenate([np.zeros(0, np.int64), *(rows[s] for s, _ in same)])
    b = np.concatenate([np.zeros(0, np.int64), *(rows[s + gap] for s, gap in same)])
    scores = cpdist(
        names[a].tolist(), names[b].tolist(), scorer=fuzz.ratio, score_cutoff=similarity,
        dtype=np.uint8, workers=_workers(len(a), 1),
    )  # fmt: skip
    hit = scores > 0
    return _links(np.minimum(a, b)[hit], np.maximum(a, b)[hit], rule, scores[hit])


def _similar_pairs(texts: list[str], similarity: float) -> tuple[Any, Any, Any]:
    """Return index pairs (i < j) of texts at least `similarity` alike, and their scores."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    order = np.argsort(lengths, kind="stable")
    ordered, span = [texts[k] for k in order], lengths[order]
    # A ratio of at least s needs the longer text within (200 - s) / s of the shorter.
    reach = (200 - similarity) / similarity + 1e-9
    step = max(1, min(CHUNK, MAX_MATRIX // len(texts)))
    found = []
    for start in range(0, len(texts), step):
        stop = min(start + step, len(texts))
        end = int(np.searchsorted(span, span[stop - 1] * reach, side="right"))
        scores = cdist(
            ordered[start:stop], ordered[start:end], scorer=fuzz.ratio, score_cutoff=similarity,
            dtype=np.uint8, workers=_workers(stop - start, end - start),
        )  # fmt: skip
        np.fill_diagonal(scores, 0)
        # Hits are rare: finding the rows holding one first is forty times faster.
        hit_rows = np.flatnonzero(scores.max(axis=1))
        i, j = np.nonzero(scores[hit_rows])
        i, keep = hit_rows[i], j > hit_rows[i]
        a, b = order[i[keep] + start], order[j[keep] + start]
        found.append((np.minimum(a, b), np.maximum(a, b), scores[i[keep], j[keep]]))
    return tuple(np.concatenate(part) for part in zip(*found, strict=True))  # type: ignore[return-value]


def _workers(queries: int, choices: int) -> int:
    return -1 if queries * choices > PARALLEL_PAIRS else 1


def _completeness(rows: pa.Table) -> Any:
    def usable(column: str) -> Any:
        present = pc.and_(pc.is_valid(rows[column]), pc.is_valid(rows["name"]))
        if f"{column}_issue" in rows.column_names:
            present = pc.and_(present, pc.is_null(rows[f"{column}_issue"]))
        return _flags(present)

    phone, email = usable("phone"), usable("email")
    return np.where(phone & email, 3, np.where(phone, 2, np.where(email, 1, 0)))


def _clusters(
    entity: str,
    rows: pa.Table,
    id_column: str,
    links: Links,
    filled: Any,
    apart: Pairs,
    distinct: Any = None,
) -> list[Cluster]:
    ids = _text(rows, id_column).to_pylist()
    created = _created_days(rows)
    if distinct is None:
        distinct = np.full(len(ids), -1)
    found = []
    for members, rule_bits, score in _group(links, _apart_rows(ids, apart), distinct):
        survivor = min(members, key=lambda r: (-filled[r], created[r], r))
        duplicates = tuple(ids[r] for r in sorted(members) if r != survivor)
        rule = "+".join(name for i, name in enumerate(RULES) if rule_bits >> i & 1)
        found.append(Cluster(entity, ids[survivor], duplicates, rule, score))
    return sorted(found, key=lambda c: c.survivor_id)


def _created_days(rows: pa.Table) -> Any:
    if "created_on" not in rows.column_names:
        return np.zeros(rows.num_rows, dtype=np.int64)
    days = pc.cast(rows["created_on"], pa.date32()).cast(pa.int32())
    return _array(pc.fill_null(days, np.iinfo(np.int32).max)).to_numpy(zero_copy_only=False)


def _apart_rows(ids: list[str], apart: Pairs) -> dict[int, set[int]]:
    position = {v: i for i, v in enumerate(ids)} if apart else {}
    banned: dict[int, set[int]] = {}
    for a, b in apart:
        if a in position and b in position:
            banned.setdefault(position[a], set()).add(position[b])
            banned.setdefault(position[b], set()).add(position[a])
    return banned


def _group(
    links: Links, banned: dict[int, set[int]], distinct: Any
) -> list[tuple[list[int], int, float]]:
    """Join rows along links, strongest first, never joining rows that are kept apart nor
    two rows whose `distinct` codes (≥ 0) differ."""
    left, right, rule, score = links
    parent: dict[int, int] = {}
    bits: dict[int, int] = {}
    weakest: dict[int, float] = {}
    tags: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k in np.lexsort((right, left, rule, -score)).tolist():
        a, b = sorted((find(int(left[k])), find(int(right[k]))))
        tag_a, tag_b = tags.get(a, int(distinct[a])), tags.get(b, int(distinct[b]))
        clash = min(tag_a, tag_b) >= 0 and tag_a != tag_b
        if a == b or clash or any(find(p) == b for p in banned.get(a, ())):
            continue
        parent[b] = a
        tags[a] = max(tag_a, tag_b)
        if b in banned:
            banned[a] = banned.get(a, set()) | banned.pop(b)
        bits[a] = bits.get(a, 0) | bits.pop(b, 0) | 1 << int(rule[k])
        weakest[a] = min(weakest.get(a, 100.0), weakest.pop(b, 100.0), float(score[k]))
    members: dict[int, list[int]] = {}
    for x in list(parent):
        members.setdefault(find(x), []).append(x)
    return [(m, bits[r], weakest[r]) for r, m in members.items() if len(m) > 1]

"""Cleansing of names, emails and phones, vectorised over whole columns of an import.

Every text first goes through NFKC (full-width letters, digits, `＠` and `＋` typed with a
Chinese input method become ASCII), loses zero-width characters, has its whitespace
(including the ideographic space U+3000) collapsed and trimmed; an empty text is null.

Emails are lowercased and checked for syntax; a domain that looks like a slip of a
common provider (`gmial.com`, `qq.con`) is flagged, never changed. Phones become E.164
with `phonenumbers`; one that is not valid keeps its input and gets an issue. Work that
needs Python runs once per distinct value (domain, phone) rather than once per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import phonenumbers as pn
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneMetadata
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

INVALID_EMAIL = "invalid address"
TYPO_EMAIL = "domain looks like a typo of {}"
INVALID_PHONE = "not a valid phone number for {}"

# Most used first: a slip close to two providers names the more common one.
PROVIDERS = (
    "qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "hotmail.com", "sina.com",
    "sohu.com", "foxmail.com", "aliyun.com", "yeah.net", "139.com", "189.cn", "sina.cn",
    "yahoo.com", "icloud.com", "live.com", "msn.com", "vip.qq.com", "vip.163.com",
    "vip.126.com", "vip.sina.com", "188.com", "21cn.com", "tom.com", "aol.com",
    "protonmail.com", "googlemail.com", "me.com", "mac.com", "wo.cn",
)  # fmt: skip
# Real domains one slip away from a provider: never flagged.
LOOKALIKES = frozenset({"email.com", "mail.com", "ymail.com", "gmx.com", "gmx.net", "163.net"})
# Endings that are no top-level domain at all but a slip of ".com", whoever the owner is.
COM_SLIPS = ("con", "cmo", "comm", "ocm", "vom", "xom", "cpm", "coom", "cim", "clm")

# Runs of spaces and any space other than U+0020, so that the many rows holding single
# ASCII spaces only are matched, not rewritten.
_SPACES = r"[ \t\n\r\f\v\x{85}\x{1680}\x{2028}\x{2029}]"
_WHITESPACE_RUN = rf"{_SPACES}{{2,}}|[^\PZ ]|[\t\n\r\f\v\x{{85}}]"
_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9\p{L}-]+"
# Counted repeats of a Unicode class ({2,63}) make RE2 twenty times slower: avoid them.
_EMAIL_PATTERN = (
    rf"^{_LOCAL}(?:\.{_LOCAL})*@{_LABEL}(?:\.{_LABEL})*\.(?:\p{{L}}\p{{L}}+|xn--[a-z0-9-]+)$"
)
_HYPHEN_AT_EDGE = r"[@.]-|-\.|-$"
_COM_SLIP_PATTERN = rf"\.(?:{'|'.join(COM_SLIPS)})$"
_PROVIDER_LABELS = [p.split(".", 1)[0] for p in PROVIDERS]
_PROVIDER_SUFFIXES = [p.split(".", 1)[1] for p in PROVIDERS]
# Short labels (qq, 163, sina) are one slip away from many real domains: only their
# ending may slip. Longer ones may take one slip, the longest two.
_LABEL_SLIPS = np.array([0 if len(x) <= 4 else 1 if len(x) <= 7 else 2 for x in _PROVIDER_LABELS])

_PHONE_TYPES = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip


# Local parts of mailboxes a team shares: the same address there is no sign of one person.
ROLE_MAILBOXES = (
    "info", "sales", "service", "support", "admin", "office", "contact", "hr", "finance",
    "it", "marketing", "enquiries", "inquiries", "hello", "team", "billing", "accounts",
    "purchasing", "noreply", "webmaster", "postmaster",
)  # fmt: skip


@dataclass(frozen=True)
class Cleansed:
    """Cleansed values and, per row, why the value is suspect (null when it is fine)."""

    values: pa.Array
    issues: pa.Array


def normalise_names(values: pa.Array) -> pa.Array:
    """Return names trimmed, with inner whitespace collapsed to one space; empty is null."""
    return _clean_text(values)


def normalise_emails(values: pa.Array) -> Cleansed:
    """Return lowercased emails, with 'invalid address' or a suspected domain typo flagged."""
    text = pc.utf8_lower(_clean_text(values, collapse=False))
    valid = pc.and_not(
        pc.match_substring_regex(text, _EMAIL_PATTERN),
        pc.match_substring_regex(text, _HYPHEN_AT_EDGE),
    )
    parts = pc.split_pattern(pc.if_else(valid, text, None), "@", max_splits=1)
    encoded = pc.dictionary_encode(pc.list_element(parts, 1))
    typos = _domain_typos(encoded.dictionary)
    issues = pc.if_else(
        pc.fill_null(pc.invert(valid), False), INVALID_EMAIL, pc.take(typos, encoded.indices)
    )
    return Cleansed(text, issues)


def normalise_phones(
    values: pa.Array, *, default_region: str, regions: pa.Array | None = None
) -> Cleansed:
    """Return phones in E.164; one that is not valid keeps its text and gets an issue."""
    text = _clean_text(values)
    region = _row_regions(len(text), default_region.upper(), regions)
    encoded = pc.dictionary_encode(pc.binary_join_element_wise(region, text, ""))
    distinct = encoded.dictionary
    phones, issues = _phones_of(
        pc.utf8_slice_codeunits(distinct, 0, 2), pc.utf8_slice_codeunits(distinct, 2)
    )
    return Cleansed(pc.take(phones, encoded.indices), pc.take(issues, encoded.indices))


def role_mailboxes(emails: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return, per email, whether it is a role mailbox a team shares (null for no email)."""
    if isinstance(emails, pa.ChunkedArray):
        emails = emails.combine_chunks()
    roles = "|".join(ROLE_MAILBOXES)
    local = pc.replace_substring_regex(pc.utf8_lower(emails.cast(pa.string())), r"@.*|\d+", "")
    joined = pc.replace_substring_regex(local, r"[._+-]+", "")
    return pc.or_(
        pc.match_substring_regex(local, rf"(?:^|[._+-])(?:{roles})(?:[._+-]|$)"),
        pc.match_substring_regex(joined, rf"^(?:{roles})$"),
    )


def mobile_phones(phones: pa.Array) -> pa.Array:
    """Return, per E.164 phone, whether it is a mobile number (false when unknown or null)."""
    parsed = pc.extract_regex(phones, rf"^\+(?P<code>{_code_pattern()})(?P<nsn>\d{{2,17}})$")
    code, nsn = pc.struct_field(parsed, "code"), pc.struct_field(parsed, "nsn")
    mobile = np.zeros(len(phones), dtype=bool)
    for key, rows in _groups(code, _flags(pc.is_valid(code))):
        mobile[rows] = _typed_for_code(nsn.take(pa.array(rows)), int(key), _is_mobile)
    return pa.array(mobile)


def _clean_text(values: pa.Array, *, collapse: bool = True) -> pa.Array:
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), pa.string())
    text = pc.utf8_normalize(values.cast(pa.string()), form="NFKC")
    text = pc.replace_substring_regex(text, r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}]", "")
    if collapse:
        text = pc.replace_substring_regex(text, _WHITESPACE_RUN, " ")
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _domain_typos(domains: pa.Array) -> pa.Array:
    """Return, per domain, the issue naming the provider it looks like a slip of, or null."""
    issues: list[str | None] = [None] * len(domains)
    if not issues:
        return pa.array(issues, pa.string())
    parts = pc.split_pattern(domains, ".", max_splits=1)
    labels, suffixes = (pc.list_element(parts, i).to_pylist() for i in (0, 1))
    label_slips = cdist(labels, _PROVIDER_LABELS, scorer=OSA.distance, dtype=np.int32)
    suffix_slips = cdist(suffixes, _PROVIDER_SUFFIXES, scorer=OSA.distance, dtype=np.int32)
    slips = label_slips + suffix_slips
    close = (label_slips <= _LABEL_SLIPS) & (suffix_slips <= 1) & (slips >= 1) & (slips <= 2)
    best = np.where(close, slips, 99).argmin(axis=1)
    near = close.any(axis=1)
    slipped = _flags(pc.match_substring_regex(domains, _COM_SLIP_PATTERN))
    names = domains.to_pylist()
    for i in np.flatnonzero(near | slipped):
        issues[i] = _typo_issue(names[i], PROVIDERS[best[i]] if near[i] else None)
    return pa.array(issues, pa.string())


def _typo_issue(domain: str, provider: str | None) -> str | None:
    if _is_known_domain(domain):
        return None
    if provider is not None:
        return TYPO_EMAIL.format(provider)
    return TYPO_EMAIL.format(domain.rpartition(".")[0] + ".com")


def _is_known_domain(domain: str) -> bool:
    parts = domain.split(".")
    tails = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    return not tails.isdisjoint(LOOKALIKES) or not tails.isdisjoint(PROVIDERS)


def _row_regions(size: int, default: str, regions: pa.Array | None) -> pa.Array:
    if regions is None:
        return pa.repeat(pa.scalar(default), size)
    given = pc.utf8_upper(pc.utf8_trim_whitespace(regions.cast(pa.string())))
    # A region phonenumbers does not know would make every number invalid: read the
    # number as the default region's instead.
    known = pc.is_in(given, pa.array(sorted(pn.SUPPORTED_REGIONS)))
    return pc.if_else(pc.fill_null(known, False), given, default)


def _phones_of(region: pa.Array, text: pa.Array) -> tuple[pa.Array, pa.Array]:
    phones = _fast_e164(region, pc.replace_substring_regex(text, r"[\s\-./()\[\]~]+", ""))
    slow = np.flatnonzero(_flags(pc.and_(pc.is_null(phones), pc.is_valid(text))))
    issues = pa.nulls(len(text), pa.string())
    if slow.size == 0:
        return phones, issues
    rows = pa.array(slow)
    parsed = [
        _parse_phone(raw, area)
        for raw, area in zip(
            text.take(rows).to_pylist(), region.take(rows).to_pylist(), strict=True
        )
    ]
    mask = np.zeros(len(text), dtype=bool)
    mask[slow] = True
    found, why = (pa.array(column, pa.string()) for column in zip(*parsed, strict=True))
    return pc.replace_with_mask(phones, mask, found), pc.replace_with_mask(issues, mask, why)


def _parse_phone(raw: str, region: str) -> tuple[str, str | None]:
    try:
        number = pn.parse(raw, region)
    except pn.NumberParseException:
        return raw, INVALID_PHONE.format(region)
    if not pn.is_valid_number(number):
        return raw, INVALID_PHONE.format(pn.region_code_for_country_code(number.country_code or 0))
    return pn.format_number(number, pn.PhoneNumberFormat.E164), None


def _fast_e164(region: pa.Array, compact: pa.Array) -> pa.Array:
    """Return E.164 for numbers `phonenumbers` would read as written and find valid, else null."""
    plus = pc.extract_regex(compact, rf"^\+(?P<code>{_code_pattern()})(?P<nsn>[1-9]\d{{1,16}})$")
    local = pc.extract_regex(compact, r"^(?P<trunk>0?)(?P<nsn>[1-9]\d{4,16})$")
    is_plus, is_local = pc.is_valid(plus), pc.and_(pc.is_valid(local), pc.invert(pc.is_valid(plus)))
    code = pc.if_else(
        is_plus, pc.struct_field(plus, "code"), pc.if_else(is_local, _map_codes(region), None)
    )
    nsn = pc.if_else(is_plus, pc.struct_field(plus, "nsn"), pc.struct_field(local, "nsn"))
    # Whose prefix rules the parser applies: the country code's for +…, else the region's.
    rules = pc.if_else(is_plus, pc.binary_join_element_wise("+", code, ""), region)
    plain = _plainly_read(rules, compact, nsn, pc.is_valid(code))
    accepted = plain & _valid_numbers(code, nsn, plain)
    e164 = pc.binary_join_element_wise("+", code, nsn, "")
    return pc.if_else(pa.array(accepted), e164, pa.scalar(None, pa.string()))


@cache
def _code_pattern() -> str:
    # Country codes are prefix-free, so one alternation finds the only one that fits.
    return "|".join(sorted(map(str, pn.COUNTRY_CODE_TO_REGION_CODE), key=len, reverse=True))


@cache
def _region_codes() -> tuple[pa.Array, pa.Array]:
    known = sorted(pn.SUPPORTED_REGIONS)
    return pa.array(known), pa.array([str(pn.country_code_for_region(r)) for r in known])


def _map_codes(region: pa.Array) -> pa.Array:
    regions, codes = _region_codes()
    return pc.take(codes, pc.index_in(region, regions))


def _groups(keys: pa.Array, mask: Any) -> Iterator[tuple[str, Any]]:
    rows = np.flatnonzero(mask)
    encoded = pc.dictionary_encode(keys.take(pa.array(rows)))
    index = encoded.indices.to_numpy(zero_copy_only=False)
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(len(encoded.dictionary) + 1))
    for i, key in enumerate(encoded.dictionary.to_pylist()):
        yield key, rows[order[bounds[i] : bounds[i + 1]]]


def _plainly_read(rules: pa.Array, written: pa.Array, nsn: pa.Array, coded: pa.Array) -> Any:
    """Return, per row, whether the parser would read `nsn` as the national number."""
    plain = np.zeros(len(nsn), dtype=bool)
    for rule, rows in _groups(rules, _flags(coded)):
        meta = _rule_metadata(rule)
        sub, original = nsn.take(pa.array(rows)), written.take(pa.array(rows))
        if rule.startswith("+"):
            plain[rows] = ~_prefix_match(sub, meta.national_prefix_for_parsing)
        else:
            plain[rows] = _plain_national(meta, sub, original)
    return plain


def _plain_national(meta: Any, nsn: pa.Array, original: pa.Array) -> Any:
    blocked = _prefix_match(original, meta.international_prefix)
    blocked |= _flags(pc.starts_with(original, str(meta.country_code)))
    trunk = _flags(pc.starts_with(original, "0"))
    prefix = meta.national_prefix_for_parsing
    blocked |= ~trunk & _prefix_match(original, prefix)
    # A trunk '0' is read plainly only where it is the whole prefix the parser strips and
    # the code belongs to one region (so the stripped number's validity is the region's).
    simple = bool(prefix) and not meta.national_prefix_transform_rule
    simple &= len(pn.COUNTRY_CODE_TO_REGION_CODE[meta.country_code]) == 1
    if simple:
        stripped = pc.replace_substring_regex(original, f"^(?:{prefix})", "", max_replacements=1)
        blocked |= trunk & ~_flags(pc.equal(stripped, nsn))
    else:
        blocked |= trunk
    return ~blocked


def _rule_metadata(rule: str) -> Any:
    if rule.startswith("+"):
        code = int(rule[1:])
        return PhoneMetadata.metadata_for_region_or_calling_code(
            code, pn.region_code_for_country_code(code)
        )
    return PhoneMetadata.metadata_for_region(rule)


def _flags(mask: pa.Array) -> Any:
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _prefix_match(nsn: pa.Array, pattern: str | None) -> Any:
    if not pattern:
        return np.zeros(len(nsn), dtype=bool)
    return _flags(pc.match_substring_regex(nsn, f"^(?:{pattern})"))


def _valid_numbers(code: pa.Array, nsn: pa.Array, mask: Any) -> Any:
    """Return, per row, phonenumbers' `is_valid_number`, computed from its metadata."""
    valid = np.zeros(len(nsn), dtype=bool)
    for key, rows in _groups(code, mask):
        valid[rows] = _typed_for_code(nsn.take(pa.array(rows)), int(key), _has_type)
    return valid


def _typed_for_code(nsn: pa.Array, code: int, test: Any) -> Any:
    regions = pn.COUNTRY_CODE_TO_REGION_CODE[code]
    lengths = pc.utf8_length(nsn)
    if len(regions) == 1:
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])
        return test(nsn, lengths, meta)
    # As phonenumbers does: the first region whose leading digits (or, lacking those,
    # whose patterns) claim the number is the number's region.
    found = decided = np.zeros(len(nsn), dtype=bool)
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region)
        if meta is None:
            continue
        typed = _has_type(nsn, lengths, meta)
        claims = _prefix_match(nsn, meta.leading_digits) if meta.leading_digits else typed
        passed = typed if test is _has_type else test(nsn, lengths, meta)
        found = found | (claims & ~decided & passed)
        decided = decided | claims
    return found


def _has_type(nsn: pa.Array, lengths: pa.Array, meta: Any) -> Any:
    found = np.zeros(len(nsn), dtype=bool)
    for name in _PHONE_TYPES:
        found |= _matches_desc(nsn, lengths, getattr(meta, name))
    return found & _matches_desc(nsn, lengths, meta.general_desc)


def _is_mobile(nsn: pa.Array, lengths: pa.Array, meta: Any) -> Any:
    # phonenumbers' order of tests: a number that also fits an earlier type is not MOBILE.
    if meta.same_mobile_and_fixed_line_pattern:
        return np.zeros(len(nsn), dtype=bool)
    earlier = np.zeros(len(nsn), dtype=bool)
    for name in _PHONE_TYPES[:-1]:
        earlier |= _matches_desc(nsn, lengths, getattr(meta, name))
    mobile = _matches_desc(nsn, lengths, meta.mobile)
    return mobile & ~earlier & _matches_desc(nsn, lengths, meta.general_desc)


def _matches_desc(nsn: pa.Array, lengths: pa.Array, desc: Any) -> Any:
    if desc is None or not desc.national_number_pattern:
        return np.zeros(len(nsn), dtype=bool)
    hit = pc.match_substring_regex(nsn, f"^(?:{desc.national_number_pattern})$")
    if desc.possible_length:
        hit = pc.and_(hit, pc.is_in(lengths, pa.array(desc.possible_length, lengths.type)))
    return _flags(hit)

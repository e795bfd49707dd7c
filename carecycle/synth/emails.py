"""Email addresses: work and public mailboxes, with the typos and slips real data has."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.synth.cities import COUNTRIES, country_of_city
from carecycle.synth.columns import fill, fill_by_case, patterned, pick
from carecycle.synth.names import (
    CompanyParts,
    PersonParts,
    render_company_parts,
    render_person_parts,
)
from carecycle.synth.sampling import chance, weighted

# (domain, weight for Chinese speakers, weight for English speakers); typos come last.
PUBLIC = (
    ("qq.com", 40, 0), ("163.com", 22, 0), ("126.com", 10, 0), ("sina.com", 5, 0),
    ("foxmail.com", 5, 0), ("aliyun.com", 3, 0), ("hotmail.com", 3, 12), ("outlook.com", 3, 20),
    ("gmail.com", 2, 45), ("yahoo.com", 0, 12), ("icloud.com", 1, 8),
    ("gmial.com", 0.5, 1), ("qq.con", 0.6, 0), ("163.cm", 0.4, 0), ("126.con", 0.2, 0),
    ("hotmial.com", 0.1, 0.5), ("yaho.com", 0, 0.4), ("outlook.con", 0.1, 0.3),
)  # fmt: skip
WORK_SHARE = {"zh": 0.45, "en": 0.7}
LOCAL_ZH = (
    "{family_py}.{given_py}{given2_py}",
    "{family_py}{given_py}{given2_py}",
    "{given_py}{given2_py}.{family_py}",
    "{family_py}{given_py}{given2_py}{n}",
    "{given_py}{given2_py}{family_py}",
    "{family_py}_{given_py}{given2_py}",
)
LOCAL_EN = (
    "{first}.{last}",
    "{f}{last}",
    "{first}",
    "{first}{l}",
    "{first}_{last}",
    "{last}.{first}",
)
BROKEN = (
    "{local}{domain}",
    "{local}@@{domain}",
    "{local} @{domain}",
    "{local}@{domain}.",
    "{local}@",
)
ZH_MIDS = ("", "-tech", "tech", "keji", "group", "soft")
CN_TLDS = (".com", ".com.cn", ".cn", ".net")
INVALID_SHARE = 0.01
QQ_NUMBER_SHARE = 0.6


def draw_company_domains(rng: np.random.Generator, parts: CompanyParts) -> pa.Array:
    """Return a web domain per company, e.g. huaxin-tech.com.cn or bluewatersoftware.com."""
    size = len(parts.style)
    fields = render_company_parts(parts)
    chinese = parts.style <= 3
    country_tld = pick([COUNTRIES[c].tld for c in country_of_city()], parts.city)
    local_tld = pc.if_else(chance(rng, 0.6, size), country_tld, pa.scalar(".com"))
    with_word = pc.if_else(chance(rng, 0.5, size), fields["word_en"], pa.scalar(""))
    zh_mid = pick(ZH_MIDS, rng.integers(0, len(ZH_MIDS), size))
    fields["mid"] = pc.if_else(chinese, zh_mid, with_word)
    fields["tld"] = pc.if_else(chinese, pick(CN_TLDS, weighted(rng, [5, 3, 1, 1], size)), local_tld)
    templates = ("{p1}{p2}{mid}{tld}",) * 4 + ("{head}{tail}{mid}{tld}", "{last}{last2}{tld}")
    domain = pc.utf8_lower(fill_by_case(parts.style, templates, fields))
    return pc.replace_substring_regex(domain, r"[^a-z0-9.\-]", "")


def draw_email_addresses(
    rng: np.random.Generator, people: PersonParts, work_domain: pa.Array
) -> pa.Array:
    """Return an address per person: at work or a public mailbox, a few mistyped or broken."""
    size = len(people.chinese)
    local = _local_parts(rng, people)
    public = np.where(
        people.chinese,
        weighted(rng, [p[1] for p in PUBLIC], size),
        weighted(rng, [p[2] for p in PUBLIC], size),
    )
    at_work = rng.random(size) < np.where(people.chinese, WORK_SHARE["zh"], WORK_SHARE["en"])
    domain = pc.if_else(at_work, work_domain, pick([p[0] for p in PUBLIC], public))
    numbered = (~at_work) & (public == 0) & chance(rng, QQ_NUMBER_SHARE, size)
    local = pc.if_else(numbered, patterned(rng, "[1-9]#########", size), local)
    broken = np.where(chance(rng, INVALID_SHARE, size), rng.integers(1, len(BROKEN) + 1, size), 0)
    fields = {"local": local, "domain": domain}
    return fill_by_case(broken, ("{local}@{domain}", *BROKEN), fields)


def _local_parts(rng: np.random.Generator, people: PersonParts) -> pa.Array:
    size = len(people.chinese)
    fields = render_person_parts(people)
    fields["n"] = pa.array(rng.integers(1, 100, size)).cast(pa.string())
    fields["f"] = pc.utf8_slice_codeunits(fields["first"], 0, 1)
    fields["l"] = pc.utf8_slice_codeunits(fields["last"], 0, 1)
    style = rng.integers(0, len(LOCAL_ZH), size) + np.where(people.chinese, 0, len(LOCAL_ZH))
    local = fill_by_case(style, LOCAL_ZH + LOCAL_EN, fields)
    return pc.replace_substring(pc.utf8_lower(local), "'", "")


def retype_emails(emails: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Return the same addresses as someone else typed them: other case, stray spaces."""
    size = len(emails)
    shouted = pc.if_else(chance(rng, 0.5, size), pc.utf8_upper(emails), pc.utf8_title(emails))
    padded = fill(" {e} ", {"e": shouted}, size)
    return pc.if_else(chance(rng, 0.5, size), padded, shouted)

"""Support cases: issues and complaints, fewer for engaged accounts, with SLA outcomes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.store.schema import CASE_KINDS, SEVERITIES
from carecycle.synth.accounts import Accounts
from carecycle.synth.columns import flags, ids, pick, table, timestamps, with_nulls
from carecycle.synth.contacts import Contacts
from carecycle.synth.sampling import chance, owners_of, sigmoid, weighted

CASE_RATE_PER_YEAR = 0.3
RATE_BY_SIZE = np.array([0.6, 1.0, 1.6, 2.5])
SEVERITY_SHARES = (0.35, 0.40, 0.20, 0.05)
MEDIAN_HOURS = np.array([40.0, 16.0, 6.0, 2.5])  # in SEVERITIES order
SLA_HOURS = np.array([72.0, 24.0, 8.0, 4.0])
COMPLAINT_SLOWDOWN = 1.6
NO_CONTACT_SHARE = 0.1
DAY = 86_400
# (English, Chinese) subjects per kind, in CASE_KINDS order.
SUBJECTS = (
    (
        ("Activation key not accepted", "激活密钥无法使用"),
        ("Cannot download installation media", "无法下载安装介质"),
        ("Licence count does not match the agreement", "许可证数量与合同不符"),
        ("Question about server CAL licensing", "服务器CAL授权咨询"),
        ("Upgrade path question", "升级路径咨询"),
        ("Error during installation", "安装过程中报错"),
        ("Cannot sign in to the admin portal", "无法登录管理门户"),
        ("Mail server sync failing", "邮件服务器同步失败"),
        ("Backup job failing", "备份任务失败"),
        ("Performance degraded after update", "更新后性能下降"),
    ),
    (
        ("Invoice amount incorrect", "发票金额有误"),
        ("Licence key delivery delayed", "许可证密钥交付延迟"),
        ("Support response too slow", "技术支持响应太慢"),
        ("Partner did not follow up", "合作伙伴没有跟进"),
        ("Renewal quote not received", "未收到续约报价"),
        ("Charged twice", "重复扣款"),
    ),
)
FLAT_SUBJECTS = tuple(s for kind in SUBJECTS for s in kind)


def build_support_cases_table(
    rng: np.random.Generator, accounts: Accounts, contacts: Contacts, today: int
) -> pa.Table:
    """Return every support case since each account's first purchase, in opening order."""
    years = -accounts.first_purchase / 365.0
    rate = CASE_RATE_PER_YEAR * RATE_BY_SIZE[accounts.size] * np.exp(-0.6 * accounts.engagement)
    owner = owners_of(rng.poisson(rate * years))
    size = len(owner)
    span = 1 - accounts.first_purchase[owner]
    day = accounts.first_purchase[owner] + np.floor(rng.random(size) * span).astype(np.int64)
    opened = (today + day) * DAY + rng.integers(8 * 3600, 19 * 3600, size)
    order = np.lexsort((owner, opened))
    owner, opened = owner[order], opened[order]
    complaint = chance(rng, sigmoid(-1.6 - 0.8 * accounts.engagement[owner]), size)
    severity = weighted(rng, SEVERITY_SHARES, size)
    median = MEDIAN_HOURS[severity] * np.where(complaint, COMPLAINT_SLOWDOWN, 1.0)
    hours = rng.lognormal(np.log(median), 0.9)
    resolved = opened + np.round(hours * 3600).astype(np.int64)
    open_case = (resolved >= (today + 1) * DAY) | chance(rng, 0.005, size)
    contact = contacts.ids.take(contacts.one_of(rng, owner))
    columns = {
        "case_id": ids("CS", size),
        "account_id": accounts.ids.take(owner),
        "contact_id": with_nulls(contact, chance(rng, NO_CONTACT_SHARE, size)),
        "kind": pick(CASE_KINDS, complaint.astype(np.int64)),
        "severity": pick(SEVERITIES, severity),
        "subject": _subjects(rng, complaint, accounts.chinese[owner]),
        "opened_at": timestamps(opened),
        "resolved_at": timestamps(resolved, open_case),
        "sla_met": flags(hours <= SLA_HOURS[severity], open_case),
        "description": pa.nulls(size, pa.string()),
    }
    return table("support_cases", columns)


def _subjects(rng: np.random.Generator, complaint: np.ndarray, chinese: np.ndarray) -> pa.Array:
    size = len(complaint)
    issues, complaints = len(SUBJECTS[0]), len(SUBJECTS[1])
    index = np.where(
        complaint, issues + rng.integers(0, complaints, size), rng.integers(0, issues, size)
    )
    english = pick([s[0] for s in FLAT_SUBJECTS], index)
    return pc.if_else(chinese, pick([s[1] for s in FLAT_SUBJECTS], index), english)

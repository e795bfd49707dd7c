"""Use case: award the points earning rules give, set-based over the base as of a day.

Each rule reads its facts from the store as they stood at the end of the day (records of
merged accounts and contacts count with their survivors) and finds every subject that
meets one of its levels. A subject earns its level's points, weighted, less what it has
already earned under the rule; caps per period take what is left of the period's points
in the order the points were earned. Entries are keyed by rule, subject and level, so a
second run over the same facts awards nothing new. Points whose purchase no longer
counts — an order refunded, an agreement cancelled — are taken back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.engine.facts import live_agreements, owned_by_survivor, survivor_map
from carecycle.errors import InputError
from carecycle.loyalty.ledger import EARN
from carecycle.loyalty.rules import Level, Rule, RuleSet, weighted
from carecycle.services import points
from carecycle.services.referrals import followed, referrals_made
from carecycle.store.db import Store

Tables = dict[str, Any]
SUBJECT_LIMIT = 120  # longer subjects are stored by their digest
PURCHASE_KINDS = ("revenue_milestone", "referral_purchase")
REFERRED = "referred:"  # the subject of a referred company's points
_FACTS = pa.schema([("subject", pa.string()), ("account_id", pa.string()),
                    ("contact_id", pa.string()), ("occurred_at", pa.timestamp("us")),
                    ("level", pa.int64()), ("points", pa.int64())])  # fmt: skip


@dataclass(frozen=True)
class RuleAward:
    """What one rule awarded (or would award, on a dry run)."""

    rule: str
    title: str
    qualifying: int  # subjects meeting a level
    entries: int
    points: int
    capped: int  # points a cap held back
    expired: int  # points left out: they would have expired by the day
    reversed_entries: int
    reversed_points: int


@dataclass(frozen=True)
class AwardReport:
    """An award run: the day, the rule set and each rule's outcome."""

    as_of: date
    rule_set: str
    dry_run: bool
    rules: tuple[RuleAward, ...]

    @property
    def entries(self) -> int:
        """Return the entries written (or due, on a dry run)."""
        return sum(r.entries for r in self.rules)

    @property
    def points(self) -> int:
        """Return the points awarded (or due, on a dry run)."""
        return sum(r.points for r in self.rules)


def award(
    store: Store, rules: RuleSet, *, as_of: date, now: datetime, dry_run: bool = False
) -> AwardReport:
    """Award what `rules` give for the facts as of the end of `as_of` (`now` is when the
    run happens: points already expired by then are not written); on a dry run, return
    what would be awarded and write nothing. A run holds the ledger's award lock from
    its first read to its last write, so two runs at once are taken one after the other."""
    if as_of > now.date():
        raise InputError(f"cannot award for {as_of}: it is after today ({now.date()})")
    after = datetime.combine(as_of + timedelta(days=1), time())
    with points.exclusive(store, "award"):
        tables = store.tables()
        live = _live_accounts(tables)
        survivors = survivor_map(tables)
        earned = points.earned_entries(store, [r.id for r in rules.rules])
        found: list[RuleAward] = []
        writes: list[pa.Table] = []
        for rule in rules.rules:
            # Every subject the facts hold, whatever became of its account: one whose
            # account was merged is not gone, and keeps what it earned.
            facts = _FINDERS[rule.kind](tables, rule, as_of, after)
            mine = earned.filter(pc.equal(earned["rule"], rule.id))
            had = _earned_by_subject(rule, mine, survivors)
            reversed_ = _reverse(store, rule, facts, mine, had, survivors, after, dry_run)
            payable = facts.filter(pc.is_in(facts["account_id"], live))
            due, outcome = _due(rule, rules, payable, mine, had, survivors, max(after, now))
            found.append(RuleAward(**outcome, reversed_entries=reversed_[0],
                                   reversed_points=reversed_[1]))  # fmt: skip
            if due.num_rows:
                writes.append(due)
        if writes and not dry_run:
            points.write_earned(store, pa.concat_tables(writes))
    return AwardReport(as_of, rules.id, dry_run, tuple(found))


def _due(
    rule: Rule,
    rules: RuleSet,
    facts: pa.Table,
    earned: pa.Table,
    had: dict[str, int],
    survivors: dict[str, str],
    live_from: datetime,
) -> tuple[pa.Table, dict[str, Any]]:
    """Return the entries the rule's qualifying subjects are due — less what each has
    earned (`had`), leaving out points that would have expired by `live_from` — and the
    tally."""
    qualifying = facts.filter(pc.greater_equal(facts["level"], 0))
    weight = rules.weight(rule)
    rows = qualifying.to_pylist()
    subjects = [_subject(r["subject"]) for r in rows]
    keys = [f"{rule.id}:{s}:{r['level']}" for s, r in zip(subjects, rows, strict=True)]
    held = set(earned["source_key"].to_pylist())
    due: list[dict[str, Any]] = []
    expired = 0
    for row, subject, key in zip(rows, subjects, keys, strict=True):
        owed = weighted(row["points"], weight) - had.get(_by_survivor(rule, subject, survivors), 0)
        if owed <= 0 or f"{EARN}:{key}" in held:
            continue
        expires = rules.expiry(row["occurred_at"])
        if expires is not None and expires <= live_from:
            expired += owed
            continue
        due.append({**row, "key": key, "points": owed, "expires_at": expires})
    due.sort(key=lambda r: (r["occurred_at"], r["key"]))
    capped = _cap(rule, due, earned, survivors) if rule.cap is not None else 0
    due = [r for r in due if r["points"] > 0]
    table = points.earned_rows(due, rule=rule.id, reason=rule.title)
    tally = {"rule": rule.id, "title": rule.title, "qualifying": len(rows),
             "entries": len(due), "points": sum(r["points"] for r in due), "capped": capped,
             "expired": expired}  # fmt: skip
    return table, tally


def _cap(rule: Rule, due: list[dict[str, Any]], earned: pa.Table, survivors: dict[str, str]) -> int:
    """Trim the due entries (in the order earned) to what each account's period has left
    under the cap — points earned by accounts merged into it count — and return the points
    held back."""
    cap = rule.cap
    assert cap is not None
    used: dict[tuple[str, str], int] = {}
    for account, moment, n in zip(earned["account_id"].to_pylist(),
                                  earned["occurred_at"].to_pylist(),
                                  earned["points"].to_pylist(), strict=True):  # fmt: skip
        key = (survivors.get(account, account), cap.period(moment))
        used[key] = used.get(key, 0) + n
    held = 0
    for row in due:
        key = (survivors.get(row["account_id"], row["account_id"]), cap.period(row["occurred_at"]))
        given = max(0, min(row["points"], cap.points - used.get(key, 0)))
        held += row["points"] - given
        used[key] = used.get(key, 0) + given
        row["points"] = given
    return held


def _earned_by_subject(rule: Rule, earned: pa.Table, survivors: dict[str, str]) -> dict[str, int]:
    """Return the points each subject has earned under the rule (keys `earn:RULE:SUBJECT:L`).
    Subjects that name an account (a survey completed by one, a company referred) count as
    the account's survivor's, so a merge does not pay the same thing twice."""
    prefix = len(f"{EARN}:{rule.id}:")
    subjects = pc.replace_substring_regex(
        pc.utf8_slice_codeunits(earned["source_key"], prefix), pattern=r":\d+$", replacement=""
    )
    had: dict[str, int] = {}
    for subject, n in zip(subjects.to_pylist(), earned["points"].to_pylist(), strict=True):
        named = _by_survivor(rule, subject, survivors)
        had[named] = had.get(named, 0) + n
    return had


def _by_survivor(rule: Rule, subject: str, survivors: dict[str, str]) -> str:
    """Return a subject naming an account as its survivor's."""
    named = rule.kind == "survey_completed" or (
        rule.kind == "referral_purchase" and subject.startswith(REFERRED)
    )
    if named:
        head, _, account = subject.rpartition(":")
        return f"{head}:{survivors.get(account, account)}"
    return subject


def _reverse(
    store: Store,
    rule: Rule,
    facts: pa.Table,
    earned: pa.Table,
    had: dict[str, int],
    survivors: dict[str, str],
    after: datetime,
    dry_run: bool,
) -> tuple[int, int]:
    """Take back what remains of points a purchase earned by the day when, as of the day,
    the purchase no longer counts — an order refunded, an agreement cancelled; return the
    entries and points taken (due, on a dry run)."""
    if rule.kind not in PURCHASE_KINDS or not earned.num_rows:
        return 0, 0
    qualifying = {_by_survivor(rule, _subject(s), survivors)
                  for s in facts.filter(pc.greater_equal(facts["level"], 0))
                  ["subject"].to_pylist()}  # fmt: skip
    gone = {s for s in had if s not in qualifying}
    entries = total = 0
    moment = after - timedelta(seconds=1)
    for key, occurred in zip(earned["source_key"].to_pylist(),
                             earned["occurred_at"].to_pylist(), strict=True):  # fmt: skip
        subject = _by_survivor(rule, key[len(f"{EARN}:{rule.id}:") :].rsplit(":", 1)[0],
                               survivors)  # fmt: skip
        if subject not in gone or occurred >= after:
            continue
        earned_key = key.removeprefix(f"{EARN}:")
        taken = points.reversible(store, earned_key=earned_key, moment=moment)
        if not dry_run:
            why = f"{rule.title}: the purchase no longer counts"
            posted = points.reverse(store, earned_key=earned_key, occurred_at=moment, reason=why)
            taken = -posted.points if posted.new else 0
        entries += bool(taken)
        total += taken
    return entries, total


def _subject(subject: str) -> str:
    """Return the subject as keys store it: long ones by their digest."""
    if len(subject) <= SUBJECT_LIMIT:
        return subject
    return hashlib.md5(subject.encode()).hexdigest()


def _live_accounts(tables: dict[str, Any]) -> pa.Array:
    accounts = tables["accounts"]
    live = accounts.filter(accounts.merged_into.isnull()).select("account_id")
    return live.to_pyarrow()["account_id"].combine_chunks()


def _start(day: Any) -> datetime:
    return datetime.combine(day, time())


def _facts(columns: dict[str, Any]) -> pa.Table:
    return pa.table(columns, schema=_FACTS)


def _first_level(levels: tuple[Level, ...], meets: Callable[[Level], np.ndarray]) -> np.ndarray:
    """Return, per subject, the index of the first level it meets (-1: none)."""
    found: np.ndarray | None = None
    for i, level in enumerate(levels):
        hit = meets(level)
        if found is None:
            found = np.full(len(hit), -1, dtype=np.int64)
        found[(found < 0) & hit] = i
    assert found is not None
    return found


def _level_points(levels: tuple[Level, ...], chosen: np.ndarray) -> np.ndarray:
    values = np.array([level.points for level in levels], dtype=np.int64)
    return np.where(chosen >= 0, values[np.maximum(chosen, 0)], 0)


def _contact_completeness(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Contacts known by the day, with the fields they have on record: a phone or email
    flagged as not working does not count. Dated the day: fields carry no date."""
    contacts = tables["contacts"]
    known = contacts.filter(
        contacts.merged_into.isnull(),
        contacts.created_on.isnull() | (contacts.created_on <= as_of),
    )
    known = owned_by_survivor(known, tables)

    def present(value: Any, issue: Any = None) -> Any:
        filled = value.notnull() & (value.strip().length() > 0)
        return filled & issue.isnull() if issue is not None else filled

    found = known.select(
        "contact_id", "account_id",
        name=present(known.name), phone=present(known.phone, known.phone_issue),
        email=present(known.email, known.email_issue),
    ).to_pyarrow()  # fmt: skip
    has = {
        f: found[f].to_numpy(zero_copy_only=False).astype(bool) for f in ("name", "phone", "email")
    }
    chosen = _first_level(
        rule.stages, lambda level: np.logical_and.reduce([has[f] for f in level.has or ()])
    )
    return _facts({
        "subject": found["contact_id"], "account_id": found["account_id"],
        "contact_id": found["contact_id"],
        "occurred_at": pa.array([_start(as_of)] * found.num_rows, pa.timestamp("us")),
        "level": chosen, "points": _level_points(rule.stages, chosen),
    })  # fmt: skip


def _revenue_milestone(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Agreements with a value, live on the day, and when their booked orders (in the
    order placed) first reached `target` of that value: the day and the orders it took."""
    agreements = live_agreements(tables, as_of)
    agreements = agreements.filter(agreements.value > 0).select(
        "agreement_id", "account_id", "start_on", "value"
    ).order_by("agreement_id").to_pyarrow()  # fmt: skip
    orders, lines = tables["orders"], tables["order_lines"]
    booked = orders.filter(
        orders.status == "booked", orders.agreement_id.notnull(), orders.ordered_on <= as_of
    )
    amounts = lines.group_by("order_id").aggregate(amount=lines.amount.sum())
    paid = booked.join(amounts, booked.order_id == amounts.order_id).select(
        booked.agreement_id, booked.order_id, booked.ordered_on,
        amount=amounts.amount.cast("float64"),
    ).to_pyarrow()  # fmt: skip
    reached_on, count = _reached(agreements, paid, rule.target)
    starts = agreements["start_on"].to_pylist()

    def meets(level: Level) -> np.ndarray:
        hit = count > 0
        if level.orders is not None:
            hit &= count <= level.orders
        if level.within is not None:
            within = level.within
            hit &= np.array([r is not None and r <= within.after(s)
                             for r, s in zip(reached_on, starts, strict=True)],
                            dtype=bool)  # fmt: skip
        return hit

    chosen = _first_level(rule.stages, meets)
    # Dated when the value was reached, and never before the agreement started (orders
    # paid ahead count on the start).
    when = [_start(max(r, s) if r is not None else s)
            for r, s in zip(reached_on, starts, strict=True)]  # fmt: skip
    return _facts({
        "subject": agreements["agreement_id"], "account_id": agreements["account_id"],
        "contact_id": pa.nulls(agreements.num_rows, pa.string()),
        "occurred_at": pa.array(when, pa.timestamp("us")),
        "level": chosen, "points": _level_points(rule.stages, chosen),
    })  # fmt: skip


def _reached(agreements: pa.Table, paid: pa.Table, target: float) -> tuple[list[Any], np.ndarray]:
    """Return, per agreement, the day its orders' running total first reached `target` of
    its value (None: not yet) and how many orders that took (0: not yet)."""
    n = agreements.num_rows
    reached_on: list[Any] = [None] * n
    count = np.zeros(n, dtype=np.int64)
    found = pc.index_in(paid["agreement_id"], agreements["agreement_id"])
    where = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    keep = where >= 0
    if not paid.num_rows or not keep.any():
        return reached_on, count
    index = np.asarray(where[keep], dtype=np.int64)
    days = paid["ordered_on"].to_numpy(zero_copy_only=False)[keep]
    order_ids = np.asarray(paid["order_id"].to_pylist(), dtype=object)[keep]
    amount = np.nan_to_num(paid["amount"].to_numpy(zero_copy_only=False)[keep].astype(float))
    order = np.lexsort((order_ids, days, index))
    index, days, amount = index[order], days[order], amount[order]
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    running = np.cumsum(amount)
    before = np.repeat(running[starts] - amount[starts], np.diff(np.r_[starts, len(index)]))
    total = running - before
    need = agreements["value"].to_numpy(zero_copy_only=False).astype(float)[index] * target
    hit = np.flatnonzero(total >= need - 0.005)
    groups, first = np.unique(index[hit], return_index=True)
    rows = hit[first]
    position = rows - starts[np.searchsorted(index[starts], groups)]
    for group, row, pos in zip(groups, rows, position, strict=True):
        reached_on[group] = days[row].astype("datetime64[D]").item()
        count[group] = pos + 1
    return reached_on, count


def _registration(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Agreements started by the day and not cancelled by it, with software assurance or
    not: registered on their start."""
    found = live_agreements(tables, as_of).select(
        "agreement_id", "account_id", "start_on", "sa"
    ).to_pyarrow()  # fmt: skip
    sa = found["sa"].to_numpy(zero_copy_only=False).astype(bool)
    chosen = _first_level(
        rule.stages, lambda level: np.full(len(sa), True) if level.sa is None else sa == level.sa
    )
    return _facts({
        "subject": found["agreement_id"], "account_id": found["account_id"],
        "contact_id": pa.nulls(found.num_rows, pa.string()),
        "occurred_at": pa.array([_start(d) for d in found["start_on"].to_pylist()],
                                pa.timestamp("us")),
        "level": chosen, "points": _level_points(rule.stages, chosen),
    })  # fmt: skip


def _survey_sets(tables: dict[str, Any], rule: Rule, after: datetime) -> pa.Table:
    """Return the sets of answers given by the day — per survey, account, contact and
    touch — with the questions answered and the first and last answer's moment."""
    r = tables["survey_responses"]
    r = r.filter(r.answered_at < after)
    if rule.surveys is not None:
        r = r.filter(r.survey_id.isin(list(rule.surveys)))
    r = r.mutate(given_by=ibis.coalesce(r.contact_id, r.account_id))
    r = owned_by_survivor(owned_by_survivor(r, tables), tables, "contact_id")
    sets = r.group_by(["survey_id", "account_id", "contact_id", "touch_uid", "given_by"]).aggregate(
        questions=r.question_id.nunique(),
        first_at=r.answered_at.min(),
        last_at=r.answered_at.max(),
    )
    found: pa.Table = sets.order_by(["survey_id", "account_id", "first_at"]).to_pyarrow()
    return found


def _single(rule: Rule, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the level and points of subjects that all meet the rule (its first level)."""
    chosen = _first_level(rule.stages, lambda level: np.full(rows, True))
    return chosen, _level_points(rule.stages, chosen)


def _survey_answered(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Each survey a contact answered (one per touch; per contact without a touch), dated
    its first answer."""
    sets = _survey_sets(tables, rule, after)
    rows = sets.to_pylist()
    # Keyed by who gave the answers as recorded (their contact, else their account), so
    # a merge does not make the same answers new.
    subjects = [f"{r['survey_id']}:{r['touch_uid'] or '-'}:{r['given_by']}" for r in rows]
    level, value = _single(rule, len(rows))
    return _facts({
        "subject": subjects, "account_id": sets["account_id"], "contact_id": sets["contact_id"],
        "occurred_at": sets["first_at"].cast(pa.timestamp("us")), "level": level, "points": value,
    })  # fmt: skip


def _survey_completed(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Each account's first set of answers to a survey with at least `answers` questions
    answered, dated its last answer."""
    sets = _survey_sets(tables, rule, after)
    full = sets.filter(pc.greater_equal(sets["questions"], rule.answers))
    full = full.sort_by([("survey_id", "ascending"), ("account_id", "ascending"),
                         ("last_at", "ascending")]).to_pylist()  # fmt: skip
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    for row in full:
        firsts.setdefault((row["survey_id"], row["account_id"]), row)
    rows = list(firsts.values())
    level, value = _single(rule, len(rows))
    return _facts({
        "subject": [f"{r['survey_id']}:{r['account_id']}" for r in rows],
        "account_id": [r["account_id"] for r in rows],
        "contact_id": [r["contact_id"] for r in rows],
        "occurred_at": [r["last_at"] for r in rows], "level": level, "points": value,
    })  # fmt: skip


def _internal_recommendation(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Referrals within the referrer's own company (the referred account is the
    referrer's): a contact recommending the offer to colleagues."""
    made = referrals_made(tables, as_of)
    found = made.filter(made.internal).order_by("referral_id").to_pyarrow()
    level, value = _single(rule, found.num_rows)
    return _facts({
        "subject": found["referral_id"], "account_id": found["referrer"],
        "contact_id": found["contact_id"],
        "occurred_at": pa.array([_start(d) for d in found["referred_on"].to_pylist()],
                                pa.timestamp("us")),
        "level": level, "points": value,
    })  # fmt: skip


def _referral_purchase(tables: Tables, rule: Rule, as_of: date, after: datetime) -> pa.Table:
    """Referrals of another company whose first purchase (booked, by the day) came on or
    after the referral: points to the referrer per referral, and `referred_points` to the
    referred company once, for its first such referral. Dated the purchase."""
    led = followed(tables, as_of)
    led = led.filter(led.led)
    chosen = led.select("referral_id", "referrer", "contact_id", "account_id", "referred_on",
                        "bought_on")  # fmt: skip
    found = chosen.order_by(["referred_on", "referral_id"]).to_pyarrow()
    level, value = _single(rule, found.num_rows)
    bought = [_start(d) for d in found["bought_on"].to_pylist()]
    rows = [{"subject": r, "account_id": a, "contact_id": c, "occurred_at": t, "level": lv,
             "points": v}
            for r, a, c, t, lv, v in zip(found["referral_id"].to_pylist(),
                                         found["referrer"].to_pylist(),
                                         found["contact_id"].to_pylist(), bought, level, value,
                                         strict=True)]  # fmt: skip
    if rule.referred_points:
        seen: set[str] = set()
        for account, moment in zip(found["account_id"].to_pylist(), bought, strict=True):
            if account not in seen:
                seen.add(account)
                rows.append({"subject": f"{REFERRED}{account}", "account_id": account,
                             "contact_id": None, "occurred_at": moment, "level": 0,
                             "points": rule.referred_points})  # fmt: skip
    return pa.Table.from_pylist(rows, schema=_FACTS)


_FINDERS: dict[str, Callable[[dict[str, Any], Rule, date, datetime], pa.Table]] = {
    "contact_completeness": _contact_completeness,
    "revenue_milestone": _revenue_milestone,
    "registration": _registration,
    "survey_completed": _survey_completed,
    "survey_answered": _survey_answered,
    "internal_recommendation": _internal_recommendation,
    "referral_purchase": _referral_purchase,
}

"""The loyalty ladder: aware → engaged → satisfied → loyal → advocate.

A company climbs by its relationship with the business, a person by their own loyalty
(the two levels of seed 000). Each rung needs the one below it and a rule of its own,
read from the records over a window; `company_rungs` and `person_rungs` return each
one's rung (0 for aware … 4 for advocate, -1 for a person not on the ladder), why it
stands there, and what the next rung needs. The rules are in docs/intelligence.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RUNGS = ("aware", "engaged", "satisfied", "loyal", "advocate")
AWARE, ENGAGED, SATISFIED, LOYAL, ADVOCATE = range(len(RUNGS))
SATISFIED_FROM = 4.0  # satisfaction answer (1–5) that counts as satisfied
PASSIVE_FROM = 7.0  # NPS answer (0–10) that is not a detractor
PROMOTER_FROM = 9.0  # NPS answer that is a promoter
LOYAL_MONTHS = 2  # months with an answer that make a satisfied person loyal
NEEDS = {
    ENGAGED: "an answer to a touch or survey, or a site visit",
    SATISFIED: "no complaint, and every answer favourable: satisfaction 4+, NPS 7+ (or, "
    "unasked, health green)",
    LOYAL: "a renewal or a second purchase day",
    ADVOCATE: "a referral or an NPS answer of 9+",
}
PERSON_NEEDS = {
    ENGAGED: "an answer to a touch or survey",
    SATISFIED: "no complaint, and every answer favourable: satisfaction 4+, NPS 7+ (or, "
    "unasked, a satisfied company)",
    LOYAL: f"answers in {LOYAL_MONTHS} months or more, and a loyal company",
    ADVOCATE: "a referral or an NPS answer of 9+",
}


@dataclass(frozen=True)
class CompanySignals:
    """Per account over the window: touches answered, survey answers, days on the site,
    complaints, mean NPS and satisfaction (NaN unasked), health green (on the day),
    agreements renewed by the day, purchase days and referrals made."""

    accounts: list[str]
    answered: np.ndarray
    surveyed: np.ndarray
    visits: np.ndarray
    complaints: np.ndarray
    nps: np.ndarray
    satisfaction: np.ndarray
    healthy: np.ndarray
    renewals: np.ndarray
    purchase_days: np.ndarray
    referrals: np.ndarray


@dataclass(frozen=True)
class PersonSignals:
    """Per live contact: its account's row in the company ladder, touches ever sent to it,
    and over the window its touches answered, survey answers, months with an answer,
    complaints, mean NPS and satisfaction, and referrals made."""

    contacts: list[str]
    company: np.ndarray
    touched: np.ndarray
    answered: np.ndarray
    surveyed: np.ndarray
    months: np.ndarray
    complaints: np.ndarray
    nps: np.ndarray
    satisfaction: np.ndarray
    referrals: np.ndarray


@dataclass(frozen=True)
class Ladder:
    """Each one's rung (-1: not on the ladder), why, and what the next rung needs."""

    ids: list[str]
    rungs: np.ndarray
    reasons: list[str]
    next_needs: list[str]

    def counts(self) -> dict[str, int]:
        """Return how many stand on each rung."""
        return {rung: int((self.rungs == k).sum()) for k, rung in enumerate(RUNGS)}


def _survey_says(nps: np.ndarray, satisfaction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return where survey answers were given, and where every kind given is favourable."""
    asked = ~np.isnan(nps) | ~np.isnan(satisfaction)
    with np.errstate(invalid="ignore"):
        fine = (np.isnan(nps) | (nps >= PASSIVE_FROM)) & (
            np.isnan(satisfaction) | (satisfaction >= SATISFIED_FROM)
        )
    return asked, asked & fine


def _climb(steps: list[np.ndarray], start: np.ndarray) -> np.ndarray:
    """Return the rung reached: from `start` (aware or not on the ladder), each step taken
    while every one before it was."""
    rung = np.where(start, AWARE, -1)
    going = start.copy()
    for k, step in enumerate(steps, start=ENGAGED):
        going &= step
        rung = np.where(going, k, rung)
    return rung


def company_rungs(s: CompanySignals) -> Ladder:
    """Return each account's rung: every customer is aware; engaged when it answered a touch
    or survey or visited the site; satisfied when, engaged, it made no complaint and its
    survey answers are favourable (health green where it was not asked); loyal when,
    satisfied, it renewed an agreement or bought on two days or more; advocate when, loyal,
    it referred a company or its NPS answer was 9 or more."""
    engaged = (s.answered > 0) | (s.surveyed > 0) | (s.visits > 0)
    asked, favourable = _survey_says(s.nps, s.satisfaction)
    satisfied = (s.complaints == 0) & np.where(asked, favourable, s.healthy)
    loyal = (s.renewals > 0) | (s.purchase_days >= 2)
    with np.errstate(invalid="ignore"):
        advocate = (s.referrals > 0) | (s.nps >= PROMOTER_FROM)
    rungs = _climb([engaged, satisfied, loyal, advocate], np.ones(len(s.accounts), bool))
    reasons = [_company_reason(s, k, int(r)) for k, r in enumerate(rungs.tolist())]
    return Ladder(s.accounts, rungs, reasons, [_next(NEEDS, int(r)) for r in rungs.tolist()])


def person_rungs(s: PersonSignals, companies: Ladder) -> Ladder:
    """Return each contact's rung: aware once a touch was sent to them, or they answered or
    referred a company;
    engaged when they answered a touch or survey in the window; satisfied when, engaged,
    they made no complaint and their answers are favourable (their company satisfied
    where they were not asked); loyal when, satisfied, they answered in two months or more
    and their company is loyal; advocate when, loyal, they referred a company or answered
    NPS 9 or more."""
    company = np.where(s.company >= 0, companies.rungs[np.maximum(s.company, 0)], -1)
    engaged = (s.answered > 0) | (s.surveyed > 0)
    asked, favourable = _survey_says(s.nps, s.satisfaction)
    satisfied = (s.complaints == 0) & np.where(asked, favourable, company >= SATISFIED)
    loyal = (s.months >= LOYAL_MONTHS) & (company >= LOYAL)
    with np.errstate(invalid="ignore"):
        advocate = (s.referrals > 0) | (s.nps >= PROMOTER_FROM)
    start = (s.touched > 0) | engaged | (s.referrals > 0)
    rungs = _climb([engaged, satisfied, loyal, advocate], start)
    reasons = [_person_reason(s, k, int(r), int(c)) for k, (r, c) in
               enumerate(zip(rungs.tolist(), company.tolist(), strict=True))]  # fmt: skip
    needs = [_next(PERSON_NEEDS, int(r)) if r >= 0 else "a touch sent" for r in rungs.tolist()]
    return Ladder(s.contacts, rungs, reasons, needs)


def _next(needs: dict[int, str], rung: int) -> str:
    return needs.get(rung + 1, "")


def _plural(n: float, noun: str, many: str | None = None) -> str:
    count = int(n)
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def _survey(nps: float, satisfaction: float) -> list[str]:
    said = [] if np.isnan(nps) else [f"NPS {nps:.1f}"]
    return said + ([] if np.isnan(satisfaction) else [f"satisfaction {satisfaction:.1f} of 5"])


def _engaged(answered: float, surveyed: float, visits: float = 0.0) -> list[str]:
    said = [_plural(answered, "touch answered", "touches answered")] if answered else []
    said += [_plural(surveyed, "survey answer")] if surveyed else []
    return said + ([_plural(visits, "day on the site", "days on the site")] if visits else [])


def _company_reason(s: CompanySignals, k: int, rung: int) -> str:
    said: list[str] = []
    if rung >= ADVOCATE:
        said += [_plural(s.referrals[k], "referral")] if s.referrals[k] else []
    if rung >= LOYAL:
        said += [_plural(s.renewals[k], "renewal")] if s.renewals[k] else []
        said += [_plural(s.purchase_days[k], "purchase day")] if s.purchase_days[k] > 1 else []
    if rung >= SATISFIED:
        said += _survey(s.nps[k], s.satisfaction[k]) or ["health green"]
        said.append("no complaint")
    if rung >= ENGAGED:
        said += _engaged(s.answered[k], s.surveyed[k], s.visits[k])
    return "; ".join(said) if said else "a customer"


def _person_reason(s: PersonSignals, k: int, rung: int, company: int) -> str:
    if rung < 0:
        return "no touch sent yet"
    said: list[str] = []
    if rung >= ADVOCATE:
        said += [_plural(s.referrals[k], "referral")] if s.referrals[k] else []
    if rung >= LOYAL:
        said.append(f"answers in {_plural(s.months[k], 'month')}, company {RUNGS[company]}")
    if rung >= SATISFIED:
        said += _survey(s.nps[k], s.satisfaction[k]) or [f"company {RUNGS[company]}"]
        said.append("no complaint")
    if rung >= ENGAGED:
        said += _engaged(s.answered[k], s.surveyed[k])
    if said:
        return "; ".join(said)
    if s.touched[k]:
        return _plural(s.touched[k], "touch", "touches") + " sent"
    return _plural(s.referrals[k], "referral")

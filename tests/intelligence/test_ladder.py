"""The loyalty ladder's rules by hand, and from the store on DuckDB and PostgreSQL."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np

from carecycle.intelligence.health import HealthPolicy
from carecycle.intelligence.ladder import (
    RUNGS,
    CompanySignals,
    PersonSignals,
    company_rungs,
    person_rungs,
)
from carecycle.services.ladder import read_ladders
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import account, cli_env, order
from tests.intelligence.test_store_health import answer, case, deal, event, touch
from tests.services.planning_world import contact, load

NAN = np.nan


def column(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float)


def companies() -> CompanySignals:
    # a0 nothing; a1 on the site; a2 answered, health green; a3 asked (NPS 8), renewed;
    # a4 satisfied 5, bought on 3 days, referred; a5 referred but never engaged; a6
    # complained; a7 a detractor whose health is green; a8 a promoter who bought once.
    return CompanySignals(
        accounts=[f"a{k}" for k in range(9)],
        answered=column([0, 0, 1, 0, 2, 0, 1, 1, 1]),
        surveyed=column([0, 0, 0, 1, 1, 0, 0, 1, 1]),
        visits=column([0, 2, 0, 0, 0, 0, 0, 0, 0]),
        complaints=column([0, 0, 0, 0, 0, 0, 1, 0, 0]),
        nps=column([NAN, NAN, NAN, 8, NAN, NAN, NAN, 5, 9.5]),
        satisfaction=column([NAN, NAN, NAN, NAN, 5, NAN, NAN, NAN, NAN]),
        healthy=np.array([1, 0, 1, 0, 0, 1, 1, 1, 0], dtype=bool),
        renewals=column([0, 0, 0, 1, 0, 0, 0, 0, 0]),
        purchase_days=column([0, 0, 0, 0, 3, 0, 0, 0, 1]),
        referrals=column([0, 0, 0, 0, 1, 1, 0, 0, 0]),
    )


def test_a_company_climbs_rung_by_rung() -> None:
    found = company_rungs(companies())
    assert [RUNGS[r] for r in found.rungs] == [
        "aware", "engaged", "satisfied", "loyal", "advocate", "aware", "engaged", "engaged",
        "satisfied",
    ]  # fmt: skip
    assert found.reasons[0] == "a customer"
    assert found.next_needs[0] == "an answer to a touch or survey, or a site visit"
    assert found.reasons[2] == "health green; no complaint; 1 touch answered"
    assert found.reasons[4] == (
        "1 referral; 3 purchase days; satisfaction 5.0 of 5; no complaint; 2 touches answered; "
        "1 survey answer"
    )
    assert found.next_needs[4] == ""
    assert found.next_needs[8] == "a renewal or a second purchase day"
    assert found.counts() == {"aware": 2, "engaged": 3, "satisfied": 2, "loyal": 1,
                              "advocate": 1}  # fmt: skip


def test_a_person_climbs_with_their_company() -> None:
    ladder = company_rungs(companies())
    people = PersonSignals(
        contacts=[f"p{k}" for k in range(7)],
        company=np.array([0, 0, 2, 3, 4, 1, 0]),
        touched=column([0, 2, 1, 1, 1, 1, 0]),
        answered=column([0, 0, 1, 1, 2, 1, 0]),
        surveyed=column([0, 0, 0, 1, 1, 1, 0]),
        months=column([0, 0, 1, 2, 3, 3, 0]),
        complaints=column([0, 0, 0, 0, 0, 0, 0]),
        nps=column([NAN, NAN, NAN, NAN, 10, NAN, NAN]),
        satisfaction=column([NAN, NAN, NAN, 4, NAN, 5, NAN]),
        referrals=column([0, 0, 0, 0, 0, 0, 1]),
    )
    found = person_rungs(people, ladder)
    # p2 is satisfied through its satisfied company; p5 answered well in three months but
    # its company is only engaged, so it is not loyal; p6 only referred.
    assert found.rungs.tolist() == [-1, 0, 2, 3, 4, 2, 0]
    assert (found.reasons[0], found.next_needs[0]) == ("no touch sent yet", "a touch sent")
    assert found.reasons[1] == "2 touches sent"
    assert found.reasons[2] == "company satisfied; no complaint; 1 touch answered"
    assert found.reasons[3].startswith("answers in 2 months, company loyal; satisfaction 4.0")
    assert found.reasons[4].startswith("answers in 3 months, company advocate; NPS 10.0")
    assert found.next_needs[5] == "answers in 2 months or more, and a loyal company"
    assert found.reasons[6] == "1 referral"


AS_OF = date(2026, 6, 30)


def world(store: Store) -> None:
    """K1 (with K9 merged into it) answers, is asked and refers; K2 only visits the site;
    K3 complained. Q1's contacts answer; Q9 was merged into Q1."""
    load(
        store,
        accounts=[account("K1"), account("K2"), account("K3"), account("K9", "K1")],
        contacts=[
            contact("Q1", "K1"),
            contact("Q2", "K1"),
            contact("Q3", "K2"),
            contact("Q4", "K3"),
            contact("Q9", "K1", merged_into="Q1"),
            contact("Q5", "K1", created_on=date(2026, 7, 1)),  # after the day
        ],
        orders=[
            order("O1", "K1", "2026-02-01"),
            order("O2", "K9", "2026-03-01"),
            order("O3", "K2", "2025-01-01"),
            order("O4", "K3", "2026-05-01"),
        ],
        agreements=[
            deal("G1", "K3", "2024-01-01", "2024-12-31"),
            deal("G2", "K3", "2025-01-01", "2027-12-31", renewed_from="G1"),
        ],
        touches=[
            touch("t1", "K1", "2026-02-01") | {"contact_id": "Q1"},
            touch("t2", "K1", "2026-04-01") | {"contact_id": "Q9"},
            touch("t3", "K1", "2026-04-01") | {"contact_id": "Q2"},
            touch("t4", "K3", "2026-04-01") | {"contact_id": "Q4"},
        ],
        touch_events=[
            event("t1", "opened", "2026-02-02"),
            event("t2", "reached", "2026-04-02"),
            event("t4", "clicked", "2026-04-03"),
            event("t3", "opened", "2026-07-01"),  # after the day
        ],
        survey_responses=[
            answer("r1", "K1", "nps", "10", "2026-04-02") | {"contact_id": "Q9"},
            answer("r2", "K1", "recommend", "6", "2025-01-01"),
        ],
        web_visits=[
            {
                "account_id": "K2",
                "visited_on": date(2026, 5, d),
                "page_views": 3,
                "unique_visitors": 1,
            }
            for d in (1, 2)
        ],
        support_cases=[
            case("c1", "K3", "complaint", "low", "2026-06-01", "2026-06-02") | {"contact_id": "Q4"}
        ],
        referrals=[
            {
                "referral_id": "F1",
                "referrer_account_id": "K9",
                "referrer_contact_id": "Q1",
                "referred_company": "New Co",
                "referred_on": date(2026, 6, 1),
                "status": "qualified",
            },
            {
                "referral_id": "F2",
                "referrer_account_id": "K2",
                "referred_company": "X",
                "referred_on": date(2026, 6, 1),
                "status": "rejected",
            },
        ],
    )


def test_the_store_places_companies_and_people(store: Store) -> None:
    world(store)
    found = read_ladders(store, as_of=AS_OF, days=365, health=HealthPolicy())
    company = dict(zip(found.companies.ids, found.companies.rungs.tolist(), strict=True))
    # K1: answered (t1, t2), asked NPS 10 (through Q9), bought on two days (K9's too),
    # referred (K9's referral): an advocate. K2 visited twice; its referral was rejected.
    # K3 renewed and answered but complained: engaged.
    assert {a: RUNGS[r] for a, r in company.items()} == {
        "K1": "advocate", "K2": "engaged", "K3": "engaged",
    }  # fmt: skip
    k1 = found.companies.ids.index("K1")
    assert found.companies.reasons[k1] == (
        "1 referral; 2 purchase days; NPS 10.0; no complaint; 2 touches answered; 1 survey answer"
    )
    # Q1 (with Q9's answers and referral) answered in February and April, NPS 10, its
    # company an advocate: an advocate too. Q2 was sent t3 and answered only after the day.
    # Q3 has no touch. Q4 answered but complained. Q5 came after the day.
    person = dict(zip(found.people.ids, found.people.rungs.tolist(), strict=True))
    assert person == {"Q1": 4, "Q2": 0, "Q3": -1, "Q4": 1}
    assert found.people_accounts == ["K1", "K1", "K2", "K3"]
    assert found.counts()["person"] == {"aware": 1, "engaged": 1, "satisfied": 0, "loyal": 0,
                                        "advocate": 1}  # fmt: skip
    # A window of 90 days leaves only Q1's April answers: one month, no longer loyal.
    later = read_ladders(store, as_of=AS_OF, days=90, health=HealthPolicy())
    assert later.people.rungs.tolist()[0] == 2


def test_the_command_counts_and_writes_the_ladders(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    written = tmp_path / "ladder.csv"
    command = [sys.executable, "-m", "carecycle", "ladder", "--as-of", "2026-06-30"]
    done = subprocess.run([*command, "--json", "--out", str(written)], capture_output=True,
                          text=True, env=env, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert counts["company"]["advocate"] == 1
    assert counts["person"]["engaged"] == 1
    with written.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["level"], r["id"], r["rung"]) for r in rows] == [
        ("company", "K1", "advocate"), ("company", "K2", "engaged"),
        ("company", "K3", "engaged"), ("person", "Q1", "advocate"), ("person", "Q2", "aware"),
        ("person", "Q3", ""), ("person", "Q4", "engaged"),
    ]  # fmt: skip
    bad = subprocess.run([*command, "--days", "0"], capture_output=True, text=True, env=env,
                         cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: --days must be 1 or more"

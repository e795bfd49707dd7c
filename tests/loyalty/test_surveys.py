"""Surveys as data, answered through a touch's signed link once, read back per question
and as a net promoter score; and the loyalty JSON API the customer portal uses. On
DuckDB and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from carecycle.bootstrap import Runtime
from carecycle.channels.links import portal_token
from carecycle.channels.scripts import AnswerError
from carecycle.config import load_settings
from carecycle.errors import InputError
from carecycle.loyalty.rules import builtin_rule_sets
from carecycle.loyalty.survey import all_surveys, net_promoter
from carecycle.services import points, rewards
from carecycle.services.links import LinkError
from carecycle.services.relationships import read_relationships
from carecycle.services.surveys import (
    AlreadyAnsweredError,
    answer_survey,
    open_survey,
    survey_link,
    survey_results,
)
from carecycle.services.tiers import review_tiers
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.web.app import create_app
from tests.intelligence.test_store_clv import cli_env
from tests.intelligence.test_store_health import touch
from tests.loyalty.commands import carecycle_command, loyalty_command
from tests.loyalty.test_award import award, paid
from tests.loyalty.test_tiers import NOON
from tests.services.planning_world import load

SECRET = b"s" * 32
NOW = datetime(2026, 5, 1, 10, 0)
PLAN = builtin_rule_sets()[0]


def test_the_net_promoter_score_and_its_interval_by_hand() -> None:
    found = net_promoter(np.array([10, 9, 8, 7, 6, 0, 10, 3, 9, 5]))
    assert (found.promoters, found.passives, found.detractors) == (4, 2, 4)
    assert found.score == 0
    # (p + d − (p − d)²) / n = (0.4 + 0.4 − 0) / 10; half width 1.959964 × 100 × √0.08 / √10.
    half = 1.959963984540054 * 100 * (0.08**0.5)
    assert (found.low, found.high) == (pytest.approx(-half), pytest.approx(half))
    everyone = net_promoter(np.array([9, 10, 10]))
    assert (everyone.score, everyone.low, everyone.high) == (100, 100, 100)
    assert net_promoter(np.array([])).score is None
    with pytest.raises(InputError, match="from 0 to 10"):
        net_promoter(np.array([11]))


def test_surveys_are_data_and_call_scripts_that_ask_are_surveys() -> None:
    found = all_surveys()
    assert {"surveys/nps", "surveys/csat", "scripts/welcome-satisfaction-survey"} <= set(found)
    assert len(found["scripts/core-io-profiling-9q"].questions) == 9
    assert found["surveys/nps"].questions[0].id == "nps"


def world(store: Store) -> None:
    load(
        store,
        accounts=[{"account_id": "A", "name": "Alpha", "language": "en"}],
        contacts=[{"contact_id": "k1", "account_id": "A", "name": "Li", "language": "zh"},
                  {"contact_id": "k2", "account_id": "A", "name": "Wang"}],
        touches=[touch("T1", "A", "2026-04-01") | {"contact_id": "k1", "content": "surveys/nps"},
                 touch("T2", "A", "2026-04-01") | {"contact_id": "k2", "content": "surveys/nps"},
                 touch("T3", "A", "2026-04-01") | {"contact_id": "k2", "content": "welcome/x"},
                 touch("T4", "A", "2026-04-01") | {"contact_id": "k2",
                                                   "content": "advocacy/nps-survey"}],
    )  # fmt: skip


def token_of(link: str) -> str:
    return unquote(link.rsplit("/", 1)[1])


def test_a_contact_answers_their_touchs_survey_once(store: Store) -> None:
    world(store)
    link = survey_link(store, "https://care.example.com", SECRET, "T1")
    assert link.startswith("https://care.example.com/api/surveys/")
    token = token_of(link)
    opened = open_survey(store, SECRET, token)
    assert (opened.contact_id, opened.language, opened.answered_at) == ("k1", "zh", None)
    assert opened.as_dict()["questions"][0]["text"].startswith("您向其他公司推荐")
    with pytest.raises(AnswerError, match="nps"):
        answer_survey(store, SECRET, token, {"nps": "11"}, now=NOW)
    with pytest.raises(AnswerError, match="nps: required question not answered"):
        answer_survey(store, SECRET, token, {"reason": "fine"}, now=NOW)
    done = answer_survey(store, SECRET, token, {"nps": "9", "reason": "Fast support"}, now=NOW)
    assert done.answered_at == NOW
    with pytest.raises(AlreadyAnsweredError, match="answered on 2026-05-01"):
        answer_survey(store, SECRET, token, {"nps": "3"}, now=NOW)
    r, e = schema.survey_responses, schema.touch_events
    with store.begin() as conn:
        answers = conn.execute(sa.select(r.c.question_id, r.c.answer, r.c.contact_id)).all()
        statuses = conn.execute(sa.select(e.c.status).where(e.c.touch_uid == "T1")).scalars()
        assert "completed" in set(statuses)
    assert sorted(answers) == [("nps", "9", "k1"), ("reason", "Fast support", "k1")]
    with pytest.raises(LinkError, match="not valid"):
        open_survey(store, SECRET, token[:-2] + "xx")
    with pytest.raises(InputError, match="no survey for touch content 'welcome/x'"):
        survey_link(store, "https://care.example.com", SECRET, "T3")
    # The NPS email of the subscription lifecycle carries surveys/nps.
    nps_email = open_survey(store, SECRET, token_of(survey_link(store, "https://x", SECRET, "T4")))
    assert nps_email.survey.id == "surveys/nps"
    with pytest.raises(AnswerError, match="control characters"):
        answer_survey(store, SECRET, token_of(survey_link(store, "https://x", SECRET, "T4")),
                      {"nps": "9", "reason": "a\x00b"}, now=NOW)  # fmt: skip
    # Answered through its link, a survey counts once among the exchanges.
    order, line = paid("o1", "A", None, "2026-01-05", 100)
    load(store, orders=[order], order_lines=[line])
    found = read_relationships(store, as_of=date(2026, 5, 31), days=365)
    assert found.scores["communication"].tolist() == [1.0]


def test_answers_at_once_count_once(store: Store) -> None:
    if store.is_duckdb:
        pytest.skip("DuckDB serves one request at a time (the web app holds its lock)")
    world(store)
    token = token_of(survey_link(store, "https://x", SECRET, "T1"))
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def answer() -> None:
        barrier.wait()
        try:
            answer_survey(store, SECRET, token, {"nps": "7"}, now=NOW)
            outcomes.append("ok")
        except AlreadyAnsweredError:
            outcomes.append("again")

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["again"] * 3 + ["ok"]


def test_results_give_each_question_and_the_net_promoter_score(store: Store) -> None:
    world(store)
    for uid, score in (("T1", "10"), ("T2", "4")):
        token = token_of(survey_link(store, "https://x", SECRET, uid))
        answer_survey(store, SECRET, token, {"nps": score}, now=NOW)
    found = survey_results(store, "surveys/nps", as_of=date(2026, 5, 31), days=31)
    assert found.respondents == 2
    assert [(q.question_id, q.answers, q.mean) for q in found.questions] == [("nps", 2, 7.0)]
    assert found.nps is not None
    assert (found.nps.promoters, found.nps.detractors, found.nps.score) == (1, 1, 0)
    # The answers feed the points: each survey answered earns the plan's 2.
    report = award(store, PLAN, as_of=date(2026, 5, 31))
    assert {r.rule: r.points for r in report.rules}["survey-answered"] == 4


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Iterator[TestClient]:
    world(store)
    points.earn(store, account_id="A", points=100, rule="test", source_key="a1",
                occurred_at=datetime(2026, 4, 1), expires_at=None)  # fmt: skip
    rewards.load_catalogue(store, rewards.read_catalogue("sample"), now=NOW)
    review_tiers(store, PLAN.tiers, now=NOON, as_of=date(2026, 4, 30))  # type: ignore[arg-type]
    settings = load_settings(outbox_dir=tmp_path / "out", link_secret=SECRET.decode(),
                             api_token="team-secret")  # fmt: skip
    with TestClient(create_app(Runtime(settings=settings, store=store), clock=lambda: NOW)) as c:
        yield c


def test_the_api_serves_surveys_and_the_customer_portal(api: TestClient, store: Store) -> None:
    token = token_of(survey_link(store, "https://x", SECRET, "T2"))
    shown = api.get(f"/api/surveys/{token}").json()
    assert (shown["survey_id"], shown["questions"][0]["maximum"]) == ("surveys/nps", 10.0)
    assert api.post(f"/api/surveys/{token}", json={"answers": {"nps": 8}}).status_code == 200
    again = api.post(f"/api/surveys/{token}", json={"answers": {"nps": 8}})
    assert again.status_code == 409
    assert "answered on" in again.json()["error"]
    assert api.get(f"/api/surveys/{token[:-3]}abc").status_code == 403
    bad = api.post(f"/api/surveys/{token}", json={"answers": "nine"})
    assert bad.status_code == 422
    portal = portal_token(SECRET, "k2")
    mine = api.get(f"/api/portal/{portal}").json()
    assert (mine["balance"], mine["tier"]["tier"]["id"]) == (100, "platinum")
    assert {r["reward_id"] for r in mine["rewards"]} >= {"tech-book", "health-check"}
    made = api.post(f"/api/portal/{portal}/redemptions",
                    json={"reward_id": "health-check", "key": "k2-1"})  # fmt: skip
    assert (made.status_code, made.json()["points"]) == (200, 80)
    short = api.post(f"/api/portal/{portal}/redemptions",
                     json={"reward_id": "renewal-discount", "key": "k2-2"})  # fmt: skip
    assert short.status_code == 400
    assert "150 points asked for, 20 held" in short.json()["error"]
    rid = made.json()["redemption_id"]
    assert api.get("/api/loyalty/redemptions").status_code == 401  # the team's API needs a token
    api.headers["Authorization"] = "Bearer team-secret"
    moved = api.post(f"/api/loyalty/redemptions/{rid}/cancel", json={"actor": "Li"})
    assert (moved.json()["status"], moved.json()["returned"]) == ("cancelled", 80)
    assert api.get("/api/loyalty/accounts/A").json()["balance"] == 100
    assert api.get("/api/loyalty/accounts/NOPE").status_code == 404
    assert api.post(f"/api/portal/{portal}/redemptions",
                    json={"reward_id": "tech\u0000", "key": "x"}).status_code == 422  # fmt: skip
    assert (
        api.post(f"/api/loyalty/redemptions/{rid}/approve", json={"actor": "Li"}).status_code == 400
    )
    assert (
        api.get("/api/loyalty/redemptions", params={"account": "A"}).json()[0]["status"]
        == "cancelled"
    )


def test_the_survey_commands(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    assert "/api/portal/" in loyalty_command(env, tmp_path)("portal", "k1")
    surveys = carecycle_command(env, tmp_path, "surveys")
    assert "surveys/csat" in json.loads(surveys("list", "--json"))
    link = surveys("link", "T1").strip()
    answered = json.loads(surveys("answer", token_of(link), "--answer", "nps=10", "--json"))
    assert answered["answered_at"] is not None
    results = json.loads(surveys("results", "surveys/nps", "--json"))
    assert results["nps"]["score"] == 100

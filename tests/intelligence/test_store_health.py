"""Health from the store's records, its trend, and its check against renewals, on DuckDB
and PostgreSQL."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.intelligence.health import HealthPolicy, score_components
from carecycle.services.health import check_health, read_health, read_signals
from carecycle.services.imports import files_in, import_files
from carecycle.store.db import Store
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from tests.intelligence.test_store_clv import account, cli_env, order
from tests.services.planning_world import agreement, load

AS_OF = date(2026, 6, 30)
POLICY = HealthPolicy()


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour)


def usage(aid: str, pid: str, day: str, seats: int, active: int | None) -> dict[str, object]:
    return {"account_id": aid, "product_id": pid, "measured_on": date.fromisoformat(day),
            "seats": seats, "active_users": active}  # fmt: skip


def case(cid: str, aid: str, kind: str, severity: str, opened: str, resolved: str | None):  # type: ignore[no-untyped-def]
    return {"case_id": cid, "account_id": aid, "kind": kind, "severity": severity,
            "opened_at": at(opened), "resolved_at": resolved and at(resolved)}  # fmt: skip


def answer(rid: str, aid: str, question: str, text: str, day: str) -> dict[str, object]:
    return {"response_id": rid, "survey_id": "s", "account_id": aid, "question_id": question,
            "answer": text, "answered_at": at(day)}  # fmt: skip


def touch(uid: str, aid: str, sent: str | None) -> dict[str, object]:
    day = date(2026, 1, 1)
    return {"touch_uid": uid, "program_id": "care", "touch_id": uid, "account_id": aid,
            "cycle": "c", "program_revision": 1, "stage_id": "use", "channel": "edm",
            "content": "c", "priority": 1, "due_on": day, "planned_on": day,
            "expires_on": day, "status": "sent", "created_on": day, "updated_on": day,
            "sent_at": sent and at(sent, 9)}  # fmt: skip


def event(uid: str, status: str, day: str) -> dict[str, object]:
    return {"event_id": f"{uid}-{status}-{day}", "touch_uid": uid, "status": status,
            "occurred_at": at(day, 11)}  # fmt: skip


def deal(gid: str, aid: str, start: str, end: str, **more: object) -> dict[str, object]:
    found = agreement(gid, aid, "select", date.fromisoformat(start), date.fromisoformat(end),
                      sa=True)  # fmt: skip
    return found | more


def world(store: Store) -> None:
    """H1 is healthy, S1 (with M1, merged into it) is not, L1 lapsed a year ago; P1 has
    bought nothing and has no agreement, so it is no customer."""
    load(
        store,
        accounts=[account("H1"), account("S1"), account("M1", "S1"), account("L1"), account("P1")],
        usage_snapshots=[
            usage("H1", "X", "2025-12-01", 10, 0),  # before the window
            usage("H1", "X", "2026-02-01", 10, 8),
            usage("H1", "X", "2026-05-01", 10, None),  # not measured: left out
            usage("H1", "X", "2026-06-01", 10, 7),
            usage("H1", "Y", "2026-06-01", 10, 9),
            usage("H1", "X", "2026-07-01", 10, 1),  # after the day
            usage("S1", "X", "2026-03-31", 50, 30),
            usage("S1", "X", "2026-04-30", 50, 25),
            usage("S1", "X", "2026-05-31", 40, 10),
            usage("M1", "Y", "2026-05-31", 10, 5),
        ],
        support_cases=[
            case("c1", "S1", "issue", "low", "2026-03-01", "2026-03-02"),
            case("c2", "M1", "complaint", "medium", "2026-05-01", "2026-05-03"),
            case("c3", "S1", "issue", "high", "2025-11-01", None),  # open, before the window
            case("c4", "S1", "issue", "critical", "2026-06-20", "2026-07-05"),  # open then
            case("c5", "S1", "complaint", "low", "2026-07-02", None),  # after the day
        ],
        survey_responses=[
            answer("r1", "H1", "nps", "9", "2026-03-01"),
            answer("r2", "H1", "recommend", "10", "2026-05-01"),
            answer("r3", "H1", "nps", "great", "2026-05-02"),  # not a number
            answer("r4", "H1", "nps", "0", "2025-12-01"),  # before the window
            answer("r5", "H1", "overall_satisfaction", "5", "2026-04-01"),
            answer("r6", "S1", "overall_satisfaction", "2", "2026-04-01"),
            answer("r7", "S1", "nps", "11", "2026-04-01"),  # out of range
            answer("r8", "P1", "nps", "10", "2026-04-01"),  # no customer
        ],
        touches=[
            touch("t1", "H1", "2026-02-01"),
            touch("t2", "H1", "2026-03-01"),
            touch("t3", "H1", "2026-04-01"),
            touch("t4", "H1", "2025-11-01"),
            touch("t5", "S1", None),
        ],
        touch_events=[
            event("t1", "opened", "2026-02-02"),
            event("t1", "clicked", "2026-02-02"),
            event("t2", "delivered", "2026-03-01"),
            event("t3", "clicked", "2026-07-02"),  # answered after the day
            event("t4", "opened", "2025-11-02"),
        ],
        agreements=[
            deal("G1", "H1", "2023-07-01", "2024-06-30"),
            deal("G2", "H1", "2024-07-01", "2025-06-30", renewed_from="G1"),
            deal("G3", "H1", "2025-07-01", "2027-06-30", renewed_from="G2"),
            deal("G4", "S1", "2024-01-01", "2025-12-31"),  # lapsed
            deal("G5", "S1", "2025-01-01", "2026-06-15"),  # ended 15 days ago: not known
            deal("G6", "S1", "2025-06-01", "2027-05-31", cancelled_on=date(2026, 3, 1)),
            deal("G7", "M1", "2024-03-01", "2025-02-28"),
            deal("G8", "M1", "2025-03-01", "2028-02-28", renewed_from="G7"),
            deal("G9", "S1", "2020-01-01", "2022-12-31"),  # ended too long ago
            deal("G10", "L1", "2024-06-01", "2025-05-31"),
            deal("G11", "H1", "2025-03-01", "2026-02-28"),
            deal("G12", "H1", "2026-03-01", "2027-02-28", renewed_from="G11"),
            deal("G13", "S1", "2025-02-15", "2026-02-14"),
            deal("G14", "H1", "2026-04-01", "2027-03-31"),  # the store's last start
        ],
        orders=[
            order("O1", "S1", "2026-02-01", status="refunded"),
            order("O2", "S1", "2025-11-01", status="cancelled"),  # before the window
            order("O3", "H1", "2026-01-10"),
        ],
    )


def test_signals_read_the_window_up_to_the_day(store: Store) -> None:
    world(store)
    found = read_signals(store, as_of=AS_OF, days=180)
    assert found.accounts == ["H1", "L1", "S1"]

    def of(name: str) -> list[float]:
        return getattr(found, name).tolist()  # type: ignore[no-any-return]

    # H1's latest day sums its products: 16 of 20 seats; 8 of 10 in February: no trend.
    assert of("seats") == [20, 0, 50]
    assert of("used")[0] == pytest.approx(0.8)
    assert of("used")[2] == pytest.approx(0.3)  # S1 and M1 on their latest day: 15 of 50
    assert np.isnan(of("used")[1])
    assert of("trend")[0] == pytest.approx(0.0, abs=1e-12)
    months = [(date.fromisoformat(d) - AS_OF).days / (365.25 / 12)
              for d in ("2026-03-31", "2026-04-30", "2026-05-31")]  # fmt: skip
    assert of("trend")[2] == pytest.approx(np.polyfit(months, [0.6, 0.5, 0.3], 1)[0])
    # S1: c1 and c4 are issues of the window, c2 (M1's) a complaint; c3 and c4 are
    # serious and open on the day.
    assert (of("issues"), of("complaints"), of("open_serious")) == (
        [0, 0, 2], [0, 0, 1], [0, 0, 2],
    )  # fmt: skip
    assert of("nps")[0] == pytest.approx(9.5)
    assert np.isnan(of("nps")[2])
    assert of("satisfaction")[0] == 5
    assert of("satisfaction")[2] == 2
    # H1's t1 answered (opened), t2 only delivered, t3 answered after the day; t4 was
    # sent before the window.
    assert (of("sent"), of("answered")) == ([3, 0, 0], [1, 0, 0])
    # H1: G1, G2 and G11 ended and renewed. S1: G4 and G13 lapsed, G6 cancelled, M1's
    # G7 renewed; G5 ended in the grace, G9 too long ago. L1: G10 lapsed.
    assert (of("ended"), of("renewed")) == ([3, 1, 4], [3, 0, 1])
    assert of("refunds") == [0, 0, 1]


def test_health_compares_with_an_earlier_day_and_explains(store: Store) -> None:
    world(store)
    found = read_health(store, as_of=AS_OF, compare_days=90, policy=POLICY)
    parts = score_components(found.signals)
    k = found.now.accounts.index("S1")
    # S1: usage 0.3 / 0.8 → 37.5; falling fast → 0; support 100 - 2·10 - 25 - 2·15 = 25;
    # satisfaction 2 → 25; renewed 1 of 4 → 25, less 25 for the refund → 0.
    assert {c: parts[c][k] for c in ("usage", "usage_trend", "support", "survey", "renewal")} \
        == pytest.approx({"usage": 37.5, "usage_trend": 0, "support": 25, "survey": 25,
                          "renewal": 0})  # fmt: skip
    assert found.now.health[k] == pytest.approx((0.3 * 37.5 + 0.15 * 25 + 0.1 * 25) / 0.9)
    assert found.now.bands[k] == "red"
    # Renewal costs 0.20 · 100, usage 0.30 · 62.5, the trend 0.15 · 100, support
    # 0.15 · 75, the survey 0.10 · 75.
    assert found.explain(k) == (
        "renewed 1 of 4 ended agreements, 1 order refunded or cancelled; 30% of 50 seats in "
        "use; usage falling 15.0 points of seats a month; 1 complaint and 2 issues in the "
        "window, 2 serious still open; satisfaction 2.0 of 5"
    )
    assert found.now.bands[found.now.accounts.index("H1")] == "green"
    # On 2026-04-01 S1 had 60 % of its seats in use and fewer cases: it has fallen since.
    assert found.compared_on == date(2026, 4, 1)
    assert found.change()[k] < -20
    # L1 is known only by its lapse (no case is no evidence): too little to score.
    assert np.isnan(found.now.health[found.now.accounts.index("L1")])
    assert found.explain(found.now.accounts.index("L1")) == (
        "too little known to score: renewal only"
    )
    counts = found.counts()
    assert counts["now"] == {"green": 1, "amber": 0, "red": 1, "unscored": 1}
    # On 2026-04-01 H1 was green (97.3) and S1 amber (46.3).
    assert counts["before"] == {"green": 1, "amber": 1, "red": 0, "unscored": 1}


def test_the_check_reads_the_renewals_after_the_day(store: Store) -> None:
    world(store)
    # Ending after 2026-01-31 within 28 days: H1's G11 (renewed) and S1's G13 (lapsed).
    found = check_health(store, as_of=date(2026, 1, 31), window_days=28, policy=POLICY)
    assert (found.agreements, found.renewed, found.unscored) == (2, 1, 0)
    # On that day H1 used none of its seats (December's snapshot), answered NPS 0, has no
    # case and renewed G1 and G2: (0.30·0 + 0.15·100 + 0.10·0 + 0.20·100) / 0.75 = 46.7.
    # S1 has c3 open (an issue, serious: 75) and renewed G7 but not G4: 50. Its cancelled
    # O2 is left out (an order's status has no date): (0.15·75 + 0.20·50) / 0.35 = 60.7.
    # The renewed one scored lower: an AUC of 0.
    assert found.auc == 0.0
    assert [(r.label, r.agreements, r.renewed) for r in found.by_band if r.agreements] == [
        ("amber", 2, 1),
    ]  # fmt: skip
    assert found.by_band[1].mean_health == pytest.approx((35 / 0.75 + 21.25 / 0.35) / 2)
    assert found.component_auc["renewal"] == 1.0  # H1 renewed all, S1 half
    assert found.component_auc["usage"] is None  # S1 had no usage snapshot
    assert sum(r.agreements for r in found.by_score) == 2
    # The last agreement starts on 2026-04-01: a window must end 30 days (the grace in
    # which a renewal may come) before it.
    with pytest.raises(InputError, match=r"start up to 2026-04-01.*on or before 2026-01-30"):
        check_health(store, as_of=date(2026, 1, 31), window_days=31, policy=POLICY)
    with pytest.raises(InputError, match="no agreement ends between"):
        check_health(store, as_of=date(2025, 8, 1), window_days=30, policy=POLICY)


def test_the_commands_show_and_check_health(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    base = [sys.executable, "-m", "carecycle", "health"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path)  # fmt: skip

    written = tmp_path / "health.csv"
    shown = run("show", "--as-of", "2026-06-30", "--account", "S1", "--json", "--out",
                str(written))  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    found = json.loads(shown.stdout)
    assert [a["account_id"] for a in found["accounts"]] == ["S1"]
    assert found["accounts"][0]["band"] == "red"
    assert found["accounts"][0]["components"]["engagement"] is None
    with written.open() as handle:
        rows = {row["account_id"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == ["H1", "L1", "S1"]
    assert rows["S1"]["engagement"] == ""
    assert rows["S1"]["band"] == "red"
    text = run("show", "--as-of", "2026-06-30", "--top", "1")
    assert text.returncode == 0, text.stderr
    assert "S1" in text.stdout
    assert "H1" not in text.stdout
    unknown = run("show", "--as-of", "2026-06-30", "--account", "P1")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "error: --account P1: not a customer on 2026-06-30 (no agreement or booked order by "
        "then, or merged into another account)"
    )
    checked = run("check", "--as-of", "2026-01-31", "--window", "28", "--json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["auc"] == 0.0
    far = run("show", "--as-of", "2026-06-30", "--days", "1000000")
    assert far.returncode == 1
    assert far.stderr.strip() == (
        "error: --days: 999,999 days from 2026-06-30 is outside the calendar"
    )
    late = run("check", "--as-of", "2026-01-31", "--window", "60")
    assert late.returncode == 1
    assert "renewals of agreements ending up to" in late.stderr
    assert "Traceback" not in late.stderr


@pytest.fixture(scope="module")
def synthetic(module_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("world")
    write_world(generate_world(accounts=5000, seed=3, as_of=AS_OF), folder)
    import_files(module_store, files_in(folder), default_region="CN", now=datetime(2026, 7, 1))
    return module_store


def test_health_foretells_renewal_in_the_synthetic_business(synthetic: Store) -> None:
    # The world's accounts use their seats, open cases and renew by one hidden engagement:
    # health scored 120 days before the world's day must rank renewals above lapses (the
    # window ends the 30 days of grace for a renewal before the world's last day).
    day = AS_OF - timedelta(days=120)
    found = check_health(synthetic, as_of=day, window_days=90, policy=POLICY)
    assert found.agreements > 100
    # Well above chance: two standard errors of the AUC of a score that knows nothing.
    n1, n0 = found.renewed, found.agreements - found.renewed
    assert found.auc > 0.5 + 2 * math.sqrt((n1 + n0 + 1) / (12 * n1 * n0))
    rate = {row.label: row.rate for row in found.by_band}
    assert rate["green"] > rate["red"]
    usage_only = HealthPolicy(weights={"usage": 1.0})
    alone = check_health(synthetic, as_of=day, window_days=90, policy=usage_only)
    assert alone.auc == pytest.approx(found.component_auc["usage"])

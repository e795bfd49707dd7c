"""Handing planned touches to the channels, on DuckDB and PostgreSQL, with a real SMTP server."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from carecycle.channels.links import LinkClaim, sign_claim, verify_token
from carecycle.engine.arbitration import reachable_contacts
from carecycle.errors import InputError
from carecycle.services.calls import CallReport, call_queue, record_call, record_outcome
from carecycle.services.links import follow_link
from carecycle.services.outbox import Claim, claim, reconcile
from carecycle.services.outcome_files import import_outcomes, touch_history
from carecycle.services.outcomes import Outcome
from carecycle.services.planning import plan_program
from carecycle.services.sending import send_due
from carecycle.store import schema
from carecycle.store.db import Store
from tests.services.channel_world import DAY, kit_for, planned_world
from tests.services.planning_world import milestones_follow_events, touches
from tests.smtp_server import Mailbox

NOW = datetime(2026, 3, 3, 9, 0)
TOKEN = re.compile(r"/(?:t/c|t/o|u)/([A-Za-z0-9_\-.%]+)")


def one(store: Store, touch_id: str, account_id: str) -> dict[str, Any]:
    found = touches(store, touch_id=touch_id, account_id=account_id)
    assert len(found) == 1, found
    return found[0]


def rows(store: Store, table: sa.Table) -> list[dict[str, Any]]:
    with store.begin() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(table))]


def smtp_kit(store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]) -> Any:
    return kit_for(store, tmp_path, smtp_port=smtp[1], public_url="http://care.test")


# --- email -------------------------------------------------------------------------------


def test_emails_reach_the_smtp_server_once_in_each_contacts_language(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    result = send_due(store, kit, "edm", DAY, now=NOW)
    mailbox = smtp[0]
    assert (result.sent, result.failed) == (2, 0)
    english, chinese = mailbox.to("c1@example.cn"), mailbox.to("c2@example.cn")
    assert len(english) == len(chinese) == 1
    assert chinese[0].message["Content-Language"] == "zh-CN"
    assert re.search(r"[\u4e00-\u9fff]", chinese[0].message["Subject"])
    assert not re.search(r"[\u4e00-\u9fff]", english[0].message["Subject"])
    briefing = one(store, "briefing", "A1")
    assert briefing["status"] == "sent"
    assert english[0].message["Message-ID"] == f"<{briefing['touch_uid']}@example.com>"
    again = send_due(store, kit, "edm", DAY, now=NOW + timedelta(hours=1))
    assert again.sent == 0
    assert len(mailbox.messages) == 2


def test_every_link_in_an_email_is_signed_for_its_touch_and_contact(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    send_due(store, kit, "edm", DAY, now=NOW)
    received = smtp[0].to("c2@example.cn")[0].message
    uid = one(store, "briefing", "A2")["touch_uid"]
    unsubscribe = received["List-Unsubscribe"].strip("<>")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = received.get_body(("html",))
    assert html is not None
    links = TOKEN.findall(html.get_content()) + TOKEN.findall(unsubscribe)
    claims = [verify_token(kit.secret, link.replace("%3D", "=")) for link in links]
    assert {c.kind for c in claims} == {"click", "open", "unsubscribe"}
    assert {(c.touch_uid, c.contact_id) for c in claims} == {(uid, "C2")}
    assert all(c.url.startswith(kit.email.site_url) for c in claims if c.kind == "click")


def test_an_unsubscribe_closes_email_for_the_next_send_and_the_next_plan(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    found = planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    send_due(store, kit, "edm", DAY, now=NOW)
    plan_program(store, found, DAY + timedelta(days=1))
    assert one(store, "reminder", "A2")["status"] == "planned"
    unsubscribe = smtp[0].to("c2@example.cn")[0].message["List-Unsubscribe"].strip("<>")
    token = unsubscribe.rsplit("/", 1)[1]
    followed = follow_link(store, kit.secret, token, "unsubscribe", now=NOW + timedelta(hours=2))
    assert followed.recorded.status == "unsubscribed"
    assert followed.email == "c2@example.cn"
    later = send_due(store, kit, "edm", DAY + timedelta(days=1), now=NOW + timedelta(days=1))
    assert (later.screened["suppressed"], later.sent) == (1, 1)
    reminder = one(store, "reminder", "A2")
    assert reminder["status"] == "suppressed"
    assert "unsubscribed" in reminder["reason"]
    assert smtp[0].to("c2@example.cn") == smtp[0].to("c2@example.cn")[:1]
    assert [(s["contact_id"], s["channel"]) for s in rows(store, schema.suppressions)] == [
        ("C2", "edm")
    ]


def test_a_refused_recipient_fails_the_touch_and_the_rest_still_go(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    with store.begin() as conn:
        conn.execute(
            schema.contacts.update()
            .where(schema.contacts.c.contact_id == "C1")
            .values(email="not-an-address")
        )
    result = send_due(store, smtp_kit(store, tmp_path, smtp), "edm", DAY, now=NOW)
    assert (result.sent, result.failed) == (1, 1)
    failed = one(store, "briefing", "A1")
    assert failed["status"] == "failed"
    assert "email" in failed["reason"]


# --- letters and hand-off lists ----------------------------------------------------------


def test_letters_print_into_one_batch_with_its_mail_house_file(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    result = send_due(store, kit_for(store, tmp_path), "dm", DAY, now=NOW)
    assert result.sent == 2
    names = sorted(p.name for p in result.files)
    assert names == ["letters.pdf", "mailhouse.csv", "manifest.json"]
    folder = result.files[0].parent
    with (folder / "mailhouse.csv").open(encoding="utf-8-sig", newline="") as handle:
        mail = list(csv.DictReader(handle))
    assert {r["account_id"] for r in mail} == {"A1", "A2"}
    assert {r["postcode"] for r in mail} == {"100020"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(manifest["touches"]) == sorted(r["touch_uid"] for r in mail)
    assert one(store, "letter", "A2")["status"] == "sent"
    assert not list(folder.parent.glob(".*partial"))
    assert send_due(store, kit_for(store, tmp_path), "dm", DAY, now=NOW).sent == 0


@pytest.mark.parametrize("channel", ["partner", "pam"])
def test_hand_off_lists_go_to_each_partner_as_csv_and_xlsx(
    store: Store, tmp_path: Path, channel: str
) -> None:
    planned_world(store)
    result = send_due(store, kit_for(store, tmp_path), channel, DAY, now=NOW)
    assert result.sent == 2
    xlsx = next(p for p in result.files if p.suffix == ".xlsx")
    assert xlsx.name.startswith(f"{channel}-P1-")
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[0]
    names = {row[header.index("account_name")] for row in values[1:]}
    assert names == {"Alpha Ltd", "北京贝塔科技有限公司"}


# --- calls -------------------------------------------------------------------------------


def test_calls_queue_by_team_and_an_answered_call_creates_opportunity_and_complaint(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path)
    assert send_due(store, kit, "tsr_call", DAY, now=NOW).queued == 2
    north = call_queue(store, kit, now=NOW, team="north")
    assert [(i.team, i.touch_uid) for i in north] == [
        ("north", one(store, "profiling", "A1")["touch_uid"])
    ]
    assert len(north[0].questions) == 9
    everyone = call_queue(store, kit, now=NOW)
    assert {i.team for i in everyone} == {"north", "general"}
    uid = north[0].touch_uid
    answers = {q.id: _first_answer(q) for q in north[0].questions}
    recorded = record_call(
        store,
        kit,
        CallReport(
            touch_uid=uid,
            result="reached",
            occurred_at=NOW + timedelta(hours=1),
            opportunity=(Decimal("12800.00"), "OFFICE-STD", "CNY"),
            complaint=("The licence keys arrived late.", "high"),
            answers=answers,
        ),
    )
    assert [r.type for r in recorded] == ["reached", "opportunity", "complaint", "profiling"]
    assert one(store, "profiling", "A1")["status"] == "completed"
    (opportunity,) = rows(store, schema.opportunities)
    assert (opportunity["account_id"], opportunity["amount"], opportunity["touch_uid"]) == (
        "A1",
        Decimal("12800.00"),
        uid,
    )
    (case,) = rows(store, schema.support_cases)
    assert (case["kind"], case["severity"], case["contact_id"]) == ("complaint", "high", "C1")
    stored = {r["question_id"]: r["answer"] for r in rows(store, schema.survey_responses)}
    assert stored == answers
    assert call_queue(store, kit, now=NOW + timedelta(hours=2), team="north") == []
    assert milestones_follow_events(store) >= 3  # sent, attempted and reached


def _first_answer(question: Any) -> str:
    if question.options:
        return str(question.options[0].value)
    return {"yesno": "yes", "number": "40"}.get(question.kind, "a note")


def test_an_unreached_contact_is_called_again_until_attempts_run_out(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path, call_max_attempts=2, call_retry_hours=24)
    send_due(store, kit, "tsr_call", DAY, now=NOW)
    uid = one(store, "profiling", "A1")["touch_uid"]
    first = record_call(store, kit, CallReport(uid, "not_reached", NOW))
    assert first[0].effects == ("retry at 2026-03-04 09:00",)
    assert uid not in {i.touch_uid for i in call_queue(store, kit, now=NOW + timedelta(hours=23))}
    assert uid in {i.touch_uid for i in call_queue(store, kit, now=NOW + timedelta(hours=24))}
    last = record_call(store, kit, CallReport(uid, "not_reached", NOW + timedelta(days=1)))
    assert last[0].status == "not_reached"
    assert uid not in {i.touch_uid for i in call_queue(store, kit, now=NOW + timedelta(days=9))}
    called = one(store, "profiling", "A1")
    assert (called["attempted_at"], called["reached_at"]) == (NOW, None)
    assert milestones_follow_events(store) >= 3


def test_a_call_result_needs_what_it_reports(store: Store, tmp_path: Path) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path)
    send_due(store, kit, "tsr_call", DAY, now=NOW)
    uid = one(store, "profiling", "A1")["touch_uid"]
    with pytest.raises(InputError, match="call back needs the time"):
        record_call(store, kit, CallReport(uid, "call_back", NOW))
    with pytest.raises(InputError, match="nonsense"):
        record_call(store, kit, CallReport(uid, "reached", NOW, answers={"nonsense": "x"}))
    assert not [e for e in rows(store, schema.touch_events) if e["source"] == "agent"]
    assert one(store, "profiling", "A1")["status"] == "sent"


# --- outcome files -----------------------------------------------------------------------


def test_a_bounce_file_marks_the_email_bounced_and_closes_the_address(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    send_due(store, kit, "edm", DAY, now=NOW)
    message_id = smtp[0].to("c1@example.cn")[0].message["Message-ID"]
    bounces = tmp_path / "bounces.csv"
    bounces.write_text(
        "message_id,type,occurred_at,detail\n"
        f"{message_id},bounced,2026-03-03T10:00,550 no such user\n"
    )
    report = import_outcomes(store, kit, [bounces])
    assert (report.recorded, report.by_type) == (1, {"bounced": 1})
    assert one(store, "briefing", "A1")["status"] == "bounced"
    assert import_outcomes(store, kit, [bounces]).already == 1
    history = touch_history(store, message_id)
    assert [e["status"] for e in history.events] == ["planned", "sent", "bounced"]


def test_an_outcome_file_with_one_bad_row_changes_nothing(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    send_due(store, kit, "edm", DAY, now=NOW)
    uid = one(store, "briefing", "A1")["touch_uid"]
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "touch_uid,type,occurred_at\n"
        f"{uid},delivered,2026-03-03T10:00\n"
        "ffffffffffffffffffffffffffffffff,delivered,2026-03-03T10:00\n"
    )
    before = rows(store, schema.touch_events)
    with pytest.raises(InputError) as caught:
        import_outcomes(store, kit, [mixed])
    assert "mixed.csv:3: no touch" in str(caught.value)
    assert rows(store, schema.touch_events) == before
    assert one(store, "briefing", "A1")["status"] == "sent"


def test_do_not_call_closes_calls_but_not_email_at_the_next_plan(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path)
    send_due(store, kit, "tsr_call", DAY, now=NOW)
    uid = one(store, "profiling", "A1")["touch_uid"]
    (recorded,) = record_call(store, kit, CallReport(uid, "do_not_call", NOW))
    assert recorded.effects == ("contact C1 closed tsr_call", "call closed")
    tables = store.tables()
    open_to = reachable_contacts(tables, tables["accounts"]).to_pyarrow().to_pylist()
    channels = {r["channel"] for r in open_to if r["contact_id"] == "C1"}
    assert "tsr_call" not in channels
    assert {"edm", "dm"} <= channels


def test_a_click_on_an_email_not_yet_recorded_as_sent_counts_and_stays(
    store: Store, tmp_path: Path, smtp: tuple[Mailbox, int]
) -> None:
    planned_world(store)
    kit = smtp_kit(store, tmp_path, smtp)
    send_due(store, kit, "edm", DAY, now=NOW)
    uid = one(store, "briefing", "A1")["touch_uid"]
    # As a sender stopped after the server took the email and before recording it.
    with store.begin() as conn:
        conn.execute(
            schema.touches.update()
            .where(schema.touches.c.touch_uid == uid)
            .values(status="planned")
        )
        conn.execute(
            schema.dispatches.update()
            .where(schema.dispatches.c.touch_uid == uid)
            .values(state="transmitting")
        )
    token = TOKEN.findall(smtp[0].to("c1@example.cn")[0].message["List-Unsubscribe"])[0]
    claim = verify_token(kit.secret, token)
    click = LinkClaim("click", claim.touch_uid, claim.contact_id, "https://www.example.com/x")
    followed = follow_link(store, kit.secret, sign_claim(kit.secret, click), "click", now=NOW)
    assert followed.recorded.status == "clicked"
    later = send_due(store, kit, "edm", DAY, now=NOW + timedelta(hours=1))
    assert later.reconciled == {"recorded": 1, "released": 0}
    assert one(store, "briefing", "A1")["status"] == "clicked"
    assert len(smtp[0].to("c1@example.cn")) == 1
    assert one(store, "briefing", "A1")["sent_at"] is not None
    assert milestones_follow_events(store) >= 2


def test_a_batch_is_taken_for_printed_only_for_the_touches_its_manifest_lists(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    uids = [one(store, "letter", a)["touch_uid"] for a in ("A1", "A2")]
    folder = tmp_path / "outbox" / "dm-batch"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"touches": uids[:1]}))
    with store.begin() as conn:
        claims = [Claim(u, "an address") for u in uids]
        claim(conn, claims, channel="dm", batch_id="dm-batch", now=NOW, detail=str(folder))
    assert reconcile(store, "dm", NOW) == {"recorded": 1, "released": 1}
    assert [one(store, "letter", a)["status"] for a in ("A1", "A2")] == ["sent", "planned"]


def test_a_closed_call_is_not_reopened_and_do_not_call_hides_the_contacts_calls(
    store: Store, tmp_path: Path
) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path)
    send_due(store, kit, "tsr_call", DAY, now=NOW)
    uid = one(store, "profiling", "A1")["touch_uid"]
    record_call(store, kit, CallReport(uid, "reached", NOW))
    with pytest.raises(InputError, match="is closed"):
        record_call(store, kit, CallReport(uid, "not_reached", NOW + timedelta(hours=1)))
    other = one(store, "profiling", "A2")["touch_uid"]
    with store.begin() as conn:
        conn.execute(
            schema.suppressions.insert().values(
                contact_id="C2", channel="any", reason="do_not_contact", occurred_at=NOW
            )
        )
    assert other not in {i.touch_uid for i in call_queue(store, kit, now=NOW)}


def test_two_opportunities_from_one_call_are_both_kept(store: Store, tmp_path: Path) -> None:
    planned_world(store)
    kit = kit_for(store, tmp_path)
    send_due(store, kit, "tsr_call", DAY, now=NOW)
    uid = one(store, "profiling", "A1")["touch_uid"]
    for amount, product in ((Decimal("100.00"), "SQL"), (Decimal("250.00"), "WIN")):
        outcome = Outcome(uid, "opportunity", NOW, "agent", amount=amount, product_id=product)
        assert record_outcome(store, kit, outcome).new
    assert sorted(r["product_id"] for r in rows(store, schema.opportunities)) == ["SQL", "WIN"]
    with pytest.raises(InputError, match="amount must be above 0"):
        record_outcome(
            store, kit, Outcome(uid, "opportunity", NOW, "agent", amount=Decimal("1e30"))
        )

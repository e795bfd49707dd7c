"""Programs as data: moments, and the rules a program must keep to be accepted."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from carecycle.programs.conditions import ALWAYS, Compare, Not, Received
from carecycle.programs.model import Moment, Policy, Program, parse_moment


def raw_program() -> dict[str, Any]:
    """Return a small valid program as YAML would give it; tests change one thing."""
    return copy.deepcopy(
        {
            "id": "care",
            "name": "Care",
            "version": 1,
            "holdout": {"share": 0.1, "salt": "care"},
            "stages": [
                {
                    "id": "welcome",
                    "name": "Welcome",
                    "window": {"from": "start", "to": "start+1mo"},
                    "touches": [
                        {
                            "id": "letter",
                            "name": "Thank-you letter",
                            "channel": "dm",
                            "content": "welcome/letter",
                            "trigger": "start+3d",
                        },
                        {
                            "id": "welcome_call",
                            "name": "Welcome call",
                            "channel": ["tsr_call", "edm"],
                            "content": "scripts/welcome",
                            "trigger": "start+7d",
                            "grace": "3d",
                        },
                    ],
                },
                {
                    "id": "renew",
                    "name": "Renew",
                    "window": {"from": "end-6mo", "to": "end"},
                    "touches": [
                        {
                            "id": "renew_call",
                            "name": "Renewal call",
                            "channel": "tsr_call",
                            "content": "scripts/renew",
                            "trigger": "end-90d",
                        }
                    ],
                },
            ],
        }
    )


def refusal(raw: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Program.model_validate(raw)
    return str(caught.value)


def touch(raw: dict[str, Any], stage: int = 0, index: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = raw["stages"][stage]["touches"][index]
    return found


# Moments


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("start", Moment("start")),
        ("start+1mo", Moment("start", months=1)),
        ("end-90d", Moment("end", days=-90)),
        ("first_purchase+2w", Moment("first_purchase", days=14)),
        ("end-1y", Moment("end", months=-12)),
        ("start+0d", Moment("start")),
        (" end - 6mo ", Moment("end", months=-6)),
        ("start+13mo", Moment("start", months=13)),
    ],
)
def test_moment_is_an_anchor_and_an_offset_in_months_or_days(text: str, moment: Moment) -> None:
    assert parse_moment(text) == moment


@pytest.mark.parametrize(
    "text",
    [
        "begin+1d",
        "renewal-90d",
        "start+1m",
        "start+1.5mo",
        "start1mo",
        "+1mo",
        "",
        "end-90",
        "Start",
    ],
)
def test_moment_with_a_bad_anchor_or_format_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="anchors: start, end, first_purchase") as caught:
        parse_moment(text)
    assert repr(text) in str(caught.value)


def test_moment_prints_as_it_is_written() -> None:
    assert [str(parse_moment(t)) for t in ("start", "start+1mo", "end-90d", "end-1y")] == [
        "start", "start+1mo", "end-90d", "end-12mo",
    ]  # fmt: skip
    assert str(parse_moment("first_purchase+2w")) == "first_purchase+14d"


def test_parse_moment_passes_a_moment_through() -> None:
    moment = Moment("end", -1, 0)
    assert parse_moment(moment) is moment


# A valid program and its defaults


def test_a_minimal_program_is_accepted_with_its_defaults() -> None:
    program = Program.model_validate(raw_program())
    assert program.policy.grace_days == 14
    assert program.policy.caps == ()
    assert program.audience == ALWAYS
    letter = program.touches[0]
    assert (letter.priority, letter.on_collision, letter.eligibility) == (50, "defer", ALWAYS)
    assert letter.trigger.at == Moment("start", days=3)
    assert letter.trigger.when is None
    assert program.stages[1].window.start == Moment("end", months=-6)
    assert program.stages[1].window.end == Moment("end")


def test_touches_are_listed_in_file_order_and_know_their_stage() -> None:
    program = Program.model_validate(raw_program())
    assert [t.id for t in program.touches] == ["letter", "welcome_call", "renew_call"]
    assert program.stage_of("renew_call").id == "renew"
    assert program.stage_of("letter").id == "welcome"


def test_channel_accepts_one_string_or_a_list() -> None:
    program = Program.model_validate(raw_program())
    assert [t.channels for t in program.touches] == [("dm",), ("tsr_call", "edm"), ("tsr_call",)]


def test_unknown_channel_is_refused() -> None:
    raw = raw_program()
    touch(raw)["channel"] = ["edm", "fax"]
    assert "stages.0.touches.0.channel.1" in refusal(raw)


def test_trigger_may_wait_for_a_state_after_its_moment() -> None:
    raw = raw_program()
    touch(raw)["trigger"] = {"at": "start+3mo", "when": {"usage.utilisation": {"lt": 0.5}}}
    trigger = Program.model_validate(raw).touches[0].trigger
    assert trigger.at == Moment("start", months=3)
    assert trigger.when == Compare("usage.utilisation", "lt", 0.5)


def test_grace_of_a_touch_is_its_own_or_else_the_policy_s() -> None:
    default = Program.model_validate(raw_program())
    assert [default.grace_of(t) for t in default.touches] == [14, 3, 14]
    raw = raw_program()
    raw["policy"] = {"grace_days": 10}
    touch(raw, 0, 0)["grace"] = 0
    touch(raw, 1, 0)["grace"] = "2w"
    program = Program.model_validate(raw)
    assert [program.grace_of(t) for t in program.touches] == [0, 3, 14]
    del touch(raw, 1, 0)["grace"]
    renew_call = Program.model_validate(raw).touches[2]
    assert program.grace_of(renew_call) == 10


def test_contact_filter_takes_contact_facts_only() -> None:
    raw = raw_program()
    touch(raw)["contact"] = {"contact.role": "IT"}
    assert Program.model_validate(raw).touches[0].contact == (Compare("contact.role", "eq", "IT"),)
    touch(raw)["contact"] = {"agreement.sa": True}
    assert "'agreement.sa' is not a contact fact" in refusal(raw)


# What a program must keep


def test_duplicate_stage_ids_are_refused() -> None:
    raw = raw_program()
    raw["stages"][1]["id"] = "welcome"
    assert "stage ids must be unique; repeated: welcome" in refusal(raw)


def test_duplicate_touch_ids_are_refused_even_across_stages() -> None:
    raw = raw_program()
    touch(raw, 1)["id"] = "letter"
    assert "touch ids must be unique; repeated: letter" in refusal(raw)


@pytest.mark.parametrize(
    ("place", "where"),
    [
        (("touch", "eligibility"), "touch renew_call"),
        (("touch", "trigger"), "touch renew_call"),
        (("stage", "audience"), "stage renew"),
    ],
)
def test_received_naming_an_unknown_touch_is_refused(place: tuple[str, str], where: str) -> None:
    raw = raw_program()
    condition = {"not": {"received": {"touch": "welcom_call", "cycle": "this"}}}
    if place == ("touch", "eligibility"):
        touch(raw, 1)["eligibility"] = condition
    elif place == ("touch", "trigger"):
        touch(raw, 1)["trigger"] = {"at": "end-90d", "when": condition}
    else:
        raw["stages"][1]["audience"] = condition
    assert f"{where}: received names unknown touch 'welcom_call'" in refusal(raw)


def test_received_may_name_a_touch_of_this_program_in_any_stage() -> None:
    raw = raw_program()
    touch(raw)["eligibility"] = {"not": {"received": "renew_call"}}
    eligibility = Program.model_validate(raw).touches[0].eligibility
    assert eligibility == Not(Received("renew_call"))


def test_received_naming_another_program_is_not_checked_against_this_one() -> None:
    raw = raw_program()
    touch(raw)["eligibility"] = {"received": {"touch": "onboarding", "program": "other"}}
    assert Program.model_validate(raw).touches[0].eligibility == Received("onboarding", "other")


def test_received_naming_an_unknown_touch_in_the_program_audience_is_refused() -> None:
    raw = raw_program()
    raw["audience"] = {"not": {"received": "welcom_call"}}
    assert "received names unknown touch 'welcom_call'" in refusal(raw)


def test_bad_condition_is_refused_with_its_dotted_path() -> None:
    raw = raw_program()
    touch(raw)["eligibility"] = {"any": [{"agreement.sa": True}, {"agreement.sa": "yes"}]}
    message = refusal(raw)
    assert "stages.0.touches.0.eligibility" in message
    assert "any.1.agreement.sa: 'agreement.sa' is a bool fact" in message


@pytest.mark.parametrize(
    ("share", "accepted"), [(0.0, True), (0.5, True), (0.51, False), (-0.1, False)]
)
def test_holdout_share_is_at_most_one_half(share: float, accepted: bool) -> None:
    raw = raw_program()
    raw["holdout"]["share"] = share
    if accepted:
        assert Program.model_validate(raw).holdout.share == share
    else:
        assert "holdout.share" in refusal(raw)


def test_holdout_needs_a_salt() -> None:
    raw = raw_program()
    raw["holdout"]["salt"] = ""
    assert "holdout.salt" in refusal(raw)


@pytest.mark.parametrize("priority", [-1, 101, 500])
def test_priority_is_between_0_and_100(priority: int) -> None:
    raw = raw_program()
    touch(raw)["priority"] = priority
    assert "stages.0.touches.0.priority" in refusal(raw)


@pytest.mark.parametrize("ident", ["Welcome", "1st", "welcome call", ""])
def test_ids_are_lowercase_slugs(ident: str) -> None:
    raw = raw_program()
    raw["stages"][0]["id"] = ident
    assert "stages.0.id" in refusal(raw)


def test_unknown_fields_are_refused() -> None:
    raw = raw_program()
    touch(raw)["colour"] = "blue"
    assert "stages.0.touches.0.colour" in refusal(raw)


def test_a_program_needs_a_stage() -> None:
    raw = raw_program()
    raw["stages"] = []
    assert "stages" in refusal(raw)


@pytest.mark.parametrize("day", ["saturday", "Sat", "weekend", "day7"])
def test_quiet_days_are_weekday_names_or_dates(day: str) -> None:
    with pytest.raises(ValidationError, match=f"quiet day '{day}' is not a weekday"):
        Policy.model_validate({"quiet_days": {"tsr_call": [day]}})


def test_quiet_days_are_kept_per_known_channel() -> None:
    with pytest.raises(ValidationError, match=r"quiet_days\.fax"):
        Policy.model_validate({"quiet_days": {"fax": ["sun"]}})


def test_capacity_cannot_be_negative() -> None:
    with pytest.raises(ValidationError, match="capacity of tsr_call must be 0 or more"):
        Policy.model_validate({"capacity": {"tsr_call": -1}})


def test_a_channel_is_quiet_on_its_weekdays_its_dates_and_any_channel_s_days() -> None:
    policy = Policy.model_validate(
        {"quiet_days": {"tsr_call": ["sat", "sun"], "any": [date(2025, 10, 1)], "edm": ["fri"]}}
    )
    saturday, sunday, monday = date(2025, 10, 4), date(2025, 10, 5), date(2025, 10, 6)
    national_day, friday = date(2025, 10, 1), date(2025, 10, 3)
    assert saturday.weekday() == 5
    assert [policy.is_quiet("tsr_call", d) for d in (saturday, sunday, monday)] == [
        True, True, False,
    ]  # fmt: skip
    assert [policy.is_quiet(ch, national_day) for ch in ("tsr_call", "edm", "dm", "web")] == [
        True, True, True, True,
    ]  # fmt: skip
    assert [policy.is_quiet(ch, friday) for ch in ("edm", "tsr_call", "dm")] == [
        True, False, False,
    ]  # fmt: skip
    assert not policy.is_quiet("dm", saturday)
    assert not policy.is_quiet("tsr_call", date(2026, 10, 1))


def test_any_weekday_silences_every_channel() -> None:
    policy = Policy.model_validate({"quiet_days": {"any": ["sun"]}})
    sunday = date(2025, 6, 29)
    assert [policy.is_quiet(ch, sunday) for ch in ("edm", "dm", "tsr_call", "pam")] == [
        True, True, True, True,
    ]  # fmt: skip
    assert not policy.is_quiet("edm", date(2025, 6, 30))


def test_no_quiet_days_means_never_quiet() -> None:
    policy = Policy.model_validate({})
    assert not any(policy.is_quiet("edm", date(2025, 6, d)) for d in range(1, 31))

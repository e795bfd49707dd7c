"""Call scripts: every built-in call has one in both languages; answers and files are checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carecycle.channels.scripts import (
    BASE_OUTCOMES,
    AnswerError,
    ScriptError,
    ScriptMissingError,
    load_script,
    load_script_file,
    missing_scripts,
    validate_answers,
)
from tests.channels.dispatches import contents_for

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("content", contents_for("tsr_call"))
def test_every_builtin_call_touch_has_a_script_in_english_and_chinese(content: str) -> None:
    script = load_script(content)
    assert set(BASE_OUTCOMES) <= set(script.outcomes)
    assert CJK.search(script.title.zh)
    assert CJK.search(script.opening.zh)
    for point in script.talking_points:
        assert CJK.search(point.zh)
    for question in script.questions:
        assert CJK.search(question.text.zh)


def test_no_builtin_call_content_is_missing_a_script() -> None:
    assert missing_scripts(contents_for("tsr_call")) == []
    assert missing_scripts(["scripts/no-such-call", "../escape"]) == [
        "../escape",
        "scripts/no-such-call",
    ]


def test_content_without_a_script_is_reported_as_missing() -> None:
    with pytest.raises(ScriptMissingError, match="no call script for content 'edm/no-such-mail'"):
        load_script("edm/no-such-mail")
    with pytest.raises(FileNotFoundError):
        load_script("../escape")


def test_core_io_profiling_asks_exactly_nine_questions() -> None:
    script = load_script("scripts/core-io-profiling-9q")
    assert len(script.questions) == 9
    for question in script.questions:
        assert question.text.en.strip()
        assert CJK.search(question.text.zh)
    assert "profiling" in script.outcomes


def test_cross_sell_and_renewal_calls_capture_opportunities() -> None:
    for content in (
        "scripts/cross-sell-from-profiling",
        "scripts/cross-sell-from-purchases",
        "renew/how-to-renew-budget-partner-plan",
        "scripts/renewal-call-90d",
    ):
        assert "opportunity" in load_script(content).outcomes


def test_satisfaction_feedback_and_recovery_calls_capture_complaints() -> None:
    for content in (
        "scripts/welcome-satisfaction-survey",
        "deploy/sa-experience-feedback",
        "scripts/complaint-recovery",
    ):
        assert "complaint" in load_script(content).outcomes


def test_welcome_survey_asks_satisfaction_recommendation_and_comments() -> None:
    kinds = {q.id: q.kind for q in load_script("scripts/welcome-satisfaction-survey").questions}
    assert kinds["overall_satisfaction"] == "choice"
    assert kinds["recommend"] == "number"
    assert kinds["comments"] == "text"


def test_good_answers_are_normalised_to_strings() -> None:
    script = load_script("scripts/welcome-satisfaction-survey")
    answers = validate_answers(
        script,
        {"overall_satisfaction": 4, "recommend": "9.0", "free_support_registered": True},
    )
    assert answers == {
        "overall_satisfaction": "4",
        "recommend": "9",
        "free_support_registered": "yes",
    }


def test_multi_answers_are_sorted_and_comma_joined() -> None:
    script = load_script("scripts/core-io-profiling-9q")
    answers = {question.id: question.values[0] for question in script.questions}
    answers["planned_purchases"] = ["security", "new_pcs", "security"]
    assert validate_answers(script, answers)["planned_purchases"] == "new_pcs,security"


def test_answer_outside_the_options_is_refused_with_the_allowed_values() -> None:
    script = load_script("scripts/welcome-satisfaction-survey")
    with pytest.raises(AnswerError, match=r"overall_satisfaction: '7' .*\(1, 2, 3, 4, 5\)"):
        validate_answers(script, {"overall_satisfaction": "7"})


def test_missing_required_answer_is_refused() -> None:
    script = load_script("scripts/welcome-satisfaction-survey")
    with pytest.raises(AnswerError, match="overall_satisfaction: required"):
        validate_answers(script, {"recommend": 8})


def test_unknown_question_and_bad_number_are_refused() -> None:
    script = load_script("scripts/welcome-satisfaction-survey")
    with pytest.raises(AnswerError, match="shoe_size: unknown question"):
        validate_answers(script, {"overall_satisfaction": "5", "shoe_size": "42"})
    with pytest.raises(AnswerError, match="recommend: 'lots' is not a number"):
        validate_answers(script, {"overall_satisfaction": "5", "recommend": "lots"})
    with pytest.raises(AnswerError, match="recommend: 11 is above the maximum 10"):
        validate_answers(script, {"overall_satisfaction": "5", "recommend": 11})


GOOD_SCRIPT = """\
id: {stem}
title: {{en: Test call, zh: 测试电话}}
opening:
  en: "Hello {{contact_name}}, this is {{agent}}."
  zh: "{opening_zh}"
outcomes: [{outcomes}]
"""


def write_script(tmp_path: Path, *, opening_zh: str, outcomes: str) -> Path:
    """Write a one-line script into tmp_path and return its path."""
    path = tmp_path / "test-call.yaml"
    text = GOOD_SCRIPT.format(stem=path.stem, opening_zh=opening_zh, outcomes=outcomes)
    path.write_text(text, encoding="utf-8")
    return path


def test_script_with_unknown_placeholder_fails_naming_file_and_field(tmp_path: Path) -> None:
    path = write_script(tmp_path, opening_zh="{contact}您好", outcomes="reached")
    with pytest.raises(ScriptError, match=r"test-call\.yaml: opening\.zh: unknown placeholder"):
        load_script_file(path)


def test_script_with_unknown_outcome_fails_naming_file_and_field(tmp_path: Path) -> None:
    path = write_script(tmp_path, opening_zh="{contact_name}您好", outcomes="reached, sold")
    with pytest.raises(ScriptError, match=r"test-call\.yaml: outcomes\.1: "):
        load_script_file(path)


def test_profiling_without_questions_is_refused(tmp_path: Path) -> None:
    path = write_script(tmp_path, opening_zh="您好", outcomes="profiling")
    with pytest.raises(ScriptError, match=r"outcomes: 'profiling' needs questions"):
        load_script_file(path)


def test_script_without_bad_fields_loads_with_every_base_outcome(tmp_path: Path) -> None:
    script = load_script_file(write_script(tmp_path, opening_zh="您好", outcomes="complaint"))
    assert script.outcomes == (*BASE_OUTCOMES, "complaint")

"""Reading program files: built-in ones and a user's own, and saying where a bad one is wrong."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from carecycle.errors import InputError
from carecycle.programs.conditions import AnyOf, Compare, Received
from carecycle.programs.loader import (
    builtin_dir,
    builtin_programs,
    load_program,
    parse_program,
    resolve_program,
)
from carecycle.programs.model import Moment

TINY = """\
id: tiny
name: Tiny
version: 1
holdout: {share: 0.1, salt: tiny}
stages:
  - id: welcome
    name: Welcome
    window: {from: start, to: start+1mo}
    touches:
      - id: letter
        name: Letter
        priority: 60
        channel: dm
        content: welcome/letter
        trigger: start+3d
  - id: renew
    name: Renew
    window: {from: end-6mo, to: end}
    touches:
      - id: renew_call
        name: Renewal call
        channel: tsr_call
        content: scripts/renew
        trigger: end-90d
"""
ONE_STAGE = TINY[: TINY.index("  - id: renew\n")]


def write(tmp_path: Path, text: str, name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(text: str, source: str = "tiny.yaml") -> str:
    with pytest.raises(InputError) as caught:
        parse_program(text, source)
    return str(caught.value)


# Built-in programs


def test_builtin_programs_load_and_their_ids_are_unique() -> None:
    found = builtin_programs()
    ids = [f.program.id for f in found]
    assert len(ids) == len(set(ids))
    assert {"smb-customer-care", "subscription-lifecycle"} <= set(ids)
    assert len(found) == len(list(builtin_dir().glob("*.yaml")))
    for each in found:
        assert Path(each.source).parent == builtin_dir()
        assert each.text == Path(each.source).read_text(encoding="utf-8")


def test_smb_customer_care_runs_welcome_deploy_use_renew() -> None:
    program = resolve_program("smb-customer-care").program
    assert [s.id for s in program.stages] == ["welcome", "deploy", "use", "renew"]
    assert [len(s.touches) for s in program.stages] == [6, 5, 5, 5]
    assert (program.holdout.share, program.holdout.salt) == (0.1, "smb-customer-care")
    assert program.audience == Compare(
        "agreement.program", "in", ("open_license", "open_value", "select", "ea", "olv")
    )
    renew = program.stages[3]
    assert (renew.window.start, renew.window.end) == (
        Moment("end", months=-6),
        Moment("end", days=7),
    )
    assert renew.audience == AnyOf(
        (
            Compare("agreement.sa", "eq", True),
            Compare("agreement.program", "in", ("ea", "olv", "open_value")),
        )
    )
    assert [t.trigger.at for t in renew.touches] == [
        Moment("end", days=-180), Moment("end", days=-90), Moment("end", days=-90),
        Moment("end", days=-45), Moment("end"),
    ]  # fmt: skip


def test_smb_customer_care_grace_and_quiet_days() -> None:
    program = resolve_program("smb-customer-care").program
    graces = {t.id: program.grace_of(t) for t in program.touches}
    assert graces["core_io_profiling"] == 30
    assert graces["renew_minus_0"] == 7
    assert graces["welcome_call"] == 14
    saturday = date(2025, 6, 28)
    assert [program.policy.is_quiet(ch, saturday) for ch in ("tsr_call", "pam", "edm")] == [
        True, True, False,
    ]  # fmt: skip
    assert program.policy.capacity == {"tsr_call": 2000}


def test_smb_customer_care_gift_needs_a_completed_welcome_call_this_cycle() -> None:
    program = resolve_program("smb-customer-care").program
    gift = next(t for t in program.touches if t.id == "promotion_gift_application")
    assert gift.eligibility == Received("welcome_call", cycle="this", statuses=("completed",))
    assert program.stage_of(gift.id).id == "welcome"


def test_quiet_dates_are_written_as_plain_yaml_dates() -> None:
    text = TINY.replace(
        "stages:\n", "policy:\n  quiet_days: {any: [2025-10-01, sun]}\nstages:\n", 1
    )
    policy = parse_program(text, "tiny.yaml").program.policy
    assert policy.quiet_days == {"any": (date(2025, 10, 1), "sun")}
    assert policy.is_quiet("dm", date(2025, 10, 1))
    assert not policy.is_quiet("dm", date(2025, 10, 2))


# Finding a program


def test_resolve_program_finds_a_builtin_by_id() -> None:
    found = resolve_program("subscription-lifecycle")
    assert found.program.id == "subscription-lifecycle"
    assert found.source == str(builtin_dir() / "subscription-lifecycle.yaml")


def test_resolve_program_reads_a_file_path(tmp_path: Path) -> None:
    path = write(tmp_path, TINY)
    found = resolve_program(str(path))
    assert found.program.id == "tiny"
    assert found.source == str(path)
    assert found.text == TINY


def test_resolve_program_reads_a_file_without_a_yaml_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, TINY, name="tiny.program")
    assert resolve_program(str(path)).program.id == "tiny"


def test_unknown_program_name_is_refused_listing_the_builtins() -> None:
    with pytest.raises(InputError) as caught:
        resolve_program("smb-care")
    message = str(caught.value)
    assert "no program 'smb-care'" in message
    for found in builtin_programs():
        assert found.program.id in message


def test_missing_program_file_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(InputError, match="cannot read program file") as caught:
        resolve_program(str(path))
    assert str(caught.value).startswith(f"{path}: ")


# Refusing a bad file


def test_yaml_syntax_error_gives_file_and_line(tmp_path: Path) -> None:
    text = TINY.replace("    name: Welcome\n", "    name: Welcome\n   oops: [\n")
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_program(path)
    assert str(caught.value).startswith(f"{path}:")
    assert "not valid YAML" in str(caught.value)
    assert refusal("id: tiny\nname: Tiny\n  version: 1\n").startswith("tiny.yaml:3: not valid YAML")


@pytest.mark.parametrize("text", ["", "- id: tiny\n", "just text\n"])
def test_a_file_that_is_not_a_mapping_is_refused(text: str) -> None:
    assert refusal(text) == "tiny.yaml: a program file holds a mapping (id, name, stages, …)"


def test_validation_error_names_file_line_and_dotted_path(tmp_path: Path) -> None:
    text = TINY.replace("priority: 60", "priority: 500")
    assert text.splitlines()[11] == "        priority: 500"
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_program(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:12: stages.0.touches.0.priority: ")
    assert "less than or equal to 100" in message
    assert len(message.splitlines()) == 1


def test_one_bad_field_in_the_only_stage_gives_one_error() -> None:
    message = refusal(ONE_STAGE.replace("priority: 60", "priority: 500"))
    assert message.splitlines() == [
        "tiny.yaml:12: stages.0.touches.0.priority: Input should be less than or equal to 100"
    ]


def test_a_bad_condition_is_refused_at_the_line_of_its_field() -> None:
    text = TINY.replace(
        "    window: {from: start, to: start+1mo}\n",
        '    window: {from: start, to: start+1mo}\n    audience:\n      agreement.sa: "yes"\n',
    )
    assert text.splitlines()[8] == "    audience:"
    message = refusal(text)
    assert message.startswith("tiny.yaml:10: stages.0.audience: agreement.sa: ")
    assert "'agreement.sa' is a bool fact" in message


def test_a_bad_moment_is_refused_at_its_line() -> None:
    message = refusal(TINY.replace("trigger: start+3d", "trigger: begin+3d"))
    assert message.startswith("tiny.yaml:15: stages.0.touches.0.trigger.at: expected ANCHOR")
    assert "'begin+3d'" in message


def test_every_error_gets_a_line_of_its_own() -> None:
    text = TINY.replace("priority: 60", "priority: 500").replace("channel: dm", "channel: fax")
    lines = refusal(text).splitlines()
    assert [line.split(": ")[0:2] for line in lines] == [
        ["tiny.yaml:13", "stages.0.touches.0.channel.0"],
        ["tiny.yaml:12", "stages.0.touches.0.priority"],
    ]


def test_a_rule_about_the_whole_program_points_at_its_top() -> None:
    text = TINY.replace("id: renew_call", "id: letter")
    assert refusal(text) == "tiny.yaml:1: program: touch ids must be unique; repeated: letter"


def test_a_missing_field_points_at_the_mapping_that_lacks_it() -> None:
    message = refusal(TINY.replace("        content: welcome/letter\n", ""))
    assert message == "tiny.yaml:10: stages.0.touches.0.content: Field required"


# Revisions


def test_sha256_is_the_digest_of_the_text_and_changes_with_it() -> None:
    first = parse_program(TINY, "a.yaml")
    again = parse_program(TINY, "b.yaml")
    edited = parse_program(TINY.replace("name: Tiny", "name: Tiny care"), "a.yaml")
    assert first.sha256 == hashlib.sha256(TINY.encode()).hexdigest()
    assert first.sha256 == again.sha256
    assert edited.sha256 != first.sha256
    assert len(first.sha256) == 64
    commented = parse_program(TINY + "# a comment\n", "a.yaml")
    assert commented.program == first.program
    assert commented.sha256 != first.sha256

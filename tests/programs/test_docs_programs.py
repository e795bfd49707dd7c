"""docs/programs.md is the program reference: every fact, field and built-in touch is in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from carecycle.programs.conditions import FACTS
from carecycle.programs.loader import builtin_programs
from carecycle.programs.model import Cap, Holdout, Policy, Program, Stage, Touch, Trigger, Window

DOC = Path(__file__).parents[2] / "docs" / "programs.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _names(model: type[BaseModel]) -> list[str]:
    """Return the names a program file uses for the model's fields (aliases first)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def test_every_fact_is_documented(doc: str) -> None:
    missing = [name for name in FACTS if f"`{name}`" not in doc]
    assert not missing, f"add to docs/programs.md: {missing}"


def test_score_facts_are_documented(doc: str) -> None:
    assert "`score.NAME`" in doc
    assert "`score.NAME.band`" in doc


@pytest.mark.parametrize(
    "model",
    [Program, Policy, Cap, Holdout, Stage, Window, Touch, Trigger],
    ids=lambda m: m.__name__,
)
def test_every_field_is_documented(doc: str, model: type[BaseModel]) -> None:
    missing = [name for name in _names(model) if f"`{name}`" not in doc]
    assert not missing, f"add {model.__name__} fields to docs/programs.md: {missing}"


def test_aliases_are_the_names_documented() -> None:
    assert set(_names(Window)) == {"from", "to"}
    assert "channel" in _names(Touch)
    assert "channels" not in _names(Touch)


def test_every_builtin_touch_is_documented(doc: str) -> None:
    programs = [found.program for found in builtin_programs()]
    assert programs, "no built-in programs found"
    missing = [
        f"{program.id}:{touch.id}"
        for program in programs
        for touch in program.touches
        if touch.id not in doc
    ]
    assert not missing, f"add to docs/programs.md: {missing}"


def test_every_builtin_program_and_stage_is_documented(doc: str) -> None:
    for found in builtin_programs():
        program = found.program
        assert f"`{program.id}`" in doc, program.id
        missing = [stage.id for stage in program.stages if f"`{stage.id}`" not in doc]
        assert not missing, f"add {program.id} stages to docs/programs.md: {missing}"

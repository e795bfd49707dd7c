"""Call scripts: what telesales agents say and ask, loaded from YAML, and their answers.

A script is a YAML file under `templates/calls/`, named by the touch's content
(`scripts/renewal-call-90d` is `templates/calls/scripts/renewal-call-90d.yaml`), written
in English and Chinese. It names the outcomes a call can end in; the answers an agent
records to its questions are checked against it and stored as canonical strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from string import Formatter
from typing import Annotated, Literal, Protocol, get_args

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from carecycle.errors import InputError

# Every call can end in these, whatever the script is about.
BASE_OUTCOMES = ("reached", "not_reached", "wrong_number", "call_back")
PLACEHOLDERS = ("contact_name", "account_name", "agent")
TEXT_ANSWER_LENGTH = 4000
_YES = {"yes", "y", "true", "是"}
_NO = {"no", "n", "false", "否"}
_CONTENT = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*$")

OutcomeKind = Literal[
    "reached", "not_reached", "wrong_number", "call_back", "opportunity", "complaint", "profiling"
]
QuestionKind = Literal["choice", "multi", "yesno", "number", "text"]
OUTCOME_KINDS: tuple[str, ...] = get_args(OutcomeKind)
QUESTION_KINDS: tuple[str, ...] = get_args(QuestionKind)
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ScriptError(InputError, ValueError):
    """A call script that is missing or malformed, named by file and field."""


class ScriptMissingError(ScriptError, FileNotFoundError):
    """No packaged script for a content: the touch is not a call, or its script is unwritten."""


class AnswerError(InputError, ValueError):
    """An answer to a script's question that cannot be recorded, named by question id."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Model):
    """A line of the script in every supported language."""

    en: Line
    zh: Line

    def in_language(self, language: str) -> str:
        """Return the text in `language`, English for any other."""
        return self.zh if language == "zh" else self.en


class Spoken(Text):
    """A line that may name the contact, the account and the agent."""

    @field_validator("en", "zh")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        unknown = sorted(_placeholders(value) - set(PLACEHOLDERS))
        if unknown:
            allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {allowed}")
        return value


class Option(_Model):
    """One answer a choice question offers."""

    value: Slug
    label: Text


class Question(_Model):
    """One question the agent asks and records the answer to."""

    id: Slug
    text: Text
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @field_validator("options")
    @classmethod
    def _options_fit_kind(
        cls, value: tuple[Option, ...], info: ValidationInfo
    ) -> tuple[Option, ...]:
        kind = info.data.get("kind")
        if kind is None:
            return value
        if kind in ("choice", "multi") and len(value) < 2:
            raise ValueError(f"a {kind} question offers at least two options")
        if kind not in ("choice", "multi") and value:
            raise ValueError(f"a {kind} question has no options")
        values = [option.value for option in value]
        if len(set(values)) != len(values):
            raise ValueError("option values repeat")
        return value

    @field_validator("minimum", "maximum")
    @classmethod
    def _bounds_for_numbers(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is not None and info.data.get("kind") != "number":
            raise ValueError("only a number question has bounds")
        return value

    @property
    def values(self) -> tuple[str, ...]:
        """Return the option values, in the script's order."""
        return tuple(option.value for option in self.options)


class CallScript(_Model):
    """What an agent says and asks on one kind of call, and which outcomes it captures."""

    id: Slug
    title: Text
    opening: Spoken
    talking_points: tuple[Text, ...] = ()
    questions: tuple[Question, ...] = ()
    outcomes: tuple[OutcomeKind, ...] = ()

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, value: tuple[Question, ...]) -> tuple[Question, ...]:
        ids = [question.id for question in value]
        repeated = sorted({qid for qid in ids if ids.count(qid) > 1})
        if repeated:
            raise ValueError(f"question ids repeat: {', '.join(repeated)}")
        return value

    @field_validator("outcomes")
    @classmethod
    def _complete_outcomes(
        cls, value: tuple[OutcomeKind, ...], info: ValidationInfo
    ) -> tuple[str, ...]:
        if "questions" not in info.data:
            return value
        asks = bool(info.data["questions"])
        if "profiling" in value and not asks:
            raise ValueError("'profiling' needs questions whose answers it captures")
        # Answers are only ever stored as a profiling outcome, so a script that asks
        # captures it whether or not the file says so.
        kinds = set(value) | set(BASE_OUTCOMES) | ({"profiling"} if asks else set())
        return tuple(kind for kind in OUTCOME_KINDS if kind in kinds)


def _placeholders(text: str) -> set[str]:
    try:
        return {field for _, field, _, _ in Formatter().parse(text) if field is not None}
    except ValueError as exc:
        raise ValueError(f"malformed placeholder ({exc}); write a literal brace as {{{{") from None


def scripts_dir() -> Path:
    """Return the folder the packaged call scripts live in."""
    return Path(str(resources.files("carecycle.channels") / "templates" / "calls"))


def script_path(content: str) -> Path | None:
    """Return the file a touch's content names, None when it cannot name a script."""
    if not _CONTENT.match(content):
        return None
    return scripts_dir() / f"{content}.yaml"


@functools.cache
def load_script(content: str) -> CallScript:
    """Return the packaged script for a touch's content, or raise ScriptError."""
    path = script_path(content)
    if path is None:
        raise ScriptMissingError(f"{content!r}: not a script name such as scripts/renewal-call-90d")
    if not path.is_file():
        raise ScriptMissingError(f"{path}: no call script for content {content!r}")
    return load_script_file(path)


def missing_scripts(contents: Iterable[str]) -> list[str]:
    """Return the contents, sorted and once each, that have no packaged script."""
    return sorted({c for c in contents if not (path := script_path(c)) or not path.is_file()})


def load_script_file(path: Path) -> CallScript:
    """Return the script a YAML file defines, or raise ScriptError naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"{path}: cannot read call script: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScriptError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise ScriptError(f"{path}: a call script holds a mapping (id, title, opening, …)")
    try:
        script = CallScript.model_validate(raw)
    except ValidationError as exc:
        raise ScriptError(_describe(exc, path)) from None
    if script.id != path.stem:
        raise ScriptError(f"{path}: id: {script.id!r} differs from the file name {path.stem!r}")
    return script


def _describe(exc: ValidationError, path: Path) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "script"
        lines.append(f"{path}: {where}: {error['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


class Asks(Protocol):
    """Anything that asks questions: a call script, a survey."""

    @property
    def id(self) -> str: ...

    @property
    def questions(self) -> tuple[Question, ...]: ...


def validate_answers(script: Asks, answers: Mapping[str, object]) -> dict[str, str]:
    """Return the answers as canonical strings by question id, or raise AnswerError."""
    known = {question.id: question for question in script.questions}
    for key in answers:
        if key not in known:
            asks = ", ".join(known) or "no questions"
            raise AnswerError(f"{key}: unknown question; {script.id} asks {asks}")
    normalised = {}
    for question in script.questions:
        value = _normalise(question, answers.get(question.id))
        if value is not None:
            normalised[question.id] = value
        elif question.required:
            raise AnswerError(f"{question.id}: required question not answered")
    return normalised


def _normalise(question: Question, raw: object) -> str | None:
    if raw is None or (isinstance(raw, str | list | tuple | set | frozenset) and not raw):
        return None
    if isinstance(raw, str) and not raw.strip():
        return None
    if question.kind == "choice":
        return _choice(question, str(raw).strip())
    if question.kind == "multi":
        return _multi(question, raw)
    if question.kind == "yesno":
        return _yesno(question, raw)
    if question.kind == "number":
        return _number(question, raw)
    return _text(question, raw)


def _text(question: Question, raw: object) -> str:
    text = str(raw).strip()
    if len(text) > TEXT_ANSWER_LENGTH:
        raise AnswerError(f"{question.id}: at most {TEXT_ANSWER_LENGTH:,} characters")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise AnswerError(f"{question.id}: control characters are not allowed")
    return text


def _choice(question: Question, value: str) -> str:
    if value not in question.values:
        allowed = ", ".join(question.values)
        raise AnswerError(f"{question.id}: {value!r} is not one of the options ({allowed})")
    return value


def _multi(question: Question, raw: object) -> str | None:
    if isinstance(raw, str):
        items: Iterable[object] = raw.split(",")
    elif isinstance(raw, list | tuple | set | frozenset):
        items = raw
    else:
        raise AnswerError(f"{question.id}: expected a list of options, got {raw!r}")
    chosen = {_choice(question, str(item).strip()) for item in items if str(item).strip()}
    return ",".join(sorted(chosen)) or None


def _yesno(question: Question, raw: object) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    word = str(raw).strip().lower()
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    raise AnswerError(f"{question.id}: {raw!r} is not yes or no")


def _number(question: Question, raw: object) -> str:
    number = _decimal(raw)
    if number is None:
        raise AnswerError(f"{question.id}: {raw!r} is not a number")
    if question.minimum is not None and number < question.minimum:
        raise AnswerError(f"{question.id}: {raw} is below the minimum {question.minimum}")
    if question.maximum is not None and number > question.maximum:
        raise AnswerError(f"{question.id}: {raw} is above the maximum {question.maximum}")
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


def _decimal(raw: object) -> Decimal | None:
    # A bool is an int to Python, but "True" is not a count anyone meant to record.
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None

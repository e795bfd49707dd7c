"""A lifecycle program as data: stages with audiences and windows, touches with triggers.

Programs are YAML files validated by these pydantic models; the engine compiles them.
Moments are written `ANCHOR±OFFSET`: `start+1mo`, `end-90d`, `first_purchase+2w`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, field_validator, model_validator

from carecycle.programs.conditions import (
    ALWAYS,
    All,
    AnyOf,
    Compare,
    Condition,
    ConditionError,
    HasContact,
    Not,
    Received,
    leaves,
    parse_condition,
    parse_contact_compare,
    parse_days,
)
from carecycle.store.schema import CHANNELS

ANCHORS = ("start", "end", "first_purchase")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MOMENT = re.compile(r"^(?P<anchor>[a-z_]+)\s*(?:(?P<sign>[+-])\s*(?P<n>\d+)(?P<unit>d|w|mo|y))?$")
_SLUG = r"^[a-z][a-z0-9_-]*$"

Channel = Literal["edm", "dm", "tsr_call", "pam", "partner", "web"]
assert set(CHANNELS) == set(Channel.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Moment:
    """A day relative to a cycle's anchor: months are added first, then days."""

    anchor: str
    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        if not self.months and not self.days:
            return self.anchor
        sign = "-" if self.months < 0 or self.days < 0 else "+"
        amount = f"{abs(self.months)}mo" if self.months else f"{abs(self.days)}d"
        return f"{self.anchor}{sign}{amount}"


def parse_moment(text: object) -> Moment:
    """Return the moment `ANCHOR±N(d|w|mo|y)` denotes, or raise ValueError."""
    if isinstance(text, Moment):
        return text
    match = _MOMENT.match(str(text).strip())
    if match is None or match["anchor"] not in ANCHORS:
        raise ValueError(
            f"expected ANCHOR±OFFSET such as start+1mo or end-90d "
            f"(anchors: {', '.join(ANCHORS)}), got {text!r}"
        )
    if match["n"] is None:
        return Moment(match["anchor"])
    n = int(match["n"]) * (-1 if match["sign"] == "-" else 1)
    months = {"mo": n, "y": 12 * n}.get(match["unit"], 0)
    days = {"d": n, "w": 7 * n}.get(match["unit"], 0)
    return Moment(match["anchor"], months, days)


def _condition(raw: object) -> Condition:
    if isinstance(raw, Compare | Received | All | AnyOf | Not | HasContact):
        return raw
    try:
        return parse_condition(raw)
    except ConditionError as exc:
        where = ".".join(map(str, exc.path))
        raise ValueError(f"{where}: {exc}" if where else str(exc)) from None


def _contact_filter(raw: object) -> tuple[Compare, ...]:
    if raw is None:
        return ()
    if isinstance(raw, tuple):
        return raw
    if not isinstance(raw, dict):
        raise ValueError("contact needs contact facts, e.g. {contact.role: IT}")
    try:
        return tuple(parse_contact_compare(raw, ()))
    except ConditionError as exc:
        raise ValueError(f"{'.'.join(map(str, exc.path))}: {exc}") from None


def _days(raw: object) -> int | None:
    if raw is None or isinstance(raw, int):
        return raw
    try:
        return parse_days(raw, ())
    except ConditionError as exc:
        raise ValueError(str(exc)) from None


ConditionField = Annotated[Condition, PlainValidator(_condition)]
MomentField = Annotated[Moment, PlainValidator(parse_moment)]
DaysField = Annotated[int | None, PlainValidator(_days)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Trigger(_Model):
    """When a touch falls due: at a moment, or on the first day after it a state holds."""

    at: MomentField
    when: ConditionField | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, raw: Any) -> Any:
        return {"at": raw} if isinstance(raw, str) else raw


class Touch(_Model):
    """One contact with the customer: a channel, content, trigger, eligibility and priority."""

    id: str = Field(pattern=_SLUG)
    name: str
    channels: tuple[Channel, ...] = Field(alias="channel")
    content: str
    trigger: Trigger
    eligibility: ConditionField = ALWAYS
    contact: Annotated[tuple[Compare, ...], PlainValidator(_contact_filter)] = ()
    priority: int = Field(50, ge=0, le=100)
    kpi: str | None = None
    grace: DaysField = None
    on_collision: Literal["defer", "drop"] = "defer"

    @field_validator("channels", mode="before")
    @classmethod
    def _one_or_many(cls, raw: Any) -> Any:
        return (raw,) if isinstance(raw, str) else raw


class Window(_Model):
    """The days a stage covers, both ends included."""

    start: MomentField = Field(alias="from")
    end: MomentField = Field(alias="to")


class Stage(_Model):
    """A lifecycle stage: who is in it, when, and the touches it holds."""

    id: str = Field(pattern=_SLUG)
    name: str
    window: Window
    audience: ConditionField = ALWAYS
    kpis: tuple[str, ...] = ()
    touches: tuple[Touch, ...]


class Cap(_Model):
    """At most `max` touches on a channel (or `any`) per account or contact over `days`."""

    channel: Channel | Literal["any"]
    per: Literal["account", "contact"]
    max: int = Field(ge=1)
    days: int = Field(ge=1)


class Policy(_Model):
    """How often, when and how much the program may contact."""

    grace_days: int = Field(14, ge=0)
    caps: tuple[Cap, ...] = ()
    quiet_days: dict[Channel | Literal["any"], tuple[str | date, ...]] = {}
    capacity: dict[Channel, int] = {}

    @field_validator("quiet_days")
    @classmethod
    def _known_days(
        cls, value: dict[str, tuple[str | date, ...]]
    ) -> dict[str, tuple[str | date, ...]]:
        for days in value.values():
            for day in days:
                if isinstance(day, str) and day not in WEEKDAYS:
                    raise ValueError(f"quiet day {day!r} is not a weekday ({', '.join(WEEKDAYS)})")
        return value

    @field_validator("capacity")
    @classmethod
    def _positive(cls, value: dict[str, int]) -> dict[str, int]:
        for channel, per_day in value.items():
            if per_day < 0:
                raise ValueError(f"capacity of {channel} must be 0 or more")
        return value

    def is_quiet(self, channel: str, day: date) -> bool:
        """Return True when nothing may go out on `channel` on `day`."""
        marks = [d for ch, days in self.quiet_days.items() if ch in ("any", channel) for d in days]
        return day in marks or WEEKDAYS[day.weekday()] in marks


class Holdout(_Model):
    """The share of accounts kept out as a control group, and the salt of their hash."""

    share: float = Field(ge=0.0, le=0.5)
    salt: str = Field(min_length=1)


class Program(_Model):
    """A lifecycle program: its audience, holdout, contact policy and stages."""

    id: str = Field(pattern=_SLUG)
    name: str
    version: int = Field(ge=1)
    description: str = ""
    audience: ConditionField = ALWAYS
    holdout: Holdout
    policy: Policy = Field(default_factory=lambda: Policy(grace_days=14))
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Program:
        _unique("stage", [s.id for s in self.stages])
        _unique("touch", [t.id for t in self.touches])
        known = {t.id for t in self.touches}
        for touch in self.touches:
            for cond in (touch.eligibility, touch.trigger.when or ALWAYS):
                _check_received(cond, known, f"touch {touch.id}")
        for stage in self.stages:
            _check_received(stage.audience, known, f"stage {stage.id}")
        _check_received(self.audience, known, "program audience")
        return self

    @property
    def touches(self) -> list[Touch]:
        """Return every touch of every stage, in file order."""
        return [touch for stage in self.stages for touch in stage.touches]

    def stage_of(self, touch_id: str) -> Stage:
        """Return the stage holding a touch."""
        return next(s for s in self.stages if any(t.id == touch_id for t in s.touches))

    def grace_of(self, touch: Touch) -> int:
        """Return the days a touch may still go out after it fell due."""
        return self.policy.grace_days if touch.grace is None else touch.grace


def _unique(what: str, ids: list[str]) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(sorted(seen))}")


def _check_received(condition: Condition, known: set[str], where: str) -> None:
    for leaf in leaves(condition):
        if isinstance(leaf, Received) and leaf.program is None and leaf.touch not in known:
            raise ValueError(f"{where}: received names unknown touch '{leaf.touch}'")

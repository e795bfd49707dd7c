"""Earning rules as data: what earns points, how many, weighted by factor, capped per period.

A rule set is a YAML file (the built-in one is the seed's Scoring and Rewarding Plan,
`builtin/scoring-plan.yaml`). Each rule has a kind — what it looks at in the store — and
one or more levels; a subject (a contact, an agreement, a survey answered, a referral)
earns the points of the first level it meets. A subject that later meets a level worth
more earns the difference, so a run never pays a subject twice for the same thing.
Points are multiplied by the weight of the rule's factor and rounded half up.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from carecycle.datafile import parse_model, read_text
from carecycle.errors import InputError
from carecycle.loyalty.durations import DurationField
from carecycle.loyalty.tiers import Tiers

Kind = Literal[
    "contact_completeness",  # a contact's name, phone and email on record
    "revenue_milestone",  # an agreement's value paid in orders, within a time limit
    "registration",  # an agreement registered (with or without software assurance)
    "survey_completed",  # a survey answered in full (e.g. the Core IO profile), per account
    "survey_answered",  # each survey a contact answers
    "internal_recommendation",  # a contact recommends the offer inside their own company
    "referral_purchase",  # a referral that led to the referred company's first purchase
]
FIELDS = ("name", "phone", "email")
LEVELLED = ("contact_completeness", "revenue_milestone", "registration")  # kinds with levels
PERIODS = ("month", "quarter", "year")
MAX_RULE_POINTS = 1_000_000
_SLUG = r"^[a-z][a-z0-9_-]*$"
# Level fields and the kinds they belong to.
_LEVEL_FIELDS = {"has": "contact_completeness", "within": "revenue_milestone",
                 "orders": "revenue_milestone", "sa": "registration"}  # fmt: skip


Points = Annotated[int, Field(ge=1, le=MAX_RULE_POINTS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    """One level of a rule: its points and what a subject must meet to earn them."""

    points: Points
    has: tuple[Literal["name", "phone", "email"], ...] | None = Field(
        default=None, description="contact_completeness: the fields on record (valid)."
    )
    within: DurationField | None = Field(
        default=None, description="revenue_milestone: reached this long after the start."
    )
    orders: int | None = Field(
        default=None, ge=1, description="revenue_milestone: reached in at most this many orders."
    )
    sa: bool | None = Field(
        default=None, description="registration: the agreement has software assurance or not."
    )

    @field_validator("has")
    @classmethod
    def _has(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and (not value or len(set(value)) != len(value)):
            raise ValueError("name each of name, phone and email at most once, at least one")
        return value


class Cap(_Strict):
    """At most `points` per account in each calendar `per` (by when the points are earned)."""

    points: Points
    per: Literal["month", "quarter", "year"]

    def period(self, moment: datetime) -> str:
        """Return the name of the period a moment falls in (e.g. 2026-Q3)."""
        if self.per == "year":
            return f"{moment.year}"
        if self.per == "quarter":
            return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
        return f"{moment.year}-{moment.month:02d}"


class Rule(_Strict):
    """A way to earn points."""

    id: str = Field(pattern=_SLUG, max_length=40)
    kind: Kind
    name: str | None = None
    factor: str = Field(default="general", pattern=_SLUG)
    points: Points | None = Field(default=None, description="Shorthand for one level.")
    levels: tuple[Level, ...] | None = None
    cap: Cap | None = None
    target: float = Field(
        default=1.0, gt=0, le=10, description="revenue_milestone: share of the agreement's value."
    )
    surveys: tuple[str, ...] | None = Field(
        default=None, description="Survey rules: the survey ids that count (default: any)."
    )
    answers: int = Field(
        default=1, ge=1, le=200, description="survey_completed: questions answered, at least."
    )
    referred_points: int = Field(
        default=0, ge=0, le=MAX_RULE_POINTS,
        description="referral_purchase: points to the referred company, once.",
    )  # fmt: skip

    @model_validator(mode="after")
    def _levels(self) -> Rule:
        if (self.points is None) == (self.levels is None):
            raise ValueError("give either points or levels, not both")
        if self.levels is not None and not self.levels:
            raise ValueError("levels needs at least one level")
        for i, level in enumerate(self.stages):
            for name, kind in _LEVEL_FIELDS.items():
                if getattr(level, name) is not None and kind != self.kind:
                    raise ValueError(f"level {i + 1}: '{name}' belongs to {kind} rules")
            if self.kind == "contact_completeness" and level.has is None:
                raise ValueError(f"level {i + 1}: say which fields it needs (has: [...])")
        if self.levels is not None and len(self.levels) > 1 and self.kind not in LEVELLED:
            raise ValueError(f"a {self.kind} rule has one level: give points, not levels")
        for i, level in enumerate(self.stages[:-1]):
            if all(getattr(level, name) is None for name in _LEVEL_FIELDS):
                raise ValueError(f"level {i + 1} asks nothing, so the levels after it are "
                                 "never reached: put it last")  # fmt: skip
        if self.referred_points and self.kind != "referral_purchase":
            raise ValueError("referred_points belongs to referral_purchase rules")
        if self.surveys is not None and not self.kind.startswith("survey_"):
            raise ValueError("surveys belongs to survey rules")
        if self.surveys is not None and not self.surveys:
            raise ValueError("surveys names at least one survey (leave it out for any)")
        if self.target != 1.0 and self.kind != "revenue_milestone":
            raise ValueError("target belongs to revenue_milestone rules")
        if self.answers != 1 and self.kind != "survey_completed":
            raise ValueError("answers belongs to survey_completed rules")
        return self

    @property
    def stages(self) -> tuple[Level, ...]:
        """Return the rule's levels (one made of `points` when it has no levels)."""
        return self.levels if self.levels is not None else (Level(points=self.points or 1),)

    @property
    def title(self) -> str:
        """Return the rule's name, or its id."""
        return self.name or self.id


class RuleSet(_Strict):
    """Earning rules with their factors' weights and the points' lifetime."""

    id: str = Field(pattern=_SLUG, max_length=64)
    name: str
    expires_after: DurationField | None = Field(
        default=None, description="Points expire this long after they are earned (default never)."
    )
    factors: dict[str, float] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = Field(min_length=1)
    tiers: Tiers | None = Field(default=None, description="Tiers by the points earned lately.")

    @field_validator("factors")
    @classmethod
    def _factors(cls, value: dict[str, float]) -> dict[str, float]:
        bad = sorted(name for name, weight in value.items() if not 0 <= weight <= 100)
        if bad:
            raise ValueError(f"weights must be between 0 and 100 (factors {', '.join(bad)})")
        return value

    @model_validator(mode="after")
    def _rules(self) -> RuleSet:
        ids = [rule.id for rule in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"rule ids must be unique; repeated: {', '.join(repeated)}")
        unknown = sorted({r.factor for r in self.rules} - set(self.factors) - {"general"})
        if unknown:
            raise ValueError(f"rules name factors without a weight: {', '.join(unknown)}")
        return self

    def weight(self, rule: Rule) -> float:
        """Return the weight of the rule's factor (1 for `general` unless given)."""
        return self.factors.get(rule.factor, 1.0)

    def expiry(self, moment: datetime) -> datetime | None:
        """Return when points earned at `moment` expire (None: never)."""
        if self.expires_after is None:
            return None
        return datetime.combine(self.expires_after.after(moment.date()), moment.time())


def weighted(points: int, weight: float) -> int:
    """Return points times a weight, rounded half up."""
    return int(points * weight + 0.5)


def describe_level(rule: Rule, level: Level) -> str:
    """Return what a subject must meet to earn a level, in words."""
    surveys = ", ".join(rule.surveys or ("any survey",))
    said = {
        "contact_completeness": "+".join(level.has or ()),
        "revenue_milestone": _revenue_words(rule, level),
        "registration": {True: "with software assurance", False: "without software assurance",
                         None: "any agreement"}[level.sa],
        "survey_completed": f"{rule.answers}+ questions of {surveys}",
        "survey_answered": f"each of {surveys}",
        "internal_recommendation": "each recommendation inside the company",
        "referral_purchase": "each referral leading to a first purchase",
    }  # fmt: skip
    return said[rule.kind]


def _revenue_words(rule: Rule, level: Level) -> str:
    share = f"{rule.target:.0%} of the agreement's value"
    how = " at once" if level.orders == 1 else (f" in {level.orders} orders or fewer"
                                                 if level.orders else "")  # fmt: skip
    when = f" within {level.within}" if level.within else ""
    return f"{share}{how}{when}"


def builtin_rules_dir() -> Path:
    """Return the folder of the built-in rule sets."""
    return Path(str(resources.files("carecycle.loyalty") / "builtin"))


def builtin_rule_sets() -> list[RuleSet]:
    """Return every built-in rule set, by file name."""
    return [load_rules(path) for path in sorted(builtin_rules_dir().glob("*.yaml"))]


def load_rules(path: Path) -> RuleSet:
    """Return the rule set a YAML file defines, or raise InputError naming file and line."""
    return parse_rules(read_text(path, "rules"), str(path))


def parse_rules(text: str, source: str) -> RuleSet:
    """Return the rule set YAML text defines; `source` names it in errors."""
    holds = "a rules file holds a mapping (id, name, factors, rules, …)"
    return parse_model(text, source, RuleSet, holds, "rules")


def resolve_rules(name: str) -> RuleSet:
    """Return a built-in rule set by id, or the rule set in the file `name` points to."""
    found = {r.id: r for r in builtin_rule_sets()}
    if name in found:
        return found[name]
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_rules(path)
    raise InputError(f"no rule set '{name}': give a rules file or a built-in id "
                     f"({', '.join(found)})")  # fmt: skip

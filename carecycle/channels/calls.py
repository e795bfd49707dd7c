"""Telesales call-down: the call item an agent works from, and when to call again.

A call item is one claimed touch turned into what an agent needs on screen: who to call,
what the account holds, what to say and ask (from the touch's `scripts` script, in the
contact's language), and which outcomes the form offers. Everything here is pure apart
from reading the packaged script files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from carecycle.channels.base import Addressee, Agreement, Dispatch, language_of
from carecycle.channels.scripts import CallScript, Question, load_script

# Asked for when the touch names no contact, so "may I speak with …" still reads well.
UNNAMED_CONTACT = {"en": "the person in charge", "zh": "负责人"}


@dataclass(frozen=True)
class CallAccount:
    """The company being called, as the agent sees it."""

    account_id: str
    name: str
    segment: str | None
    region: str | None
    city: str | None
    country: str | None
    partner_name: str | None


@dataclass(frozen=True)
class CallAgreement:
    """The agreement the call is about."""

    agreement_id: str
    program: str
    sa: bool
    end_on: date
    days_to_end: int
    value: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class CallContact:
    """The person the agent asks for."""

    contact_id: str | None
    name: str | None
    role: str | None
    phone: str | None
    language: str


@dataclass(frozen=True)
class CallOption:
    """One answer offered, in the contact's language."""

    value: str
    label: str


@dataclass(frozen=True)
class CallQuestion:
    """One question, in the contact's language, as the outcome form shows it."""

    id: str
    text: str
    kind: str
    options: tuple[CallOption, ...]
    required: bool


@dataclass(frozen=True)
class CallItem:
    """One call in an agent's queue: who, about what, what to say, what to record."""

    touch_uid: str
    program_id: str
    touch_id: str
    touch_name: str
    content: str
    team: str
    priority: int
    due_on: date
    account: CallAccount
    agreement: CallAgreement | None
    contact: CallContact
    script_id: str
    title: str
    opening: str
    talking_points: tuple[str, ...]
    questions: tuple[CallQuestion, ...]
    outcomes: tuple[str, ...]
    attempts: int
    next_attempt_at: datetime | None


def call_item(
    dispatch: Dispatch,
    *,
    team: str,
    attempts: int,
    next_attempt_at: datetime | None,
    agent: str | None = None,
) -> CallItem:
    """Return the call item for a claimed tsr_call touch, in the contact's language.

    Without an agent the opening keeps `{agent}` for `with_agent` to fill when one
    picks the call up.
    """
    script = load_script(dispatch.content)
    language = language_of(dispatch.addressee.language)
    return CallItem(
        touch_uid=dispatch.touch_uid,
        program_id=dispatch.program_id,
        touch_id=dispatch.touch_id,
        touch_name=dispatch.touch_name,
        content=dispatch.content,
        team=team,
        priority=dispatch.priority,
        due_on=dispatch.due_on,
        account=_account(dispatch.addressee),
        agreement=_agreement(dispatch.agreement, as_of=dispatch.as_of),
        contact=_contact(dispatch.addressee, language),
        script_id=script.id,
        title=script.title.in_language(language),
        opening=render_opening(script, dispatch.addressee, language=language, agent=agent),
        talking_points=tuple(point.in_language(language) for point in script.talking_points),
        questions=tuple(_question(q, language) for q in script.questions),
        outcomes=script.outcomes,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
    )


def render_opening(
    script: CallScript, addressee: Addressee, *, language: str, agent: str | None
) -> str:
    """Return the script's opening in `language` with the contact, account and agent named."""
    names = {
        "contact_name": addressee.contact_name or UNNAMED_CONTACT[language_of(language)],
        "account_name": addressee.account_name,
        "agent": agent if agent is not None else "{agent}",
    }
    return script.opening.in_language(language).format_map(names)


def with_agent(item: CallItem, agent: str) -> CallItem:
    """Return the item with the agent who picked it up named in the opening."""
    return replace(item, opening=item.opening.replace("{agent}", agent))


def _account(addressee: Addressee) -> CallAccount:
    return CallAccount(
        account_id=addressee.account_id,
        name=addressee.account_name,
        segment=addressee.segment,
        region=addressee.region,
        city=addressee.city,
        country=addressee.country,
        partner_name=addressee.partner_name,
    )


def _agreement(agreement: Agreement | None, *, as_of: date) -> CallAgreement | None:
    if agreement is None:
        return None
    return CallAgreement(
        agreement_id=agreement.agreement_id,
        program=agreement.program,
        sa=agreement.sa,
        end_on=agreement.end_on,
        days_to_end=(agreement.end_on - as_of).days,
        value=agreement.value,
        currency=agreement.currency,
    )


def _contact(addressee: Addressee, language: str) -> CallContact:
    return CallContact(
        contact_id=addressee.contact_id,
        name=addressee.contact_name,
        role=addressee.role,
        phone=addressee.phone,
        language=language,
    )


def _question(question: Question, language: str) -> CallQuestion:
    options = tuple(CallOption(o.value, o.label.in_language(language)) for o in question.options)
    return CallQuestion(
        question.id, question.text.in_language(language), question.kind, options, question.required
    )


def item_as_dict(item: CallItem) -> dict[str, object]:
    """Return the item as JSON-ready data: dates as ISO strings, amounts as strings."""
    return {key: _jsonable(value) for key, value in asdict(item).items()}


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(key): _jsonable(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(inner) for inner in value]
    if isinstance(value, date):  # datetimes too: both print ISO 8601
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class RetryRule:
    """How often an unanswered call is tried again, and how long to wait between tries."""

    max_attempts: int = 3
    retry_after_hours: float = 24

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.retry_after_hours <= 0:
            raise ValueError("a retry rule needs at least one attempt and a positive wait")


def next_attempt(rule: RetryRule, attempts_made: int, at: datetime) -> datetime | None:
    """Return when to call again after `attempts_made` unanswered calls, None when done."""
    if attempts_made >= rule.max_attempts:
        return None
    return at + timedelta(hours=rule.retry_after_hours)

"""Use case: a contact answers a touch's survey through its signed link, and the answers
are read back — per question, and as a net promoter score.

The link's token names the touch and its contact, signed (carecycle/channels/links.py),
so it answers that touch's survey for that person only, once. The answers are checked
against the survey's questions and stored in `survey_responses`, where health, the
ladder, cross-sell and the earning rules read them; the touch records `completed`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa

from carecycle.channels.calls import RetryRule
from carecycle.channels.links import Links
from carecycle.channels.scripts import validate_answers
from carecycle.errors import InputError, NotFoundError
from carecycle.loyalty.survey import (
    NetPromoter,
    Survey,
    all_surveys,
    find_survey,
    net_promoter,
    survey_of,
)
from carecycle.measure.kpis.core import NPS_QUESTIONS
from carecycle.services.links import read_link
from carecycle.services.outcomes import Outcome, apply_outcome
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.times import window_to


class AlreadyAnsweredError(InputError):
    """The survey of this link was answered already: the first answers stand."""


@dataclass(frozen=True)
class Invitation:
    """A survey as its link opens it: whose, in which language, answered or not."""

    touch_uid: str
    account_id: str
    contact_id: str | None
    language: str
    survey: Survey
    answered_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """Return what the customer portal shows: the questions in the contact's language."""
        lang = self.language
        return {
            "survey_id": self.survey.id,
            "title": self.survey.title.in_language(lang),
            "intro": self.survey.intro.in_language(lang) if self.survey.intro else None,
            "answered_at": self.answered_at,
            "questions": [
                {"id": q.id, "kind": q.kind, "required": q.required,
                 "text": q.text.in_language(lang),
                 "minimum": None if q.minimum is None else float(q.minimum),
                 "maximum": None if q.maximum is None else float(q.maximum),
                 "options": [{"value": o.value, "label": o.label.in_language(lang)}
                             for o in q.options]}
                for q in self.survey.questions
            ],
        }  # fmt: skip


def survey_link(store: Store, base_url: str, secret: bytes, touch_uid: str) -> str:
    """Return the signed survey link of a touch (for its contact)."""
    t = schema.touches
    with store.begin() as conn:
        row = conn.execute(
            sa.select(t.c.contact_id, t.c.content).where(t.c.touch_uid == touch_uid)
        ).first()
    if row is None:
        raise NotFoundError(f"no touch {touch_uid!r}")
    survey_of(row.content)
    return Links(base_url, secret, touch_uid, row.contact_id).survey()


def open_survey(store: Store, secret: bytes, token: str) -> Invitation:
    """Return the survey a link opens, or raise InputError (a bad link, no survey)."""
    claim = read_link(secret, token, "survey")
    t, c, a, r = schema.touches, schema.contacts, schema.accounts, schema.survey_responses
    with store.begin() as conn:
        touch = conn.execute(
            sa.select(t.c.touch_uid, t.c.account_id, t.c.content, c.c.language,
                      a.c.language.label("account_language"))
            .select_from(t.outerjoin(c, c.c.contact_id == t.c.contact_id)
                         .join(a, a.c.account_id == t.c.account_id))
            .where(t.c.touch_uid == claim.touch_uid)
        ).first()  # fmt: skip
        if touch is None:
            raise NotFoundError(f"no touch {claim.touch_uid!r}: this survey is no longer open")
        survey = survey_of(touch.content)
        answered = conn.execute(
            sa.select(sa.func.min(r.c.answered_at)).where(
                r.c.touch_uid == claim.touch_uid, r.c.survey_id == survey.id,
                _same_contact(r.c.contact_id, claim.contact_id),
            )
        ).scalar()  # fmt: skip
    language = touch.language or touch.account_language or "en"
    return Invitation(touch.touch_uid, touch.account_id, claim.contact_id, language,
                      survey, answered)  # fmt: skip


def answer_survey(
    store: Store, secret: bytes, token: str, answers: Mapping[str, object], *, now: datetime
) -> Invitation:
    """Record a contact's answers to the survey its link opens, once; return the survey
    as answered. Raise AlreadyAnsweredError when it was answered before."""
    invitation = open_survey(store, secret, token)
    if invitation.answered_at is not None:
        raise AlreadyAnsweredError(
            f"this survey was answered on {invitation.answered_at:%Y-%m-%d}: thank you"
        )
    checked = validate_answers(invitation.survey, answers)
    rows = [
        {"response_id": _response_id(invitation, q), "survey_id": invitation.survey.id,
         "touch_uid": invitation.touch_uid, "account_id": invitation.account_id,
         "contact_id": invitation.contact_id, "question_id": q, "answer": text,
         "answered_at": now}
        for q, text in checked.items()
    ]  # fmt: skip
    try:
        with store.begin() as conn:
            conn.execute(schema.survey_responses.insert(), rows)
            outcome = Outcome(invitation.touch_uid, "completed", now, source="survey")
            apply_outcome(conn, outcome, retry=RetryRule())
    except sa.exc.IntegrityError:
        # Answered at the same moment by another request: the first answers stand.
        raise AlreadyAnsweredError("this survey was answered already: thank you") from None
    return Invitation(invitation.touch_uid, invitation.account_id, invitation.contact_id,
                      invitation.language, invitation.survey, now)  # fmt: skip


def _same_contact(column: Any, contact_id: str | None) -> Any:
    return column.is_(None) if contact_id is None else column == contact_id


def _response_id(invitation: Invitation, question: str) -> str:
    key = f"{invitation.touch_uid}|{invitation.contact_id}|{question}"
    return hashlib.md5(key.encode()).hexdigest()


@dataclass(frozen=True)
class QuestionResult:
    """The answers one question got: how many of each, and their mean when numeric."""

    question_id: str
    answers: int
    counts: dict[str, int]
    mean: float | None


@dataclass(frozen=True)
class SurveyResults:
    """A survey's answers over a window: respondents, each question, and the net promoter
    score of its recommendation question (when it has one)."""

    survey_id: str
    start: date
    end: date
    respondents: int
    questions: tuple[QuestionResult, ...]
    nps: NetPromoter | None


def survey_results(store: Store, survey_id: str | None, *, as_of: date, days: int) -> SurveyResults:
    """Return the answers to a survey (every survey, when None) given in the `days` days up
    to `as_of`, per question; free text is counted, not listed."""
    survey = find_survey(survey_id) if survey_id is not None else None
    found_id = survey.id if survey is not None else ""
    window = window_to(as_of, days)
    r = schema.survey_responses
    query = sa.select(
        r.c.survey_id, r.c.question_id, r.c.answer, r.c.touch_uid, r.c.contact_id,
        r.c.account_id,
    ).where(r.c.answered_at >= window.begin, r.c.answered_at < window.after)  # fmt: skip
    if survey is not None:
        query = query.where(r.c.survey_id == survey.id)
    with store.begin() as conn:
        rows = conn.execute(query).all()
    # Each answer's kind, from its survey: free text (or an answer to a survey no longer
    # defined) is counted, never listed.
    kinds = {(s.id, q.id): q.kind for s in all_surveys().values() for q in s.questions}
    by_question: dict[str, list[str]] = {}
    texts: set[str] = set()
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row.answer)
        if kinds.get((row.survey_id, row.question_id), "text") == "text":
            texts.add(row.question_id)
    results = tuple(
        _question(q, answers, "text" if q in texts else kinds.get((found_id, q)))
        for q, answers in sorted(by_question.items())
    )
    scores = np.array([float(x) for q, answers in by_question.items() if q in NPS_QUESTIONS
                       for x in answers if _number(x) is not None], dtype=float)  # fmt: skip
    scores = scores[(scores >= 0) & (scores <= 10)]
    respondents = len({(row.touch_uid, row.contact_id, row.account_id) for row in rows})
    nps = net_promoter(scores) if scores.size else None
    name = survey.id if survey else "every survey"
    return SurveyResults(name, window.start, window.end, respondents, results, nps)


def _question(question_id: str, answers: list[str], kind: str | None) -> QuestionResult:
    numbers = [n for n in (_number(a) for a in answers) if n is not None]
    mean = float(np.mean(numbers)) if numbers and len(numbers) == len(answers) else None
    if kind == "text":
        return QuestionResult(question_id, len(answers), {}, None)
    counts: dict[str, int] = {}
    for answer in answers:
        for part in answer.split(",") if kind == "multi" else [answer]:
            counts[part] = counts.get(part, 0) + 1
    return QuestionResult(question_id, len(answers), dict(sorted(counts.items())), mean)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None

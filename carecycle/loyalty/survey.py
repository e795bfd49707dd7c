"""Surveys as data, and the net promoter score.

A survey is a YAML file of questions, in English and Chinese, asked the same way as a call
script's (carecycle/channels/scripts.py checks the answers). The built-in surveys live in
`surveys/` (`surveys/nps`, `surveys/csat`); every call script that asks questions is a
survey too (`scripts/welcome-satisfaction-survey`, `scripts/core-io-profiling-9q`). A
survey's id is the content a touch names, so a touch carries its survey.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator
from scipy import stats

from carecycle.channels.scripts import Question, Text, load_script_file, scripts_dir
from carecycle.datafile import parse_model, read_text
from carecycle.errors import InputError, NotFoundError
from carecycle.intelligence.ladder import PASSIVE_FROM, PROMOTER_FROM


class Survey(BaseModel):
    """A survey: its title, an introduction and its questions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: Text
    intro: Text | None = None
    contents: tuple[str, ...] = ()  # touch contents that carry this survey
    questions: tuple[Question, ...]

    @field_validator("questions")
    @classmethod
    def _asks(cls, value: tuple[Question, ...]) -> tuple[Question, ...]:
        if not value:
            raise ValueError("a survey asks at least one question")
        ids = [q.id for q in value]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"question ids repeat: {', '.join(repeated)}")
        return value


def surveys_dir() -> Path:
    """Return the folder of the built-in surveys."""
    return Path(str(resources.files("carecycle.loyalty") / "surveys"))


@functools.cache
def all_surveys() -> dict[str, Survey]:
    """Return every survey by id: the built-in ones, then the call scripts that ask."""
    found: dict[str, Survey] = {}
    for path in sorted(surveys_dir().glob("*.yaml")):
        holds = "a survey file holds a mapping (id, title, questions)"
        survey = parse_model(read_text(path, "survey"), str(path), Survey, holds, "survey")
        found[f"surveys/{survey.id}"] = survey.model_copy(update={"id": f"surveys/{survey.id}"})
    for path in sorted((scripts_dir() / "scripts").glob("*.yaml")):
        script = load_script_file(path)
        if script.questions:
            name = f"scripts/{script.id}"
            found[name] = Survey(id=name, title=script.title, questions=script.questions)
    return found


def survey_of(content: str) -> Survey:
    """Return the survey a touch's content carries: the survey of that id, or the one that
    names the content among its `contents`; raise NotFoundError when none does."""
    found = all_surveys()
    if content in found:
        return found[content]
    carrying = [s for s in found.values() if content in s.contents]
    if not carrying:
        raise NotFoundError(f"no survey for touch content {content!r}: a survey id "
                            f"({', '.join(found)}) or a survey's `contents`")  # fmt: skip
    return carrying[0]


def find_survey(survey_id: str) -> Survey:
    """Return a survey by id, or raise InputError naming those there are."""
    found = all_surveys()
    if survey_id not in found:
        raise NotFoundError(f"no survey {survey_id!r}: one of {', '.join(found)}")
    return found[survey_id]


@dataclass(frozen=True)
class NetPromoter:
    """A net promoter score with its interval: 100 × (promoters − detractors) / answers."""

    answers: int
    promoters: int
    passives: int
    detractors: int
    score: float | None
    low: float | None
    high: float | None
    confidence: float


def net_promoter(scores: np.ndarray, *, confidence: float = 0.95) -> NetPromoter:
    """Return the net promoter score of answers from 0 to 10 (promoters 9–10, detractors
    0–6) and its normal-approximation interval: the score is a difference of two shares
    of one multinomial sample, with variance (p + d − (p − d)²) / n."""
    values = np.asarray(scores, dtype=float)
    if ((values < 0) | (values > 10)).any():
        raise InputError("net promoter answers run from 0 to 10")
    n = int(values.size)
    promoters = int((values >= PROMOTER_FROM).sum())
    detractors = int((values < PASSIVE_FROM).sum())
    if n == 0:
        return NetPromoter(0, 0, 0, 0, None, None, None, confidence)
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    half = float(stats.norm.ppf(0.5 + confidence / 2)) * 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    return NetPromoter(n, promoters, n - promoters - detractors, detractors, score,
                       max(-100.0, score - half), min(100.0, score + half),
                       confidence)  # fmt: skip

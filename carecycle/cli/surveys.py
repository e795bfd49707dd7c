"""`carecycle surveys …`: the surveys there are, a touch's survey link, answers, results."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, out, parse_answers, parse_day, print_json, table

surveys_group = typer.Typer(help="Surveys: definitions, links, answers and results.",
                            no_args_is_help=True)  # fmt: skip


@surveys_group.command("list")
def list_(as_json: JsonOption = False) -> None:
    """Print every survey: the built-in ones and the call scripts that ask questions."""
    from carecycle.loyalty.survey import all_surveys

    found = all_surveys()
    if as_json:
        print_json({k: v.model_dump(mode="json") for k, v in found.items()})
        return
    shown = table("survey", "title", "questions", numeric=1)
    for survey_id, survey in found.items():
        shown.add_row(survey_id, survey.title.en, f"{len(survey.questions)}")
    out.print(shown)


@surveys_group.command("show")
def show(
    survey_id: Annotated[str, typer.Argument(help="The survey, e.g. surveys/nps.")],
    language: Annotated[str, typer.Option("--language", help="en or zh.")] = "en",
    as_json: JsonOption = False,
) -> None:
    """Print a survey's questions."""
    from carecycle.loyalty.survey import find_survey

    survey = find_survey(survey_id)
    if as_json:
        print_json(survey.model_dump(mode="json"))
        return
    out.print(survey.title.in_language(language))
    for q in survey.questions:
        need = " (required)" if q.required else ""
        out.print(f"- {q.id} [{q.kind}]{need}: {q.text.in_language(language)}")
        for option in q.options:
            out.print(f"    {option.value}: {option.label.in_language(language)}")


@surveys_group.command("link")
def link(
    touch: Annotated[str, typer.Argument(help="The touch whose survey the link opens.")],
    as_json: JsonOption = False,
) -> None:
    """Print the signed survey link of a touch, for its contact."""
    from carecycle.cli import runtime
    from carecycle.services.surveys import survey_link

    with runtime() as rt:
        found = survey_link(rt.store, rt.settings.public_url, rt.channels().secret, touch)
    if as_json:
        print_json({"touch_uid": touch, "link": found})
        return
    out.print(found, soft_wrap=True)


@surveys_group.command("answer")
def answer(
    token: Annotated[
        str, typer.Argument(help="The token of the survey link (after /api/surveys/).")
    ],
    answers: Annotated[
        list[str], typer.Option("--answer", help="An answer QUESTION=VALUE (repeatable).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Record a contact's answers to a survey link, as the portal does: once."""
    from carecycle.cli import runtime
    from carecycle.services.surveys import answer_survey
    from carecycle.times import utc_now

    with runtime() as rt:
        done = answer_survey(rt.store, rt.channels().secret, token, parse_answers(answers),
                             now=utc_now())  # fmt: skip
    if as_json:
        print_json(done.as_dict())
        return
    out.print(f"{done.survey.id}: answered for touch {done.touch_uid}")


@surveys_group.command("results")
def results(
    survey_id: Annotated[
        str | None, typer.Argument(help="The survey (default: every survey's answers).")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Last day (default: today).")] = None,
    days: Annotated[int, typer.Option("--days", help="Days of answers read.")] = 365,
    as_json: JsonOption = False,
) -> None:
    """Print the answers per question and the net promoter score, with its interval."""
    from carecycle.cli import runtime
    from carecycle.services.surveys import survey_results
    from carecycle.times import utc_now, window_to

    day: date = parse_day(as_of, "--as-of") if as_of else utc_now().date()
    window_to(day, days)
    with runtime() as rt:
        found = survey_results(rt.store, survey_id, as_of=day, days=days)
    if as_json:
        print_json(found)
        return
    out.print(f"{found.survey_id}: {found.respondents:,} respondents, {found.start} to {found.end}")
    shown = table("question", "answers", "mean", "answered", numeric=2)
    for q in found.questions:
        counts = ", ".join(f"{k}: {n:,}" for k, n in list(q.counts.items())[:12])
        shown.add_row(q.question_id, f"{q.answers:,}", "" if q.mean is None else f"{q.mean:.2f}",
                      counts)  # fmt: skip
    out.print(shown)
    nps = found.nps
    if nps is not None and nps.score is not None:
        out.print(f"Net promoter score {nps.score:+.1f} (95% interval {nps.low:+.1f} to "
                  f"{nps.high:+.1f}): {nps.promoters:,} promoters, {nps.passives:,} passives, "
                  f"{nps.detractors:,} detractors of {nps.answers:,}")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the survey commands to the CLI."""
    app.add_typer(surveys_group, name="surveys")

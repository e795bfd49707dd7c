"""How commands talk to people: JSON on stdout, tables and progress on the terminal."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from carecycle.errors import InputError

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    return value


def table(*columns: str, numeric: int = 0, title: str | None = None) -> Table:
    """Return a table whose last `numeric` columns hold right-aligned figures."""
    made = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        if i >= len(columns) - numeric:
            made.add_column(name, justify="right", no_wrap=True)
        else:
            made.add_column(name, overflow="fold")
    return made


def to_json(value: Any) -> str:
    """Return `value` (dataclasses, dicts, dates, decimals…) as indented JSON."""
    return json.dumps(_plain(value), ensure_ascii=False, indent=2, default=str)


def print_json(value: Any) -> None:
    """Print `value` as JSON on stdout, nothing else."""
    print(to_json(value))


class Steps:
    """A progress display on stderr: a spinner with the current step, or a bar."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def say(self, message: str) -> None:
        """Show `message` as the current step."""
        task = self._task("status", message)
        self._progress.update(task, description=message)

    def advance(self, step: str, done: int, total: int) -> None:
        """Show `done` of `total` for `step`."""
        task = self._task(step, step, total=total)
        self._progress.update(task, completed=done, total=total)

    def _task(self, key: str, description: str, total: int | None = None) -> TaskID:
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(description, total=total)
        return self._tasks[key]


@contextmanager
def steps() -> Iterator[Steps]:
    """Yield a transient progress display on stderr."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        yield Steps(progress)


def parse_day(text: str | None, option: str) -> date:
    """Return the day an option gives, today when omitted."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: expected a date as YYYY-MM-DD, got {text!r}") from None


def check_writable(path: Path, option: str) -> None:
    """Refuse, before any work, a file the command could not write at the end."""
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"{option} {path}: no folder {path.parent}")


def parse_answers(pairs: list[str]) -> dict[str, object]:
    """Return `--answer QUESTION=VALUE` options as answers by question id."""
    answers: dict[str, object] = {}
    for pair in pairs:
        question, sep, value = pair.partition("=")
        if not sep or not question.strip():
            raise InputError(f"--answer: expected QUESTION=VALUE, got {pair!r}")
        answers[question.strip()] = value.strip()
    return answers

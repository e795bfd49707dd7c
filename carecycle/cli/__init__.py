"""The `carecycle` command line: parse, call one service, render."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape

from carecycle import __version__
from carecycle.bootstrap import Runtime, build_runtime, settings_from
from carecycle.cli.output import err
from carecycle.errors import CareCycleError

app = typer.Typer(
    name="carecycle",
    help="Customer care and loyalty lifecycle platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


# The usage error (bad option, missing argument) of the click that typer runs on: typer
# may bundle its own copy, so it is found from a class typer exports.
USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


class Context:
    """Options given before the command, shared by every command."""

    database_url: str | None = None


STATE = Context()


@app.callback()
def root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="Store URL (overrides CARECYCLE_DATABASE_URL): duckdb:///FILE or postgresql+psycopg://…",
        ),
    ] = None,
) -> None:
    """Customer care and loyalty lifecycle platform."""
    STATE.database_url = database_url


@contextmanager
def runtime(*, upgrade: bool = True) -> Iterator[Runtime]:
    """Yield the runtime for this invocation and close it afterwards."""
    settings = settings_from(database_url=STATE.database_url)
    built = build_runtime(settings, upgrade=upgrade)
    try:
        yield built
    finally:
        built.close()


@app.command()
def version() -> None:
    """Print the version."""
    print(__version__)


def _register() -> None:
    from carecycle.cli import (
        channels,
        clv,
        crosssell,
        data,
        dedupe,
        demo,
        health,
        ladder,
        loyalty,
        programs,
        report,
        score,
        segments,
        stats,
        store,
        surveys,
        synth,
    )  # fmt: skip

    store.register(app)
    dedupe.register(app)
    data.register(app)
    synth.register(app)
    demo.register(app)
    programs.register(app)
    channels.register(app)
    stats.register(app)
    report.register(app)
    clv.register(app)
    segments.register(app)
    score.register(app)
    health.register(app)
    ladder.register(app)
    crosssell.register(app)
    loyalty.register(app)
    surveys.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and a non-zero exit code."""
    _register()
    try:
        code = app(args=argv, prog_name="carecycle", standalone_mode=False)
    except USAGE_ERROR as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            app(args=argv, prog_name="carecycle")  # shows the help, as the command asks
        context = getattr(exc, "ctx", None)
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        shown = getattr(exc, "format_message", None)
        message = shown() if callable(shown) else str(exc)
        err.print(f"[red]error:[/] {escape(message)}{hint}", highlight=False)
        sys.exit(2)
    except CareCycleError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
    except OSError as exc:
        # A path the user gave cannot be written or read: still one line, no traceback.
        err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    if isinstance(code, int) and code:
        sys.exit(code)

"""`carecycle import`, `dedupe` and `quality`: the customer data hub."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, err, out, print_json, steps, table
from carecycle.errors import InputError
from carecycle.services import imports
from carecycle.services.quality import QualityReport, measure_quality

MAX_SHOWN_PROBLEMS = 50
LEVEL_LABELS = {
    "name_phone_email": "name + phone + email",
    "name_phone": "name + phone",
    "name_email": "name + email",
    "name_only": "name only",
}
CHANNEL_LABELS = {"edm": "eDM (email)", "tsr_call": "TSR call", "dm": "DM (letter)"}


def import_(
    args: Annotated[
        list[str] | None,
        typer.Argument(
            help="ENTITY FILE… (e.g. accounts accounts.csv); omit with --dir.", show_default=False
        ),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Import every entity file in DIR, in dependency order."),
    ] = None,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Write the good rows; bad ones go to FILE.rejects.csv."),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    encoding: Annotated[
        str, typer.Option(help="File encoding: auto (UTF-8, UTF-8 with BOM or GB18030), or a name.")
    ] = "auto",
    delimiter: Annotated[
        str | None, typer.Option(help="Field delimiter; sniffed from the file when omitted.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import CSV or Parquet files; a file with any bad row writes nothing."""
    from carecycle.cli import runtime

    items = _items(args or [], directory)
    started = time.perf_counter()
    with runtime() as rt, steps() as progress:
        report = imports.import_files(
            rt.store,
            items,
            default_region=rt.settings.default_region,
            now=datetime.now(),
            skip_bad=skip_bad,
            dry_run=dry_run,
            encoding=encoding,
            delimiter=delimiter,
            progress=progress.say,
        )
    if as_json:
        print_json(report)
    else:
        _show_import(report, dry_run=dry_run, seconds=time.perf_counter() - started)
    if report.problems and not skip_bad:
        raise typer.Exit(1)


def _items(args: list[str], directory: Path | None) -> list[tuple[str, Path]]:
    if directory is not None:
        if args:
            raise InputError("give either --dir DIR or ENTITY FILE…, not both")
        return imports.files_in(directory)
    if len(args) < 2:
        raise InputError(
            "give ENTITY FILE… (e.g. `carecycle import accounts accounts.csv`) or --dir DIR"
        )
    entity, *files = args
    return imports.ordered([(entity, Path(f)) for f in files])


def _show_import(report: imports.ImportReport, *, dry_run: bool, seconds: float) -> None:
    shown = table("file", "read", "inserted", "updated", "unchanged", "rejected", numeric=5)
    for f in report.files:
        figures = (f.rows_read, f.inserted, f.updated, f.unchanged, f.rejected)
        shown.add_row(Path(f.file).name, *(f"{n:,}" for n in figures))
    out.print(shown)
    for problem in report.problems[:MAX_SHOWN_PROBLEMS]:
        err.print(str(problem), highlight=False, markup=False)
    if len(report.problems) > MAX_SHOWN_PROBLEMS:
        err.print(f"… and {len(report.problems) - MAX_SHOWN_PROBLEMS:,} more (use --json for all)")
    if report.problems and not report.committed:
        err.print(
            f"{len(report.problems):,} problem(s): nothing was written. "
            "Fix them, or use --skip-bad."
        )
    elif dry_run:
        out.print(f"dry run: checked in {seconds:.1f} s; nothing was written")
    else:
        rows = sum(f.inserted + f.updated + f.unchanged for f in report.files)
        out.print(f"imported {rows:,} rows from {len(report.files)} file(s) in {seconds:.1f} s")
    for path in report.reject_files:
        out.print(f"rejected rows written to {path}")


def register(app: typer.Typer) -> None:
    """Add the data hub commands to `app`."""
    app.command("import")(import_)
    app.command("quality")(quality_)


def quality_(
    out_file: Annotated[
        Path, typer.Option("--out", help="Where to save the report as JSON.")
    ] = Path("quality.json"),
    as_json: JsonOption = False,
) -> None:
    """Measure data quality: completeness, reachability, invalid data, duplicates, orphans."""
    from carecycle.cli import runtime
    from carecycle.cli.output import to_json

    with runtime() as rt, steps() as progress:
        progress.say("measuring data quality")
        report = measure_quality(
            rt.store,
            similarity=rt.settings.name_similarity,
            now=datetime.now(),
        )
    out_file.write_text(to_json(report) + "\n", encoding="utf-8")
    if as_json:
        print_json(report)
        return
    _show_quality(report)
    out.print(f"saved to {out_file}")


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _show_quality(report: QualityReport) -> None:
    c = report.completeness
    shown = table(
        "contact completeness", "contacts", "share", numeric=2, title=f"{c.contacts:,} contacts"
    )
    for level, share in c.levels.items():
        shown.add_row(LEVEL_LABELS[level], f"{share.count:,}", _pct(share.share))
    shown.add_row("average points (5/3/3/0)", f"{c.average_points:.2f}", "")
    out.print(shown)
    reach = table(
        "channel", "with address", "reachable", numeric=2, title=f"{report.accounts:,} accounts"
    )
    for r in report.reachability:
        reach.add_row(
            CHANNEL_LABELS[r.channel], _pct(r.with_address.share), _pct(r.reachable.share)
        )
    out.print(reach)
    issues = table("issue", "count", numeric=1)
    v = report.validity
    issues.add_row("invalid emails", f"{v.invalid_emails:,}")
    issues.add_row("emails with a suspected domain typo", f"{v.suspected_email_typos:,}")
    issues.add_row("invalid phones", f"{v.invalid_phones:,}")
    for entity, d in report.duplicates.items():
        issues.add_row(f"duplicate {entity} to merge / merged", f"{d.found:,} / {d.merged:,}")
    issues.add_row("orphan rows", f"{report.orphan_rows:,}")
    out.print(issues)

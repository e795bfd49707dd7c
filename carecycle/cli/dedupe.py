"""`carecycle dedupe`: find and merge duplicate accounts and contacts, and undo merges."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from carecycle.cli.output import out, print_json, steps

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
group = typer.Typer(help="Find and merge duplicate accounts and contacts; list and undo merges.")
SHOWN = 20


@group.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would merge; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Find duplicates and merge them by the survivorship rule (see docs/cleansing.md)."""
    if ctx.invoked_subcommand is None:
        run(dry_run=dry_run, as_json=as_json)


def run(*, dry_run: bool, as_json: bool) -> None:
    """Merge duplicates now and show what was merged."""
    from carecycle.cli import runtime
    from carecycle.services.dedupe import merge_duplicates

    with runtime() as rt, steps() as progress:
        progress.say("looking for duplicates")
        report = merge_duplicates(
            rt.store, similarity=rt.settings.name_similarity, now=datetime.now(), dry_run=dry_run
        )
    if as_json:
        print_json(report)
        return
    table = Table("entity", "survivor", "duplicates", "rule", "score")
    for cluster in report.clusters[:SHOWN]:
        table.add_row(
            cluster.entity,
            cluster.survivor_id,
            ", ".join(cluster.duplicate_ids),
            cluster.rule,
            f"{cluster.score:.0f}",
        )
    out.print(table)
    if len(report.clusters) > SHOWN:
        out.print(f"… and {len(report.clusters) - SHOWN:,} more clusters (use --json for all)")
    verb = "would merge" if dry_run else "merged"
    merged = sum(len(c.duplicate_ids) for c in report.clusters)
    out.print(f"{verb} {merged:,} duplicate(s) in {len(report.clusters):,} cluster(s)")


@group.command("undo")
def undo(
    merge_id: Annotated[
        str, typer.Argument(help="The merge to undo (see `carecycle dedupe list`).")
    ],
    as_json: JsonOption = False,
) -> None:
    """Undo one merge: its duplicates become live records again and stay apart."""
    from carecycle.cli import runtime
    from carecycle.services.dedupe import undo_merge

    with runtime() as rt:
        report = undo_merge(rt.store, merge_id, now=datetime.now())
    if as_json:
        print_json(report)
    else:
        out.print(f"undid merge {merge_id}")


@group.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List merges, newest first."""
    from carecycle.cli import runtime
    from carecycle.services.dedupe import list_merges

    with runtime() as rt:
        merges = list_merges(rt.store)
    if as_json:
        print_json(merges)
        return
    out.print(merges)


def register(app: typer.Typer) -> None:
    """Add the dedupe group to `app`."""
    app.add_typer(group, name="dedupe")

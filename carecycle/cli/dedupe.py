"""`carecycle dedupe`: find and merge duplicate accounts and contacts, and undo merges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, out, print_json, steps, table
from carecycle.ingest.dedupe import Cluster

group = typer.Typer(help="Find and merge duplicate accounts and contacts; list and undo merges.")
SHOWN = 5


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
    _show_clusters(report.clusters, dry_run=dry_run)


def _show_clusters(clusters: Sequence[Cluster], *, dry_run: bool) -> None:
    if not clusters:
        out.print("no duplicates found")
        return
    by_rule = Counter((c.entity, c.rule) for c in clusters)
    dups = Counter[tuple[str, str]]()
    for c in clusters:
        dups[(c.entity, c.rule)] += len(c.duplicate_ids)
    summary = table("entity", "rule", "clusters", "duplicates", numeric=2)
    for (entity, rule), n in sorted(by_rule.items()):
        summary.add_row(entity, rule, f"{n:,}", f"{dups[(entity, rule)]:,}")
    out.print(summary)
    shown = table("entity", "survivor", "duplicates", "rule", "score", numeric=1, title="examples")
    for cluster in clusters[:SHOWN]:
        ids = ", ".join(cluster.duplicate_ids)
        shown.add_row(
            cluster.entity, cluster.survivor_id, ids, cluster.rule, f"{cluster.score:.0f}"
        )
    out.print(shown)
    verb = "would merge" if dry_run else "merged"
    merged = sum(len(c.duplicate_ids) for c in clusters)
    out.print(f"{verb} {merged:,} duplicate(s) in {len(clusters):,} cluster(s); --json lists all")


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
        restored = ", ".join(report.restored_ids)
        out.print(f"undid merge {merge_id}: {restored} live again beside {report.survivor_id}")
        if report.cascaded:
            out.print(
                f"also undid {len(report.cascaded)} contact merge(s) that joined people of "
                f"these accounts: {', '.join(report.cascaded)}"
            )


@group.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many merges.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List merges, newest first."""
    from carecycle.cli import runtime
    from carecycle.services.dedupe import list_merges

    with runtime() as rt:
        merges = list_merges(rt.store, limit=limit)
    if as_json:
        print_json(merges)
        return
    shown = table("merge id", "entity", "survivor", "duplicates", "rule", "merged", "undone")
    for m in merges:
        shown.add_row(
            m.merge_id,
            m.entity,
            m.survivor_id,
            ", ".join(m.duplicate_ids),
            m.rule,
            f"{m.merged_at:%Y-%m-%d %H:%M}",
            f"{m.undone_at:%Y-%m-%d %H:%M}" if m.undone_at else "",
        )
    out.print(shown)


def register(app: typer.Typer) -> None:
    """Add the dedupe group to `app`."""
    app.add_typer(group, name="dedupe")

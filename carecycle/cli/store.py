"""`carecycle db …`: the store's schema."""

from __future__ import annotations

from typing import Annotated

import typer

from carecycle.cli.output import JsonOption, out, print_json
from carecycle.store import migrate

db = typer.Typer(help="Create and migrate the store's schema.", no_args_is_help=True)


@db.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
    as_json: JsonOption = False,
) -> None:
    """Migrate the store to the newest schema (or to --revision)."""
    from carecycle.cli import runtime

    with runtime(upgrade=False) as rt:
        before, after = migrate.upgrade(rt.store, revision)
        result = {"store": rt.store.dialect, "from": before, "to": after}
    if as_json:
        print_json(result)
    elif before == after:
        out.print(f"store already at revision {after}")
    else:
        out.print(f"store upgraded from {before or 'empty'} to {after}")


@db.command("current")
def current(
    as_json: JsonOption = False,
) -> None:
    """Print the store's schema revision and the newest one this version knows."""
    from carecycle.cli import runtime

    with runtime(upgrade=False) as rt:
        result = {
            "store": rt.store.dialect,
            "revision": migrate.current_revision(rt.store),
            "head": migrate.head_revision(),
        }
    if as_json:
        print_json(result)
    else:
        out.print(
            f"{result['store']} store at {result['revision'] or 'empty'} (newest: {result['head']})"
        )


def register(app: typer.Typer) -> None:
    """Add the `db` group to `app`."""
    app.add_typer(db, name="db")

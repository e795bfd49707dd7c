"""`carecycle cross-sell rules` and `carecycle cross-sell offers`: next-best offers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carecycle.cli.output import JsonOption, check_writable, out, parse_day, print_json, steps
from carecycle.cli.output import table as make_table

if TYPE_CHECKING:
    from carecycle.bootstrap import Runtime
    from carecycle.intelligence.crosssell import Purchases, Rules

cross_sell_group = typer.Typer(help="Cross-sell rules and next-best offers.", no_args_is_help=True)
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Purchases and answers up to this day (default: today)."),
]
SupportOption = Annotated[
    float, typer.Option("--min-support", help="Least share of all accounts a rule covers.")
]
ConfidenceOption = Annotated[
    float, typer.Option("--min-confidence", help="Least share of X's owners that own Y.")
]
LiftOption = Annotated[float, typer.Option("--min-lift", help="Least lift of a rule.")]
DaysOption = Annotated[int, typer.Option("--days", help="Days of profiling answers read.")]


def _mine(
    rt: Runtime,
    day_text: str | None,
    days: int | None,
    support: float,
    confidence: float,
    lift: float,
) -> tuple[Purchases, Rules, dict[int, set[str]]]:
    from carecycle.services.crosssell import cross_sell

    day = parse_day(day_text, "--as-of")
    with steps() as progress:
        progress.say(f"mining the purchases up to {day}")
        return cross_sell(rt.store, as_of=day, days=days, families=rt.settings.planned_families,
                          min_support=support, min_confidence=confidence,
                          min_lift=lift)  # fmt: skip


@cross_sell_group.command("rules")
def rules_command(
    as_of: AsOfOption = None,
    min_support: SupportOption = 0.005,
    min_confidence: ConfidenceOption = 0.05,
    min_lift: LiftOption = 1.1,
    top: Annotated[int, typer.Option("--top", help="Rules shown, strongest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Mine the rules X → Y: of the accounts owning X, those owning Y too."""
    from carecycle.cli import runtime
    from carecycle.errors import InputError

    if top < 0:
        raise InputError("--top must be 0 or more")
    with runtime() as rt:
        purchases, found, _ = _mine(rt, as_of, None, min_support, min_confidence, min_lift)
    if as_json:
        print_json({"accounts": len(purchases.accounts), "rules": found.rules[:top]})
        return
    names = dict(zip(purchases.products, purchases.names, strict=True))
    shown = make_table(
        "owned", "also owned", "accounts", "support", "confidence", "lift", numeric=4
    )
    for rule in found.rules[:top]:
        shown.add_row(
            names[rule.antecedent], names[rule.consequent], f"{rule.both:,}",
            f"{rule.support:.1%}", f"{rule.confidence:.0%}", f"{rule.lift:.2f}",
        )  # fmt: skip
    out.print(shown)
    out.print(f"{len(found.rules):,} rules over {len(purchases.accounts):,} accounts with a "
              "purchase")  # fmt: skip


@cross_sell_group.command("offers")
def offers_command(
    as_of: AsOfOption = None,
    accounts: Annotated[
        list[str] | None, typer.Option("--account", help="Offers for this account (repeat).")
    ] = None,
    per_account: Annotated[
        int, typer.Option("--per-account", help="Offers per account, best first.")
    ] = 3,
    days: DaysOption = 365,
    min_support: SupportOption = 0.005,
    min_confidence: ConfidenceOption = 0.05,
    min_lift: LiftOption = 1.1,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="CSV with the offers of every account.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Next-best offers per account: products it does not own, planned families first,
    then by the best rule from what it owns, each with a reason a TSR can read."""
    from carecycle.cli import runtime
    from carecycle.intelligence.crosssell import check_per_account
    from carecycle.services.crosssell import offers_for, write_offers

    check_per_account(per_account)
    if out_file is not None:
        check_writable(out_file, "--out")
    with runtime() as rt:
        purchases, found, planned = _mine(rt, as_of, days, min_support, min_confidence,
                                          min_lift)  # fmt: skip
        chosen = accounts or (None if out_file is not None else purchases.accounts[:5])
        offers = offers_for(purchases, found, planned, accounts=chosen, per_account=per_account)
    if out_file is not None:
        write_offers(offers, out_file)
    # Without --account, the first five accounts' offers are shown (all go to --out).
    shown_offers = (
        offers.listed() if accounts or out_file is None else offers.listed(5 * per_account)
    )
    if accounts is None and out_file is not None:
        first = set(purchases.accounts[:5])
        shown_offers = [o for o in shown_offers if o.account_id in first]
    if as_json:
        print_json({"accounts": len(purchases.accounts), "rules": len(found.rules),
                    "offers": shown_offers})  # fmt: skip
        return
    shown = make_table("account", "#", "offer", "why")
    for offer in shown_offers:
        shown.add_row(offer.account_id, str(offer.rank), offer.product, offer.reason)
    out.print(shown)
    said = len(planned)
    out.print(f"{len(found.rules):,} rules over {len(purchases.accounts):,} accounts; "
              f"{said:,} account{'' if said == 1 else 's'} said what "
              f"{'it plans' if said == 1 else 'they plan'} to buy")  # fmt: skip
    if out_file is not None:
        out.print(f"{len(offers):,} offers written to {out_file}")


def register(app: typer.Typer) -> None:
    """Add the cross-sell commands to the CLI."""
    app.add_typer(cross_sell_group, name="cross-sell")

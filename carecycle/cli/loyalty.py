"""`carecycle loyalty …`: the points ledger — balances, statements, redemptions,
adjustments and expiry."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any, Literal

import typer

from carecycle.cli.output import JsonOption, out, parse_day, print_json, table

loyalty_group = typer.Typer(help="Loyalty points: balances, redemptions, adjustments.",
                            no_args_is_help=True)  # fmt: skip
AccountArgument = Annotated[str, typer.Argument(help="The account.")]
ContactOption = Annotated[
    str | None, typer.Option("--contact", help="One contact's points of the account.")
]


def _moment(text: str | None) -> datetime:
    """Return the end of the day given (now when omitted)."""
    from carecycle.times import utc_now

    if text is None:
        return utc_now()
    return datetime.combine(parse_day(text, "--as-of"), time.max.replace(microsecond=0))


@loyalty_group.command("balance")
def balance(
    account: AccountArgument,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Balance at the end of this day (default: now).")
    ] = None,
    contact: ContactOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print an account's (or one contact's) points balance."""
    from carecycle.cli import runtime
    from carecycle.services import points

    moment = _moment(as_of)
    with runtime() as rt:
        found = points.balance(rt.store, account, moment, contact)
    if as_json:
        print_json({"account_id": account, "contact_id": contact, "at": moment, "balance": found})
        return
    whose = f"{account}" + (f" ({contact})" if contact else "")
    out.print(f"{whose}: {found:,} points at {moment:%Y-%m-%d %H:%M}")


@loyalty_group.command("statement")
def statement(account: AccountArgument, as_json: JsonOption = False) -> None:
    """Print every entry of an account's ledger, oldest first: the audit trail."""
    from carecycle.cli import runtime
    from carecycle.services import points

    with runtime() as rt:
        rows = points.statement(rt.store, account)
    if as_json:
        print_json(rows)
        return
    shown = table("when", "kind", "points", "contact", "rule / reason", "by", "recorded",
                  numeric=0)  # fmt: skip
    for r in rows:
        shown.add_row(
            f"{r['occurred_at']:%Y-%m-%d %H:%M}", r["kind"], f"{r['points']:+,}",
            r["contact_id"] or "", r["rule"] or r["reason"] or "", r["actor"] or "",
            f"{r['recorded_at']:%Y-%m-%d %H:%M}",
        )  # fmt: skip
    out.print(shown)
    out.print(f"{len(rows):,} entries")


@loyalty_group.command("redeem")
def redeem(
    account: AccountArgument,
    points_: Annotated[int, typer.Option("--points", help="Points to take.")],
    key: Annotated[
        str, typer.Option("--key", help="The redemption's own key: asking twice takes once.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="What the points are for.")] = "",
    contact: ContactOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take points for a redemption, the soonest-expiring first."""
    from carecycle.cli import runtime
    from carecycle.services import points
    from carecycle.times import utc_now

    with runtime() as rt:
        found = points.redeem(rt.store, account_id=account, points=points_, source_key=key,
                              occurred_at=utc_now(), reason=reason or "redemption",
                              contact_id=contact)  # fmt: skip
        left = points.balance(rt.store, account, utc_now(), contact)
    if as_json:
        print_json({"entry": found, "balance": left})
        return
    done = "redeemed" if found.new else "already redeemed under that key:"
    out.print(f"{account}: {done} {-found.points:,} points; {left:,} left")


@loyalty_group.command("adjust")
def adjust(
    account: AccountArgument,
    points_: Annotated[int, typer.Option("--points", help="Points to add (+) or deduct (−).")],
    reason: Annotated[str, typer.Option("--reason", help="Why.")],
    actor: Annotated[str, typer.Option("--actor", help="Who makes the adjustment.")],
    key: Annotated[
        str | None, typer.Option("--key", help="The adjustment's own key (default: a new one).")
    ] = None,
    contact: ContactOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add or deduct points by hand, with a reason and who made the change."""
    import uuid

    from carecycle.cli import runtime
    from carecycle.services import points
    from carecycle.times import utc_now

    with runtime() as rt:
        found = points.adjust(rt.store, account_id=account, points=points_, reason=reason,
                              actor=actor, source_key=key or f"adjust:{uuid.uuid4().hex}",
                              occurred_at=utc_now(), contact_id=contact)  # fmt: skip
        left = points.balance(rt.store, account, utc_now(), contact)
    if as_json:
        print_json({"entry": found, "balance": left})
        return
    out.print(f"{account}: adjusted by {found.points:+,} points; {left:,} now")


@loyalty_group.command("expire")
def expire(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Expire what expired by the end of this day.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write the expiry of every lot of points expired by the day (default: now)."""
    from carecycle.cli import runtime
    from carecycle.services import points

    moment = _moment(as_of)
    with runtime() as rt:
        found = points.expire_all(rt.store, moment=moment)
    if as_json:
        print_json({"at": moment, "expired": found})
        return
    out.print(f"{sum(found.values()):,} points expired on {len(found):,} accounts by "
              f"{moment:%Y-%m-%d %H:%M}")  # fmt: skip


RulesOption = Annotated[
    str | None,
    typer.Option("--rules", help="A rules file or built-in rule set (default: setting "
                 "loyalty_rules)."),
]  # fmt: skip


@loyalty_group.command("award")
def award(
    as_of: Annotated[str, typer.Option("--as-of", help="Award for the facts as of this day.")],
    rules: RulesOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be awarded; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Award the points the earning rules give for the base as of a day: once for each
    thing earned, however often it runs."""
    from carecycle.cli import runtime
    from carecycle.loyalty.rules import resolve_rules
    from carecycle.services.award import award as award_points
    from carecycle.times import utc_now

    day = parse_day(as_of, "--as-of")
    with runtime() as rt:
        found = resolve_rules(rules or rt.settings.loyalty_rules)
        report = award_points(rt.store, found, as_of=day, now=utc_now(), dry_run=dry_run)
    if as_json:
        print_json({"as_of": report.as_of, "rule_set": report.rule_set, "dry_run": dry_run,
                    "entries": report.entries, "points": report.points,
                    "rules": report.rules})  # fmt: skip
        return
    title = f"{found.name} as of {day}" + (" (dry run: nothing written)" if dry_run else "")
    shown = table("rule", "subjects", "entries", "points", "held by cap", "expired",
                  "taken back", numeric=6, title=title)  # fmt: skip
    for r in report.rules:
        shown.add_row(r.rule, f"{r.qualifying:,}", f"{r.entries:,}", f"{r.points:,}",
                      f"{r.capped:,}", f"{r.expired:,}",
                      f"{r.reversed_points:,} ({r.reversed_entries:,})")  # fmt: skip
    out.print(shown)
    verb = "would award" if dry_run else "awarded"
    out.print(f"{verb} {report.points:,} points in {report.entries:,} entries")


@loyalty_group.command("rules")
def rules_(rules: RulesOption = None, as_json: JsonOption = False) -> None:
    """Print the earning rules: each rule's levels, points, factor weight and cap."""
    from carecycle.cli import runtime
    from carecycle.loyalty.rules import describe_level, resolve_rules

    with runtime(upgrade=False) as rt:
        found = resolve_rules(rules or rt.settings.loyalty_rules)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    lifetime = f"points expire {found.expires_after} after earned" if found.expires_after \
        else "points never expire"  # fmt: skip
    shown = table("rule", "kind", "level", "points", "factor", "cap", numeric=1,
                  title=f"{found.name} ({found.id}): {lifetime}")  # fmt: skip
    for rule in found.rules:
        cap = f"{rule.cap.points} a {rule.cap.per}" if rule.cap else ""
        for i, level in enumerate(rule.stages):
            first = i == 0
            shown.add_row(rule.title if first else "", rule.kind if first else "",
                          describe_level(rule, level), f"{level.points:,}",
                          f"{rule.factor} ×{found.weight(rule):g}" if first else "",
                          cap if first else "")  # fmt: skip
        if rule.referred_points:
            shown.add_row("", "", "to the referred company, once", f"{rule.referred_points:,}",
                          "", "")  # fmt: skip
    out.print(shown)


def _tiers(rules: str | None, configured: str) -> Any:
    from carecycle.errors import InputError
    from carecycle.loyalty.rules import resolve_rules

    found = resolve_rules(rules or configured)
    if found.tiers is None:
        raise InputError(f"the rule set {found.id} has no tiers")
    return found.tiers


@loyalty_group.command("tiers")
def tiers(
    as_of: Annotated[str, typer.Option("--as-of", help="Review the tiers as of this day.")],
    rules: RulesOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what the review would do; write nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Review every account's tier as of a day: up at once, down after the grace period."""
    from carecycle.cli import runtime
    from carecycle.services.tiers import review_tiers
    from carecycle.times import utc_now

    day = parse_day(as_of, "--as-of")
    with runtime() as rt:
        found = review_tiers(rt.store, _tiers(rules, rt.settings.loyalty_rules), as_of=day,
                             now=utc_now(), dry_run=dry_run)  # fmt: skip
    if as_json:
        print_json({"as_of": found.as_of, "dry_run": dry_run, "counts": found.counts,
                    "moves": found.moves(), "events": found.events})  # fmt: skip
        return
    shown = table("tier", "accounts", numeric=1,
                  title=f"Tiers as of {day}" + (" (dry run)" if dry_run else ""))  # fmt: skip
    for name, n in found.counts.items():
        shown.add_row(name, f"{n:,}")
    out.print(shown)
    moves = found.moves()
    out.print(f"{moves.get('upgrade', 0):,} up, {moves.get('downgrade', 0):,} down, "
              f"{moves.get('entered', 0):,} entered")  # fmt: skip


@loyalty_group.command("tier")
def tier(account: AccountArgument, rules: RulesOption = None, as_json: JsonOption = False) -> None:
    """Print an account's tier, its privileges, the points the next tier needs and its
    history."""
    from carecycle.cli import runtime
    from carecycle.services.tiers import account_tier

    with runtime() as rt:
        found = account_tier(rt.store, _tiers(rules, rt.settings.loyalty_rules), account)
    if as_json:
        print_json(found.as_dict())
        return
    if found.tier is None:
        out.print(f"{account}: no tier yet (run `carecycle loyalty tiers --as-of DAY`)")
    else:
        out.print(f"{account}: {found.tier.name}, {found.points:,} qualifying points at the "
                  f"review of {found.reviewed_on}")  # fmt: skip
        for privilege in found.tier.privileges:
            out.print(f"  • {privilege}")
    if found.next_tier is not None:
        out.print(f"{found.points_to_next:,} more points to {found.next_tier.name}")
    for e in found.history:
        came = f"from {e.from_tier} " if e.from_tier else ""
        out.print(f"  {e.occurred_on}: {e.kind} {came}to {e.to_tier} ({e.points:,} points)")


@loyalty_group.command("referrals")
def referrals(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Followed as of this day (default: today).")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="One referrer's.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the referrals made, each followed to the referred company's first purchase."""
    from carecycle.cli import runtime
    from carecycle.services.referrals import list_referrals
    from carecycle.times import utc_now

    day = parse_day(as_of, "--as-of") if as_of else utc_now().date()
    with runtime() as rt:
        found = list_referrals(rt.store, as_of=day, account_id=account)
    if as_json:
        print_json(found)
        return
    shown = table("referred on", "referrer", "referred company", "status", "first purchase")
    for r in found[:50]:
        bought = "internal" if r.internal else (str(r.bought_on) if r.bought_on else "")
        shown.add_row(str(r.referred_on), r.referrer, r.referred_company, r.status, bought)
    out.print(shown)
    external = [r for r in found if not r.internal]
    led = sum(r.bought_on is not None for r in external)
    rate = f" ({led / len(external):.0%})" if external else ""
    more = "; the newest 50 shown (--json for all)" if len(found) > 50 else ""
    out.print(f"{len(found):,} referrals by {day}: {len(found) - len(external):,} internal, "
              f"{len(external):,} of other companies, {led:,} of which led to a first "
              f"purchase{rate}{more}")  # fmt: skip


@loyalty_group.command("relationships")
def relationships(
    as_of: Annotated[str, typer.Option("--as-of", help="Scores over the days up to this day.")],
    days: Annotated[int, typer.Option("--days", help="Days the scores count.")] = 365,
    program: Annotated[
        str | None, typer.Option("--program", help="Compare this program's test and holdout.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the relationship scores — communication, internal recommendation, external
    referral — and, with --program, test against holdout on each."""
    from carecycle.cli import runtime
    from carecycle.services.relationships import compare_groups, read_relationships
    from carecycle.times import window_to

    day = parse_day(as_of, "--as-of")
    window_to(day, days)
    with runtime() as rt:
        found = read_relationships(rt.store, as_of=day, days=days)
        compared = compare_groups(rt.store, found, program) if program else None
    summary = found.summary()
    if as_json:
        print_json({"as_of": day, "days": days, "customers": len(found.accounts),
                    "summary": summary, "program": program, "comparison": compared})  # fmt: skip
        return
    shown = table("relationship", "customers with any", "share", "mean per customer", numeric=3,
                  title=f"{len(found.accounts):,} customers, {days} days to {day}")  # fmt: skip
    for name, s in summary.items():
        shown.add_row(name, f"{s['accounts']:,}", f"{s['share']:.1%}", f"{s['mean']:.3f}")
    out.print(shown)
    if compared:
        shown = table("relationship", "test", "holdout", "difference", "95% interval",
                      "p", numeric=5, title=f"{program}: test against holdout")  # fmt: skip
        for name, c in compared.items():
            d = c.difference
            interval = f"{d.low:+.3f} … {d.high:+.3f}" if d.low is not None and d.high is not None \
                else "—"  # fmt: skip
            shown.add_row(name, f"{c.test.mean:.3f} (n={c.test.n:,})",
                          f"{c.control.mean:.3f} (n={c.control.n:,})",
                          "—" if d.estimate is None else f"{d.estimate:+.3f}", interval,
                          "—" if c.p_value is None else f"{c.p_value:.3g}")  # fmt: skip
        out.print(shown)


@loyalty_group.command("portal")
def portal(
    contact: Annotated[str, typer.Argument(help="The contact.")], as_json: JsonOption = False
) -> None:
    """Print the address of a contact's customer portal (their points, tier and rewards)."""
    from carecycle.channels.links import portal_token
    from carecycle.cli import runtime
    from carecycle.services.portal import portal_contact

    with runtime() as rt:
        token = portal_token(rt.channels().secret, contact)
        portal_contact(rt.store, rt.channels().secret, token)
        address = f"{rt.settings.public_url}/api/portal/{token}"
    if as_json:
        print_json({"contact_id": contact, "portal": address})
        return
    out.print(address, soft_wrap=True)


rewards_group = typer.Typer(
    help="The rewards catalogue: items exchanged for points, and their redemptions.",
    no_args_is_help=True,
)
loyalty_group.add_typer(rewards_group, name="rewards")
RedemptionArgument = Annotated[str, typer.Argument(help="The redemption's id.")]
ActorOption = Annotated[str, typer.Option("--actor", help="Who makes the change.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="A note kept with it.")]


@rewards_group.command("load")
def rewards_load(
    file: Annotated[str, typer.Argument(help="A catalogue file, or 'sample'.")],
    as_json: JsonOption = False,
) -> None:
    """Add and update the catalogue's items from a YAML file."""
    from carecycle.cli import runtime
    from carecycle.services import rewards
    from carecycle.times import utc_now

    catalogue = rewards.read_catalogue(file)
    with runtime() as rt:
        found = rewards.load_catalogue(rt.store, catalogue, now=utc_now())
    if as_json:
        print_json(found)
        return
    out.print(f"{found['added']:,} rewards added, {found['updated']:,} updated")


@rewards_group.command("list")
def rewards_list(
    everything: Annotated[
        bool, typer.Option("--all", help="Withdrawn and out-of-date items too.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Print the rewards on offer today, with their cost and the units left."""
    from carecycle.cli import runtime
    from carecycle.services import rewards
    from carecycle.times import utc_now

    with runtime() as rt:
        found = rewards.offered(rt.store, everything=everything, on=utc_now().date())
    if as_json:
        print_json(found)
        return
    shown = table("reward", "name", "valid", "per account", "left", "points", numeric=3)
    for r in found:
        valid = f"{r.valid_from or ''}…{r.valid_until or ''}" if r.valid_from or r.valid_until \
            else "always"  # fmt: skip
        if not r.active:
            valid = "withdrawn"
        shown.add_row(r.reward_id, r.name, valid, "" if r.per_account is None else
                      f"{r.per_account:,}", "∞" if r.left is None else f"{r.left:,}",
                      f"{r.points:,}")  # fmt: skip
    out.print(shown)
    if not found:
        out.print("no rewards on offer: load a catalogue with `carecycle loyalty rewards load`")


@rewards_group.command("request")
def rewards_request(
    account: AccountArgument,
    reward: Annotated[str, typer.Argument(help="The reward's id.")],
    key: Annotated[
        str, typer.Option("--key", help="The request's own key: asking twice redeems once.")
    ],
    quantity: Annotated[int, typer.Option("--quantity", help="Units asked for.")] = 1,
    contact: ContactOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask for a reward: its points are taken now."""
    from carecycle.cli import runtime
    from carecycle.services import points, rewards
    from carecycle.times import utc_now

    with runtime() as rt:
        found = rewards.request(rt.store, account_id=account, reward_id=reward, key=key,
                                now=utc_now(), quantity=quantity,
                                contact_id=contact)  # fmt: skip
        left = points.balance(rt.store, account, utc_now(), contact)
    if as_json:
        print_json({"redemption": found, "balance": left})
        return
    done = "requested" if found.new else f"already asked for under that key ({found.status}):"
    out.print(f"{account}: {done} {found.quantity} × {found.reward_id} for {found.points:,} "
              f"points (redemption {found.redemption_id}); {left:,} points left")  # fmt: skip


def _move(
    redemption: str,
    status: Literal["approved", "fulfilled", "cancelled"],
    actor: str,
    note: str | None,
    as_json: bool,
) -> None:
    from carecycle.cli import runtime
    from carecycle.services import rewards
    from carecycle.times import utc_now

    with runtime() as rt:
        found = rewards.move(rt.store, redemption, status, actor=actor, now=utc_now(),
                             note=note)  # fmt: skip
    if as_json:
        print_json(found)
        return
    back = f"; {found.returned:,} points given back" if status == "cancelled" else ""
    done = found.status if found.new else f"already {found.status}"
    out.print(f"redemption {redemption} ({found.reward_id}, {found.account_id}): {done}{back}")


@rewards_group.command("approve")
def rewards_approve(redemption: RedemptionArgument, actor: ActorOption,
                    note: NoteOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Approve a requested redemption."""
    _move(redemption, "approved", actor, note, as_json)


@rewards_group.command("fulfil")
def rewards_fulfil(redemption: RedemptionArgument, actor: ActorOption,
                   note: NoteOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Record an approved redemption as fulfilled: the reward was given."""
    _move(redemption, "fulfilled", actor, note, as_json)


@rewards_group.command("cancel")
def rewards_cancel(redemption: RedemptionArgument, actor: ActorOption,
                   note: NoteOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Cancel a redemption not yet fulfilled: its points are given back."""
    _move(redemption, "cancelled", actor, note, as_json)


@rewards_group.command("redemptions")
def rewards_redemptions(
    account: Annotated[str | None, typer.Option("--account", help="One account's.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only in this status.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print redemptions, newest first."""
    from carecycle.cli import runtime
    from carecycle.services import rewards

    with runtime() as rt:
        found = rewards.redemptions(rt.store, account_id=account, status=status)
    if as_json:
        print_json(found)
        return
    shown = table("redemption", "requested", "account", "reward", "status", "by", "units",
                  "points", numeric=2)  # fmt: skip
    for r in found:
        shown.add_row(r.redemption_id, f"{r.requested_at:%Y-%m-%d %H:%M}", r.account_id,
                      r.reward_id, r.status, r.actor or "", f"{r.quantity:,}",
                      f"{r.points:,}")  # fmt: skip
    out.print(shown)
    out.print(f"{len(found):,} redemptions")


def register(app: typer.Typer) -> None:
    """Add the loyalty commands to the CLI."""
    app.add_typer(loyalty_group, name="loyalty")

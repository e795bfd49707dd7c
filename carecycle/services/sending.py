"""Use case: hand a channel its due touches, exactly once.

Every run first reconciles what a stopped run left, then screens the due touches (expired,
or the contact closed the channel since planning), claims them in a committed
transaction, and only then hands them over: emails one SMTP transaction each, letters
and hand-off lists as one batch of files published by a rename, calls into their team's
queue. Store times are UTC without a zone.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from carecycle.channels.base import Dispatch, NotRenderableError
from carecycle.channels.email import message_id_for, render_email
from carecycle.channels.kit import ChannelKit
from carecycle.channels.mail import Letter, render_letter
from carecycle.channels.mailhouse import write_letters_pdf_pages, write_mailhouse_csv
from carecycle.channels.partner import group_by_partner, handoff_row, handoff_stem, write_handoff
from carecycle.channels.smtp import SmtpRefusedError, SmtpTransport, SmtpUnavailableError
from carecycle.errors import CareCycleError, InputError
from carecycle.services import outbox
from carecycle.services.events import short
from carecycle.services.outbox import Claim
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.store.schema import SENDABLE_CHANNELS

Progress = Callable[[int, int], None]
CLAIM_CHUNK = 500


class SenderStoppedError(CareCycleError):
    """The channel stopped accepting part-way; what went out is recorded."""


@dataclass(frozen=True)
class SendResult:
    """What one run handed to a channel."""

    channel: str
    as_of: date
    sent: int
    queued: int
    failed: int
    retrying: int  # deferred by the server, waiting for a later run
    screened: dict[str, int]
    reconciled: dict[str, int]
    files: tuple[Path, ...] = ()
    failures: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def send_due(
    store: Store,
    kit: ChannelKit,
    channel: str,
    as_of: date,
    *,
    now: datetime,
    limit: int | None = None,
    progress: Progress | None = None,
) -> SendResult:
    """Hand `channel` its touches due by `as_of`; nothing goes out twice, even after a crash."""
    if channel not in SENDABLE_CHANNELS:
        raise InputError(f"cannot send on {channel!r}: use one of {', '.join(SENDABLE_CHANNELS)}")
    with outbox.exclusive_sender(store, channel):
        reconciled = outbox.reconcile(store, channel, now)
        with store.begin() as conn:
            screened = outbox.screen_due(conn, channel, as_of, now)
            due = outbox.load_due(conn, channel, as_of, now, limit=limit)
        handler = _HANDLERS[channel]
        tally = handler(store, kit, due, now, progress or _quiet)
        with store.begin() as conn:
            later = outbox.waiting(conn, channel, now)
    return SendResult(
        channel=channel,
        as_of=as_of,
        sent=tally.sent,
        queued=tally.queued,
        failed=tally.failed,
        retrying=later,
        screened=screened,
        reconciled=reconciled,
        files=tuple(tally.files),
        failures=tuple(tally.failures),
    )


def _quiet(done: int, total: int) -> None:
    del done, total


@dataclass
class _Tally:
    sent: int = 0
    queued: int = 0
    failed: int = 0
    files: list[Path] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, uid: str, reason: str) -> None:
        self.failed += 1
        self.failures.append((uid, reason))


def _batch_id(channel: str, now: datetime) -> str:
    return f"{channel}-{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def _fail(store: Store, uid: str, reason: str, now: datetime, tally: _Tally) -> None:
    with store.begin() as conn:
        outbox.set_state(conn, [uid], "failed", now, detail=reason)
        outbox.mark_touches(conn, [uid], "failed", now, detail=reason)
    tally.fail(uid, reason)


# --- email -----------------------------------------------------------------------------


def _send_emails(
    store: Store, kit: ChannelKit, due: list[Dispatch], now: datetime, progress: Progress
) -> _Tally:
    tally = _Tally()
    for start in range(0, len(due), CLAIM_CHUNK):
        chunk = due[start : start + CLAIM_CHUNK]
        claims = [
            Claim(d.touch_uid, d.addressee.email, message_id_for(d.touch_uid, kit.email.domain))
            for d in chunk
        ]
        with store.begin() as conn:
            batch = _batch_id("edm", now)
            claimed = outbox.claim(conn, claims, channel="edm", batch_id=batch, now=now)
        chunk = [d for d in chunk if d.touch_uid in claimed]
        # Accepted emails are safe as "transmitting" already; recording them as sent once a
        # chunk saves two writes per email, and a crash before that is reconciled as sent.
        accepted: list[tuple[str, str]] = []
        try:
            with SmtpTransport(kit.smtp) as smtp:
                for position, dispatch in enumerate(chunk):
                    _send_email(store, kit, smtp, dispatch, now, tally, accepted)
                    progress(start + position + 1, len(due))
        except SmtpUnavailableError as exc:
            _record_sent(store, accepted, now, tally)
            # One caught mid-transmission stays "transmitting": the server may have it.
            with store.begin() as conn:
                outbox.release(conn, [d.touch_uid for d in chunk], now)
            raise SenderStoppedError(
                f"{exc}; {tally.sent} sent, the rest go on the next run"
            ) from None
        _record_sent(store, accepted, now, tally)
    return tally


def _send_email(
    store: Store,
    kit: ChannelKit,
    smtp: SmtpTransport,
    dispatch: Dispatch,
    now: datetime,
    tally: _Tally,
    accepted: list[tuple[str, str]],
) -> None:
    uid = dispatch.touch_uid
    try:
        message = render_email(dispatch, kit.links_for(dispatch), kit.email, sent_at=_utc(now))
    except NotRenderableError as exc:
        _fail(store, uid, f"cannot render: {exc}", now, tally)
        return

    def transmitting() -> None:
        with store.begin() as conn:
            outbox.set_state(conn, [uid], "transmitting", now)

    assert dispatch.addressee.email is not None
    try:
        reply = smtp.transmit(
            message,
            sender=kit.email.address,
            recipient=dispatch.addressee.email,
            before_commit=transmitting,
        )
    except SmtpRefusedError as exc:
        if exc.permanent:
            _fail(store, uid, f"refused by the SMTP server: {exc}", now, tally)
        else:
            _release([uid], store, kit, now, tally, reason=f"deferred by the server: {exc}")
        return
    accepted.append((uid, reply))


def _record_sent(
    store: Store, accepted: list[tuple[str, str]], now: datetime, tally: _Tally
) -> None:
    """Record the emails the server accepted, with its reply to each."""
    if not accepted:
        return
    d = schema.dispatches
    uids = [uid for uid, _ in accepted]
    with store.begin() as conn:
        conn.execute(
            d.update()
            .where(d.c.touch_uid == sa.bindparam("uid"))
            .values(state="sent", updated_at=now, detail=sa.bindparam("reply")),
            [{"uid": uid, "reply": short(reply)} for uid, reply in accepted],
        )
        outbox.mark_touches(conn, uids, "sent", now, detail="accepted by the SMTP server")
    tally.sent += len(accepted)
    accepted.clear()


def _release(
    uids: Sequence[str],
    store: Store,
    kit: ChannelKit,
    now: datetime,
    tally: _Tally,
    *,
    reason: str,
) -> None:
    """Put emails the server deferred back for a later run; fail those out of attempts."""
    d = schema.dispatches
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(d.c.touch_uid, d.c.attempts).where(d.c.touch_uid.in_(list(uids)))
        ).all()
        spent = [r.touch_uid for r in rows if r.attempts >= kit.email_max_attempts]
        again = [r.touch_uid for r in rows if r.attempts < kit.email_max_attempts]
        retry_at = now + kit.email_retry
        outbox.set_state(conn, again, "retry", now, next_attempt_at=retry_at, detail=reason)
        if spent:
            final = f"{reason}; gave up after {kit.email_max_attempts} attempts"
            outbox.set_state(conn, spent, "failed", now, detail=final)
            outbox.mark_touches(conn, spent, "failed", now, detail=final)
    for uid in spent:
        tally.fail(uid, reason)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


# --- files: letters and hand-off lists -------------------------------------------------


def _publish(
    store: Store,
    kit: ChannelKit,
    channel: str,
    due: list[Dispatch],
    now: datetime,
    write: Callable[[Path, list[Dispatch]], None],
) -> _Tally:
    """Claim the batch, write its files into a hidden folder, rename it, then record it."""
    tally = _Tally()
    if not due:
        return tally
    batch_id = _batch_id(channel, now)
    final = (kit.outbox_dir / batch_id).resolve()
    claims = [Claim(d.touch_uid, _where(d, channel)) for d in due]
    with store.begin() as conn:
        claimed = outbox.claim(
            conn, claims, channel=channel, batch_id=batch_id, now=now, detail=str(final)
        )
    batch = [d for d in due if d.touch_uid in claimed]
    if not batch:
        return tally
    written = [d.touch_uid for d in batch]
    partial = final.with_name(f".{batch_id}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    write(partial, batch)
    outbox.write_manifest(partial, batch_id=batch_id, channel=channel, uids=written)
    partial.rename(final)
    with store.begin() as conn:
        outbox.set_state(conn, written, "sent", now, detail=str(final))
        outbox.mark_touches(conn, written, "sent", now, detail=f"in batch {batch_id}")
    tally.sent = len(written)
    tally.files = sorted(kit.outbox_dir / batch_id / p.name for p in final.iterdir())
    return tally


def _where(dispatch: Dispatch, channel: str) -> str | None:
    a = dispatch.addressee
    if channel == "dm":
        return ", ".join(p for p in (a.address, a.city, a.postcode) if p) or None
    return a.partner_id


def _send_letters(
    store: Store, kit: ChannelKit, due: list[Dispatch], now: datetime, progress: Progress
) -> _Tally:
    # Letters are rendered before the batch is claimed: one that cannot be printed fails
    # on its own and is never part of a batch a restart could take for printed.
    letters: dict[str, Letter] = {}
    failed: list[tuple[str, str]] = []
    for dispatch in due:
        try:
            letters[dispatch.touch_uid] = render_letter(dispatch, kit.letters)
        except NotRenderableError as exc:
            failed.append((dispatch.touch_uid, f"cannot print: {exc}"))
        progress(len(letters) + len(failed), len(due))

    def write(folder: Path, batch: list[Dispatch]) -> None:
        printed = [letters[d.touch_uid] for d in batch]
        pages = write_letters_pdf_pages(printed, folder / "letters.pdf", kit.letters)
        write_mailhouse_csv(printed, folder / "mailhouse.csv", pages=pages)

    printable = [d for d in due if d.touch_uid in letters]
    tally = _publish(store, kit, "dm", printable, now, write)
    for uid, reason in failed:
        _fail(store, uid, reason, now, tally)
    return tally


def _hand_off(channel: str) -> Callable[..., _Tally]:
    def hand_off(
        store: Store, kit: ChannelKit, due: list[Dispatch], now: datetime, progress: Progress
    ) -> _Tally:
        def write(folder: Path, batch: list[Dispatch]) -> None:
            done = 0
            for partner_id, dispatches in group_by_partner(batch).items():
                rows = [handoff_row(d) for d in dispatches]
                write_handoff(rows, folder, stem=handoff_stem(channel, partner_id, now.date()))
                done += len(rows)
                progress(done, len(batch))

        return _publish(store, kit, channel, due, now, write)

    return hand_off


# --- calls -----------------------------------------------------------------------------


def _queue_calls(
    store: Store, kit: ChannelKit, due: list[Dispatch], now: datetime, progress: Progress
) -> _Tally:
    tally = _Tally()
    claims = [
        Claim(d.touch_uid, d.addressee.phone, team=kit.team_for(d.addressee.region)) for d in due
    ]
    with store.begin() as conn:
        batch = _batch_id("tsr_call", now)
        claimed = outbox.claim(
            conn, claims, channel="tsr_call", batch_id=batch, now=now, state="queued"
        )
        claims = [c for c in claims if c.touch_uid in claimed]
        for team in sorted({c.team for c in claims if c.team}):
            mine = [c.touch_uid for c in claims if c.team == team]
            outbox.mark_touches(conn, mine, "sent", now, detail=f"in the call queue of team {team}")
    tally.queued = len(claims)
    progress(len(claims), len(claims))
    return tally


_HANDLERS: dict[str, Callable[[Store, ChannelKit, list[Dispatch], datetime, Progress], _Tally]] = {
    "edm": _send_emails,
    "dm": _send_letters,
    "tsr_call": _queue_calls,
    "pam": _hand_off("pam"),
    "partner": _hand_off("partner"),
}

"""The channels as configured: senders, the SMTP server, link signing, files and teams."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from carecycle.channels.base import Dispatch
from carecycle.channels.calls import RetryRule
from carecycle.channels.email import EmailSender
from carecycle.channels.links import Links
from carecycle.channels.mail import LetterSender
from carecycle.channels.smtp import SmtpSettings

GENERAL_TEAM = "general"


@dataclass(frozen=True)
class ChannelKit:
    """Everything the channels need from configuration, built once by bootstrap."""

    email: EmailSender
    letters: LetterSender
    smtp: SmtpSettings
    public_url: str
    secret: bytes = field(repr=False)
    outbox_dir: Path
    call_teams: Mapping[str, tuple[str, ...]]
    call_retry: RetryRule
    email_max_attempts: int = 5
    email_retry: timedelta = timedelta(minutes=30)

    def links_for(self, dispatch: Dispatch) -> Links:
        """Return the signed links of one touch's message."""
        return Links(
            base_url=self.public_url,
            secret=self.secret,
            touch_uid=dispatch.touch_uid,
            contact_id=dispatch.addressee.contact_id,
        )

    def team_for(self, region: str | None) -> str:
        """Return the call team that works accounts of `region`."""
        for team, regions in self.call_teams.items():
            if region is not None and region in regions:
                return team
        return GENERAL_TEAM

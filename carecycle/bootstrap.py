"""The one place that wires the runtime: settings, the store, then the channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import ValidationError

from carecycle.channels.calls import RetryRule
from carecycle.channels.email import EmailSender
from carecycle.channels.kit import ChannelKit
from carecycle.channels.mail import LetterSender
from carecycle.channels.smtp import SmtpSettings
from carecycle.config import Settings, load_settings
from carecycle.errors import ConfigError
from carecycle.services.keys import link_secret
from carecycle.store import migrate
from carecycle.store.db import Store, open_store


@dataclass
class Runtime:
    """Everything a command needs, built once."""

    settings: Settings
    store: Store
    _channels: ChannelKit | None = field(default=None, repr=False)

    def channels(self) -> ChannelKit:
        """Return the configured channels (the link secret comes from the store)."""
        if self._channels is None:
            self._channels = build_channels(self.settings, self.store)
        return self._channels

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def settings_from(**overrides: object) -> Settings:
    """Return validated settings, or raise ConfigError naming the bad setting."""
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"setting {name} (CARECYCLE_{name.upper()}): {first['msg']}") from None


def build_runtime(settings: Settings, *, upgrade: bool = True) -> Runtime:
    """Open the store; create its schema when empty, refuse an outdated one."""
    store = open_store(settings.database_url)
    try:
        if upgrade:
            migrate.ensure_current(store)
    except Exception:
        store.close()
        raise
    return Runtime(settings=settings, store=store)


def build_channels(settings: Settings, store: Store) -> ChannelKit:
    """Return the channels as the settings describe them."""
    s = settings
    secret = s.link_secret.get_secret_value() if s.link_secret else None
    return ChannelKit(
        email=EmailSender(
            address=s.mail_from,
            name=s.mail_from_name,
            domain=s.mail_from.rpartition("@")[2] or "localhost",
            site_url=s.site_url,
        ),
        letters=LetterSender(
            company=s.letter_company,
            address_lines=tuple(s.letter_address),
            signature=s.letter_signature,
        ),
        smtp=SmtpSettings(
            host=s.smtp_host,
            port=s.smtp_port,
            security=s.smtp_security,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            timeout=s.smtp_timeout,
            ca_file=str(s.smtp_ca_file) if s.smtp_ca_file else None,
        ),
        public_url=s.public_url,
        secret=link_secret(store, secret),
        outbox_dir=s.outbox_dir,
        call_teams={team: tuple(regions) for team, regions in s.call_teams.items()},
        call_retry=RetryRule(
            max_attempts=s.call_max_attempts, retry_after_hours=s.call_retry_hours
        ),
        email_max_attempts=s.email_max_attempts,
        email_retry=timedelta(minutes=s.email_retry_minutes),
    )

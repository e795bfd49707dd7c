"""Times as the store keeps them: UTC without a zone."""

from __future__ import annotations

from datetime import UTC, datetime


def as_stored(moment: datetime) -> datetime:
    """Return the moment in UTC without a zone; a moment without a zone is taken as is."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def utc_now() -> datetime:
    """Return the current time as the store keeps it (for the CLI and the web app only)."""
    return datetime.now(UTC).replace(tzinfo=None)

"""What routes share: the runtime, one store user at a time on DuckDB, and the clock."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request

from carecycle.bootstrap import Runtime


def utc_now() -> datetime:
    """Return the current UTC time without a zone, as the store keeps times."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class AppState:
    """The runtime a web app serves, the lock that guards it, and its clock."""

    runtime: Runtime
    clock: Callable[[], datetime]
    # DuckDB's one connection is not safe across threads; PostgreSQL's pool is.
    lock: threading.Lock


def app_state(request: Request) -> AppState:
    """Return the app's state."""
    state: AppState = request.app.state.carecycle
    return state


def serving(request: Request) -> Iterator[AppState]:
    """Yield the app's state while holding the store for this request."""
    state = app_state(request)
    with state.lock:
        yield state

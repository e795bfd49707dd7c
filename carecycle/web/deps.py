"""What routes share: the runtime, one store user at a time on DuckDB, and the clock."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from fastapi import Request

from carecycle.bootstrap import Runtime


@dataclass
class AppState:
    """The runtime a web app serves, the lock that guards it, and its clock."""

    runtime: Runtime
    clock: Callable[[], datetime]
    # DuckDB's one connection is not safe across threads, so requests take turns. They
    # wait for the lock in the event loop, not in worker threads: a burst of requests
    # (a campaign's open pixels) cannot take every thread and starve the lock's holder.
    lock: Any

    @classmethod
    def of(cls, runtime: Runtime, clock: Callable[[], datetime]) -> AppState:
        """Return the state for `runtime`: a lock on DuckDB, none on PostgreSQL's pool."""
        lock = anyio.Lock() if runtime.store.is_duckdb else contextlib.nullcontext()
        return cls(runtime=runtime, clock=clock, lock=lock)


def app_state(request: Request) -> AppState:
    """Return the app's state."""
    state: AppState = request.app.state.carecycle
    return state


async def serving(request: Request) -> AsyncIterator[AppState]:
    """Yield the app's state while holding the store for this request."""
    state = app_state(request)
    async with state.lock:
        yield state

"""create_app: the FastAPI application over one runtime."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from carecycle import __version__
from carecycle.bootstrap import Runtime
from carecycle.errors import CareCycleError, NotFoundError
from carecycle.services.links import LinkError
from carecycle.services.surveys import AlreadyAnsweredError
from carecycle.times import utc_now
from carecycle.web.deps import AppState
from carecycle.web.routes import calls, loyalty, tracking
from carecycle.web.routes.loyalty import NotAllowedError


def create_app(runtime: Runtime, *, clock: Callable[[], datetime] = utc_now) -> FastAPI:
    """Return the web app serving `runtime`."""
    app = FastAPI(title="CareCycle", version=__version__)
    app.state.carecycle = AppState.of(runtime, clock)
    app.include_router(tracking.router)
    app.include_router(calls.router)
    app.include_router(loyalty.router)
    app.add_exception_handler(CareCycleError, _user_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    return app


# The status of each kind of user error; any other is 400.
STATUSES: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, 404), (AlreadyAnsweredError, 409), (LinkError, 403),
    (NotAllowedError, 401),
)  # fmt: skip


async def _user_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUSES if isinstance(exc, kind)), 400)
    if status == 400 and str(exc).startswith("no touch"):
        status = 404
    return JSONResponse({"error": str(exc)}, status_code=status)


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(p) for p in error['loc'] if p != 'body')}: {error['msg']}"
        for error in exc.errors()
    ]
    return JSONResponse({"error": "; ".join(problems)}, status_code=422)

"""Tracked clicks, the open pixel, and unsubscribe (a page, and RFC 8058 one-click)."""

from __future__ import annotations

import base64
import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecycle.errors import CareCycleError
from carecycle.services.links import LinkError, follow_link, link_contact, read_link
from carecycle.web.deps import AppState, serving
from carecycle.web.pages import render_page

router = APIRouter()
# A transparent 1×1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store"}
State = Annotated[AppState, Depends(serving)]


@router.get("/t/c/{token}", response_model=None)
def click(token: str, state: State) -> Response:
    """Record a click and send the reader on to the link's target."""
    runtime = state.runtime
    secret = runtime.channels().secret
    try:
        claim = read_link(secret, token, "click")
    except LinkError as exc:
        return _invalid(str(exc))
    # A signed link always leads on, even when its click cannot be recorded.
    with contextlib.suppress(CareCycleError):
        follow_link(runtime.store, secret, token, "click", now=state.clock())
    assert claim.url is not None
    return RedirectResponse(claim.url, status_code=302, headers=NO_STORE)


@router.get("/t/o/{token}")
def pixel(token: str, state: State) -> Response:
    """Record an open; always answer with the pixel so the email displays normally."""
    runtime = state.runtime
    # Whatever happens, the email must display: an open that cannot be recorded is lost.
    with contextlib.suppress(CareCycleError):
        follow_link(runtime.store, runtime.channels().secret, token, "open", now=state.clock())
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/u/{token}", response_class=HTMLResponse)
def unsubscribe_page(token: str, request: Request, state: State) -> HTMLResponse:
    """Ask to confirm; link checkers that fetch every URL must not unsubscribe anyone."""
    runtime = state.runtime
    try:
        _, email = link_contact(runtime.store, runtime.channels().secret, token, "unsubscribe")
    except LinkError as exc:
        return _invalid(str(exc))
    body = render_page("unsubscribe.html", action=str(request.url), email=email, done=False)
    return HTMLResponse(body, headers=NO_STORE)


@router.post("/u/{token}", response_class=HTMLResponse)
def unsubscribe(token: str, state: State) -> HTMLResponse:
    """Unsubscribe the contact from email: from the page's button or a mail client's POST."""
    runtime = state.runtime
    try:
        followed = follow_link(
            runtime.store, runtime.channels().secret, token, "unsubscribe", now=state.clock()
        )
    except LinkError as exc:
        return _invalid(str(exc))
    body = render_page("unsubscribe.html", action="", email=followed.email, done=True)
    return HTMLResponse(body, headers=NO_STORE)


def _invalid(reason: str) -> HTMLResponse:
    return HTMLResponse(render_page("invalid_link.html", reason=reason), status_code=400)

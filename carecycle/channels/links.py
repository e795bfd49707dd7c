"""Signed links: tracked clicks, the open pixel and unsubscribe, verifiable without state.

A token is `PAYLOAD.SIGNATURE`, both base64url without padding: the payload is compact
JSON (kind, touch, contact and, for clicks, the target URL) and the signature its
HMAC-SHA256 under the store's link secret. Nothing a recipient can edit is trusted
without the signature, so a link cannot be re-aimed at another touch, contact or URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import quote

KINDS = ("click", "open", "unsubscribe", "survey", "portal")


class BadLinkError(ValueError):
    """A token that is malformed or whose signature does not match."""


@dataclass(frozen=True)
class LinkClaim:
    """What a verified token says."""

    kind: str
    touch_uid: str
    contact_id: str | None
    url: str | None = None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def sign_claim(secret: bytes, claim: LinkClaim) -> str:
    """Return the token for `claim`."""
    body = {"k": claim.kind, "t": claim.touch_uid, "c": claim.contact_id}
    if claim.url is not None:
        body["u"] = claim.url
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_signature(secret, payload)}"


def verify_token(secret: bytes, token: str) -> LinkClaim:
    """Return the claim a token carries, or raise BadLinkError."""
    payload, _, signature = token.partition(".")
    if not payload or not signature or not token.isascii():
        raise BadLinkError("malformed link")
    if not hmac.compare_digest(_signature(secret, payload), signature):
        raise BadLinkError("link signature does not match")
    try:
        body = json.loads(_unb64(payload))
        claim = LinkClaim(
            kind=body["k"], touch_uid=body["t"], contact_id=body["c"], url=body.get("u")
        )
    except (ValueError, KeyError, TypeError):
        raise BadLinkError("malformed link") from None
    if claim.kind not in KINDS:
        raise BadLinkError(f"unknown link kind {claim.kind!r}")
    return claim


@dataclass(frozen=True)
class Links:
    """Makes the signed links one touch's message carries."""

    base_url: str
    secret: bytes
    touch_uid: str
    contact_id: str | None

    def _url(self, path: str, claim: LinkClaim) -> str:
        return f"{self.base_url.rstrip('/')}/{path}/{quote(sign_claim(self.secret, claim))}"

    def click(self, url: str) -> str:
        """Return a tracked link that records a click and redirects to `url`."""
        return self._url("t/c", LinkClaim("click", self.touch_uid, self.contact_id, url))

    def open_pixel(self) -> str:
        """Return the address of the 1×1 image that records an open."""
        return self._url("t/o", LinkClaim("open", self.touch_uid, self.contact_id))

    def unsubscribe(self) -> str:
        """Return the signed unsubscribe address (a page, and RFC 8058 one-click POST)."""
        return self._url("u", LinkClaim("unsubscribe", self.touch_uid, self.contact_id))

    def survey_token(self) -> str:
        """Return the token that opens the touch's survey for its contact, once."""
        return sign_claim(self.secret, LinkClaim("survey", self.touch_uid, self.contact_id))

    def survey(self) -> str:
        """Return the address of the touch's survey for its contact to answer once: the
        JSON API a survey page reads and posts to."""
        return f"{self.base_url.rstrip('/')}/api/surveys/{quote(self.survey_token())}"


def portal_token(secret: bytes, contact_id: str) -> str:
    """Return the token of a contact's customer portal (points, tier, rewards)."""
    return sign_claim(secret, LinkClaim("portal", "", contact_id))

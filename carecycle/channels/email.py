"""eDM: a claimed touch rendered as a multipart email, pure and ready for the outbox.

Each touch content has one template per language, `email/<content>.<lang>.j2`, which
extends `email/_layout.<lang>.j2` and fills three blocks: `subject`, `text` and `html`.
The layout frames the parts (greeting, sign-off, unsubscribe footer, open pixel) and
shows one part per render, chosen by `part`. The HTML part is rendered with
autoescaping, the subject and plain text without, so a customer's name reaches each part
exactly as that format needs it. Blocks are trimmed (`trim_blocks`), so a tag that ends a
line of text would swallow its line break: end such a tag with `+%}`.

What every template sees:

- `dispatch`: the Dispatch being rendered; `addressee` is `dispatch.addressee`.
- `agreement`: `dispatch.agreement`, or None when the touch has no agreement.
- `days_to_end`: the agreement's end minus `dispatch.as_of` in days (negative once it
  has ended), or None.
- `sender`: the EmailSender.
- `track(target)`: the tracked address of a call to action; `target` is a path on
  `sender.site_url` (joined onto it) or an absolute URL.
- `unsubscribe_url`, `open_pixel_url`: the signed addresses for this touch and contact.
- `language`: "en" or "zh".
- `part`: "subject", "text" or "html"; only the layout reads it.

Filters, each writing in the template's language with `wording`: `long_date` (a date),
`countdown` (a number of days from now: "in 45 days", "tomorrow"), `money` (an amount
with its currency) and `program_label` (a licence program's name, as a noun phrase).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from jinja2 import (
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context

from carecycle.channels import wording
from carecycle.channels.base import LANGUAGES, Addressee, Dispatch, NotRenderableError, language_of
from carecycle.channels.links import Links

CONTENT_LANGUAGE = {"en": "en", "zh": "zh-CN"}
PARTS = ("subject", "text", "html")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class EmailSender:
    """Who emails come from and where their calls to action lead."""

    address: str
    name: str
    domain: str
    site_url: str


def message_id_for(touch_uid: str, domain: str) -> str:
    """Return the Message-ID of a touch: always the same for the same touch."""
    return f"<{touch_uid}@{domain}>"


def template_name(content: str, language: str) -> str:
    """Return the name of the email template for a content key in a language."""
    return f"email/{content}.{language}.j2"


def missing_templates(contents: Iterable[str]) -> list[str]:
    """Return the template names, in every language, that the contents need but lack."""
    available = set(_environment(autoescape=False).list_templates(extensions=["j2"]))
    wanted = {template_name(content, language) for content in contents for language in LANGUAGES}
    return sorted(wanted - available)


def render_email(
    dispatch: Dispatch, links: Links, sender: EmailSender, *, sent_at: datetime
) -> EmailMessage:
    """Return the email for a dispatch; the same inputs always give the same bytes."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must carry a time zone")
    recipient = _recipient(dispatch.addressee)
    language = language_of(dispatch.language)
    name = template_name(dispatch.content, language)
    context = _context(dispatch, links, sender, language=language)
    parts = {part: _render(name, context, part=part) for part in PARTS}
    message = EmailMessage()
    message["From"] = Address(display_name=sender.name, addr_spec=sender.address)
    message["To"] = recipient
    message["Subject"] = _one_line(parts["subject"])
    message["Date"] = sent_at
    message["Message-ID"] = message_id_for(dispatch.touch_uid, sender.domain)
    message["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-CareCycle-Touch"] = dispatch.touch_uid
    message.set_content(_tidy(parts["text"]), subtype="plain", charset="utf-8")
    message.add_alternative(parts["html"].strip() + "\n", subtype="html", charset="utf-8")
    # Set after the body: set_content() drops every Content-* header already present.
    message["Content-Language"] = CONTENT_LANGUAGE[language]
    # A fixed boundary keeps a re-rendered touch byte-identical to the first rendering.
    message.set_boundary(f"=_carecycle_{dispatch.touch_uid}")
    return message


def _recipient(addressee: Addressee) -> Address:
    email = (addressee.email or "").strip()
    if not email:
        raise NotRenderableError(
            f"contact {addressee.contact_id} of {addressee.account_id} has no email"
        )
    local, _, domain = email.rpartition("@")
    name = addressee.contact_name or addressee.account_name
    try:
        # Mail servers without SMTPUTF8 need an internationalised domain in its ASCII form.
        ascii_domain = domain.encode("idna").decode("ascii")
        return Address(display_name=_one_line(name), addr_spec=f"{local}@{ascii_domain}")
    except (UnicodeError, ValueError, IndexError, HeaderParseError):
        raise NotRenderableError(f"contact {addressee.contact_id} has an unusable email") from None


def _context(
    dispatch: Dispatch, links: Links, sender: EmailSender, *, language: str
) -> dict[str, Any]:
    agreement = dispatch.agreement
    return {
        "dispatch": dispatch,
        "addressee": dispatch.addressee,
        "agreement": agreement,
        "days_to_end": None if agreement is None else (agreement.end_on - dispatch.as_of).days,
        "sender": sender,
        "track": _tracker(links, sender.site_url),
        "unsubscribe_url": links.unsubscribe(),
        "survey_token": links.survey_token(),
        "open_pixel_url": links.open_pixel(),
        "language": language,
    }


def _tracker(links: Links, site_url: str) -> Callable[[str], str]:
    def track(target: str) -> str:
        if not urlsplit(target).scheme:
            target = f"{site_url.rstrip('/')}/{target.lstrip('/')}"
        return links.click(target)

    return track


def _render(name: str, context: dict[str, Any], *, part: str) -> str:
    try:
        template = _environment(autoescape=part == "html").get_template(name)
    except TemplateNotFound:
        raise NotRenderableError(f"no email template {name}") from None
    return template.render(context, part=part)


def _one_line(text: str) -> str:
    # A line break in a header value would let a name or subject inject headers.
    return " ".join(text.split())


def _tidy(text: str) -> str:
    # Conditional sections leave trailing spaces and stacked blank lines behind.
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_RUNS.sub("\n\n", lines) + "\n"


@functools.cache
def _environment(*, autoescape: bool) -> Environment:
    environment = Environment(
        loader=PackageLoader("carecycle.channels", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    filters: dict[str, Callable[..., str]] = {
        "long_date": wording.long_date,
        "countdown": wording.countdown,
        "money": wording.money,
        "program_label": wording.program_label,
    }
    environment.filters.update({name: _in_language(word) for name, word in filters.items()})
    return environment


def _in_language(word: Callable[..., str]) -> Callable[..., str]:
    """Return `word` as a filter that writes in the language of the template using it."""

    @pass_context
    def in_language(context: Context, value: Any, *args: Any) -> str:
        return word(value, *args, language=context["language"])

    return in_language

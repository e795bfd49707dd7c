"""Direct mail: letters rendered in the customer's language, ready to print.

Rendering is pure: a dispatch and the sender in, a `Letter` out, its text taken from a
Jinja2 template per content and language (`templates/letters/<content>.<lang>.j2`) with
four blocks: `subject`, `salutation`, `body` (paragraphs separated by blank lines) and
`closing`. `mailhouse` prints the letters and writes the file the mail house works from.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from carecycle.channels.base import LANGUAGES, Addressee, Agreement, Dispatch, NotRenderableError
from carecycle.channels.wording import PROGRAM_LABELS, long_date, money, program_label

TEMPLATE_DIR = Path(__file__).parent / "templates"
BLOCKS = ("subject", "salutation", "body", "closing")
BULLET = "•"
COUNTRY_NAMES = {
    "CN": ("China", "中国"),
    "US": ("United States", "美国"),
    "GB": ("United Kingdom", "英国"),
    "AU": ("Australia", "澳大利亚"),
    "SG": ("Singapore", "新加坡"),
    "CA": ("Canada", "加拿大"),
}
# Control and bidirectional-override characters could reorder or hide what is printed.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class LetterSender:
    """Who the letters come from: printed at the top, on the return line and signed."""

    company: str
    address_lines: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class Letter:
    """One printable letter and the postal fields the mail house needs.

    A paragraph is one flowing line of text, except that a line starting with a bullet
    keeps its own line (a newline in the paragraph).
    """

    touch_uid: str
    account_id: str
    contact_id: str | None
    language: str
    recipient_name: str
    company: str
    address: str
    city: str
    postcode: str
    region: str
    country: str
    recipient: tuple[str, ...]
    date_line: str
    subject: str
    salutation: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: str


def letter_template_name(content: str, language: str) -> str:
    """Return the template name a content and language are rendered from."""
    return f"letters/{content}.{language}.j2"


def missing_letter_templates(contents: Iterable[str]) -> list[str]:
    """Return the template names missing for the contents, in every supported language."""
    known = set(_environment().list_templates())
    wanted = (letter_template_name(c, lang) for c in sorted(set(contents)) for lang in LANGUAGES)
    return [name for name in wanted if name not in known]


def render_letter(dispatch: Dispatch, sender: LetterSender) -> Letter:
    """Return the letter for a dispatch, or raise NotRenderableError."""
    who = dispatch.addressee
    if not printable(who.address):
        raise NotRenderableError(f"{who.account_id} has no postal address ({dispatch.touch_uid})")
    blocks = _render_blocks(dispatch, sender)
    return Letter(
        touch_uid=dispatch.touch_uid,
        account_id=who.account_id,
        contact_id=who.contact_id,
        language=dispatch.language,
        recipient_name=printable(who.contact_name),
        company=printable(who.account_name),
        address=printable(who.address),
        city=printable(who.city),
        postcode=printable(who.postcode),
        region=printable(who.region),
        country=printable(who.country).upper(),
        recipient=_recipient_lines(who, dispatch.language),
        date_line=long_date(dispatch.as_of, dispatch.language),
        subject=printable(blocks["subject"]),
        salutation=printable(blocks["salutation"]),
        paragraphs=_paragraphs(blocks["body"]),
        closing=printable(blocks["closing"]),
        signature=printable(sender.signature),
    )


@functools.cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed because a template may come from a user; plain text, so no escaping.
    return SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render_blocks(dispatch: Dispatch, sender: LetterSender) -> dict[str, str]:
    name = letter_template_name(dispatch.content, dispatch.language)
    try:
        template = _environment().get_template(name)
    except TemplateNotFound:
        raise NotRenderableError(f"no letter template {name}") from None
    missing = [block for block in BLOCKS if block not in template.blocks]
    if missing:
        raise NotRenderableError(f"{name} lacks the block(s) {', '.join(missing)}")
    context = template.new_context(_variables(dispatch, sender))
    try:
        return {block: "".join(template.blocks[block](context)) for block in BLOCKS}
    except UndefinedError as exc:
        raise NotRenderableError(f"{name}: {exc.message}") from exc


def _variables(dispatch: Dispatch, sender: LetterSender) -> dict[str, object]:
    who, language = dispatch.addressee, dispatch.language
    agreement = dispatch.agreement
    return {
        "account_name": printable(who.account_name),
        "contact_name": printable(who.contact_name) or None,
        "partner_name": printable(who.partner_name) or None,
        "sender": printable(sender.company),
        "touch_name": dispatch.touch_name,
        "today": long_date(dispatch.as_of, language),
        "agreement": None if agreement is None else _agreement_facts(agreement, dispatch),
    }


def _agreement_facts(agreement: Agreement, dispatch: Dispatch) -> dict[str, object]:
    language, value = dispatch.language, agreement.value
    return {
        "id": agreement.agreement_id,
        "name": _agreement_name(agreement.program, language),
        "sa": agreement.sa,
        "start_on": long_date(agreement.start_on, language),
        "end_on": long_date(agreement.end_on, language),
        "days_left": (agreement.end_on - dispatch.as_of).days,
        "value": None if value is None else money(value, agreement.currency, language=language),
    }


def _agreement_name(program: str, language: str) -> str:
    # Unlike emails, letters add "agreement" to a program the table lacks: "Your mpsa agreement".
    if program not in PROGRAM_LABELS:
        return f"{program} agreement" if language == "en" else f"{program} 协议"
    return program_label(program, language)


def _recipient_lines(who: Addressee, language: str) -> tuple[str, ...]:
    place: list[str] = []
    for part in (printable(who.city), printable(who.region), printable(who.postcode)):
        if part and part not in place:
            place.append(part)
    country = printable(who.country).upper()
    names = COUNTRY_NAMES.get(country)
    lines = (
        printable(who.contact_name),
        printable(who.account_name),
        printable(who.address),
        " ".join(place),
        names[LANGUAGES.index(language)] if names else country,
    )
    return tuple(line for line in lines if line)


def printable(value: str | None) -> str:
    """Return the value as one printable line: no control characters, single spaces."""
    return " ".join(_UNPRINTABLE.sub(" ", value or "").split())


def _paragraphs(body: str) -> tuple[str, ...]:
    return tuple(p for p in map(_paragraph, _BLANK_LINE.split(body.strip())) if p)


def _paragraph(chunk: str) -> str:
    text = ""
    for line in filter(None, map(printable, chunk.splitlines())):
        if not text:
            text = line
        elif line.startswith(BULLET):
            text += "\n" + line
        elif is_wide(text[-1]) or is_wide(line[0]):
            # Chinese runs on without spaces when a template wraps a sentence.
            text += line
        else:
            text += " " + line
    return text


def is_wide(char: str) -> bool:
    """Return whether a character is wide, as Chinese is: text joins and breaks around it."""
    return unicodedata.east_asian_width(char) in ("W", "F")

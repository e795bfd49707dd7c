"""eDM rendering: every emailed touch in both languages, signed links, safe headers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from carecycle.channels.base import Dispatch, language_of
from carecycle.channels.email import (
    EmailSender,
    NotRenderableError,
    message_id_for,
    missing_templates,
    render_email,
    template_name,
)
from carecycle.channels.links import LinkClaim, Links, verify_token
from tests.channels.dispatches import addressee, agreement, contents_for, dispatch

SECRET = b"test-link-secret"
TRACKING = "https://care.example.com"
SITE = "https://licensing.example.com"
SENDER = EmailSender(
    address="care@example.com", name="Customer Care", domain="example.com", site_url=SITE
)
SENT_AT = datetime(2026, 4, 3, 9, 30, tzinfo=UTC)
AS_OF = date(2026, 4, 3)
CJK = re.compile(r"[\u4e00-\u9fff]")
EDM_CONTENTS = contents_for("edm")
AGREEMENT = agreement(
    agreement_id="AG-1001",
    end_on=AS_OF + timedelta(days=180),
    value=Decimal("12800.00"),
    currency="CNY",
)
EMILY = addressee(
    account_name="Harbour Print Ltd",
    contact_id="C-1",
    contact_name="Emily Chen",
    email="emily.chen@harbourprint.example",
)
# A claimed edm touch to EMILY about AGREEMENT; tests override what they vary.
edm = partial(
    dispatch,
    touch_uid="5f1d3c0a9b7e4d2c8a6f0e1b3c5d7e9f",
    content="welcome/free-support-briefing",
    channel="edm",
    as_of=AS_OF,
    addressee=EMILY,
    agreement=AGREEMENT,
)


def links_for(item: Dispatch) -> Links:
    """Return the signed links of a dispatch."""
    return Links(TRACKING, SECRET, item.touch_uid, item.addressee.contact_id)


def render(item: Dispatch) -> EmailMessage:
    """Return the email for a dispatch, sent at the fixed moment."""
    return render_email(item, links_for(item), SENDER, sent_at=SENT_AT)


def parts(message: EmailMessage) -> tuple[str, str]:
    """Return the plain-text and HTML bodies."""
    text, html = message.iter_parts()
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


def claim_of(url: str) -> LinkClaim:
    """Return the verified claim behind a signed link."""
    return verify_token(SECRET, unquote(url.rsplit("/", 1)[1]))


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def hrefs(html: str) -> list[str]:
    """Return every link target in an HTML body, unescaped."""
    parser = _Hrefs()
    parser.feed(html)
    return parser.hrefs


def test_every_emailed_touch_has_a_template_in_english_and_chinese() -> None:
    assert EDM_CONTENTS
    assert missing_templates(EDM_CONTENTS) == []


def test_a_content_without_templates_is_reported_per_language() -> None:
    assert missing_templates(["welcome/no-such-touch"]) == [
        template_name("welcome/no-such-touch", "en"),
        template_name("welcome/no-such-touch", "zh"),
    ]


@pytest.mark.parametrize("with_agreement", [True, False], ids=["agreement", "no-agreement"])
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("content", EDM_CONTENTS)
def test_every_emailed_touch_renders_a_complete_email(
    content: str, language: str, with_agreement: bool
) -> None:
    item = edm(content=content, agreement=AGREEMENT if with_agreement else None, language=language)
    message = render(item)
    text, html = parts(message)
    subject = str(message["Subject"])
    assert subject.strip() == subject
    assert subject
    assert "\n" not in subject
    assert text.rstrip().endswith(links_for(item).unsubscribe())
    assert "Emily Chen" in text
    assert "Emily Chen" in html
    assert f'<img src="{links_for(item).open_pixel()}" width="1" height="1" alt="">' in html
    assert bool(CJK.search(subject)) == (language == "zh")


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("content", EDM_CONTENTS)
def test_every_call_to_action_is_tracked_and_leads_to_the_vendor_site(
    content: str, language: str
) -> None:
    item = edm(content=content, language=language)
    text, html = parts(render(item))
    unsubscribe = links_for(item).unsubscribe()
    clicks = [href for href in hrefs(html) if href != unsubscribe]
    assert clicks, "an email needs at least one call to action"
    for href in clicks:
        claim = claim_of(href)
        assert (claim.kind, claim.touch_uid, claim.contact_id) == ("click", item.touch_uid, "C-1")
        assert claim.url is not None
        assert claim.url.startswith(f"{SITE}/")
    text_clicks = re.findall(rf"{re.escape(TRACKING)}/t/c/\S+", text)
    assert {claim_of(url).url for url in text_clicks} == {claim_of(url).url for url in clicks}


def test_email_is_multipart_alternative_with_text_then_html_in_utf8() -> None:
    message = render(edm())
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())


def test_chinese_contact_gets_chinese_email() -> None:
    message = render(edm(language="zh", contact_name="陈丽"))
    text, html = parts(message)
    assert CJK.search(str(message["Subject"]))
    assert message["Content-Language"] == "zh-CN"
    assert text.startswith("陈丽，您好！")
    assert '<html lang="zh-CN">' in html


@pytest.mark.parametrize("preference", ["fr", "", "xx-YY"])
def test_unknown_language_falls_back_to_english(preference: str) -> None:
    message = render(edm(language=preference))
    assert language_of(preference) == "en"
    assert message["Content-Language"] == "en"
    assert not CJK.search(str(message["Subject"]))
    assert parts(message)[0].startswith("Dear Emily Chen,")


def test_regional_chinese_gets_chinese_email() -> None:
    assert render(edm(language="zh-TW"))["Content-Language"] == "zh-CN"


def test_email_is_addressed_to_the_contact() -> None:
    to = render(edm())["To"]
    (address,) = to.addresses
    assert address.addr_spec == "emily.chen@harbourprint.example"
    assert address.display_name == "Emily Chen"


def test_contact_without_a_name_is_addressed_by_company() -> None:
    message = render(edm(contact_name=None))
    assert message["To"].addresses[0].display_name == "Harbour Print Ltd"
    assert parts(message)[0].startswith("Dear Harbour Print Ltd team,")


def test_sender_name_is_encoded_and_survives_the_wire() -> None:
    sender = replace(SENDER, name="客户关怀中心")
    item = edm(language="zh", contact_name="陈丽")
    raw = render_email(item, links_for(item), sender, sent_at=SENT_AT).as_bytes()
    assert raw.isascii()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "客户关怀中心"
    assert parsed["From"].addresses[0].addr_spec == "care@example.com"
    assert parsed["To"].addresses[0].display_name == "陈丽"


def test_message_id_is_the_same_for_every_render_of_a_touch() -> None:
    item = edm()
    first, second = render(item), render(item)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"] == message_id_for(item.touch_uid, "example.com")
    assert first["Message-ID"] == f"<{item.touch_uid}@example.com>"
    assert first.as_bytes() == second.as_bytes()


def test_headers_name_the_touch_and_the_sending_moment() -> None:
    item = edm()
    message = render(item)
    assert message["X-CareCycle-Touch"] == item.touch_uid
    assert message["Date"].datetime == SENT_AT


def test_list_unsubscribe_is_the_signed_one_click_address() -> None:
    item = edm()
    message = render(item)
    header = str(message["List-Unsubscribe"])
    assert header == f"<{links_for(item).unsubscribe()}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    claim = claim_of(header.strip("<>"))
    assert (claim.kind, claim.touch_uid, claim.contact_id) == ("unsubscribe", item.touch_uid, "C-1")


def test_html_carries_a_visible_unsubscribe_link() -> None:
    item = edm()
    assert links_for(item).unsubscribe() in hrefs(parts(render(item))[1])


def test_customer_names_are_escaped_in_html_and_plain_in_text() -> None:
    script = "<script>alert(1)</script>"
    text, html = parts(render(edm(contact_name=script, account_name=f"Acme {script}")))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert script in text


def test_line_breaks_in_a_name_cannot_inject_headers() -> None:
    message = render(edm(contact_name="Emily\r\nBcc: victim@example.net"))
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Emily Bcc: victim@example.net"


def test_renewal_email_counts_down_to_the_agreement_end() -> None:
    text, _ = parts(render(edm(content="renew/why-renew-timeline-budget-tools")))
    assert "ends in 180 days, on 30 September 2026" in text


def test_chinese_renewal_email_writes_dates_the_chinese_way() -> None:
    text, _ = parts(render(edm(content="renew/why-renew-timeline-budget-tools", language="zh")))
    assert "将于180天后（2026年9月30日）到期" in text


def test_licence_statement_lists_the_agreement_when_there_is_one() -> None:
    with_agreement, _ = parts(render(edm(content="renew/licence-statement")))
    without, _ = parts(render(edm(content="renew/licence-statement", agreement=None)))
    assert "AG-1001" in with_agreement
    assert "CNY 12,800.00" in with_agreement
    assert "AG-1001" not in without


def test_ended_agreement_is_told_it_has_ended() -> None:
    ended = replace(AGREEMENT, end_on=AS_OF - timedelta(days=3))
    text, _ = parts(render(edm(content="renew/statement-update-backup-solution", agreement=ended)))
    assert "ended on 31 March 2026" in text


def test_contact_without_email_cannot_be_emailed() -> None:
    with pytest.raises(NotRenderableError, match="no email"):
        render(edm(email=None))
    with pytest.raises(ValueError, match="no email"):
        render(edm(email="  "))


@pytest.mark.parametrize("email", ["emily chen@harbourprint.example", "emily.chen", "emily@"])
def test_malformed_email_cannot_be_emailed(email: str) -> None:
    with pytest.raises(NotRenderableError, match="unusable email"):
        render(edm(email=email))


def test_internationalised_domain_is_sent_in_ascii_form() -> None:
    message = render(edm(email="li@例子.中国"))
    assert message["To"].addresses[0].domain == "xn--fsqu00a.xn--fiqs8s"


def test_content_without_template_cannot_be_emailed() -> None:
    with pytest.raises(NotRenderableError, match="no email template"):
        render(edm(content="welcome/no-such-touch"))


def test_sending_moment_must_carry_a_time_zone() -> None:
    item = edm()
    with pytest.raises(ValueError, match="time zone"):
        render_email(item, links_for(item), SENDER, sent_at=datetime(2026, 4, 3, 9, 30))


def test_relative_and_absolute_targets_join_the_vendor_site() -> None:
    sender = replace(SENDER, site_url=f"{SITE}/care/")
    item = edm()
    _, html = parts(render_email(item, links_for(item), sender, sent_at=SENT_AT))
    targets = {claim_of(href).url for href in hrefs(html) if "/t/c/" in href}
    assert targets == {f"{SITE}/care/support/register"}

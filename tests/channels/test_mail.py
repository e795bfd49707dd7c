"""Direct mail: letters render in the customer's language, print, and match the CSV."""

from __future__ import annotations

import csv
import dataclasses
import re
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

from carecycle.channels.mail import (
    LetterSender,
    NotRenderableError,
    missing_letter_templates,
    render_letter,
)
from carecycle.channels.mailhouse import (
    MAILHOUSE_COLUMNS,
    write_letters_pdf,
    write_letters_pdf_pages,
    write_mailhouse_csv,
)
from tests.channels.dispatches import addressee, agreement, contents_for, dispatch

SENDER = LetterSender(
    company="Contoso Licensing",
    address_lines=("1 Harbour Road", "Singapore 049145"),
    signature="Li Na, Customer Care Manager",
)
AS_OF = date(2026, 5, 27)


SHANGHAI = addressee(
    language="zh",
    account_name="上海云杉科技有限公司",
    contact_name="王伟",
    address="上海市浦东新区张江路88号",
    city="Shanghai",
    postcode="200120",
    region="Shanghai",
    country="CN",
    partner_name="蓝海软件",
)
LONDON = addressee(
    language="en",
    account_name="Northwind Traders Ltd",
    contact_name="Jane Smith",
    address="12 High Street",
    city="London",
    postcode="EC2A 4NE",
    country="GB",
)
BY_LANGUAGE = {"zh": SHANGHAI, "en": LONDON}
EA = agreement(program="ea", end_on=date(2026, 11, 23))
# A direct-mail touch to the Shanghai customer about an Enterprise Agreement ending in six months.
dm = partial(
    dispatch,
    touch_uid="T-0001",
    content="welcome/thank-you-letter",
    channel="dm",
    as_of=AS_OF,
    addressee=SHANGHAI,
    agreement=EA,
)


def squeeze(text: str) -> str:
    """Return text without whitespace: pypdf may space out the glyphs it extracts."""
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    """Return the squeezed text of each page of a PDF, as its ToUnicode maps read it."""
    reader = PdfReader(path)
    for page in reader.pages:
        for font in page_fonts(page):
            name_two_byte_cmap(font)
    return [squeeze(page.extract_text()) for page in reader.pages]


def name_two_byte_cmap(font: DictionaryObject) -> None:
    """Name the embedded code-to-CID CMap of a CID-keyed CFF font as Identity-H.

    The PDF format lets that CMap be a stream, and fpdf2 writes one; pypdf reads only
    named CMaps and otherwise splits the two-byte codes. Both use two-byte codes, and
    the text comes from the font's ToUnicode map either way.
    """
    encoding = font["/Encoding"].get_object()
    if isinstance(encoding, StreamObject):
        assert b"<0000> <FFFF>" in encoding.get_data()
        font[NameObject("/Encoding")] = NameObject("/Identity-H")


def page_fonts(page: PageObject) -> list[DictionaryObject]:
    """Return the font dictionaries a page uses."""
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    return [cast(DictionaryObject, ref.get_object()) for ref in fonts.values()]


def embedded_font_files(path: Path) -> list[str]:
    """Return, per font on the first page, which font-file stream its descriptor holds."""
    found = []
    for font in page_fonts(PdfReader(path).pages[0]):
        if "/DescendantFonts" in font:
            descendants = cast(ArrayObject, font["/DescendantFonts"].get_object())
            font = cast(DictionaryObject, descendants[0].get_object())
        descriptor = cast(DictionaryObject, font["/FontDescriptor"].get_object())
        found += [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
    return found


def test_chinese_letter_renders_to_pdf_and_its_text_extracts_back(tmp_path: Path) -> None:
    letter = render_letter(dm(), SENDER)
    path = tmp_path / "letters.pdf"

    assert write_letters_pdf([letter], path, SENDER) == 1

    text = page_texts(path)[0]
    assert "尊敬的王伟：" in text
    assert squeeze(letter.subject) in text
    assert "上海云杉科技有限公司" in text
    assert "2026年5月27日" in text
    assert "T-0001" in text
    assert embedded_font_files(path)


def test_english_letter_extracts_back(tmp_path: Path) -> None:
    english = dm(content="renew/why-renew-timeline-budget-tools", addressee=LONDON)
    letter = render_letter(english, SENDER)
    path = tmp_path / "letters.pdf"

    write_letters_pdf([letter], path, SENDER)

    text = page_texts(path)[0]
    assert letter.salutation == "Dear Jane Smith,"
    assert squeeze("Your Enterprise Agreement ends on 23 November 2026") in text
    assert "NorthwindTradersLtd" in text
    assert "27May2026" in text


def test_mailhouse_pages_agree_with_the_pdf(tmp_path: Path) -> None:
    chinese = render_letter(dm(touch_uid="T-ZH"), SENDER)
    english = render_letter(dm(addressee=LONDON, touch_uid="T-EN"), SENDER)
    long = dataclasses.replace(chinese, touch_uid="T-LONG", paragraphs=chinese.paragraphs * 8)
    letters = [chinese, long, english]
    pdf_path, csv_path = tmp_path / "letters.pdf", tmp_path / "mailhouse.csv"

    pages = write_letters_pdf_pages(letters, pdf_path, SENDER)
    write_mailhouse_csv(letters, csv_path, pages=pages)

    texts = page_texts(pdf_path)
    assert pages[1] > 1
    assert sum(pages) == len(texts)
    with csv_path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert tuple(rows[0]) == MAILHOUSE_COLUMNS
    for row in rows:
        first, count = int(row["first_page"]), int(row["page_count"])
        own = texts[first - 1 : first - 1 + count]
        assert len(own) == count
        assert all(row["touch_uid"] in page for page in own)
    assert [row["touch_uid"] for row in rows] == ["T-ZH", "T-LONG", "T-EN"]
    assert rows[0]["company"] == "上海云杉科技有限公司"
    assert rows[2]["postcode"] == "EC2A 4NE"


def test_mailhouse_csv_opens_in_excel_and_cannot_run_formulas(tmp_path: Path) -> None:
    touch = dm(addressee=LONDON, contact_name="=HYPERLINK(evil)")
    letter = render_letter(touch, SENDER)
    path = tmp_path / "mailhouse.csv"

    write_mailhouse_csv([letter], path, pages=[1])

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK(evil)" in raw.decode("utf-8-sig")


def test_every_builtin_dm_content_has_english_and_chinese_letters() -> None:
    contents = contents_for("dm")

    assert contents
    assert missing_letter_templates(contents) == []
    assert missing_letter_templates(["welcome/no-such-letter"]) == [
        "letters/welcome/no-such-letter.en.j2",
        "letters/welcome/no-such-letter.zh.j2",
    ]


@pytest.mark.parametrize("with_agreement", [True, False])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_builtin_dm_letter_renders_with_and_without_an_agreement(
    language: str, with_agreement: bool
) -> None:
    end_on = "23 November 2026" if language == "en" else "2026年11月23日"
    for content in contents_for("dm"):
        touch = dm(
            content=content,
            addressee=BY_LANGUAGE[language],
            agreement=EA if with_agreement else None,
        )
        letter = render_letter(touch, SENDER)
        text = "\n".join([letter.subject, letter.salutation, *letter.paragraphs])
        assert letter.subject
        assert len(letter.paragraphs) >= 3
        assert (end_on in text) == with_agreement
        assert "{" not in text
        assert "None" not in text


def test_letter_without_postal_address_is_not_renderable() -> None:
    with pytest.raises(NotRenderableError, match="no postal address"):
        render_letter(dm(address="  "), SENDER)
    with pytest.raises(NotRenderableError, match="no postal address"):
        render_letter(dm(address=None), SENDER)


def test_letter_without_template_is_not_renderable() -> None:
    with pytest.raises(NotRenderableError, match="no letter template"):
        render_letter(dm(content="welcome/no-such-letter"), SENDER)
    with pytest.raises(NotRenderableError, match="no letter template"):
        render_letter(dm(content="../../base"), SENDER)


def test_odd_characters_in_names_are_printed_as_is(tmp_path: Path) -> None:
    touch = dm(
        addressee=LONDON, account_name="O'Brien & <Co>", contact_name="Seán **{nb}** Ó'Brien"
    )
    letter = render_letter(touch, SENDER)
    path = tmp_path / "letters.pdf"

    write_letters_pdf([letter], path, SENDER)

    assert letter.recipient[:2] == ("Seán **{nb}** Ó'Brien", "O'Brien & <Co>")
    assert letter.salutation == "Dear Seán **{nb}** Ó'Brien,"
    text = page_texts(path)[0]
    assert "O'Brien&<Co>" in text
    assert "Seán**{nb}**Ó'Brien" in text


def test_a_failed_write_keeps_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = render_letter(dm(), SENDER)
    path = tmp_path / "letters.pdf"
    path.write_bytes(b"yesterday's letters")

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("carecycle.channels.mailhouse.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_letters_pdf([letter], path, SENDER)

    assert path.read_bytes() == b"yesterday's letters"
    assert [p.name for p in tmp_path.iterdir()] == ["letters.pdf"]

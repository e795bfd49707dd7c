"""The mail-house batch: every letter in one printable PDF, and the file that matches it.

Printing lays each letter out for a window envelope (DIN 5008 form B) in one combined
PDF, in a CJK font, breaking Chinese lines by its typesetting rules. The mail house
matches printed pages to the CSV by touch uid and page. Both files are written
atomically, so a failed run leaves the previous batch whole.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from carecycle.channels.mail import BULLET, Letter, LetterSender, is_wide, printable

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT = "letter"
MAILHOUSE_COLUMNS = (
    "touch_uid", "account_id", "contact_id", "recipient_name", "company", "address", "city",
    "postcode", "region", "country", "language", "first_page", "page_count",
)  # fmt: skip
# Chinese typesetting keeps closing marks off the start of a line, openers off its end.
NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉…,.;:!?)]}’”%")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@")
# Page geometry in millimetres: A4, address field of a DIN 5008 form B window envelope.
LEFT, RIGHT, BOTTOM = 25.0, 20.0, 20.0
RETURN_LINE_Y, RECIPIENT_Y, ADDRESS_WIDTH = 47.0, 63.0, 80.0
DATE_Y = 100.0


class _LetterPdf(FPDF):
    """An A4 document whose footer prints the touch uid of the letter on each page."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.touch_uid = ""
        self._widths: dict[tuple[float, str], float] = {}

    def width_of(self, text: str) -> float:
        """Return the width of `text` at the current font size, measured once per size."""
        key = (self.font_size_pt, text)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(text)
        return self._widths[key]

    def footer(self) -> None:
        """Print the touch uid and the sheet number, for the mail house's matching."""
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.cell(0, 4, f"{self.touch_uid}   {self.page_no()}", align="R")


def write_letters_pdf(letters: Sequence[Letter], path: Path, sender: LetterSender) -> int:
    """Write every letter into one printable PDF at `path`; return its page count."""
    return sum(write_letters_pdf_pages(letters, path, sender))


def write_letters_pdf_pages(
    letters: Sequence[Letter], path: Path, sender: LetterSender
) -> tuple[int, ...]:
    """Write every letter into one printable PDF at `path`; return each letter's pages."""
    if not letters:
        raise ValueError("there are no letters to print")
    pdf = _new_pdf(sender)
    pages = []
    for letter in letters:
        first = pdf.page_no() + 1
        _print_letter(pdf, letter, sender)
        pages.append(pdf.page_no() - first + 1)
    _write_atomically(path, bytes(pdf.output()))
    return tuple(pages)


def write_mailhouse_csv(letters: Sequence[Letter], path: Path, *, pages: Sequence[int]) -> None:
    """Write the mail house's file: one row per letter with its pages in the PDF."""
    if len(pages) != len(letters):
        raise ValueError(f"{len(letters)} letters but {len(pages)} page counts")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(MAILHOUSE_COLUMNS)
    first_page = 1
    for letter, count in zip(letters, pages, strict=True):
        writer.writerow([*map(_cell, _postal_row(letter)), first_page, count])
        first_page += count
    # A byte-order mark makes Excel read the file as UTF-8 and show Chinese correctly.
    _write_atomically(path, buffer.getvalue().encode("utf-8-sig"))


def _postal_row(letter: Letter) -> tuple[str, ...]:
    return (
        letter.touch_uid, letter.account_id, letter.contact_id or "", letter.recipient_name,
        letter.company, letter.address, letter.city, letter.postcode, letter.region,
        letter.country, letter.language,
    )  # fmt: skip


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _font_path() -> Path:
    # Found without importing mplfonts, whose package import pulls in matplotlib.
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package, which ships the letter font, is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE


def _new_pdf(sender: LetterSender) -> _LetterPdf:
    pdf = _LetterPdf()
    # Otherwise fpdf2 replaces "{nb}" anywhere in the text, customer names included.
    pdf.alias_nb_pages("")
    pdf.add_font(FONT, fname=str(_font_path()))
    pdf.set_margins(LEFT, 15.0, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_author(sender.company)
    pdf.set_title(f"{sender.company} letters")
    return pdf


def _print_letter(pdf: _LetterPdf, letter: Letter, sender: LetterSender) -> None:
    pdf.add_page()
    # Set after add_page, which still closes the previous letter's last page.
    pdf.touch_uid = letter.touch_uid
    _print_sender(pdf, sender)
    pdf.set_font(FONT, size=10)
    pdf.set_y(RECIPIENT_Y)
    _flow(pdf, "\n".join(letter.recipient), width=ADDRESS_WIDTH, height=4.6)
    # An address too long for the window pushes the text down rather than under it.
    pdf.set_y(max(DATE_Y, pdf.get_y() + 4))
    pdf.cell(0, 5, letter.date_line, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font(FONT, size=13)
    _flow(pdf, letter.subject, width=pdf.epw, height=6.5)
    pdf.ln(5)
    pdf.set_font(FONT, size=10.5)
    for paragraph in (letter.salutation, *letter.paragraphs):
        _flow(pdf, paragraph, width=pdf.epw, height=5.4)
        pdf.ln(2.6)
    pdf.ln(2)
    _flow(pdf, letter.closing, width=pdf.epw, height=5.4)
    pdf.ln(14)  # room for a handwritten signature
    _flow(pdf, f"{letter.signature}\n{printable(sender.company)}", width=pdf.epw, height=5.4)


def _print_sender(pdf: _LetterPdf, sender: LetterSender) -> None:
    pdf.set_y(15)
    pdf.set_font(FONT, size=11)
    pdf.cell(0, 5.5, printable(sender.company), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8.5)
    for line in sender.address_lines:
        pdf.cell(0, 4, printable(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return_line = " · ".join(map(printable, (sender.company, *sender.address_lines)))
    size = 7.0
    pdf.set_font(FONT, size=size)
    # The return line must stay on one line inside the window, so it shrinks to fit.
    while pdf.get_string_width(return_line) > ADDRESS_WIDTH and size > 4.5:
        size -= 0.5
        pdf.set_font(FONT, size=size)
    pdf.set_xy(LEFT, RETURN_LINE_Y)
    pdf.cell(ADDRESS_WIDTH, 4, return_line)


def _flow(pdf: _LetterPdf, text: str, *, width: float, height: float) -> None:
    """Print text from the left margin, wrapped to `width`; bullet lines hang indented."""
    for source in text.split("\n"):
        indent = pdf.width_of(BULLET + " ") if source.startswith(BULLET) else 0.0
        for number, line in enumerate(_wrap(pdf, source, width - indent)):
            pdf.set_x(pdf.l_margin + (indent if number else 0.0))
            pdf.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _wrap(pdf: _LetterPdf, text: str, width: float) -> list[str]:
    """Return the lines of `text` within `width`, keeping Chinese punctuation rules.

    fpdf2 breaks only at spaces, or anywhere: Chinese needs breaks between characters
    but never before a closing mark, which hangs into the margin instead.
    """
    lines: list[str] = []
    line, used = "", 0.0
    for token in _tokens(pdf, text, width):
        size = pdf.width_of(token)
        hangs = not line or token.isspace() or token[0] in NO_LINE_START
        if hangs or used + size <= width:
            line, used = line + token, used + size
            continue
        carry = line[-1] if len(line) > 1 and line[-1] in NO_LINE_END else ""
        lines.append(line.removesuffix(carry).rstrip())
        line, used = carry + token, pdf.width_of(carry) + size
    return [*lines, line.rstrip()]


def _tokens(pdf: _LetterPdf, text: str, width: float) -> list[str]:
    """Return the unbreakable pieces of `text`: words, runs of spaces, wide characters."""
    tokens: list[str] = []
    for char in text:
        previous = tokens[-1][-1] if tokens else ""
        joins = previous and not is_wide(char) and not is_wide(previous)
        if joins and char.isspace() == previous.isspace():
            tokens[-1] += char
        else:
            tokens.append(char)
    # A word wider than the line itself can only be broken between its letters.
    return [p for t in tokens for p in (t if pdf.width_of(t) > width else [t])]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with temp.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise

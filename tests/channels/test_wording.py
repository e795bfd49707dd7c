"""Shared wording: emails and letters write dates, days, money and programs alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from carecycle.channels.wording import countdown, long_date, money, program_label


def test_long_date_is_day_month_year_in_english_and_year_first_in_chinese() -> None:
    assert long_date(date(2026, 4, 3), "en") == "3 April 2026"
    assert long_date(date(2026, 4, 3), "zh") == "2026年4月3日"


@pytest.mark.parametrize(
    ("days", "english", "chinese"),
    [
        (-3, "3 days ago", "3天前"),
        (-1, "yesterday", "昨天"),
        (0, "today", "今天"),
        (1, "tomorrow", "明天"),
        (45, "in 45 days", "45天后"),
    ],
)
def test_countdown_names_the_nearest_days(days: int, english: str, chinese: str) -> None:
    assert countdown(days, "en") == english
    assert countdown(days, "zh") == chinese


def test_chinese_money_names_the_unit_after_the_amount() -> None:
    assert money(Decimal("12800"), "cny", language="zh") == "12,800.00 元"
    assert money(Decimal("12800"), "CNY", language="en") == "CNY 12,800.00"
    assert money(Decimal("5"), None, language="en") == "5.00"
    assert money(Decimal("5"), "XYZ", language="zh") == "5.00 XYZ"


def test_program_label_is_a_noun_phrase_and_an_unknown_program_its_code() -> None:
    assert program_label("ea", "en") == "Enterprise Agreement"
    assert program_label("open_license", "zh") == "Open License 协议"
    assert program_label("mpsa", "zh") == "mpsa"

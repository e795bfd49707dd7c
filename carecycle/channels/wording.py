"""Wording the channels share: dates, countdowns, money and licence programs.

Each function writes Chinese when `language` is "zh" and English otherwise, so emails and
letters name the same date, amount or program in the same words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
NEAR_DAYS = {"en": ("yesterday", "today", "tomorrow"), "zh": ("昨天", "今天", "明天")}
CURRENCY_UNITS_ZH = {"CNY": "元", "RMB": "元", "USD": "美元", "EUR": "欧元", "GBP": "英镑"}
# Noun phrases, so a template can write "your {{ program_label }} ends on ...".
PROGRAM_LABELS = {
    "open_license": ("Open License agreement", "Open License 协议"),
    "open_value": ("Open Value agreement", "Open Value 协议"),
    "select": ("Select agreement", "Select 协议"),
    "ea": ("Enterprise Agreement", "企业协议"),
    "olv": ("OLV agreement", "OLV 协议"),
    "subscription": ("subscription", "订阅"),
}


def long_date(day: date, language: str) -> str:
    """Return the date written out in full: "3 April 2026" or "2026年4月3日"."""
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def countdown(days: int, language: str) -> str:
    """Return a number of days from today in words: "in 45 days", "tomorrow", "3天前"."""
    zh = language == "zh"
    if -1 <= days <= 1:
        return NEAR_DAYS["zh" if zh else "en"][days + 1]
    if days > 1:
        return f"{days}天后" if zh else f"in {days} days"
    return f"{-days}天前" if zh else f"{-days} days ago"


def money(value: Decimal, currency: str | None, *, language: str) -> str:
    """Return an amount with its currency: "CNY 12,800.00" or "12,800.00 元"."""
    amount, code = f"{value:,.2f}", (currency or "").strip().upper()
    if language == "zh":
        return f"{amount} {CURRENCY_UNITS_ZH.get(code, code)}".strip()
    return f"{code} {amount}".strip()


def program_label(program: str, language: str) -> str:
    """Return a licence program's name as a noun phrase; an unknown program as its code."""
    labels = PROGRAM_LABELS.get(program)
    if labels is None:
        return program
    return labels[1] if language == "zh" else labels[0]

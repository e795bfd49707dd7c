from __future__ import annotations

import random

import phonenumbers as pn
import pyarrow as pa
import pytest

from carecycle.ingest.cleansing import (
    mobile_phones,
    normalise_emails,
    normalise_names,
    normalise_phones,
)


def names(*values: str | None) -> list[str | None]:
    return normalise_names(pa.array(values, pa.string())).to_pylist()


def emails(*values: str | None) -> list[tuple[str | None, str | None]]:
    result = normalise_emails(pa.array(values, pa.string()))
    return list(zip(result.values.to_pylist(), result.issues.to_pylist(), strict=True))


def phones(
    *values: str | None, region: str = "CN", regions: list[str | None] | None = None
) -> list[tuple[str | None, str | None]]:
    given = None if regions is None else pa.array(regions, pa.string())
    result = normalise_phones(pa.array(values, pa.string()), default_region=region, regions=given)
    return list(zip(result.values.to_pylist(), result.issues.to_pylist(), strict=True))


def test_names_are_trimmed_and_inner_whitespace_collapsed() -> None:
    assert names("  王 伟 ", "John \t  Smith", "北京\u3000华信", "a\u00a0\u00a0b") == [
        "王 伟", "John Smith", "北京 华信", "a b",
    ]  # fmt: skip


def test_full_width_letters_and_zero_width_spaces_are_cleaned_from_names() -> None:
    assert names("ＡＢＣ科技有限公司", "Wang\u200bWei") == ["ABC科技有限公司", "WangWei"]


def test_empty_or_blank_name_becomes_null() -> None:
    assert names("", "   ", "\u3000", None) == [None, None, None, None]


def test_all_null_column_stays_null() -> None:
    assert normalise_names(pa.nulls(2)).to_pylist() == [None, None]


def test_emails_are_trimmed_and_lowercased_whole() -> None:
    assert emails(" Wang.Wei@QQ.com ", "JOHN@Acme.Example") == [
        ("wang.wei@qq.com", None), ("john@acme.example", None),
    ]  # fmt: skip


def test_full_width_at_sign_typed_with_a_chinese_input_method_is_read() -> None:
    assert emails("ｗａｎｇ＠１６３.com") == [("wang@163.com", None)]


def test_empty_email_is_null_and_not_an_issue() -> None:
    assert emails("", "  ", None) == [(None, None)] * 3


@pytest.mark.parametrize(
    "address",
    ["wang", "wang@", "@qq.com", "wang@qq", "wang@@qq.com", "wang wei@qq.com", "wang@qq.com.",
     "wang..wei@qq.com", "wang@-qq.com", "wang@qq.c", "王伟@qq.com", "a@b.com;c@d.com"],
)  # fmt: skip
def test_malformed_email_is_flagged_invalid(address: str) -> None:
    assert emails(address) == [(address.lower(), "invalid address")]


@pytest.mark.parametrize(
    ("address", "provider"),
    [("wang@gmial.com", "gmail.com"), ("wang@gmail.con", "gmail.com"), ("wang@qq.con", "qq.com"),
     ("wang@163.cm", "163.com"), ("wang@126.cmo", "126.com"), ("wang@sina.comm", "sina.com"),
     ("wang@hotmail.co", "hotmail.com"), ("wang@foxmial.com", "foxmail.com"),
     ("wang@outlok.com", "outlook.com"), ("wang@yeah.met", "yeah.net"),
     ("wang@aliyun.cm", "aliyun.com"), ("wang@vip.qq.con", "vip.qq.com"),
     ("wang@acme.con", "acme.com")],
)  # fmt: skip
def test_domain_typo_is_flagged_not_changed(address: str, provider: str) -> None:
    assert emails(address) == [(address, f"domain looks like a typo of {provider}")]


@pytest.mark.parametrize(
    "address",
    ["a@qq.com", "a@163.com", "a@126.com", "a@gmail.com", "a@vip.qq.com", "a@exmail.qq.com",
     "a@mail.163.com", "a@sina.cn", "a@ymail.com", "a@email.com", "a@hotmail.co.uk",
     "a@huaxin-tech.com.cn", "a@qqq.com", "a@168.com", "a@acme.co", "a@北京大学.中国"],
)  # fmt: skip
def test_real_or_unrelated_domains_are_not_flagged(address: str) -> None:
    assert emails(address) == [(address, None)]


def test_chinese_mobile_written_nationally_becomes_e164() -> None:
    assert phones("138 0013 8000", "138-0013-8000", "13800138000") == [("+8613800138000", None)] * 3


def test_beijing_landline_with_trunk_zero_becomes_e164() -> None:
    assert (
        phones("010-6552 9988", "(010) 65529988", "+86 10 6552 9988")
        == [("+861065529988", None)] * 3
    )


def test_number_written_with_plus_country_ignores_the_default_region() -> None:
    assert phones("+1 415-555-0134", "+86 138 0013 8000", region="US") == [
        ("+14155550134", None), ("+8613800138000", None),
    ]  # fmt: skip


def test_us_number_written_nationally_is_read_in_the_us() -> None:
    assert phones("(415) 555-0134", "1-415-555-0134", region="US") == [("+14155550134", None)] * 2


def test_full_width_digits_are_read() -> None:
    assert (
        phones("１３８００１３８０００", "＋８６ １３８ ００１３ ８０００")
        == [("+8613800138000", None)] * 2
    )


def test_region_of_the_row_wins_over_the_default() -> None:
    given = phones("4155550134", "13800138000", regions=["us", None])
    assert given == [("+14155550134", None), ("+8613800138000", None)]


def test_unknown_region_of_a_row_falls_back_to_the_default() -> None:
    assert phones("13800138000", regions=["China"]) == [("+8613800138000", None)]


def test_invalid_phone_keeps_its_text_and_names_the_region() -> None:
    assert phones(" 12345 ", "n/a", "+1 415 555", "+86 138 0013 800") == [
        ("12345", "not a valid phone number for CN"),
        ("n/a", "not a valid phone number for CN"),
        ("+1 415 555", "not a valid phone number for US"),
        ("+86 138 0013 800", "not a valid phone number for CN"),
    ]


def test_null_and_blank_phones_stay_null_without_issue() -> None:
    assert phones(None, "", "  ") == [(None, None)] * 3


def test_repeated_numbers_get_the_same_answer() -> None:
    assert phones("138 0013 8000", "12345", "138 0013 8000", "12345") == [
        ("+8613800138000", None), ("12345", "not a valid phone number for CN"),
    ] * 2  # fmt: skip


def reference(raw: str, region: str) -> tuple[str, str | None]:
    try:
        number = pn.parse(raw, region)
    except pn.NumberParseException:
        return raw, f"not a valid phone number for {region}"
    if not pn.is_valid_number(number):
        named = pn.region_code_for_country_code(number.country_code or 0)
        return raw, f"not a valid phone number for {named}"
    return pn.format_number(number, pn.PhoneNumberFormat.E164), None


def sample_numbers(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    values, regions = [], []
    kinds = (pn.PhoneNumberType.FIXED_LINE, pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.TOLL_FREE)
    styles = (
        pn.PhoneNumberFormat.E164,
        pn.PhoneNumberFormat.NATIONAL,
        pn.PhoneNumberFormat.INTERNATIONAL,
    )
    for region in sorted(pn.SUPPORTED_REGIONS):
        for kind in kinds:
            example = pn.example_number_for_type(region, kind)
            if example is None:
                continue
            for style in styles:
                digits = list(pn.format_number(example, style))
                spot = rng.randrange(len(digits))
                if digits[spot].isdigit() and rng.random() < 0.5:
                    digits[spot] = str(rng.randrange(10))
                values.append("".join(digits))
                regions.append(rng.choice([region, region, "CN", "US", "GB", "DE"]))
    return values, regions


def test_every_region_reads_numbers_as_phonenumbers_does() -> None:
    values, regions = sample_numbers(seed=11)
    result = normalise_phones(pa.array(values), default_region="CN", regions=pa.array(regions))
    got = list(zip(result.values.to_pylist(), result.issues.to_pylist(), strict=True))
    assert got == [reference(v, r) for v, r in zip(values, regions, strict=True)]


def test_mobile_numbers_are_told_from_landlines() -> None:
    given = pa.array(
        ["+8613800138000", "+861065529988", "+14155550134", "+447400123456", "12345", None]
    )
    assert mobile_phones(given).to_pylist() == [True, False, False, True, False, False]

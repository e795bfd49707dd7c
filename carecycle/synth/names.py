"""Company and person names, Chinese and English, built from drawn parts.

A name is kept as its parts (index arrays) until it is rendered, so a duplicate record
can reuse an original's parts with one piece changed ("Ltd" for "Limited", a homophone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.synth.cities import CITIES
from carecycle.synth.columns import Builder, by_case, fill, pick
from carecycle.synth.sampling import Bools, Ints, RowArrays, weighted

# fmt: off
SURNAMES = (
    ("王", "wang", 7.1), ("李", "li", 7.0), ("张", "zhang", 6.8), ("刘", "liu", 5.4),
    ("陈", "chen", 4.6), ("杨", "yang", 3.1), ("黄", "huang", 2.4), ("赵", "zhao", 2.3),
    ("吴", "wu", 2.1), ("周", "zhou", 2.1), ("徐", "xu", 1.7), ("孙", "sun", 1.5),
    ("马", "ma", 1.5), ("朱", "zhu", 1.3), ("胡", "hu", 1.3), ("郭", "guo", 1.2),
    ("何", "he", 1.2), ("高", "gao", 1.1), ("林", "lin", 1.1), ("罗", "luo", 1.0),
    ("郑", "zheng", 1.0), ("梁", "liang", 0.9), ("谢", "xie", 0.8), ("宋", "song", 0.7),
    ("唐", "tang", 0.7), ("许", "xu", 0.7), ("韩", "han", 0.7), ("冯", "feng", 0.6),
    ("邓", "deng", 0.6), ("曹", "cao", 0.6), ("彭", "peng", 0.6), ("曾", "zeng", 0.6),
    ("肖", "xiao", 0.6), ("田", "tian", 0.5), ("董", "dong", 0.5), ("袁", "yuan", 0.5),
    ("潘", "pan", 0.4), ("蒋", "jiang", 0.4), ("蔡", "cai", 0.4), ("杜", "du", 0.4),
    ("叶", "ye", 0.4), ("程", "cheng", 0.4), ("苏", "su", 0.4), ("魏", "wei", 0.4),
    ("丁", "ding", 0.3), ("任", "ren", 0.3), ("沈", "shen", 0.3), ("姚", "yao", 0.3),
)
# Given-name characters in homophone pairs: a misspelt duplicate swaps a character for
# its partner (index ^ 1), the way a name is mistyped through a pinyin input method.
GIVEN = (
    ("伟", "wei"), ("玮", "wei"), ("丽", "li"), ("莉", "li"), ("静", "jing"), ("晶", "jing"),
    ("敏", "min"), ("民", "min"), ("芳", "fang"), ("方", "fang"), ("军", "jun"), ("君", "jun"),
    ("杰", "jie"), ("洁", "jie"), ("涛", "tao"), ("韬", "tao"), ("明", "ming"), ("铭", "ming"),
    ("华", "hua"), ("桦", "hua"), ("红", "hong"), ("虹", "hong"), ("峰", "feng"), ("锋", "feng"),
    ("燕", "yan"), ("艳", "yan"), ("勇", "yong"), ("永", "yong"), ("超", "chao"), ("朝", "chao"),
    ("娟", "juan"), ("鹃", "juan"), ("磊", "lei"), ("蕾", "lei"), ("强", "qiang"), ("蔷", "qiang"),
    ("平", "ping"), ("萍", "ping"), ("刚", "gang"), ("钢", "gang"), ("辉", "hui"), ("慧", "hui"),
    ("建", "jian"), ("健", "jian"), ("文", "wen"), ("雯", "wen"), ("宇", "yu"), ("雨", "yu"),
    ("欣", "xin"), ("鑫", "xin"), ("婷", "ting"), ("亭", "ting"), ("浩", "hao"), ("昊", "hao"),
    ("佳", "jia"), ("嘉", "jia"), ("晨", "chen"), ("辰", "chen"), ("志", "zhi"), ("智", "zhi"),
    ("英", "ying"), ("莹", "ying"), ("霞", "xia"), ("夏", "xia"), ("俊", "jun"), ("骏", "jun"),
    ("玲", "ling"), ("灵", "ling"), ("梅", "mei"), ("美", "mei"), ("斌", "bin"), ("彬", "bin"),
    ("琦", "qi"), ("琪", "qi"), ("飞", "fei"), ("菲", "fei"), ("云", "yun"), ("芸", "yun"),
)
FIRST_NAMES = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua", "Kevin",
    "Brian", "George", "Emily", "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth",
    "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Nancy", "Lisa", "Margaret", "Ashley",
    "Michelle", "Amanda", "Melissa", "Rebecca", "Laura", "Rachel", "Olivia", "Sophie",
    "Chloe", "Oliver", "Harry", "Jack", "Charlotte", "Amelia", "Priya", "Hannah", "Aaron",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts",
    "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart",
    "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Patel", "Nguyen", "Singh",
    "Kim", "Tan", "Lee", "Wong", "O'Brien", "Hughes", "Kelly", "Ward",
)
TRADE = (
    ("华", "hua"), ("信", "xin"), ("中", "zhong"), ("天", "tian"), ("东", "dong"), ("方", "fang"),
    ("恒", "heng"), ("通", "tong"), ("泰", "tai"), ("达", "da"), ("瑞", "rui"), ("博", "bo"),
    ("创", "chuang"), ("新", "xin"), ("联", "lian"), ("盛", "sheng"), ("安", "an"), ("康", "kang"),
    ("德", "de"), ("海", "hai"), ("宏", "hong"), ("远", "yuan"), ("鼎", "ding"), ("金", "jin"),
    ("鑫", "xin"), ("源", "yuan"), ("嘉", "jia"), ("和", "he"), ("诚", "cheng"), ("智", "zhi"),
    ("汇", "hui"), ("科", "ke"), ("云", "yun"), ("星", "xing"), ("锐", "rui"), ("腾", "teng"),
    ("飞", "fei"), ("龙", "long"), ("凯", "kai"), ("广", "guang"), ("宇", "yu"), ("明", "ming"),
    ("光", "guang"), ("万", "wan"), ("正", "zheng"), ("永", "yong"), ("昌", "chang"),
    ("祥", "xiang"), ("兴", "xing"), ("隆", "long"), ("力", "li"), ("森", "sen"), ("思", "si"),
    ("维", "wei"), ("启", "qi"), ("航", "hang"), ("易", "yi"), ("捷", "jie"), ("迅", "xun"),
    ("铭", "ming"), ("晟", "sheng"), ("融", "rong"), ("弘", "hong"), ("亿", "yi"), ("朗", "lang"),
    ("蓝", "lan"), ("青", "qing"), ("景", "jing"), ("峰", "feng"), ("佳", "jia"),
)
BRAND_HEADS = (
    "Blue", "North", "Silver", "Red", "Oak", "Pine", "Summit", "Harbor", "River", "Bright",
    "Clear", "Iron", "Maple", "Cedar", "Eagle", "Golden", "Stone", "Swift", "True", "West",
    "East", "Lake", "Sun", "Star", "Green", "High", "Fair", "Cobalt", "Granite", "Apex",
)
BRAND_TAILS = (
    "water", "gate", "field", "stone", "bridge", "point", "view", "line", "wood", "path",
    "crest", "wave", "ridge", "port", "light", "brook", "haven", "spring", "mark", "way",
)
# (industry, weight, Chinese words, English words)
INDUSTRIES = (
    ("IT Services", 18, ("科技", "信息技术", "软件", "网络科技", "数据科技"),
     ("Software", "Technologies", "Systems", "IT Solutions", "Digital")),
    ("Manufacturing", 16, ("机械制造", "电子", "精密机械", "新材料", "自动化设备"),
     ("Manufacturing", "Industries", "Engineering", "Precision", "Components")),
    ("Retail & Trade", 14, ("贸易", "商贸", "进出口", "百货", "电子商务"),
     ("Trading", "Retail", "Supplies", "Imports", "Commerce")),
    ("Professional Services", 12, ("企业管理咨询", "咨询", "财务咨询", "人力资源", "知识产权代理"),
     ("Consulting", "Advisory", "Partners", "Associates", "Accounting")),
    ("Healthcare", 7, ("医疗器械", "健康科技", "医药", "生物科技"),
     ("Health", "Medical", "Biotech", "Care")),
    ("Education", 6, ("教育科技", "培训", "文化教育"), ("Learning", "Academy", "Education")),
    ("Financial Services", 6, ("投资管理", "金融信息服务", "融资租赁", "保险代理"),
     ("Capital", "Financial", "Investments", "Leasing")),
    ("Logistics", 7, ("物流", "供应链管理", "国际货运代理", "仓储服务"),
     ("Logistics", "Freight", "Transport", "Supply Chain")),
    ("Construction & Real Estate", 7, ("建筑工程", "装饰工程", "房地产开发", "物业管理"),
     ("Construction", "Builders", "Properties", "Developments")),
    ("Hospitality", 3, ("餐饮管理", "酒店管理", "旅行社"),
     ("Hospitality", "Restaurants", "Travel")),
    ("Media & Design", 4, ("文化传媒", "广告", "设计", "影视文化"),
     ("Media", "Studios", "Design", "Creative")),
)
# Legal-form suffixes; ALTERNATE says how a duplicate record spells the same form.
SUFFIXES = (
    "有限公司", "股份有限公司", "有限责任公司", "", "Inc.", "Incorporated", "LLC", "L.L.C.",
    "Corp.", "Corporation", "Ltd", "Limited", "Pty Ltd", "Pty Limited", "Pte. Ltd.",
    "Pte Ltd", "Co., Ltd.", "Company Limited", "Ltd.",
)
ALTERNATE = {0: 3, 1: 0, 2: 0, 4: 5, 6: 7, 8: 9, 10: 11, 12: 13, 14: 15, 16: 17, 18: 11}
# Suffix choices (index into SUFFIXES, weight) per country; "CN-en" for pinyin names.
COUNTRY_SUFFIXES = {
    "CN": ((0, 0.8), (1, 0.08), (2, 0.12)), "CN-en": ((16, 1.0),),
    "US": ((4, 0.5), (6, 0.35), (8, 0.15)), "GB": ((10, 0.8), (11, 0.2)),
    "AU": ((12, 1.0),), "SG": ((14, 1.0),), "CA": ((4, 0.6), (18, 0.4)),
}
# fmt: on
WORD_OWNER = np.array([i for i, ind in enumerate(INDUSTRIES) for _ in ind[2]], dtype=np.int64)
WORDS_ZH = tuple(w for ind in INDUSTRIES for w in ind[2])
WORDS_EN = tuple(ind[3][i % len(ind[3])] for ind in INDUSTRIES for i in range(len(ind[2])))
# Company-name styles: 0-2 Chinese, 3 pinyin English for China, 4-5 English.
COMPANY_TEMPLATES = (
    "{city_zh}{t1}{t2}{word_zh}{suffix}",
    "{t1}{t2}{word_zh}（{city_zh}）{suffix}",
    "{t1}{t2}{word_zh}{suffix}",
    "{city} {p1}{p2} {word_en} {suffix}",
    "{head}{tail} {word_en} {suffix}",
    "{last} & {last2} {word_en} {suffix}",
)
ZH_STYLES = (0.75, 0.10, 0.15)
EN_STYLES = (0.7, 0.3)


def _misspell(name: str) -> str:
    for i in range(1, len(name)):
        if name[i] == name[i - 1]:
            return name[:i] + name[i + 1 :]
    middle = len(name) // 2
    return name[: middle - 1] + name[middle] + name[middle - 1] + name[middle + 1 :]


FIRST_VOCABULARY = FIRST_NAMES + tuple(_misspell(n) for n in FIRST_NAMES)


@dataclass(frozen=True)
class CompanyParts(RowArrays):
    """The drawn pieces of each row's company name."""

    style: Ints
    city: Ints
    word: Ints
    suffix: Ints
    head: Ints
    tail: Ints

    def with_alternate_suffix(self) -> CompanyParts:
        """Return the same names spelt with the alternate legal form ("Ltd" → "Limited")."""
        alternate = np.arange(len(SUFFIXES))
        for original, other in ALTERNATE.items():
            alternate[original] = other
        return replace(self, suffix=alternate[self.suffix])


def draw_company_parts(
    rng: np.random.Generator, city: Ints, industry: Ints, chinese: Bools
) -> CompanyParts:
    """Return name parts for companies in `city` and `industry`, Chinese-named where flagged."""
    size = len(city)
    country = np.array([c.country for c in CITIES])[city]
    style = np.where(chinese, weighted(rng, ZH_STYLES, size), 4 + weighted(rng, EN_STYLES, size))
    style = np.where((country == "CN") & ~chinese, 3, style)
    counts = np.bincount(WORD_OWNER, minlength=len(INDUSTRIES))
    starts = np.searchsorted(WORD_OWNER, np.arange(len(INDUSTRIES)))
    word = starts[industry] + np.floor(rng.random(size) * counts[industry]).astype(np.int64)
    head = rng.integers(0, len(TRADE), size)
    tail = (head + 1 + rng.integers(0, len(TRADE) - 1, size)) % len(TRADE)
    english = style >= 4
    head = np.where(english, rng.integers(0, len(BRAND_HEADS), size), head)
    tail = np.where(english, rng.integers(0, len(BRAND_TAILS), size), tail)
    suffix = _draw_suffixes(rng, country, style == 3)
    return CompanyParts(style, city, word, suffix, head, tail)


def _draw_suffixes(rng: np.random.Generator, country: np.ndarray, pinyin: Bools) -> Ints:
    suffix = np.zeros(len(country), dtype=np.int64)
    key = np.where(pinyin, "CN-en", country)
    for name, choices in COUNTRY_SUFFIXES.items():
        rows = np.flatnonzero(key == name)
        drawn = weighted(rng, [w for _, w in choices], len(rows))
        suffix[rows] = np.array([s for s, _ in choices])[drawn]
    return suffix


def format_company_names(parts: CompanyParts) -> pa.Array:
    """Return each row's company name, e.g. 北京华信科技有限公司 or Bluewater Software Inc."""

    def builder(template: str) -> Builder:
        return lambda rows: pc.utf8_trim_whitespace(
            fill(template, render_company_parts(parts.take(rows)), len(rows))
        )

    return by_case(parts.style, [builder(t) for t in COMPANY_TEMPLATES])


def render_company_parts(parts: CompanyParts) -> dict[str, pa.Array]:
    """Return the name pieces as columns (Chinese, pinyin and English pieces)."""
    chinese = parts.style <= 3
    trade_head = np.where(chinese, parts.head, 0)
    trade_tail = np.where(chinese, parts.tail, 0)
    brand_head = np.where(chinese, 0, parts.head)
    brand_tail = np.where(chinese, 0, parts.tail)
    return {
        "city_zh": pick([c.local for c in CITIES], parts.city),
        "city": pick([c.name for c in CITIES], parts.city),
        "t1": pick([t for t, _ in TRADE], trade_head),
        "t2": pick([t for t, _ in TRADE], trade_tail),
        "p1": pc.utf8_capitalize(pick([p for _, p in TRADE], trade_head)),
        "p2": pick([p for _, p in TRADE], trade_tail),
        "word_zh": pick(WORDS_ZH, parts.word),
        "word_en": pick(WORDS_EN, parts.word),
        "suffix": pick(SUFFIXES, parts.suffix),
        "head": pick(BRAND_HEADS, brand_head),
        "tail": pick(BRAND_TAILS, brand_tail),
        "last": pick(LAST_NAMES, (brand_head * 7 + brand_tail) % len(LAST_NAMES)),
        "last2": pick(LAST_NAMES, (brand_tail * 13 + brand_head + 5) % len(LAST_NAMES)),
    }


@dataclass(frozen=True)
class PersonParts:
    """The drawn pieces of each row's person name (Chinese or English)."""

    chinese: Bools
    family: Ints
    given: Ints
    given2: Ints

    def take(self, rows: Ints) -> PersonParts:
        """Return the parts of the given rows."""
        return PersonParts(
            self.chinese[rows], self.family[rows], self.given[rows], self.given2[rows]
        )

    def misspelt(self) -> PersonParts:
        """Return the same people with the given name slightly misspelt."""
        two = self.given2 < len(GIVEN)
        zh_given2 = np.where(two, self.given2 ^ 1, self.given2)
        zh_given = np.where(two, self.given, self.given ^ 1)
        en_given = np.where(
            self.given < len(FIRST_NAMES), self.given + len(FIRST_NAMES), self.given
        )
        given = np.where(self.chinese, zh_given, en_given)
        return replace(self, given=given, given2=np.where(self.chinese, zh_given2, self.given2))


def draw_people(rng: np.random.Generator, chinese: Bools) -> PersonParts:
    """Return name parts for people, Chinese where flagged and English elsewhere."""
    size = len(chinese)
    zh_family = weighted(rng, [w for *_, w in SURNAMES], size)
    family = np.where(chinese, zh_family, rng.integers(0, len(LAST_NAMES), size))
    given = np.where(
        chinese, rng.integers(0, len(GIVEN), size), rng.integers(0, len(FIRST_NAMES), size)
    )
    single = rng.random(size) < 0.25
    given2 = np.where(chinese & ~single, rng.integers(0, len(GIVEN), size), len(GIVEN))
    return PersonParts(chinese, family, given, given2)


def render_person_parts(parts: PersonParts) -> dict[str, pa.Array]:
    """Return the name pieces as columns: family/given in script and in latin letters."""
    zh = parts.chinese
    zh_family = np.where(zh, parts.family, 0)
    zh_given = np.where(zh, parts.given, 0)
    en_family = np.where(zh, 0, parts.family)
    en_given = np.where(zh, 0, parts.given)
    given2 = np.minimum(parts.given2, len(GIVEN))
    return {
        "family_zh": pick([s for s, *_ in SURNAMES], zh_family),
        "given_zh": pick([g for g, _ in GIVEN], zh_given),
        "given2_zh": pick([g for g, _ in GIVEN] + [""], given2),
        "family_py": pick([p for _, p, _ in SURNAMES], zh_family),
        "given_py": pick([p for _, p in GIVEN], zh_given),
        "given2_py": pick([p for _, p in GIVEN] + [""], given2),
        "first": pick(FIRST_VOCABULARY, en_given),
        "last": pick(LAST_NAMES, en_family),
    }


def format_person_names(parts: PersonParts) -> pa.Array:
    """Return each row's full name: 王伟 / 李秀英 or Emily Johnson."""
    fields = render_person_parts(parts)
    full_zh = fill("{family_zh}{given_zh}{given2_zh}", fields, len(parts.chinese))
    full_en = fill("{first} {last}", fields, len(parts.chinese))
    return pc.if_else(parts.chinese, full_zh, full_en)

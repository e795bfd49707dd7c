"""Where the synthetic customers are: countries, cities, districts, postcodes and streets.

Postcodes and phone numbers are patterns ('#' any digit, '@' a letter, '[2-9]' one of a
set) so that each customer gets a real-looking value, valid for its place: the sets keep
phone numbers inside the ranges actually in service.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    """A district of a city: local and English names, postcode pattern, division code."""

    local: str
    english: str
    postcode: str
    division: str = ""


@dataclass(frozen=True)
class City:
    """A city customers and partners are in."""

    name: str
    local: str
    region: str
    region_local: str
    country: str
    weight: float
    landlines: tuple[str, ...]
    districts: tuple[District, ...]
    streets: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Country:
    """What a country decides: currency, language, mobile number shapes, web domain."""

    code: str
    currency: str
    language: str
    mobiles: tuple[str, ...]
    mobile_share: float
    tld: str


CN_MOBILES = (
    "1[358][0-35-9]########", "1[358][0-35-9] #### ####", "1[358][0-35-9]-####-####",
    "+86 1[358][0-35-9] #### ####", "+861[358][0-35-9]########", "+86-1[358][0-35-9]-####-####",
)  # fmt: skip
US_MOBILES = (
    "+1 917-[2-9]##-####",
    "(646) [2-9]##-####",
    "415.[2-9]##.####",
    "+1 (310) [2-9]##-####",
)
COUNTRIES: tuple[Country, ...] = (
    Country("CN", "CNY", "zh", CN_MOBILES, 0.7, ".com.cn"),
    Country("US", "USD", "en", US_MOBILES, 0.4, ".com"),
    Country("GB", "USD", "en", ("07[457-9]## ######", "+44 7[457-9]## ######"), 0.4, ".co.uk"),
    Country(
        "AU",
        "USD",
        "en",
        ("04[0-368]# ### ###", "+61 4[0-368]# ### ###", "04[0-368]#######"),
        0.4,
        ".com.au",
    ),
    Country("SG", "USD", "en", ("9[0-8]## ####", "8### ####", "+65 9[0-8]## ####"), 0.5, ".com.sg"),
    Country("CA", "USD", "en", ("+1 416-[2-9]##-####", "(647) [2-9]##-####"), 0.4, ".ca"),
)
COUNTRY_INDEX = {c.code: i for i, c in enumerate(COUNTRIES)}


def _cn_landlines(area: str, digits: int) -> tuple[str, ...]:
    head = "[2-9]" + "#" * (digits - 5)
    return (
        f"0{area}-{head}####",
        f"0{area}-{head} ####",
        f"(0{area}) {head}-####",
        f"+86 {area} {head} ####",
        f"0{area} {head} ####",
        f"+86-{area}-{head}####",
    )


def _cn(
    name: str,
    local: str,
    region: tuple[str, str],
    weight: float,
    area: str,
    districts: tuple[District, ...],
    streets: tuple[tuple[str, str], ...],
) -> City:
    # Xiamen's local numbers have seven digits; the other cities listed here have eight.
    landlines = _cn_landlines(area, 7 if area == "592" else 8)
    return City(name, local, region[0], region[1], "CN", weight, landlines, districts, streets)


D = District
# fmt: off
CITIES: tuple[City, ...] = (
    _cn("Beijing", "北京", ("Beijing", ""), 13, "10", (
        D("海淀区", "Haidian District", "10008#", "110108"),
        D("朝阳区", "Chaoyang District", "10002#", "110105"),
        D("东城区", "Dongcheng District", "10001#", "110101"),
        D("西城区", "Xicheng District", "10003#", "110102"),
        D("丰台区", "Fengtai District", "10007#", "110106"),
    ), (("中关村大街", "Zhongguancun Street"), ("建国路", "Jianguo Road"),
        ("东三环北路", "East 3rd Ring North Road"), ("学院路", "Xueyuan Road"),
        ("酒仙桥路", "Jiuxianqiao Road"))),
    _cn("Shanghai", "上海", ("Shanghai", ""), 13, "21", (
        D("浦东新区", "Pudong New Area", "20012#", "310115"),
        D("徐汇区", "Xuhui District", "20003#", "310104"),
        D("静安区", "Jing'an District", "20004#", "310106"),
        D("黄浦区", "Huangpu District", "20000#", "310101"),
        D("长宁区", "Changning District", "20005#", "310105"),
    ), (("张江路", "Zhangjiang Road"), ("世纪大道", "Century Avenue"),
        ("南京西路", "West Nanjing Road"), ("漕溪北路", "North Caoxi Road"),
        ("延安西路", "West Yan'an Road"))),
    _cn("Guangzhou", "广州", ("Guangdong", "广东省"), 8, "20", (
        D("天河区", "Tianhe District", "51062#", "440106"),
        D("越秀区", "Yuexiu District", "51003#", "440104"),
        D("海珠区", "Haizhu District", "51022#", "440105"),
        D("番禺区", "Panyu District", "51140#", "440113"),
    ), (("天河路", "Tianhe Road"), ("体育西路", "Tiyu West Road"),
        ("中山五路", "Zhongshan 5th Road"), ("珠江东路", "Zhujiang East Road"))),
    _cn("Shenzhen", "深圳", ("Guangdong", "广东省"), 10, "755", (
        D("南山区", "Nanshan District", "51805#", "440305"),
        D("福田区", "Futian District", "51804#", "440304"),
        D("罗湖区", "Luohu District", "51800#", "440303"),
        D("宝安区", "Bao'an District", "51810#", "440306"),
        D("龙岗区", "Longgang District", "51811#", "440307"),
    ), (("科技南十二路", "Keji South 12th Road"), ("深南大道", "Shennan Avenue"),
        ("福华三路", "Fuhua 3rd Road"), ("科苑路", "Keyuan Road"))),
    _cn("Chengdu", "成都", ("Sichuan", "四川省"), 6, "28", (
        D("武侯区", "Wuhou District", "61004#", "510107"),
        D("锦江区", "Jinjiang District", "61002#", "510104"),
        D("青羊区", "Qingyang District", "61003#", "510105"),
        D("成华区", "Chenghua District", "61005#", "510108"),
    ), (("天府大道", "Tianfu Avenue"), ("人民南路", "Renmin South Road"),
        ("蜀都大道", "Shudu Avenue"), ("科华北路", "Kehua North Road"))),
    _cn("Hangzhou", "杭州", ("Zhejiang", "浙江省"), 6, "571", (
        D("西湖区", "Xihu District", "31001#", "330106"),
        D("滨江区", "Binjiang District", "31005#", "330108"),
        D("上城区", "Shangcheng District", "31000#", "330102"),
    ), (("文三路", "Wensan Road"), ("江南大道", "Jiangnan Avenue"),
        ("延安路", "Yan'an Road"), ("网商路", "Wangshang Road"))),
    _cn("Nanjing", "南京", ("Jiangsu", "江苏省"), 4, "25", (
        D("玄武区", "Xuanwu District", "21001#", "320102"),
        D("鼓楼区", "Gulou District", "21000#", "320106"),
        D("建邺区", "Jianye District", "21001#", "320105"),
    ), (("中山路", "Zhongshan Road"), ("珠江路", "Zhujiang Road"),
        ("江东中路", "Jiangdong Middle Road"))),
    _cn("Suzhou", "苏州", ("Jiangsu", "江苏省"), 4, "512", (
        D("姑苏区", "Gusu District", "21500#", "320508"),
        D("吴中区", "Wuzhong District", "21510#", "320506"),
        D("虎丘区", "Huqiu District", "21501#", "320505"),
    ), (("星湖街", "Xinghu Street"), ("干将路", "Ganjiang Road"),
        ("金鸡湖大道", "Jinjihu Avenue"))),
    _cn("Wuhan", "武汉", ("Hubei", "湖北省"), 4, "27", (
        D("洪山区", "Hongshan District", "43007#", "420111"),
        D("武昌区", "Wuchang District", "43006#", "420106"),
        D("江汉区", "Jianghan District", "43002#", "420103"),
    ), (("珞喻路", "Luoyu Road"), ("中南路", "Zhongnan Road"), ("解放大道", "Jiefang Avenue"))),
    _cn("Xi'an", "西安", ("Shaanxi", "陕西省"), 3, "29", (
        D("雁塔区", "Yanta District", "71006#", "610113"),
        D("碑林区", "Beilin District", "71000#", "610103"),
    ), (("高新路", "Gaoxin Road"), ("长安北路", "Chang'an North Road"), ("科技路", "Keji Road"))),
    _cn("Tianjin", "天津", ("Tianjin", ""), 3, "22", (
        D("和平区", "Heping District", "30004#", "120101"),
        D("南开区", "Nankai District", "30010#", "120104"),
        D("滨海新区", "Binhai New Area", "30045#", "120116"),
    ), (("南京路", "Nanjing Road"), ("卫津路", "Weijin Road"), ("第二大街", "2nd Avenue"))),
    _cn("Chongqing", "重庆", ("Chongqing", ""), 3, "23", (
        D("渝中区", "Yuzhong District", "40001#", "500103"),
        D("江北区", "Jiangbei District", "40002#", "500105"),
        D("渝北区", "Yubei District", "40112#", "500112"),
    ), (("民族路", "Minzu Road"), ("建新北路", "Jianxin North Road"),
        ("金开大道", "Jinkai Avenue"))),
    _cn("Xiamen", "厦门", ("Fujian", "福建省"), 2, "592", (
        D("思明区", "Siming District", "36100#", "350203"),
        D("湖里区", "Huli District", "36100#", "350206"),
    ), (("湖滨南路", "Hubin South Road"), ("观日路", "Guanri Road"), ("嘉禾路", "Jiahe Road"))),
    _cn("Qingdao", "青岛", ("Shandong", "山东省"), 2, "532", (
        D("市南区", "Shinan District", "26607#", "370202"),
        D("崂山区", "Laoshan District", "26610#", "370212"),
    ), (("香港中路", "Hong Kong Middle Road"), ("东海西路", "Donghai West Road"))),
    _cn("Changsha", "长沙", ("Hunan", "湖南省"), 2, "731", (
        D("岳麓区", "Yuelu District", "41000#", "430104"),
        D("芙蓉区", "Furong District", "41001#", "430102"),
    ), (("麓谷大道", "Lugu Avenue"), ("五一大道", "Wuyi Avenue"),
        ("芙蓉中路", "Furong Middle Road"))),
    _cn("Zhengzhou", "郑州", ("Henan", "河南省"), 2, "371", (
        D("金水区", "Jinshui District", "45000#", "410105"),
        D("中原区", "Zhongyuan District", "45000#", "410102"),
    ), (("花园路", "Huayuan Road"), ("金水路", "Jinshui Road"), ("中原路", "Zhongyuan Road"))),
    _cn("Shenyang", "沈阳", ("Liaoning", "辽宁省"), 1.5, "24", (
        D("和平区", "Heping District", "11000#", "210102"),
        D("浑南区", "Hunnan District", "11016#", "210112"),
    ), (("青年大街", "Qingnian Street"), ("三好街", "Sanhao Street"))),
    _cn("Hefei", "合肥", ("Anhui", "安徽省"), 1.5, "551", (
        D("蜀山区", "Shushan District", "23003#", "340104"),
        D("包河区", "Baohe District", "23004#", "340111"),
    ), (("长江西路", "Changjiang West Road"), ("望江西路", "Wangjiang West Road"))),
    _cn("Ningbo", "宁波", ("Zhejiang", "浙江省"), 1.5, "574", (
        D("鄞州区", "Yinzhou District", "31510#", "330212"),
        D("海曙区", "Haishu District", "31500#", "330203"),
    ), (("天童南路", "Tiantong South Road"), ("中山西路", "Zhongshan West Road"))),
    City("San Francisco", "San Francisco", "California", "", "US", 1.6,
         ("+1 415-[2-9]##-####", "(415) [2-9]##-####", "415.[2-9]##.####", "415-[2-9]##-####"),
         (D("", "Financial District", "9411#"), D("", "SoMa", "9410#")),
         (("", "Market Street"), ("", "Howard Street"), ("", "Battery Street"))),
    City("New York", "New York", "New York", "", "US", 2.0,
         ("+1 212-[2-9]##-####", "(212) [2-9]##-####", "212.[2-9]##.####", "1-646-[2-9]##-####"),
         (D("", "Midtown", "1001#"), D("", "Financial District", "1000#")),
         (("", "Broadway"), ("", "Madison Avenue"), ("", "West 34th Street"))),
    City("Seattle", "Seattle", "Washington", "", "US", 1.0,
         ("+1 206-[2-9]##-####", "(206) [2-9]##-####", "206.[2-9]##.####"),
         (D("", "Downtown", "9810#"), D("", "South Lake Union", "9810#")),
         (("", "Pine Street"), ("", "4th Avenue"), ("", "Westlake Avenue North"))),
    City("London", "London", "England", "", "GB", 2.2,
         ("020 [378]### ####", "+44 20 [378]### ####", "+44 (0)20 [378]### ####",
          "(020) [378]###-####"),
         (D("", "Shoreditch", "EC2A #@@"), D("", "Fitzrovia", "W1T #@@"),
          D("", "Southwark", "SE1 #@@")),
         (("", "Old Street"), ("", "Tottenham Court Road"), ("", "Borough High Street"))),
    City("Manchester", "Manchester", "England", "", "GB", 0.8,
         ("0161 [2-9]## ####", "+44 161 [2-9]## ####"),
         (D("", "City Centre", "M1 #@@"), D("", "Ancoats", "M4 #@@")),
         (("", "Deansgate"), ("", "Oldham Street"), ("", "Portland Street"))),
    City("Sydney", "Sydney", "New South Wales", "", "AU", 1.5,
         ("(02) 9### ####", "+61 2 9### ####", "02 9### ####"),
         (D("", "Sydney CBD", "2000"), D("", "North Sydney", "2060")),
         (("", "George Street"), ("", "Pitt Street"), ("", "Miller Street"))),
    City("Melbourne", "Melbourne", "Victoria", "", "AU", 1.2,
         ("(03) 9### ####", "+61 3 9### ####", "03 9### ####"),
         (D("", "Melbourne CBD", "3000"), D("", "Southbank", "3006")),
         (("", "Collins Street"), ("", "Bourke Street"), ("", "Southbank Boulevard"))),
    City("Singapore", "Singapore", "Singapore", "", "SG", 2.2,
         ("6[0-8]## ####", "+65 6[0-8]## ####", "+65-6[0-8]##-####"),
         (D("", "Raffles Place", "048###"), D("", "Tanjong Pagar", "088###"),
          D("", "one-north", "138###")),
         (("", "Robinson Road"), ("", "Cecil Street"), ("", "Anson Road"))),
    City("Toronto", "Toronto", "Ontario", "", "CA", 1.5,
         ("+1 416-[2-9]##-####", "(416) [2-9]##-####", "416.[2-9]##.####"),
         (D("", "Entertainment District", "M5V #@#"), D("", "Financial District", "M5H #@#")),
         (("", "King Street West"), ("", "Bay Street"), ("", "Spadina Avenue"))),
)
# fmt: on
CN_SHARE = 0.85


def city_weights() -> list[float]:
    """Return each city's share of customers: China holds CN_SHARE, the rest the remainder."""
    cn = sum(c.weight for c in CITIES if c.country == "CN")
    other = sum(c.weight for c in CITIES if c.country != "CN")
    return [
        c.weight * (CN_SHARE / cn if c.country == "CN" else (1 - CN_SHARE) / other) for c in CITIES
    ]


def country_of_city() -> list[int]:
    """Return the index in COUNTRIES of each city's country."""
    return [COUNTRY_INDEX[c.country] for c in CITIES]

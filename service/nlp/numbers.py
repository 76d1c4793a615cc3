"""Every number rule of the service, all languages: parsing numeric expressions in news text.

``parse_number(text)`` reads one figure ("£1.6 billion", "around 20 countries", "three per
cent", "2024", "March 2025") into a :class:`ParsedNumber`; text without a number parses to
``ParsedNumber(None, None, "other", False)``.  ``find_numbers(text)`` returns the ``[start,
end)`` spans of every numeric expression in a text, in order and non-overlapping: digits with
their currency, scale word, percent sign, unit or counted noun; spelled-out numbers and
fractions; dates, years, ordinals and vague quantities ("thousands of people").  Spans never
include approximation words ("around 20 countries" yields the span of "20 countries").

Digits of any script and full-width forms read as ASCII ("４２", "٤٢", "１，６００", "３．５％"),
one character for one so spans index the original text; CJK characters read as spaces, so a
number glued to them ("４２億円") is found by its digits.

Conventions where news style is ambiguous: a glued "m" is million (never metres), "¥" is yen,
"pounds" is sterling, a bare four-digit number from 1800 to 2100 is a year, and only
non-breaking or thin spaces group thousands ("1 600" with NBSP is 1600; with an ordinary
space it is two numbers).  Spelled ordinals ("third") are parsed but not found in running text.

Other languages: ``find_numbers``, ``parse_number`` and ``scan_numbers`` take an optional
``language`` (ISO 639-1 or BCP 47).  Spanish, German and French (``SPANISH``, ``GERMAN``
and ``FRENCH`` below) read a decimal comma and dot or space thousands ("11,4%", "1.600",
"1 600"), their scale words and abbreviations ("1.600 millones de euros", "3,2 Mrd. Euro",
"2,5 millions d'euros", "3 M€"), currencies written after the amount, their percent words,
units, months and counted nouns; a spelled number there counts only with a scale word, unit
or noun ("tres millones", "drei Länder").  Units map to the English names ("años" -> "years").
Any other language, and None, reads English, unchanged.

This module is the one home of the number rules (English and the tables of the other
languages).  It imports nothing else of the service, so ``service.nlp`` and ``service`` import
it without a cycle.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, lru_cache
from typing import Literal, TypeVar

Kind = Literal["money", "percent", "count", "quantity", "date", "other"]


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """The meaning of one numeric expression."""

    value: float | None  # None when not numeric (dates, vague quantities, plain text)
    unit: str | None  # ISO 4217 code, "percent", a unit name or the counted noun
    kind: Kind
    approximate: bool = False


_Hit = tuple[int, int, ParsedNumber]
_V = TypeVar("_V")
_NOT_NUMERIC = ParsedNumber(None, None, "other", False)
_DATE = ParsedNumber(None, None, "date", False)


def _alt(phrases: Iterable[str]) -> str:
    """Regex alternation of literal phrases, longest first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in ordered)


def _key(text: str) -> str:
    """Lookup key of a matched word: casefolded (IGNORECASE also matches "ſ" and "K"), single spaces."""
    return " ".join(text.casefold().split())


def _words(text: str) -> list[str]:
    return text.split()


def _numbered(words: str, first: int, step: int = 1) -> dict[str, int]:
    return {word: first + i * step for i, word in enumerate(_words(words))}


_ONES = _numbered(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen",
    0,
)
_TENS = _numbered("twenty thirty forty fifty sixty seventy eighty ninety", 20, 10)
_WORD_SCALES = {"hundred": 100, "dozen": 12, "thousand": 10**3, "million": 10**6, "billion": 10**9}
_WORD_SCALES["trillion"] = 10**12
_SCALE_EXPONENTS = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "mln": 6, "million": 6, "b": 9, "bn": 9}
_SCALE_EXPONENTS |= {"billion": 9, "tn": 12, "trillion": 12, "lakh": 5, "lakhs": 5, "lac": 5, "lacs": 5}
_SCALE_EXPONENTS |= {"crore": 7, "crores": 7}
_NUMERATORS = {"a": 1, "an": 1} | _numbered("one two three four five six seven eight nine ten", 1)
_DENOMINATORS = {"half": 2, "halves": 2} | _numbered(
    "third quarter fifth sixth seventh eighth ninth tenth", 3
)
_DENOMINATORS |= {word + "s": n for word, n in list(_DENOMINATORS.items()) if not word.startswith("hal")}
_ORDINAL_WORDS = _numbered(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth", 1
)

_SYMBOLS = {"$": "USD", "US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD"}
_SYMBOLS |= {"HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "R$": "BRL", "CN¥": "CNY", "£": "GBP", "€": "EUR"}
_SYMBOLS |= {"¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₴": "UAH", "₪": "ILS"}
_SYMBOLS |= {"₦": "NGN", "Rs": "INR", "Rs.": "INR", "RMB": "CNY"}
_ISO_CODES = "USD EUR GBP JPY CHF CNY INR AUD CAD HKD NZD SGD RUB UAH TRY KRW BRL ZAR SEK NOK DKK PLN MXN"
_SYMBOLS |= {code: code for code in _words(_ISO_CODES + " ILS NGN SAR AED")}
_CURRENCY_WORDS = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "rupee": "INR", "franc": "CHF"}
_CURRENCY_WORDS |= {"rouble": "RUB", "ruble": "RUB", "hryvnia": "UAH", "rand": "ZAR"}
_CURRENCY_WORDS |= {word + "s": code for word, code in _CURRENCY_WORDS.items()}
_CURRENCY_WORDS |= {"yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "sterling": "GBP", "lira": "TRY"}
_CURRENCY_WORDS |= {"pounds sterling": "GBP", "swiss francs": "CHF", "us dollars": "USD"}
_CURRENCY_WORDS |= {"american dollars": "USD", "australian dollars": "AUD", "canadian dollars": "CAD"}
_CURRENCY_WORDS |= {"hong kong dollars": "HKD", "new zealand dollars": "NZD", "singapore dollars": "SGD"}

_UNITS = {"km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km"}
_UNITS |= {"sq km": "km²", "km2": "km²", "km²": "km²", "square kilometres": "km²", "square kilometers": "km²"}
_UNITS |= {"square miles": "square miles", "miles": "miles", "mile": "miles", "metres": "metres"}
_UNITS |= {"meters": "metres", "metre": "metres", "meter": "metres", "cm": "cm", "mm": "mm"}
_UNITS |= {"feet": "feet", "foot": "feet", "ft": "feet", "inches": "inches", "inch": "inches"}
_UNITS |= {"kg": "kg", "kilograms": "kg", "kilogram": "kg", "kilos": "kg", "grams": "grams", "lb": "lb"}
_UNITS |= {"lbs": "lb", "tonnes": "tonnes", "tonne": "tonnes", "tons": "tonnes", "ton": "tonnes"}
_UNITS |= {"metric tons": "tonnes", "barrels": "barrels", "barrel": "barrels", "bpd": "barrels per day"}
_UNITS |= {"litres": "litres", "liters": "litres", "litre": "litres", "gallons": "gallons", "bcm": "bcm"}
_UNITS |= {"cubic metres": "cubic metres", "hectares": "hectares", "hectare": "hectares", "ha": "hectares"}
_UNITS |= {"acres": "acres", "acre": "acres", "mph": "mph", "km/h": "km/h", "kph": "km/h", "knots": "knots"}
_UNITS |= {"°c": "°C", "degrees celsius": "°C", "°f": "°F", "degrees fahrenheit": "°F", "degrees": "degrees"}
_UNITS |= {unit.lower(): unit for unit in _words("kW MW GW kWh MWh GWh TWh")}
_UNITS |= {"year-old": "years old", "years old": "years old", "years-old": "years old"}
for _period in _words("second minute hour day week month year decade"):
    _UNITS |= {_period: _period + "s", _period + "s": _period + "s"}
_UNITS |= {"century": "centuries", "centuries": "centuries"}

_MONTH = (
    r"\b(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b(?:\.(?=\s*[0-9]))?"
)
_DAY = r"[0-3]?[0-9](?:st|nd|rd|th)?"
_CARD = rf"(?:(?:{_alt(_TENS)})(?:[-\s](?:{_alt(list(_ONES)[1:10])})\b)?|{_alt(_ONES)})\b"
_SCALE = rf"(?:{_alt(_WORD_SCALES)})\b"
_CODES = _alt(key for key in _SYMBOLS if key[0].isalpha())  # "US$", "Rs", "EUR": case matters
_PREFIX = rf"(?-i:{_CODES})\s?|(?:{_alt(key for key in _SYMBOLS if not key[0].isalpha())})\s?"
_CORE = re.compile(
    rf"""(?P<iso>\b[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}\b|\b[0-9]{{1,2}}/[0-9]{{1,2}}/(?:[0-9]{{4}}|[0-9]{{2}})\b)
    |(?P<dmy>\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+[0-9]{{4}}\b)?)
    |(?P<my>{_MONTH}\s+(?:{_DAY}\b(?:,?\s+[0-9]{{4}}\b)?|[0-9]{{4}}\b))
    |(?P<time>\b[0-9]{{1,2}}(?::[0-9]{{2}})?\s?(?:[ap]\.m\.|[ap]m\b)|\b[0-9]{{1,2}}:[0-9]{{2}}\b)
    |(?P<decade>\b(?:1[5-9]|20)[0-9]0s\b)
    |(?P<ordinal>\b[0-9]+(?:st|nd|rd|th)\b)
    |(?P<vague>\b(?P<vq>(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)
        |dozens|scores|hundreds|thousands|millions|billions|tens)\s+of\b)
    |(?P<frac>\b(?:(?P<fnum>{_alt(_NUMERATORS)})[\s-]+)?(?P<fden>{_alt(_DENOMINATORS)})\b
        (?:\s+(?:of\s+)?(?:an?\s+)?(?P<fscale>{_SCALE}))?)
    |(?P<spelled>\b(?:{_CARD}|an?(?=\s+{_SCALE}))(?:(?:(?<=hundred)\s+and)?[\s-]+(?:{_CARD}|{_SCALE}))*
        (?:\s+and\s+an?\s+half\b(?:\s+{_SCALE})?)?)
    |(?P<digits>(?<!\w)(?<![0-9]\.)(?P<sign>[-+]|minus\s+)?(?P<pre>{_PREFIX})?
        (?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])|[0-9]{{1,3}}(?:[\u00a0\u2007\u2009\u202f][0-9]{{3}})+(?![0-9])
        |[0-9]+)(?P<dec>\.[0-9]+)?
        (?P<scale>\s*(?:thousand|million|billion|trillion|crores?|lakhs?|lacs?|bn|mn|mln|tn)\b|[kmb]\b)?)""",
    re.IGNORECASE | re.VERBOSE,
)
_SUFFIX = re.compile(
    r"\s*(?:(?P<pct>%|per[\s-]?cent\b|percent\b|pc\b)|(?P<pp>percentage\s+points?\b|ppts?\b|pp\b)"
    r"|(?P<bp>basis\s+points?\b|bps\b)|(?P<pence>(?<=[0-9])p\b|pence\b)|(?P<temp>(?<=[0-9])(?-i:[CF])\b)"
    rf"|(?P<code>(?-i:{_ISO_CODES.replace(' ', '|')})\b)|(?P<cur>(?:{_alt(_CURRENCY_WORDS)})\b)"
    rf"|(?P<unit>-?(?:{_alt(_UNITS)}))(?![^\W\d_]))",
    re.IGNORECASE,
)
_NOUN = re.compile(r"(\s+)([^\W\d_]+(?:-[^\W\d_]+)*)")
_RATE = re.compile(r"\s+(?:a|an|per|each)\s+(day|week|month|year|hour|annum|capita|head|person)\b", re.I)
_YEAR_CONTEXT = re.compile(
    r"\b(?:in|since|by|until|till|from|of|before|after|during|the|mid|pre|post)[\s-]*$", re.I
)
_APPROX_BEFORE = re.compile(
    r"(?:\b(?:around|about|approximately|approx\.?|nearly|almost|some|roughly|circa|c\.|ca\.|estimated"
    r"|more\s+than|less\s+than|fewer\s+than|over|under|up\s+to|at\s+least|at\s+most|close\s+to"
    r"|as\s+(?:many|much|few|little)\s+as|upwards\s+of|in\s+excess\s+of)|~|≈)\s*$",
    re.IGNORECASE,
)
_APPROX_AFTER = re.compile(r"\+|-odd\b|-plus\b|\s+or\s+so\b|\s+odd\b", re.IGNORECASE)
_START = re.compile(r"[0-9]+|[£$€¥₹₩₽₺₴₪]|[-+](?=[0-9£$€¥₹])|\b[^\W\d_]+")
_START_WORDS = frozenset(_ONES) | set(_TENS) | set(_NUMERATORS)
_START_WORDS |= {re.split(r"\W", key)[0].lower() for key in _SYMBOLS if key[0].isalpha()}
_START_WORDS |= set(_words("half minus tens hundreds thousands millions billions dozens scores january"))
_START_WORDS |= set(_words("february march april may june july august september october november december"))
_START_WORDS |= set(_words("jan feb mar apr jun jul aug sept sep oct nov dec"))
_NON_DIGIT = re.compile(r"[^0-9]")
_DOTTED = re.compile(r"[.,][0-9]")
_LAST_WORD = re.compile(r"[^\W\d_]+$")
_FRACTION_END = re.compile(r"\s+of\b|\s*(?:[^\w\s]|$)")
_NOT_NOUNS = frozenset(
    _words(
        "was is has as this its his hers ours yours theirs us thus plus less unless across versus yes "
        "always perhaps whereas besides towards afterwards sometimes nevertheless does goes says seems "
        "remains means makes takes comes becomes includes stands rises falls"
    )
)
_PLURALS = frozenset(
    _words("people children men women staff police personnel aircraft sheep cattle livestock crew")
)
_PERIODS = {"annum": "year", "head": "person"}


def _counted_noun(word: str) -> str | None:
    """The counted noun after a number ("20 countries"), or None for anything else."""
    lower = word.lower()
    plural = lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
    if lower in _NOT_NOUNS or not (plural or lower in _PLURALS) or len(lower) < 3:
        return None
    return lower if word[1:].islower() else word


@dataclass(frozen=True)
class _Grammar:
    """Everything the scanner needs to read one language's numbers."""

    core: re.Pattern[str]
    suffix: re.Pattern[str]
    start_words: frozenset[str]
    currency_words: dict[str, str]
    units: dict[str, str]
    ones: dict[str, int]  # spelled words that add up
    hundreds: dict[str, int]  # spelled words that multiply what precedes them ("hundred", "dozen")
    scales: dict[str, int]  # spelled scale words ("million")
    digit_scales: dict[str, int]  # exponent of a scale word after digits ("bn" 9, "Mrd." 9)
    articles: frozenset[str]  # "a", "un": one, before a scale word
    counted_noun: Callable[[str], str | None]
    noun: re.Pattern[str]  # a word after a number
    scaled_noun: re.Pattern[str]  # a word after a scale word ("millones de personas")
    rate: re.Pattern[str]
    periods: dict[str, str]
    year_context: re.Pattern[str]
    approx_before: re.Pattern[str]
    approx_after: re.Pattern[str]
    strict_spelled: bool = False  # a spelled number needs a scale word, unit or noun to count
    ordinal_words: dict[str, int] = field(default_factory=dict)


_ENGLISH = _Grammar(
    core=_CORE,
    suffix=_SUFFIX,
    start_words=frozenset(_START_WORDS),
    currency_words=_CURRENCY_WORDS,
    units=_UNITS,
    ones=_ONES | _TENS,
    hundreds={"hundred": 100, "dozen": 12},
    scales={word: n for word, n in _WORD_SCALES.items() if n >= 1000},
    digit_scales=_SCALE_EXPONENTS,
    articles=frozenset(("a", "an")),
    counted_noun=_counted_noun,
    noun=_NOUN,
    scaled_noun=_NOUN,
    rate=_RATE,
    periods=_PERIODS,
    year_context=_YEAR_CONTEXT,
    approx_before=_APPROX_BEFORE,
    approx_after=_APPROX_AFTER,
    ordinal_words=_ORDINAL_WORDS,
)


# Spanish, German and French: how each writes numbers, as data for ``_foreign``.


def _list(phrases: str) -> tuple[str, ...]:
    """Comma-separated phrases ("miles de millones, miles") as a tuple."""
    return tuple(phrase.strip() for phrase in phrases.split(",") if phrase.strip())


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _same(unit: str, phrases: str) -> dict[str, str]:
    return dict.fromkeys(_list(phrases), unit)


@dataclass(frozen=True)
class Numerals:
    """How one language writes numbers; phrases are lower case, words separated by one space."""

    ones: dict[str, int]  # cardinals that add up ("dos" 2, "veinte" 20, "doscientos" 200)
    hundreds: dict[str, int]  # words that multiply what precedes them below a thousand ("cent")
    scales: dict[str, int]  # spelled scale words ("millones" 10**6, "mil millones" 10**9)
    digit_scales: dict[str, int]  # exponents of scale words and abbreviations after digits ("Mrd." 9)
    articles: tuple[str, ...]  # read as "one" before a scale word ("un millón")
    joiner: str  # between tens and ones ("treinta y cinco")
    of: str  # regex between a scale and its currency or noun ("de " in "millones de euros"), or ""
    currencies: dict[str, str]
    percent: tuple[str, ...]
    points: tuple[str, ...]
    basis_points: tuple[str, ...]
    units: dict[str, str]
    months: tuple[str, ...]
    date_of: str  # word between day, month and year ("de" in "5 de marzo de 2025"), or ""
    day_mark: str  # regex after the day number ("5." in German, "1er" in French)
    ordinal: str  # regex of a digit ordinal
    vague: tuple[str, ...]  # "miles" in "miles de personas"
    vague_of: str  # regex after a vague word, before its noun
    approx: tuple[str, ...]
    year_words: tuple[str, ...]  # words before a year ("en 2004 empresas" is a year)
    rate_words: tuple[str, ...]
    periods: dict[str, str]  # period words after a rate word, to English ("año" -> "year")
    minus: tuple[str, ...]
    noun_style: Literal["plural", "capitalised"]
    not_nouns: frozenset[str]
    extra_dates: str = ""  # regex of other date and time forms ("10.30 Uhr", "1990er Jahre")
    plural_endings: tuple[str, ...] = field(default=("s",))


_COMMON_UNITS = {"km": "km", "km²": "km²", "km2": "km²", "kg": "kg", "cm": "cm", "mm": "mm", "m²": "m²"}
_COMMON_UNITS |= {"°c": "°C", "ha": "hectares", "mw": "MW", "gw": "GW", "kw": "kW", "kwh": "kWh"}
_COMMON_UNITS |= {"mwh": "MWh", "gwh": "GWh", "twh": "TWh", "km/h": "km/h", "t": "tonnes"}

SPANISH = Numerals(
    ones=_numbered("cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce", 0)
    | _numbered("quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós", 15)
    | _numbered("veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve", 23)
    | _numbered("treinta cuarenta cincuenta sesenta setenta ochenta noventa", 30, 10)
    | {"cien": 100, "ciento": 100}
    | _numbered("doscientos trescientos cuatrocientos quinientos seiscientos setecientos", 200, 100)
    | _numbered("doscientas trescientas cuatrocientas quinientas seiscientas setecientas", 200, 100)
    | _numbered("ochocientos novecientos", 800, 100),
    hundreds={},
    scales={"mil": 10**3, "millón": 10**6, "millones": 10**6, "mil millones": 10**9, "millardos": 10**9}
    | {"billón": 10**12, "billones": 10**12},
    digit_scales={"mil": 3, "millón": 6, "millones": 6, "millon": 6, "mil millones": 9, "millardos": 9}
    | {"millardo": 9, "billón": 12, "billones": 12, "mdd": 6, "mm": 6},
    articles=_list("un, una"),
    joiner="y",
    of=r"de\s+",
    currencies=_same("EUR", "euro, euros")
    | _same("USD", "dólar, dólares, dolar, dolares, dólares estadounidenses")
    | _same("GBP", "libra, libras, libras esterlinas")
    | _same("JPY", "yen, yenes")
    | _same("CNY", "yuan, yuanes")
    | _same("RUB", "rublo, rublos")
    | _same("CHF", "franco suizo, francos suizos")
    | _same("BRL", "reales")
    | _same("MXN", "pesos mexicanos")
    | _same("ARS", "pesos argentinos")
    | _same("CLP", "pesos chilenos")
    | _same("COP", "pesos colombianos"),
    percent=_list("%, por ciento"),
    points=_list("puntos porcentuales, punto porcentual, p.p."),
    basis_points=_list("puntos básicos, punto básico, pb"),
    units=_COMMON_UNITS
    | _same("km", "kilómetros, kilómetro")
    | _same("metres", "metros, metro")
    | _same("tonnes", "toneladas, tonelada")
    | _same("barrels", "barriles, barril")
    | _same("litres", "litros, litro")
    | _same("hectares", "hectáreas")
    | _same("years", "años, año")
    | _same("months", "meses, mes")
    | _same("days", "días, día")
    | _same("weeks", "semanas, semana")
    | _same("hours", "horas, hora")
    | _same("minutes", "minutos")
    | _same("°C", "grados"),
    months=_list("enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, setiembre, octubre")
    + _list("noviembre, diciembre"),
    date_of="de",
    day_mark="",
    ordinal=r"[0-9]+\.?[ºª]",
    vague=_list("miles de millones, cientos de miles, decenas de miles, miles, cientos, centenares, decenas")
    + _list("millones, docenas"),
    vague_of=r"\s+de\b",
    approx=_list("unos, unas, alrededor de, cerca de, casi, aproximadamente, más de, menos de, hasta")
    + _list("en torno a, al menos"),
    year_words=_list("en, desde, de, del, hasta, para, año, antes, después"),
    rate_words=_list("al, por, cada"),
    periods={"día": "day", "semana": "week", "mes": "month", "año": "year", "hora": "hour"}
    | {"persona": "person", "habitante": "person"},
    minus=_list("menos"),
    noun_style="plural",
    not_nouns=_word_set(
        "los las unos unas sus mis tus más menos tras pues antes después entonces además mientras ellos "
        "ellas nosotros vosotros ustedes ambos ambas todos todas otros otras veces esos esas estos estas "
        "aquellos aquellas cuyos cuyas"
    ),
)

GERMAN = Numerals(
    ones=_numbered("null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf", 0)
    | _numbered("dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig", 13)
    | _numbered("dreißig vierzig fünfzig sechzig siebzig achtzig neunzig", 30, 10),
    hundreds={"hundert": 100},
    scales={"tausend": 10**3, "million": 10**6, "millionen": 10**6, "milliarde": 10**9}
    | {"milliarden": 10**9, "billion": 10**12, "billionen": 10**12},
    digit_scales={"tausend": 3, "tsd.": 3, "tsd": 3, "mio.": 6, "mio": 6, "million": 6, "millionen": 6}
    | {"mrd.": 9, "mrd": 9, "milliarde": 9, "milliarden": 9, "bio.": 12, "billion": 12, "billionen": 12},
    articles=_list("ein, eine, einer, einen, einem"),
    joiner="und",
    of="",
    currencies=_same("EUR", "euro")
    | _same("USD", "dollar, us-dollar")
    | _same("GBP", "pfund, pfund sterling, britische pfund")
    | _same("CHF", "franken, schweizer franken")
    | _same("JPY", "yen")
    | _same("CNY", "yuan")
    | _same("RUB", "rubel"),
    percent=_list("%, prozent"),
    points=_list("prozentpunkte, prozentpunkten, prozentpunkt"),
    basis_points=_list("basispunkte, basispunkten, basispunkt"),
    units=_COMMON_UNITS
    | _same("km", "kilometer")
    | _same("metres", "meter")
    | _same("tonnes", "tonnen, tonne")
    | _same("barrels", "barrel")
    | _same("litres", "liter")
    | _same("hectares", "hektar")
    | _same("years", "jahre, jahren, jahr")
    | _same("months", "monate, monaten, monat")
    | _same("days", "tage, tagen, tag")
    | _same("weeks", "wochen, woche")
    | _same("hours", "stunden, stunde")
    | _same("minutes", "minuten")
    | _same("°C", "grad"),
    months=_list("januar, jänner, februar, märz, april, mai, juni, juli, august, september, oktober")
    + _list("november, dezember, jan., feb., aug., sept., sep., okt., nov., dez."),
    date_of="",
    day_mark=r"\.",
    ordinal=r"[0-9]{1,3}\.(?=[ \u00a0][^\W\d_])",
    vague=_list("hunderttausende, zehntausende, tausende, hunderte, dutzende, millionen, milliarden"),
    vague_of=r"(?:\s+von)?",
    approx=_list("rund, etwa, ca., circa, fast, knapp, gut, über, mehr als, weniger als, bis zu"),
    year_words=_list("im, in, seit, bis, von, vor, nach, ab, jahr, jahres, jahre"),
    rate_words=_list("pro, je, im"),
    periods={"tag": "day", "woche": "week", "monat": "month", "jahr": "year", "stunde": "hour"}
    | {"kopf": "person", "person": "person", "einwohner": "person"},
    minus=_list("minus"),
    noun_style="capitalised",
    not_nouns=_word_set(
        "der die das den dem des ein eine einer einen einem und oder aber im am um es er sie wir ich ihr "
        "man mit von bei nach aus auf für zu zum zur bis seit vor über unter"
    ),
    extra_dates=r"\b[0-9]{1,2}(?:[.:][0-9]{2})?\s?Uhr\b|\b(?:1[5-9]|20)?[0-9]0er\b(?:[ \u00a0]Jahren?\b)?",
    plural_endings=(),
)

FRENCH = Numerals(
    ones=_numbered("deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze", 2)
    | {"zéro": 0, "seize": 16}
    | _numbered("vingt trente quarante cinquante soixante", 20, 10)
    | {"soixante-dix": 70, "quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90},
    hundreds={"cent": 100, "cents": 100},
    scales={"mille": 10**3, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}
    | {"billion": 10**12, "billions": 10**12},
    digit_scales={"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9, "md": 9}
    | {"mds": 9, "mrd": 9, "mrds": 9, "billion": 12, "billions": 12},
    articles=_list("un, une"),
    joiner="et",
    of=r"de\s+|d['’]",
    currencies=_same("EUR", "euro, euros")
    | _same("USD", "dollar, dollars, dollars américains")
    | _same("GBP", "livre sterling, livres sterling")
    | _same("CHF", "franc suisse, francs suisses")
    | _same("JPY", "yen, yens")
    | _same("CNY", "yuan, yuans")
    | _same("RUB", "rouble, roubles"),
    percent=_list("%, pour cent, pourcent, pour-cent"),
    points=_list("points de pourcentage, point de pourcentage"),
    basis_points=_list("points de base, point de base, pb"),
    units=_COMMON_UNITS
    | _same("km", "kilomètres, kilomètre")
    | _same("metres", "mètres, mètre")
    | _same("tonnes", "tonnes, tonne")
    | _same("barrels", "barils, baril")
    | _same("litres", "litres, litre")
    | _same("hectares", "hectares")
    | _same("years", "ans, an, années")
    | _same("months", "mois")
    | _same("days", "jours, jour")
    | _same("weeks", "semaines, semaine")
    | _same("hours", "heures, heure")
    | _same("minutes", "minutes")
    | _same("°C", "degrés"),
    months=_list("janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre")
    + _list("décembre"),
    date_of="",
    day_mark=r"(?:er)?",
    ordinal=r"[0-9]+(?:er|re|ère|e|ème|eme|es|èmes)\b",
    vague=_list("centaines de milliers, dizaines de milliers, milliers, centaines, dizaines, millions")
    + _list("milliards"),
    vague_of=r"(?:\s+de\b|\s+d['’])",
    approx=_list("environ, près de, presque, plus de, moins de, jusqu'à, quelque, autour de, au moins")
    + _list("quasiment"),
    year_words=_list("en, depuis, de, avant, après, année, l'an, jusqu'en, d'ici, dès"),
    rate_words=_list("par"),
    periods={"jour": "day", "semaine": "week", "mois": "month", "an": "year", "année": "year"}
    | {"heure": "hour", "personne": "person", "habitant": "person", "tête": "person"},
    minus=_list("moins"),
    noun_style="plural",
    not_nouns=_word_set(
        "les des ses mes tes nos vos leurs plus moins sous sans dans vers après depuis pendant mais puis "
        "alors ainsi aux ceux celles eux elles nous vous ils jamais toujours très trop assez dès lors hors "
        "parmi selon chez fois tous toutes autres"
    ),
    extra_dates=r"\b[0-9]{1,2}\s?h\s?[0-9]{2}\b",
    plural_endings=("s", "x"),
)

NUMERALS: dict[str, Numerals] = {"es": SPANISH, "de": GERMAN, "fr": FRENCH}


def _first_word(phrase: str) -> str:
    return re.split(r"[\W\d_]+", phrase.lower())[0]


def _noun_rule(numerals: Numerals) -> Callable[[str], str | None]:
    def counted_noun(word: str) -> str | None:
        lower = word.lower()
        if lower in numerals.not_nouns or len(lower) < 3:
            return None
        if numerals.noun_style == "capitalised":
            return word if word[0].isupper() and not word.isupper() else None
        if not lower.endswith(numerals.plural_endings):
            return None
        return lower if word[1:].islower() else word

    return counted_noun


def _folded(table: dict[str, _V]) -> dict[str, _V]:
    """Keys as ``_key`` folds matched text ("dreißig" is looked up as "dreissig")."""
    return {_key(key): value for key, value in table.items()}


_GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_SUFFIX_SYMBOLS = {key: code for key, code in _SYMBOLS.items() if not key[0].isalpha()}
_SYMBOL_SCALES = {"m": 6, "k": 3}  # "3 M€", "500 k€"
_CODES_WORDS = [key for key in _SYMBOLS if key[0].isalpha()]


def _foreign(n: Numerals) -> _Grammar:
    """The grammar of a language that writes "1.600,5" or "1 600,5" (Spanish, German, French)."""
    month = rf"\b(?:{_alt(n.months)})(?![^\W\d_])"
    of_date = rf"(?:{n.date_of}\s+)?" if n.date_of else ""
    cards = rf"(?:{_alt(n.ones)})(?![^\W\d_])"
    scale = rf"(?:{_alt([*n.scales, *n.hundreds])})(?![^\W\d_])"
    joiner = rf"(?:[\s-]+{n.joiner}[\s-]+|[\s-]+)"
    minus = _alt(n.minus)
    digit_scales = rf"\s*(?:{_alt(n.digit_scales)})(?![^\W\d_])|\s?(?-i:M|k)(?=\s?[€$£])"
    core = re.compile(
        rf"""(?P<iso>\b[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}\b|\b[0-9]{{1,2}}/[0-9]{{1,2}}/(?:[0-9]{{4}}|[0-9]{{2}})\b)
        |(?P<dmy>\b[0-3]?[0-9]{n.day_mark}\s+{of_date}{month}(?:,?\s+{of_date}[0-9]{{4}}\b)?)
        |(?P<my>{month}\s+{of_date}[0-9]{{4}}\b)
        |(?P<time>\b[0-9]{{1,2}}:[0-9]{{2}}\b{"|" + n.extra_dates if n.extra_dates else ""})
        |(?P<ordinal>\b{n.ordinal})
        |(?P<vague>\b(?P<vq>{_alt(n.vague)}){n.vague_of})
        |(?P<spelled>\b(?:{cards}|(?:{_alt(n.articles)})(?=\s+{scale}))(?:{joiner}(?:{cards}|{scale}))*)
        |(?P<digits>(?<!\w)(?<![0-9][.,])(?P<sign>[-+]|(?:{minus})\s+)?(?P<pre>{_PREFIX})?
            (?P<num>[0-9]{{1,3}}(?:\.[0-9]{{3}})+(?![0-9])|[0-9]{{1,3}}(?:[{_GROUP_SPACES}][0-9]{{3}})+(?![0-9])
            |[0-9]+)(?P<dec>,[0-9]+|\.[0-9]{{1,2}}(?![0-9])|\.[0-9]{{4,}})?
            (?P<scale>{digit_scales})?)""",
        re.IGNORECASE | re.VERBOSE,
    )
    of = rf"(?:{n.of})?" if n.of else ""
    symbols = _alt(_SUFFIX_SYMBOLS)
    suffix = re.compile(
        rf"\s*(?:(?P<pct>{_alt(n.percent)})|(?P<pp>{_alt(n.points)})|(?P<bp>{_alt(n.basis_points)})"
        rf"|(?P<code>(?-i:{_ISO_CODES.replace(' ', '|')}))|{of}(?P<cur>{_alt(n.currencies)})"
        rf"|(?P<sym>{symbols})|(?P<unit>-?(?:{_alt(n.units)})))(?![^\W\d_])",
        re.IGNORECASE,
    )
    word = r"([^\W\d_]+(?:-[^\W\d_]+)*)"
    starts = [*n.ones, *n.articles, *n.vague, *n.months, *n.minus, *_CODES_WORDS]
    return _Grammar(
        core=core,
        suffix=suffix,
        start_words=frozenset(_first_word(phrase) for phrase in starts),
        currency_words=_folded(n.currencies),
        units=_folded(n.units),
        ones=_folded(n.ones),
        hundreds=_folded(n.hundreds),
        scales=_folded(n.scales),
        digit_scales=_folded(n.digit_scales | _SYMBOL_SCALES),
        articles=frozenset(n.articles),
        counted_noun=_noun_rule(n),
        noun=re.compile(rf"(\s+){word}"),
        scaled_noun=re.compile(rf"(\s+{of}|\s+){word}", re.IGNORECASE),
        rate=re.compile(rf"\s+(?:{_alt(n.rate_words)})\s+({_alt(n.periods)})\b", re.IGNORECASE),
        periods=n.periods,
        year_context=re.compile(rf"\b(?:{_alt(n.year_words)})[\s-]*$", re.IGNORECASE),
        approx_before=re.compile(rf"(?:\b(?:{_alt(n.approx)})|~|≈)\s*$", re.IGNORECASE),
        approx_after=re.compile(r"\+"),
        strict_spelled=True,
    )


_GRAMMARS = {code: _foreign(numerals) for code, numerals in NUMERALS.items()}


def _grammar(language: str | None) -> _Grammar:
    """The grammar for an ISO 639-1 code or BCP 47 tag; English for None or an unknown language."""
    code = (language or "en").replace("_", "-").split("-")[0].lower()
    return _GRAMMARS.get(code, _ENGLISH)


def _complete(
    g: _Grammar,
    text: str,
    span: tuple[int, int],
    value: Decimal,
    currency: str | None,
    *,
    plain_year: bool = False,
    scaled: bool = False,
) -> _Hit:
    """Read what follows a number (percent, currency word, unit, counted noun, rate)."""
    start, end = span
    unit: str | None = currency
    kind: Kind = "money" if currency else "count"
    suffix = None if currency else g.suffix.match(text, end)
    if suffix:
        end, group = suffix.end(), suffix.lastgroup
        matched = _key(suffix.group(group or 0))
        if group in ("pct", "pp", "bp"):
            unit, kind = {"pct": "percent", "pp": "percentage points", "bp": "basis points"}[group], "percent"
        elif group == "pence":
            unit, kind, value = "GBP", "money", value / 100
        elif group == "code":
            unit, kind = matched.upper(), "money"
        elif group == "cur":
            unit, kind = g.currency_words[matched], "money"
        elif group == "sym":
            unit, kind = _SUFFIX_SYMBOLS[suffix.group(group)], "money"
        elif group == "temp":
            unit, kind = "°" + matched.upper(), "quantity"
        else:
            unit, kind = g.units[matched.removeprefix("-")], "quantity"
    elif currency is None:
        noun_match = (g.scaled_noun if scaled else g.noun).match(text, end)
        countable = noun_match and value != 1 and noun_match.group(1).count("\n") < 2
        noun = g.counted_noun(noun_match.group(2)) if noun_match and countable else None
        if plain_year and (noun is None or g.year_context.search(text, max(0, start - 8), start)):
            return start, end, ParsedNumber(float(value), "year", "date")
        if noun_match and noun:
            end, unit = noun_match.end(), noun
    rate = g.rate.match(text, end) if kind in ("count", "quantity") and unit else None
    if rate:
        period = _key(rate.group(1))
        end, unit = rate.end(), f"{unit} per {g.periods.get(period, period)}"
    if kind == "count" and unit is None and value != value.to_integral_value():
        kind = "other"
    return start, end, ParsedNumber(float(value), unit, kind)


def _spelled_value(g: _Grammar, words: list[str]) -> Decimal:
    total, current = Decimal(0), Decimal(0)
    i = 0
    while i < len(words):
        word, pair = words[i], " ".join(words[i : i + 2])
        if pair in g.scales:  # "mil millones" is one scale word
            word, i = pair, i + 1
        if word in g.articles:
            current = current if words[i + 1 : i + 2] == ["half"] else Decimal(1)
        elif word == "half":
            current += Decimal("0.5")
        elif word in g.hundreds:
            current = (current or Decimal(1)) * g.hundreds[word]
        elif word in g.scales:
            total, current = total + (current or Decimal(1)) * g.scales[word], Decimal(0)
        else:
            current += g.ones.get(word, 0)  # joiners ("and", "y", "et") add nothing
        i += 1
    return total + current


def _spelled_words(g: _Grammar, phrase: str) -> list[str]:
    """Words of a spelled number; a hyphenated word splits unless the language spells it whole."""
    words: list[str] = []
    for word in _key(phrase).split():
        words += [word] if word in g.ones else word.split("-")
    return words


def _read_fraction(text: str, m: re.Match[str]) -> _Hit | None:
    start, end = m.span()
    numerator, denominator, scale = (m.group(name) for name in ("fnum", "fden", "fscale"))
    denominator = _key(denominator)
    if numerator is None and denominator != "half":
        return None  # "third", "quarter" alone are ordinals or periods
    if text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha():
        return None  # "half-time", "two-thirds-majority" style compounds
    numerator = _key(numerator) if numerator else None
    one = numerator is None or numerator in ("a", "an", "one")
    if (
        one
        and not denominator.startswith(("hal", "quarter"))
        and not scale
        and not _FRACTION_END.match(text, end)
    ):
        return None  # "a third term" is an ordinal, "a third of" is a fraction
    fraction = Decimal(_NUMERATORS[numerator] if numerator else 1) / _DENOMINATORS[denominator]
    if scale:
        return _complete(_ENGLISH, text, (start, end), fraction * _WORD_SCALES[_key(scale)], None)
    return start, end, ParsedNumber(round(float(fraction), 4), "fraction", "other")


def _read_digits(g: _Grammar, text: str, m: re.Match[str]) -> _Hit | None:
    start, end = m.span()
    sign, prefix, number, decimals, scale = (m.group(name) for name in ("sign", "pre", "num", "dec", "scale"))
    plain_year = (
        not (sign or prefix or decimals or scale) and len(number) == 4 and 1800 <= int(number) <= 2100
    )
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        word = _LAST_WORD.search(text, max(0, start - 12), start - 1)
        if not (plain_year and word and word.group().lower() in ("mid", "pre", "post")):
            return None  # a model name or code ("F-16", "COVID-19"), not a figure
    value = Decimal(_NON_DIGIT.sub("", number) + ("." + decimals[1:] if decimals else ""))
    if scale:
        value *= Decimal(10) ** g.digit_scales[_key(scale)]
    if sign and sign.strip() != "+":
        value = -value
    currency = _SYMBOLS[prefix.strip()] if prefix else None
    return _complete(g, text, (start, end), value, currency, plain_year=plain_year, scaled=bool(scale))


def _read(g: _Grammar, text: str, m: re.Match[str]) -> _Hit | None:
    group, start, end = m.lastgroup, m.start(), m.end()
    if group in ("iso", "dmy", "my", "time"):
        return start, end, _DATE
    if group == "decade":
        return start, end, ParsedNumber(float(m.group()[:4]), "decade", "date")
    if group == "ordinal":
        return start, end, ParsedNumber(float(_NON_DIGIT.sub("", m.group())), "ordinal", "other")
    if group == "vague":
        noun_match = g.scaled_noun.match(text, end) if g.strict_spelled else g.noun.match(text, end)
        noun = g.counted_noun(noun_match.group(2)) if noun_match else None
        if noun_match and noun:
            return start, noun_match.end(), ParsedNumber(None, noun, "count", True)
        return start, m.end("vq"), ParsedNumber(None, None, "count", True)
    if group == "frac":
        return _read_fraction(text, m)
    if group == "spelled":
        words = _spelled_words(g, m.group())
        scaled = any(word in g.scales or word in g.hundreds for word in words)
        hit = _complete(g, text, (start, end), _spelled_value(g, words), None, scaled=scaled)
        if g.strict_spelled and hit[2].unit is None and not scaled:
            return None  # "siete" alone may be a name; "siete países" is a figure
        return None if words == ["one"] and hit[2].unit is None else hit  # "one of them" is not a figure
    return _read_digits(g, text, m)


_FIRST = operator.itemgetter(0)


def _candidates(g: _Grammar, text: str) -> Iterator[re.Match[str]]:
    """Digits, signs, and the words that may start a number ("twenty", "March", "a" million).

    A news article has ~20 of these among ~300 words: the filter runs as C-level iterators, so
    the words that cannot start a number cost no Python step each (bench/verify_latency.py).
    """
    tokens = list(_START.finditer(text))
    words = list(map(re.Match.group, tokens))
    not_a_word = map(operator.not_, map(str.isalpha, map(_FIRST, words)))
    starts_a_number = map(g.start_words.__contains__, map(str.casefold, words))
    return itertools.compress(tokens, map(operator.or_, not_a_word, starts_a_number))


def _scan(g: _Grammar, text: str) -> list[_Hit]:
    # The core pattern is tried only where a number can start: much faster than searching long text.
    hits: list[_Hit] = []
    done = 0
    for token in _candidates(g, text):
        start = token.start()
        if start < done:
            continue
        match = g.core.match(text, start)
        hit = _read(g, text, match) if match else None
        if hit is None or text[hit[1] : hit[1] + 1].isalnum() or _DOTTED.match(text, hit[1]):
            continue  # not a figure, or stopped inside a word or a dotted version: "5G", "1.6.2"
        hits.append(hit)
        done = hit[1]
    return hits


@cache
def ascii_digit(char: str) -> str:
    """The ASCII form of one character that reads as a digit, separator or sign, else ``char``.

    Digits of any script ("４", "٤", "४") are their decimal value (what NFKC gives for the
    full-width ones); full-width forms are their ASCII twins ("，" ",", "％" "%", "＄" "$");
    Arabic decimal and thousands separators are "." and ","; minus signs and non-breaking
    hyphens are "-".  Always one character, so offsets stay valid.
    """
    if char in _ONE_FOR_ONE:
        return _ONE_FOR_ONE[char]
    if "\uff01" <= char <= "\uff5e":
        return chr(ord(char) - 0xFEE0)
    if char.isdecimal() and not char.isascii():
        return str(unicodedata.decimal(char))
    return char


_ONE_FOR_ONE = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u066a": "%", "\u066b": ".", "\u066c": ","}
_ONE_FOR_ONE |= {"\uffe0": "¢", "\uffe1": "£", "\uffe5": "¥", "\uffe6": "₩"}
# Only non-ASCII characters can change; news text has few (quotes, "£"), so each is looked up.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Scripts written without spaces: a number glued to them ("売上は４２億円") still stands alone.
_UNSPACED = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def ascii_digits(text: str) -> str:
    """``text`` with every character replaced by its ``ascii_digit`` (same length)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: ascii_digit(match.group()), text)


@cache
def _number_char(char: str) -> str:
    wide = ascii_digit(char)
    return " " if wide == char and _UNSPACED.match(char) else wide


def _normalize(text: str) -> str:
    """Replace look-alike characters one for one, so offsets stay valid.

    Besides ``ascii_digit``'s replacements, CJK characters read as spaces: the number rules
    have no CJK grammar, and this way a number glued to them is found (its digits alone).
    """
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: _number_char(match.group()), text)


def scan_numbers(text: str, language: str | None = None) -> list[tuple[int, int, ParsedNumber]]:
    """Every numeric expression in ``text`` with its span and meaning, in order, non-overlapping.

    A span's meaning is what ``parse_number`` reads from the span's own text, except that the
    words around it may make a year of a number ("in 2000 troops").
    """
    return _scan(_grammar(language), _normalize(text))


# Articles whose numbers are kept scanned. More than the requests in flight (max_in_flight, 512 by
# default): the grounding helper analyses an article while its LLM call runs, and the analysis must
# still be cached when the answer comes back, up to c requests later (256 in flight with 128 kept
# doubled the helper's work per article, bench/grounding_in_flight.py).
ARTICLE_CACHE = 640


@lru_cache(maxsize=ARTICLE_CACHE)
def article_numbers(text: str, language: str | None = None) -> tuple[tuple[int, int, ParsedNumber], ...]:
    """``scan_numbers`` of a whole article, once per text and language.

    Grounding (figures near a match) and the support checker (figures per sentence) read the
    same article's numbers; one scan serves both.
    """
    return tuple(scan_numbers(text, language))


def find_numbers(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of every numeric expression in ``text``, in order, non-overlapping.

    ``language`` (ISO 639-1 or BCP 47: "es", "de-AT") selects that language's conventions
    (Spanish, German and French are known); None or any other language reads English.
    """
    return [(start, end) for start, end, _ in scan_numbers(text, language)]


def parse_number(text: str, language: str | None = None) -> ParsedNumber:
    """Parse the first numeric expression in ``text`` (a figure such as "around £1.6bn")."""
    g = _grammar(language)
    normalized = _normalize(text).strip()
    hits = _scan(g, normalized)
    if not hits:
        ordinal = g.ordinal_words.get(normalized.lower().strip(".,;:!?"))
        return ParsedNumber(float(ordinal), "ordinal", "other") if ordinal else _NOT_NUMERIC
    start, end, parsed = hits[0]
    approximate = (
        parsed.approximate
        or g.approx_before.search(normalized, 0, start) is not None
        or g.approx_after.match(normalized, end) is not None
    )
    value = parsed.value
    if parsed.kind == "money" and value and value > 0 and normalized[:1] == "(" and normalized[-1:] == ")":
        value = -value  # accounting style: (£2.5m) is a loss
    return replace(parsed, value=value, approximate=approximate)

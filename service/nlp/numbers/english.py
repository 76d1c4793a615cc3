"""English numbers: number words, scale words and abbreviations, currency symbols and words,
units, months and counted nouns, compiled into the English grammar (``_ENGLISH``), which any
language without tables of its own reads too.

The currency symbols and ISO codes (``_SYMBOLS``, ``_ISO_CODES``) are shared by every language.
"""

from __future__ import annotations

import re

from service.nlp.numbers.grammar import _alt, _Grammar, _numbered, _words

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


_SUFFIX_SYMBOLS = {key: code for key, code in _SYMBOLS.items() if not key[0].isalpha()}


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

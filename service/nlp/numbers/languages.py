"""Spanish, German and French: how each writes numbers, as data (``Numerals``).

``service.nlp.numbers.grammars`` compiles each table into the grammar the scanner reads; a
new language is one more table here and one entry in ``NUMERALS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from service.nlp.numbers.grammar import _numbered


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

"""Recognise a country by any of its names or demonyms: "UK", "Britain", "British" -> GB.

ISO 3166 names come from pycountry (English, and the article's language through
pycountry's translations); a short alias table adds the everyday names that ISO lacks
("Russia", "Turkey", "UK", "America"), and a demonym table the adjectives and nouns of the
people ("British", "Ukrainians").  Names that belong to two countries ("Korea") are left out.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

_ALIASES = {
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "us": "US", "u.s.": "US",
    "usa": "US", "u.s.a.": "US", "america": "US", "the states": "US", "russia": "RU", "turkey": "TR",
    "türkiye": "TR", "ivory coast": "CI", "holland": "NL", "palestine": "PS", "macedonia": "MK",
    "burma": "MM", "east timor": "TL", "cape verde": "CV", "swaziland": "SZ", "drc": "CD",
    "dr congo": "CD", "uae": "AE", "vatican": "VA", "north korea": "KP", "south korea": "KR",
    "russie": "RU", "turquie": "TR", "rusia": "RU", "turquía": "TR", "russland": "RU", "türkei": "TR",
    "estados unidos": "US", "eeuu": "US", "ee. uu.": "US", "ee.uu.": "US", "usa.": "US",
    "grande-bretagne": "GB", "gran bretaña": "GB", "großbritannien": "GB", "corée du sud": "KR",
}  # fmt: skip

_DEMONYMS_EN = {
    "GB": "British Briton", "US": "American", "RU": "Russian", "UA": "Ukrainian", "FR": "French",
    "DE": "German", "CN": "Chinese", "JP": "Japanese", "IN": "Indian", "IT": "Italian",
    "ES": "Spanish Spaniard", "CA": "Canadian", "AU": "Australian", "MX": "Mexican", "BR": "Brazilian",
    "TR": "Turkish Turk", "IR": "Iranian", "IQ": "Iraqi", "IL": "Israeli", "PS": "Palestinian",
    "SY": "Syrian", "EG": "Egyptian", "SA": "Saudi", "KR": "South-Korean", "KP": "North-Korean",
    "PL": "Polish Pole", "NL": "Dutch", "BE": "Belgian", "CH": "Swiss", "SE": "Swedish Swede",
    "NO": "Norwegian", "DK": "Danish Dane", "FI": "Finnish Finn", "IE": "Irish", "GR": "Greek",
    "PT": "Portuguese", "AT": "Austrian", "HU": "Hungarian", "CZ": "Czech", "RO": "Romanian",
    "BG": "Bulgarian", "RS": "Serbian Serb", "HR": "Croatian Croat", "AF": "Afghan", "PK": "Pakistani",
    "BD": "Bangladeshi", "NG": "Nigerian", "KE": "Kenyan", "ZA": "South-African",
    "AR": "Argentine Argentinian", "CL": "Chilean", "CO": "Colombian", "VE": "Venezuelan", "CU": "Cuban",
    "ID": "Indonesian",
    "VN": "Vietnamese", "TH": "Thai", "PH": "Filipino Philippine", "MY": "Malaysian", "SG": "Singaporean",
    "NZ": "New-Zealander", "BY": "Belarusian", "LB": "Lebanese", "JO": "Jordanian", "QA": "Qatari",
    "AE": "Emirati", "YE": "Yemeni", "LY": "Libyan", "ET": "Ethiopian", "SD": "Sudanese",
    "MA": "Moroccan", "DZ": "Algerian", "TN": "Tunisian", "KZ": "Kazakh", "GE": "Georgian",
    "AM": "Armenian", "AZ": "Azerbaijani", "LT": "Lithuanian", "LV": "Latvian", "EE": "Estonian",
    "SK": "Slovak", "SI": "Slovenian", "TW": "Taiwanese",
}  # fmt: skip


def _plural(word: str) -> list[str]:
    if word.endswith(("sh", "ch", "ese", "ss")):  # "British", "Dutch", "Chinese", "Swiss"
        return [word]
    return [word, word + "s"]


@cache
def _demonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in _DEMONYMS_EN.items():
        for word in words.split():
            for form in _plural(word.replace("-", " ")):
                table[form.lower()] = code.strip()
    return table


def _forms(name: str) -> list[str]:
    """A name and, for "Iran, Islamic Republic of", its short form "Iran"."""
    return [name, name.split(",", maxsplit=1)[0]] if "," in name else [name]


@cache
def _names(language: str) -> dict[str, str]:
    """Lower-case country name -> alpha-2 code, in English and in ``language``."""
    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        translate = translation.gettext
    except OSError:  # no translations for this language: English names only

        def translate(message: str) -> str:
            return message

    seen: dict[str, set[str]] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attribute in ("name", "common_name", "official_name"):
            english = getattr(country, attribute, None)
            if not english:
                continue
            for name in {
                *_forms(str(english)),
                *(_forms(translate(str(english))) if language != "en" else []),
            }:
                seen.setdefault(name.lower(), set()).add(code)
    table = {name: codes.pop() for name, codes in seen.items() if len(codes) == 1}
    return table | _ALIASES


def country_code(name: str, language: str = "en") -> str | None:
    """ISO 3166 alpha-2 code of a country named ``name`` ("UK", "Allemagne"), else None."""
    key = " ".join(name.split()).lower()
    return _names(language).get(key)


def demonym_code(word: str) -> str | None:
    """ISO 3166 alpha-2 code of the country of a demonym ("British", "Ukrainians"), else None."""
    return _demonyms().get(" ".join(word.split()).lower())

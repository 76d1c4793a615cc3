"""Table tests for the deterministic number parser (service.nlp.numbers)."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from pathlib import Path

import pytest

from service.nlp.numbers import ParsedNumber, find_numbers, parse_number, scan_numbers

NBSP, THIN = "\u00a0", "\u2009"
SEED = (Path(__file__).parents[1] / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")

# text, value, unit, kind, approximate
PARSE_CASES: list[tuple[str, float | None, str | None, str, bool]] = [
    # money: symbols, ISO codes, currency words, scale words
    ("£1.6 billion", 1.6e9, "GBP", "money", False),
    ("$1.13bn", 1.13e9, "USD", "money", False),
    ("€450m", 4.5e8, "EUR", "money", False),
    ("US$2 trillion", 2e12, "USD", "money", False),
    ("5 million euros", 5e6, "EUR", "money", False),
    ("EUR 5m", 5e6, "EUR", "money", False),
    ("¥300bn", 3e11, "JPY", "money", False),
    ("Rs 40 crore", 4e8, "INR", "money", False),
    ("Rs 5 lakh", 5e5, "INR", "money", False),
    ("CHF 12.5bn", 1.25e10, "CHF", "money", False),
    ("A$3m", 3e6, "AUD", "money", False),
    ("HK$10 million", 1e7, "HKD", "money", False),
    ("£50k", 5e4, "GBP", "money", False),
    ("50p", 0.5, "GBP", "money", False),
    ("$5.5 billion", 5.5e9, "USD", "money", False),
    ("£1,250,000", 1.25e6, "GBP", "money", False),
    ("10 Swiss francs", 10, "CHF", "money", False),
    ("300 rupees", 300, "INR", "money", False),
    ("2tn yuan", 2e12, "CNY", "money", False),
    ("£3 mn", 3e6, "GBP", "money", False),
    (f"£1.6{NBSP}billion", 1.6e9, "GBP", "money", False),
    ("5 thousand dollars", 5e3, "USD", "money", False),
    ("$5B", 5e9, "USD", "money", False),
    ("€2 trillion", 2e12, "EUR", "money", False),
    ("five million euros", 5e6, "EUR", "money", False),
    ("£1.6 billion missile deal", 1.6e9, "GBP", "money", False),
    # percentages
    ("76%", 76, "percent", "percent", False),
    ("three per cent", 3, "percent", "percent", False),
    ("4.1 percent", 4.1, "percent", "percent", False),
    ("5pc", 5, "percent", "percent", False),
    ("2.5 percentage points", 2.5, "percentage points", "percent", False),
    ("3pp", 3, "percentage points", "percent", False),
    ("25 basis points", 25, "basis points", "percent", False),
    # signs: only an explicit sign or "minus" makes a value negative
    ("-3.2%", -3.2, "percent", "percent", False),
    ("minus 3.2%", -3.2, "percent", "percent", False),
    ("\u22123.2%", -3.2, "percent", "percent", False),
    ("down 3.2%", 3.2, "percent", "percent", False),
    ("+0.4%", 0.4, "percent", "percent", False),
    ("(£2.5m)", -2.5e6, "GBP", "money", False),
    ("-£2m", -2e6, "GBP", "money", False),
    # plain counts and thousands separators
    ("1,600", 1600, None, "count", False),
    (f"1{NBSP}600", 1600, None, "count", False),
    (f"1{THIN}600", 1600, None, "count", False),
    ("1.5 million", 1.5e6, None, "count", False),
    ("3.5", 3.5, None, "other", False),
    ("20", 20, None, "count", False),
    # counted nouns
    ("20 countries", 20, "countries", "count", False),
    ("40,000 words", 40000, "words", "count", False),
    ("2000 troops", 2000, "troops", "count", False),
    ("20 Nations", 20, "nations", "count", False),
    ("300 people", 300, "people", "count", False),
    ("twenty countries", 20, "countries", "count", False),
    ("a million people", 1e6, "people", "count", False),
    ("600 people a day", 600, "people per day", "count", False),
    # approximation words
    ("around 20 countries", 20, "countries", "count", True),
    ("about 300 people", 300, "people", "count", True),
    ("nearly 40%", 40, "percent", "percent", True),
    ("almost £2bn", 2e9, "GBP", "money", True),
    ("more than 1,000 troops", 1000, "troops", "count", True),
    ("over 50 countries", 50, "countries", "count", True),
    ("up to £5bn", 5e9, "GBP", "money", True),
    ("roughly 7%", 7, "percent", "percent", True),
    ("some 20 nations", 20, "nations", "count", True),
    ("~20", 20, None, "count", True),
    ("c.20", 20, None, "count", True),
    ("20-odd", 20, None, "count", True),
    ("20+", 20, None, "count", True),
    # spelled-out numbers and fractions
    ("twenty", 20, None, "count", False),
    ("twenty-five", 25, None, "count", False),
    ("one hundred and fifty", 150, None, "count", False),
    ("two and a half million", 2.5e6, None, "count", False),
    ("a dozen", 12, None, "count", False),
    ("half a million", 5e5, None, "count", False),
    ("a quarter of a million", 2.5e5, None, "count", False),
    ("two-thirds", 0.6667, "fraction", "other", False),
    ("two thirds", 0.6667, "fraction", "other", False),
    ("three quarters", 0.75, "fraction", "other", False),
    ("a quarter", 0.25, "fraction", "other", False),
    ("a third", 0.3333, "fraction", "other", False),
    ("half", 0.5, "fraction", "other", False),
    # quantities with units
    ("12km", 12, "km", "quantity", False),
    ("12 kilometres", 12, "km", "quantity", False),
    ("3.5 tonnes", 3.5, "tonnes", "quantity", False),
    ("1.2m barrels a day", 1.2e6, "barrels per day", "quantity", False),
    ("500,000 bpd", 5e5, "barrels per day", "quantity", False),
    ("100 miles", 100, "miles", "quantity", False),
    ("40C", 40, "°C", "quantity", False),
    ("10 square kilometres", 10, "km²", "quantity", False),
    ("45-year-old", 45, "years old", "quantity", False),
    ("5 years", 5, "years", "quantity", False),
    ("12-month", 12, "months", "quantity", False),
    ("3 hours", 3, "hours", "quantity", False),
    ("5 MW", 5, "MW", "quantity", False),
    ("70mph", 70, "mph", "quantity", False),
    # dates and years
    ("2024", 2024, "year", "date", False),
    ("the 1990s", 1990, "decade", "date", False),
    ("March 2025", None, None, "date", False),
    ("5 March", None, None, "date", False),
    ("5 March 2025", None, None, "date", False),
    ("March 5, 2025", None, None, "date", False),
    ("2025-03-05", None, None, "date", False),
    ("10:30", None, None, "date", False),
    ("5pm", None, None, "date", False),
    # ordinals
    ("1st", 1, "ordinal", "other", False),
    ("22nd", 22, "ordinal", "other", False),
    ("third", 3, "ordinal", "other", False),
    # vague quantities
    ("thousands of people", None, "people", "count", True),
    ("tens of thousands of refugees", None, "refugees", "count", True),
    ("hundreds", None, None, "other", False),
    # not numeric
    ("Keir Starmer", None, None, "other", False),
    ("missile deal", None, None, "other", False),
    ("", None, None, "other", False),
    ("F-16", None, None, "other", False),
    ("5G", None, None, "other", False),
]


@pytest.mark.parametrize(("text", "value", "unit", "kind", "approximate"), PARSE_CASES)
def test_parse_number(text: str, value: float | None, unit: str | None, kind: str, approximate: bool) -> None:
    parsed = parse_number(text)
    if value is None:
        assert parsed.value is None
    else:
        assert parsed.value == pytest.approx(value, rel=1e-12, abs=1e-4 if abs(value) < 1 else 0)
    assert (parsed.unit, parsed.kind, parsed.approximate) == (unit, kind, approximate)


def test_parsed_number_is_frozen_and_compares_by_value() -> None:
    parsed = parse_number("£1.6 billion")
    assert parsed == ParsedNumber(1.6e9, "GBP", "money", False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.value = 2.0  # type: ignore[misc]


def test_scaled_values_are_exact_floats() -> None:
    assert parse_number("$1.13bn").value == 1_130_000_000.0
    assert parse_number("£0.1m").value == 100_000.0


# text, the substrings find_numbers must return, in order
FIND_CASES: list[tuple[str, list[str]]] = [
    ("UK officials report that around 20 countries are considering", ["20 countries"]),
    ("including a £1.6 billion missile deal", ["£1.6 billion"]),
    ("In 2024, 600 people died.", ["2024", "600 people"]),
    ("One of them was 45.", ["45"]),
    ("No one knows.", []),
    ("The F-16, COVID-19 and 5G rollout", []),
    ("Version 1.6.2 shipped", []),
    ("Between 10 and 15% agreed", ["10", "15%"]),
    ("inflation fell to 3.2% from 4.1 per cent", ["3.2%", "4.1 per cent"]),
    ("on 5 March 2025 at 10:30", ["5 March 2025", "10:30"]),
    ("In May 2024 the rate was 5%", ["May 2024", "5%"]),
    ("of those, 20 may contribute", ["20"]),
    ("thousands of civilians fled", ["thousands of civilians"]),
    ("two-thirds of voters", ["two-thirds"]),
    ("a third term is unlikely; a third of voters agree", ["a third"]),
    ("at half-time", []),
    ("twenty countries joined", ["twenty countries"]),
    (f"around{NBSP}20{NBSP}countries", [f"20{NBSP}countries"]),
    ("Keir Starmer", []),
    ("a -£2m loss and US$3bn of aid", ["-£2m", "US$3bn"]),
    ("the 2024 elections", ["2024"]),
    ("by mid-2024", ["2024"]),
    ("c.20 people", ["20 people"]),
    ("We moved 12km in 3 hours", ["12km", "3 hours"]),
    ("1,600 troops and 1.2m barrels a day", ["1,600 troops", "1.2m barrels a day"]),
    ("half a million people", ["half a million people"]),
    ("Rs 40 crore and ¥300bn", ["Rs 40 crore", "¥300bn"]),
    ("the 1990s and the 3rd time", ["1990s", "3rd"]),
    ("rose \u22123.2% to 7\u2009000", ["\u22123.2%", "7\u2009000"]),
    ("a £1.6bn.", ["£1.6bn"]),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_numbers(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in find_numbers(text)] == expected


def test_find_numbers_on_the_seed_article() -> None:
    found = [SEED[start:end] for start, end in find_numbers(SEED)]
    assert found == ["20 Nations", "20 countries", "£1.6 billion"]


@pytest.mark.parametrize("text", [text for text, _ in FIND_CASES])
def test_found_spans_are_ordered_disjoint_and_numeric(text: str) -> None:
    spans = find_numbers(text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(first[1] <= second[0] for first, second in pairwise(spans))
    for start, end in spans:
        assert parse_number(text[start:end]) != ParsedNumber(None, None, "other", False)


def test_spans_exclude_approximation_words_but_parse_keeps_them() -> None:
    text = "around 20 countries"
    (start, end), *_ = find_numbers(text)
    assert text[start:end] == "20 countries"
    assert parse_number(text).approximate
    assert not parse_number(text[start:end]).approximate


# language, text, value, unit, kind
LANGUAGE_PARSE_CASES: list[tuple[str, str, float | None, str | None, str]] = [
    # Spanish: dot thousands, decimal comma, "millones de", currency after the amount
    ("es", "1.600 millones de euros", 1.6e9, "EUR", "money"),
    ("es", "11,4%", 11.4, "percent", "percent"),
    ("es", "3 mil millones de dólares", 3e9, "USD", "money"),
    ("es", "12,50 €", 12.5, "EUR", "money"),
    ("es", "0,5 puntos porcentuales", 0.5, "percentage points", "percent"),
    ("es", "20 000 empleados", 20000, "empleados", "count"),
    ("es", "1.234.567 parados", 1234567, "parados", "count"),
    ("es", "tres millones de personas", 3e6, "personas", "count"),
    ("es", "un millón de libras", 1e6, "GBP", "money"),
    ("es", "250 países", 250, "países", "count"),
    ("es", "2,5 kilómetros", 2.5, "km", "quantity"),
    ("es", "siete años", 7, "years", "quantity"),
    ("es", "5 de marzo de 2025", None, None, "date"),
    ("es", "veinticinco tiendas", 25, "tiendas", "count"),
    # German: "Mrd.", "Mio.", "Milliarden", "Prozent", capitalised counted nouns
    ("de", "3,2 Mrd. Euro", 3.2e9, "EUR", "money"),
    ("de", "2,5 Milliarden US-Dollar", 2.5e9, "USD", "money"),
    ("de", "5 Mio. €", 5e6, "EUR", "money"),
    ("de", "11,4 Prozent", 11.4, "percent", "percent"),
    ("de", "0,25 Prozentpunkte", 0.25, "percentage points", "percent"),
    ("de", "1.600", 1600, None, "count"),
    ("de", "300 Mitarbeiter", 300, "Mitarbeiter", "count"),
    ("de", "drei Millionen Menschen", 3e6, "Menschen", "count"),
    ("de", "20 000 Tonnen", 20000, "tonnes", "quantity"),
    ("de", "5. März 2025", None, None, "date"),
    ("de", "Tausende Menschen", None, "Menschen", "count"),
    # French: space thousands, "millions d'euros", "M€", "pour cent"
    ("fr", "2,5 millions d'euros", 2.5e6, "EUR", "money"),
    ("fr", "2,5 millions d’euros", 2.5e6, "EUR", "money"),
    ("fr", "1 600", 1600, None, "count"),
    ("fr", f"1{NBSP}600 emplois", 1600, "emplois", "count"),
    ("fr", "3 M€", 3e6, "EUR", "money"),
    ("fr", "1,5 milliard de dollars", 1.5e9, "USD", "money"),
    ("fr", "11,4 %", 11.4, "percent", "percent"),
    ("fr", "4 pour cent", 4, "percent", "percent"),
    ("fr", "0,3 point de pourcentage", 0.3, "percentage points", "percent"),
    ("fr", "vingt-cinq pays", 25, "pays", "count"),
    ("fr", "deux millions d'habitants", 2e6, "habitants", "count"),
    ("fr", "300 000 tonnes", 3e5, "tonnes", "quantity"),
    ("fr", "1er mars 2025", None, None, "date"),
    # tags and unknown languages
    ("es-MX", "1.600 millones de euros", 1.6e9, "EUR", "money"),
    ("de_AT", "3,2 Mrd. Euro", 3.2e9, "EUR", "money"),
    ("pt", "£1.6 billion", 1.6e9, "GBP", "money"),
    ("en", "1,600", 1600, None, "count"),
]


@pytest.mark.parametrize(("language", "text", "value", "unit", "kind"), LANGUAGE_PARSE_CASES)
def test_parse_number_in_other_languages(
    language: str, text: str, value: float | None, unit: str | None, kind: str
) -> None:
    parsed = parse_number(text, language)
    if value is None:
        assert parsed.value is None
    else:
        assert parsed.value == pytest.approx(value, rel=1e-12)
    assert (parsed.unit, parsed.kind) == (unit, kind)


# language, text, the substrings find_numbers must return
LANGUAGE_FIND_CASES: list[tuple[str, str, list[str]]] = [
    ("es", "La firma ganó 1.600 millones de euros, un 11,4% más.", ["1.600 millones de euros", "11,4%"]),
    ("es", "Siete empresas y otras dos.", ["Siete empresas"]),  # a spelled number alone is no figure
    ("es", "El 5 de marzo de 2025 a las 10:30 llegó.", ["5 de marzo de 2025", "10:30"]),
    ("de", "Der Umsatz stieg um 3,2 Mrd. Euro im 1. Quartal.", ["3,2 Mrd. Euro", "1."]),
    ("de", "Rund 2,5 Milliarden US-Dollar flossen um 10 Uhr.", ["2,5 Milliarden US-Dollar", "10 Uhr"]),
    (
        "fr",
        "Le groupe a gagné 2,5 millions d'euros et créé 1 600 emplois.",
        ["2,5 millions d'euros", "1 600 emplois"],
    ),
    ("fr", "Des milliers de personnes le 1er mars 2025.", ["milliers de personnes", "1er mars 2025"]),
    ("en", "In 2024 it made 1 600 sales", ["2024", "1", "600 sales"]),  # English: a space does not group
]


@pytest.mark.parametrize(("language", "text", "expected"), LANGUAGE_FIND_CASES)
def test_find_numbers_in_other_languages(language: str, text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, end in find_numbers(text, language)] == expected


@pytest.mark.parametrize("text", [text for text, _ in FIND_CASES])
def test_english_is_the_default_and_the_fallback(text: str) -> None:
    assert (
        find_numbers(text) == find_numbers(text, "en") == find_numbers(text, None) == find_numbers(text, "pt")
    )


def test_scan_numbers_agrees_with_find_and_parse() -> None:
    text = "Sales rose 5% to $1.2bn as 300 stores opened."
    hits = scan_numbers(text)
    assert [(start, end) for start, end, _ in hits] == find_numbers(text)
    assert [parsed for _, _, parsed in hits] == [parse_number(text[s:e]) for s, e, _ in hits]

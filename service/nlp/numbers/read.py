"""Reading one matched number: its value (digits, spelled words, fractions, scale words) and
what follows it (percent, currency, unit, counted noun, rate), as a ``ParsedNumber``."""

from __future__ import annotations

import re
from decimal import Decimal

from service.nlp.numbers.english import (
    _DENOMINATORS,
    _ENGLISH,
    _NUMERATORS,
    _SUFFIX_SYMBOLS,
    _SYMBOLS,
    _WORD_SCALES,
)
from service.nlp.numbers.grammar import _DATE, Kind, ParsedNumber, _Grammar, _Hit, _key

_NON_DIGIT = re.compile(r"[^0-9]")
_LAST_WORD = re.compile(r"[^\W\d_]+$")
_FRACTION_END = re.compile(r"\s+of\b|\s*(?:[^\w\s]|$)")


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

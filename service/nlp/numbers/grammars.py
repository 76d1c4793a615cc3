"""One compiled grammar per language: the tables of ``languages`` turned into the patterns
the scanner matches, and the choice of grammar for a language tag (English by default)."""

from __future__ import annotations

import re
from collections.abc import Callable

from service.nlp.numbers.english import _ENGLISH, _ISO_CODES, _PREFIX, _SUFFIX_SYMBOLS, _SYMBOLS
from service.nlp.numbers.grammar import _V, _alt, _Grammar, _key
from service.nlp.numbers.languages import NUMERALS, Numerals


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

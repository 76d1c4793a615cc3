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
and ``FRENCH``) read a decimal comma and dot or space thousands ("11,4%", "1.600",
"1 600"), their scale words and abbreviations ("1.600 millones de euros", "3,2 Mrd. Euro",
"2,5 millions d'euros", "3 M€"), currencies written after the amount, their percent words,
units, months and counted nouns; a spelled number there counts only with a scale word, unit
or noun ("tres millones", "drei Länder").  Units map to the English names ("años" -> "years").
Any other language, and None, reads English, unchanged.

This package is the one home of the number rules, in modules named for their part:
``grammar`` (``ParsedNumber`` and the shape of a language's grammar), ``english`` (the English
tables and grammar, also the default), ``languages`` (the Spanish, German and French tables),
``grammars`` (each table compiled, and the grammar for a language tag), ``read`` (the value and
unit of one matched number), ``characters`` (look-alike digits read as ASCII) and ``scan``
(where numbers start, and the entry points re-exported here).  Names with a leading underscore
are private to the package.  It imports nothing else of the service, so ``service.nlp`` and
``service`` import it without a cycle.
"""

from service.nlp.numbers.characters import ascii_digit, ascii_digits
from service.nlp.numbers.grammar import Kind, ParsedNumber
from service.nlp.numbers.languages import FRENCH, GERMAN, NUMERALS, SPANISH, Numerals
from service.nlp.numbers.scan import ARTICLE_CACHE, article_numbers, find_numbers, parse_number, scan_numbers

__all__ = [
    "ARTICLE_CACHE",
    "FRENCH",
    "GERMAN",
    "NUMERALS",
    "SPANISH",
    "Kind",
    "Numerals",
    "ParsedNumber",
    "article_numbers",
    "ascii_digit",
    "ascii_digits",
    "find_numbers",
    "parse_number",
    "scan_numbers",
]

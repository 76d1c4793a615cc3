"""Look-alike characters read as ASCII, one for one so offsets stay valid: digits of any
script, full-width forms, Arabic separators, minus signs; CJK characters read as spaces."""

from __future__ import annotations

import re
import unicodedata
from functools import cache


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

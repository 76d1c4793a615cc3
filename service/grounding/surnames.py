"""A surname two people of the article share: "Cowell said" in a story about Simon and Tony Cowell
names one of them, and the rules cannot tell which, so the quote gets no speaker.

The article's full names are read from its text, not from the actors (the tagger may have left
one of the two out): each capitalised word written before the surname that can be a first name.
Not first names: titles, trades and common words ("Sheriff", "Veteran", "Dogged" Federer, words
the article also writes in lower case), days and months, words ending a sentence, a middle name
("Marie Teresa Ratcliffe" is one person), and a headline's words (the story names the people in
full below it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.nlp.roles import HONORIFICS

Span = tuple[int, int]

ARTICLE_CACHE = 640  # as service.grounding.quotes: more articles than are in flight
HEADLINE_CHARS = 150  # a first line this short, before a line break, is the headline

# "Nielsen. Hailey", "Japan's Sumitomo", "Off-colour Gardener", "Thursday Stewart", "Watching McLean"
_NOT_FIRST_NAME = re.compile(
    r".*[^\W\d_]{2}\W*\.|.*['’‘]\W*|.*['’]s|.*-[a-z].*|.*ing|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
    r"|January|February|March|April|May|June|July|August|September|October|November|December"
)
_CAPITALISED = re.compile(r"([^\W\d_a-z][\w'’.-]*) $")  # a name word right before, one space between


def surname_of_two(text: str, mention: Span, language: str, skip: frozenset[str]) -> bool:
    """Is the mention a surname alone (honorifics aside: "Cowell", "Mr Jordan") that the article
    gives two people in full ("Simon Cowell", "Tony Cowell"; a father and son "Frank" and "Louis
    Jordan")? ``skip``: words no first name is (titles, trades, stop words)."""
    honorifics = HONORIFICS.get(language, frozenset())
    words = [w for w in text[mention[0] : mention[1]].split() if w.casefold().rstrip(".") not in honorifics]
    return len(words) == 1 and len(first_names(text, words[0], skip)) > 1


@lru_cache(maxsize=ARTICLE_CACHE)
def first_names(text: str, surname: str, skip: frozenset[str]) -> frozenset[str]:
    """The different first names the article writes before ``surname``."""
    newline = text.find("\n", 0, HEADLINE_CHARS)
    body = newline + 1 if newline > 0 else 0
    found = set()
    pattern = rf"(?<![\w'’.-])([^\W\d_a-z][\w'’.-]*)\s+{re.escape(surname)}(?![\w'’-])"
    for match in re.compile(pattern).finditer(text, body):
        word = match.group(1)
        before = _CAPITALISED.search(text, max(0, match.start() - 30), match.start())
        if _first_name(text, word, skip) and not (before and _first_name(text, before.group(1), skip)):
            found.add(word)
    return frozenset(found)


def _first_name(text: str, word: str, skip: frozenset[str]) -> bool:
    """Can ``word``, before a surname, be a first name ("Simon", "B.B.")?"""
    return (
        word.casefold() not in skip
        and not _NOT_FIRST_NAME.fullmatch(word)
        and not re.search(rf"(?<![\w'’-]){re.escape(word.lower())}(?![\w'’-])", text)
    )

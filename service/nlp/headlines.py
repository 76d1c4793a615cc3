"""Quotes in an article's headline: news headlines put single marks around someone's words.

"Mayor vows 'no more delays'" quotes the mayor, as the story below tells; a headline is the
article's first paragraph when it is short and has no sentence end. The speaker is the headline's
subject when it opens the headline before a verb in the present that reports or characterises
speech ("Mayor vows", "Lee slams"), else unknown (a headline such as "Lee 'to quit in May'" reports
a claim without saying whose; in "Lee backs 'pre-election budget'" the words name what Lee backs).
"""

from __future__ import annotations

import re

from service.nlp.attribution import Rules, words

Span = tuple[int, int]

MAX_HEADLINE_WORDS = 16
# "Okafor decries", "Lane attacks": a capitalised subject, then a present-tense verb (English)
_SUBJECT_VERB = {"en": re.compile(r"([^\W\d_a-z][\w'’-]+)\s+(?!is\b|has\b|was\b)([a-z]+s)\b")}
# Headline verbs of speech beyond the article's own (``Rules.any_verb``): "Lee slams 'waste'"
_HEADLINE_VERBS = {"en": words("slams blasts raps hits pledges denies rejects defends fears hopes")}
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def headline_of(text: str, paragraph_starts: list[int], language: str) -> Span | None:
    """The article's headline (its first paragraph, if it reads as one), or None."""
    if len(paragraph_starts) < 2:
        return None
    end = paragraph_starts[1]
    first = text[:end].strip()
    if not first or _SENTENCE_END.search(first) or len(first.split()) > MAX_HEADLINE_WORDS:
        return None
    return 0, end


def headline_speaker(text: str, headline: Span, rules: Rules) -> tuple[Span, bool] | None:
    """The words that name who a headline quotes: its subject before a present-tense verb."""
    pattern = _SUBJECT_VERB.get(rules.language)
    match = pattern.match(text, headline[0], headline[1]) if pattern else None
    if match is None or match.group(1).lower() in rules.stops:
        return None
    verb = match.group(2)
    if not rules.any_verb.fullmatch(verb) and verb not in _HEADLINE_VERBS.get(rules.language, ()):
        return None  # "Lee backs 'pre-election budget'": a claim about Lee, not Lee's words
    return match.span(1), False

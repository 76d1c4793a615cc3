"""Speaker phrases that are not a name: a description ("the two-time champion"), a relative clause
after the name ("… backed by Ann Lee, who said"), a pronoun in a clause that opens with a
conjunction ("… by Ann Lee in 1946, when she said"). ``service.nlp.speakers`` asks them in turn.
"""

from __future__ import annotations

import re
from itertools import pairwise

from service.nlp.attribution import (
    ADJECTIVE_COMPOUND,
    AUXILIARIES,
    BODY_NOUNS,
    CAPITAL,
    DEFINITE,
    DOCUMENT_NOUNS,
    MAX_DESCRIPTION_WORDS,
    PERSON_PRONOUNS,
    REPRESENTATIVES,
    TIME_WORDS,
    WORD,
    Rules,
)

Span = tuple[int, int]

# ", who said" / ", who later told": the relative pronoun of a person, then at most one adverb or
# auxiliary, right before the verb
_RELATIVE_SUBJECT = {
    "en": re.compile(r",\s*who(?:\s+(?:[a-z]+ly|also|then|later|once|has|had|have|would|will))?\s*$"),
    "es": re.compile(r",\s*quien(?:\s+(?:también|luego|más tarde))?\s*$"),
    "fr": re.compile(r",\s*qui(?:\s+(?:a|avait|aussi|ensuite|plus tard))?\s*$"),
}
_APPOSED_TITLE = re.compile(r",\s+(?:(?:his|her|their|its|the|a|an)\s+)?[^\W\d_A-ZÀ-Þ][\w\s'’-]{0,40}")
# words that tie the name before ", who" to someone else ("the widow of Ann Lee, who said": who?)
_TIED = frozenset({"of", "and", "&", "or", "de", "del", "et", "y", "du", "des"})
_TAIL_CHARS = 40  # both clause patterns end the phrase and are shorter than this
_OF = frozenset({"of", "on", "in", "for", "about", "from", "de", "del", "du", "des", "von", "über", "sur"})
# "…, when she said", "… what he called": a conjunction (or "what") opens the clause and
# a person's pronoun is its subject
_SUBORDINATE = {
    "en": r"when|as|after|before|while|because|where|until|since|although|though|if|once|what",
    "es": r"cuando|mientras|porque|aunque|si",
    "fr": r"quand|lorsque|lorsqu['’]|alors que|parce que|si",
    "de": r"als|wenn|während|weil|nachdem|obwohl",
}
# a person's pronoun ending the phrase (``subordinate_pronoun`` asks what opens its clause)
_PERSON_AT_END = {
    lang: re.compile(rf"\b({'|'.join(sorted(PERSON_PRONOUNS[lang]))})\s*$", re.IGNORECASE)
    for lang in _SUBORDINATE
}

_SUBORDINATE_END = {
    lang: re.compile(rf"\b(?:{_SUBORDINATE[lang]})\s*$", re.IGNORECASE) for lang in _SUBORDINATE
}


def opens_subordinate(text: str, at: int, language: str) -> bool:
    """Does a conjunction that opens a clause stand right before ``at`` ("…, when| he said")?"""
    pattern = _SUBORDINATE_END.get(language)
    return pattern is not None and pattern.search(text, max(0, at - 24), at) is not None


def relative_comma(text: str, start: int, end: int, language: str) -> int | None:
    """Where the comma before ", who" closing ``text[start:end]`` is ("Ann Lee, who said"), if it is."""
    pattern = _RELATIVE_SUBJECT.get(language)
    match = pattern.search(text, max(start, end - _TAIL_CHARS), end) if pattern else None
    return match.start() if match else None


def antecedent(text: str, start: int, run: Span, comma: int, *, titled: bool = False) -> Span | None:
    """The full name ``run`` right before the relative clause's comma, when nothing ties it to a
    word before it ("the widow of Ann Lee, who", "Lee and Park, who": not one person who speaks).
    ``titled``: a trade or title stands right before it, so one word is a name too."""
    named = WORD.findall(text, *run)
    # "Niki Lauda, his team chairman, who told him": a title set off in commas may come between
    apposed = run[1] == comma or _APPOSED_TITLE.fullmatch(text, run[1], comma) is not None
    if not apposed or len(named) < 2 - titled or _TIED.intersection(w.lower() for w in named):
        return None  # one word may be anything; "Ola Lee and Bo Park, who": two people
    if run[1] != comma:
        return run  # the title set off after the name makes it the one the clause is about
    before = WORD.findall(text, start, run[0])
    return None if before and before[-1].lower() in _TIED else run


def subordinate_pronoun(text: str, start: int, end: int, language: str) -> Span | None:
    """The pronoun of a clause that a conjunction opens right before the verb ("… when he said"),
    or of a sentence run on without its stop (a caption pasted in: "… but not feminism She added")."""
    pattern = _PERSON_AT_END.get(language)
    match = pattern.search(text, max(start, end - _TAIL_CHARS), end) if pattern else None
    if match is None:
        return None
    at = match.start(1)
    run_on = (
        text[at].isupper() and _LOWER_WORD_BEFORE.search(text, max(start, at - _TAIL_CHARS), at) is not None
    )
    return match.span(1) if run_on or opens_subordinate(text, at, language) else None


_LOWER_WORD_BEFORE = re.compile(r"[^\W\d_A-ZÀ-Þ][\w'’-]*\s+$")  # "… feminism |She added"


def description(
    text: str, start: int, end: int, rules: Rules, *, capitals: bool = False
) -> tuple[Span, bool] | None:
    """ "The two-time champion said": a definite description of a person named before.

    It stands for someone like a pronoun does; "a spokeswoman" (someone new, unnamed) and "the
    company" (a body, not a person) do not. A plural ("said the artists") is kept: the speaker
    step gives it only to a name the article writes right after that noun ("artists Lee & Park").
    With ``capitals``, a capitalised word before the head is kept ("the Tory co-chairman"): the
    speaker step gives it only to the person whose name follows those very words.
    """
    words = list(WORD.finditer(text, start, end))
    while (
        len(words) > 2
        and words[0].group().lower() not in DEFINITE
        and (words[0].group().lower() in rules.stops or words[0].group().lower() in TIME_WORDS)
    ):
        words = words[1:]  # "Later the Bishop said", "Then the champion added"
    while len(words) > 2 and words[-1].group().lower() in AUXILIARIES:
        # "the President had said": the speaker step gives it only to the one person the
        # article titles so, never to whoever was named last (whoever "the chairman" is)
        words = words[:-1]
    if (
        len(words) == 2
        and words[0].group().lower() in ("a", "an", "the")
        and words[1].group() in REPRESENTATIVES
    ):
        # "But a spokesman added": the speaker step gives it to the body the sentence before has
        # speak, or to nobody
        return (words[0].start(), words[-1].end()), True
    if not 2 <= len(words) <= MAX_DESCRIPTION_WORDS or words[0].group().lower() not in DEFINITE:
        return None
    head = words[-1].group().lower()
    lowered = [w.group().lower() for w in words]
    if head in DOCUMENT_NOUNS or any(
        word in DOCUMENT_NOUNS and after in _OF for word, after in pairwise(lowered)
    ):
        return None  # "the report said", "the section on murder said": a document, not a person
    capitalised = any(
        CAPITAL.match(w.group())
        and w.group().lower() not in rules.titles
        and not ADJECTIVE_COMPOUND.fullmatch(w.group())
        for w in words[1:-1]
    )
    if head in BODY_NOUNS and not capitalised and not capitals and len(words) <= 3:
        # "the company said", "the parliamentary committee added": the body named just before, for
        # the speaker step to find (never a person)
        return (words[0].start(), words[-1].end()), True
    if (
        head in BODY_NOUNS
        or head in REPRESENTATIVES
        or (capitalised and not capitals)
        or (CAPITAL.match(words[-1].group()) and head not in rules.titles)
    ):
        return None
    if any(w.group().lower() in AUXILIARIES for w in words):
        return None  # "the chairman who had said": a clause
    return (words[0].start(), words[-1].end()), True


# "The document – prepared by the CRS, an in-house body that … – states": a document and, set
# off after it by dashes (or by commas around "prepared by …", "signed by Gov. Lee on Tuesday"),
# who made or handled it, right before the verb: the document speaks, not the one named in the aside
_DOCUMENT_ASIDE = re.compile(
    r"(?:^|(?<=\s))((?:The|This|the|this)\s+(?:[^\W\d_A-ZÀ-Þ][\w-]*\s+){0,2}([^\W\d_A-ZÀ-Þ][\w-]*))"
    r"(?:\s+[–—]\s+[^–—]{1,200}\s+[–—]|,\s+(?:drawn\s+up|written|[a-z]+ed)\s+by\s+[^,;:]{1,120}"
    r"(?:,[^,;:]{1,120})?,)\s*$"
)


def document_aside(text: str, start: int, end: int, language: str) -> Span | None:
    """The document the subject ``text[start:end]`` ends with ("… The document – prepared by the
    CRS, an in-house body … –"), when its noun is a document's. English only."""
    found = _DOCUMENT_ASIDE.search(text, start, end) if language == "en" else None
    if found is None or found.group(2).casefold() not in DOCUMENT_NOUNS:
        return None
    return found.start(1), found.end(1)


# A phrase of place or time opening the sentence, up to its comma: "In the Commons, ", "After the
# vote on Monday, "
_OPENING_CLAUSE = re.compile(
    r"\s*(?:(?:But|And|Yet|However),\s*(?:in|at|on|during|after|before|despite|while|when|since)"  # "But, in"
    r"|In|At|On|During|After|Before|Later|Earlier|Despite|Although|Though|While|When|Since|Following|"
    r"Unlike|En|Durante|Tras|Bei|Nach|Dans|Lors|Après|[A-Z][a-z]+ing)\s[^,.!?\"“”]{1,80},\s*"
)


def after_opening(chunk: str, rules: Rules) -> int | None:
    """Where the words after a phrase of place or time that opens ``chunk`` start, if any."""
    opening = _OPENING_CLAUSE.match(chunk)
    if not opening or not chunk[opening.end() :].strip():
        return None
    rest = opening.end()
    while chunk[rest : rest + 1].islower() and not rules.pronoun_clause.match(chunk, rest):
        # "In an interview covering the tsunami, the Middle East and Northern Ireland, Mr Blair
        # said": a list goes on the phrase, whose end is a later comma
        comma = chunk.find(",", rest)
        if comma < 0 or not chunk[comma + 1 :].strip():
            break
        rest = len(chunk) - len(chunk[comma + 1 :].lstrip())
    return rest


_RELATIVE_PRONOUN = re.compile(r"\b(?:what|which|that)\s+(it|he|she|they)\s+$", re.IGNORECASE)


def relative_pronoun(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """ "The law, signed by Gov. Lee, bans what it describes as": the pronoun right before the
    verb, after "what"/"which"/"that", is its subject (English only)."""
    found = _RELATIVE_PRONOUN.search(text, start, end) if rules.language == "en" else None
    return ((found.start(1), found.end(1)), True) if found else None

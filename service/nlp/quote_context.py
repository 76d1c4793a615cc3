"""Who speaks a quote with no attribution of its own, by the sentence or paragraph before it.

News style quotes someone right after a sentence about them: "Lee set up two schools. "We put in
25 laptops."", "The tax will stay, said Ann Lee." then a paragraph of her words, "She added that
progress was made. "The average woman ..."". ``previous_sentence`` gives the words that name that
person, and whether the speaker step may keep them only when nobody else is named between (a
speaker given by context). ``service.nlp.quotes`` asks it when nothing else names the speaker.
"""

from __future__ import annotations

import re

from service.nlp.attribution import LEAD_WORDS, Rules, is_person_pronoun
from service.nlp.quote_marks import QUOTE_MARK, Piece, quotes_words, sentence_before
from service.nlp.speakers import speaker_in

Span = tuple[int, int]

MAX_SPEAKER_WORDS = 12  # words between a sentence start and an attribution verb
# "Ann Lee, who led the study with two colleagues, said": the relative clause is not the subject
CAPITALISED = re.compile(r"(?<![\w'’])[^\W\d_a-zß-ÿ][\w'’-]*")
_RELATIVE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,]*,", re.IGNORECASE)


def subject_words(before_verb: str) -> int:
    """How many words of the clause before a reporting verb could be its subject.

    Counted from the last comma, a relative clause ("Ann Lee, who led the study, said") left out:
    "In a speech in Leeds on Sunday, Mr Hale said" has two.
    """
    clause = _RELATIVE.sub(" ", before_verb)
    return len(clause[clause.rfind(",") + 1 :].split())


def previous_sentence(
    text: str, piece: Piece, paragraph_start: int, rules: Rules
) -> tuple[Span, bool, bool] | None:
    """'She added that progress had been made. "The average woman ..."': the sentence before says who.

    Only for a quote that opens its sentence, after a sentence of reported speech with no quote,
    or after one that opens with a person as its subject (the third value: a speaker given by
    context, which the speaker step keeps only when nobody else is named between).
    """
    chunk_start, before = sentence_before(text, piece.open_at, paragraph_start)
    if before.strip():
        return None
    return _said_before(text, chunk_start, paragraph_start, rules, further=True)


_ASKED = re.compile(r"\s*(?:[\w'’.-]+\s+){1,3}asked\b", re.IGNORECASE)  # "he asked", "Ann Lee then asked"


def _said_before(
    text: str, chunk_start: int, paragraph_start: int, rules: Rules, *, further: bool
) -> tuple[Span, bool, bool] | None:
    """``previous_sentence`` for the sentence that starts at ``chunk_start``; ``further``: one
    sentence that names nobody may stand between ("Ann Lee said prints were lossless. The film
    will be encrypted. "People will see …"": a speaker given by context)."""
    if chunk_start <= paragraph_start:
        return _paragraph_before(text, paragraph_start, rules)
    previous_start, previous = sentence_before(text, chunk_start - 1, paragraph_start)
    if _ASKED.match(previous) and text[max(0, previous_start - 3) : previous_start].rstrip(
        "'’\"”» "
    ).endswith("?"):
        # "'Where are you?' he asked. 'It was an ego boost.'": a question put to someone, whose
        # answer the words after it may be
        return None
    opened = previous[:1].isalnum() and QUOTE_MARK.match(text, max(0, previous_start - 1)) is not None
    if QUOTE_MARK.search(previous) or opened:
        # an opening mark right before it: the sentence before is quoted words (a quote its writer
        # left unclosed: '"People will see it. "The picture ...'), whose first word is no speaker
        return None
    closing = _closing_said(text, previous_start, previous, rules)
    if closing is not None and closing[0] == "verb" and closing[1] is not None:
        # "Prints cost less, said Ms Deans.": the speaker follows the verb at the end, and the
        # words before it are what was said, not who (but ", said he was cautious" is a clause)
        closed, end = closing[1], closing[2]
        if not text[closed[0][1] : end].strip(" .!?"):
            return (*closed, False)
    verb = rules.introducing.search(previous)
    if not verb or subject_words(previous[: verb.start()]) > MAX_SPEAKER_WORDS:
        subject = _opening_subject(text, previous_start, previous_start + len(previous), rules)
        if subject is None and further and _names_nobody(previous, rules):
            farther = _said_before(text, previous_start, paragraph_start, rules, further=False)
            return (farther[0], farther[1], True) if farther else None
        return (*subject, True) if subject else None
    said = speaker_in(text, previous_start, previous_start + verb.start(), rules)
    return (*said, False) if said else None


def _names_nobody(sentence: str, rules: Rules) -> bool:
    """Does the sentence name no one: no capitalised word after its first, no pronoun of a person?"""
    words = CAPITALISED.findall(sentence.strip())[1:]
    return not any(w.lower() not in rules.stops for w in words) and not any(
        is_person_pronoun(w, rules.language) for w in re.findall(r"\w+", sentence)
    )


def _paragraph_before(text: str, paragraph_start: int, rules: Rules) -> tuple[Span, bool, bool] | None:
    """A quote opening its paragraph after one that ends by reporting someone's speech, with no
    quote of its own: "The tax will stay, said Ann Lee." / "Ann Lee said the tax would stay." /
    "Ann Lee added:" then a paragraph of her words. Given by context: the speaker step keeps it
    only for a person, with nobody else named between."""
    end = paragraph_start
    while end > 0 and text[end - 1].isspace():
        end -= 1  # the previous paragraph's last character (no copy of the text before it)
    if end == 0:
        return None
    floor = text.rfind("\n", 0, end) + 1
    at = end - 1 if text[end - 1] in ".!?" else end
    start, previous = sentence_before(text, at, floor)
    if not previous.strip() or quotes_words(text, start, end) or text[end - 1] not in ".!?:":
        return None
    closing = _closing_said(text, start, previous, rules)  # ", said Ann Lee." / ", Ann Lee said."
    said = closing[1] if closing is not None else None
    if said is None:  # "Ann Lee said the tax would stay.", "Ann Lee, of Acme, added:"
        verb = rules.introducing.search(previous)  # "Ann Lee remembered how …": her memory follows
        if verb and subject_words(previous[: verb.start()]) <= MAX_SPEAKER_WORDS:
            said = speaker_in(text, start, start + verb.start(), rules)
    return (*said, True) if said else None


def _closing_said(
    text: str, start: int, sentence: str, rules: Rules
) -> tuple[str, tuple[Span, bool] | None, int] | None:
    """An attribution after the sentence's last comma (``sentence`` is ``text`` from ``start``):
    ", said Ann Lee." ("verb") or ", Ann Lee said." ("pre", a short subject), with the speaker
    words found in it and where they may end; None for neither."""
    comma = sentence.rfind(",") + 1
    after = rules.after.match(sentence[comma:]) if comma else None
    if after is None:
        return None
    at = start + comma
    if after.group("verb"):
        return (
            "verb",
            speaker_in(text, at + after.start("post"), at + after.end("post"), rules),
            at + after.end("post"),
        )
    if after.group("pre") is not None and len(after.group("pre").split()) <= MAX_SPEAKER_WORDS:
        return (
            "pre",
            speaker_in(text, at + after.start("pre"), at + after.end("pre"), rules),
            at + after.end("pre"),
        )
    return None


# "However, Mr Lee has ...", "He plans ...": the words that open a sentence as its subject
_OPENING_WORD = re.compile(r"\s*([^\W\d_][\w'’.-]*)(,?)")


def _opening(word: str, rules: Rules) -> bool:
    """A capitalised word that opens a sentence before its subject ("But", "However")."""
    return word.lower() in rules.stops and not rules.pronoun.match(word)


def _opening_subject(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """The person a sentence opens with as its subject: a name, or a pronoun, then a lowercase
    word (its verb). "However, Mr Lee has adapted the idea": Mr Lee; "He plans to": he."""
    at = start
    words: list[re.Match[str]] = []
    while at < end and len(words) < MAX_SPEAKER_WORDS:
        match = _OPENING_WORD.match(text, at, end)
        if match is None:
            return None
        words.append(match)
        at = match.end()
        word = match.group(1)
        if rules.pronoun.match(word) and all(_opening(w.group(1), rules) for w in words[:-1]):
            continue  # "However, she wants": the pronoun is the subject
        if not CAPITALISED.fullmatch(word) or (match.group(2) and not _opening(word, rules)):
            break  # a lowercase word (the verb), or a comma after the name ("Lee, who ..."), ends it
    if len(words) < 2:
        return None
    first = 0
    while first < len(words) - 1 and _opening(words[first].group(1), rules):
        first += 1  # "But", "However,": openings before the subject
    run, after = words[first:-1], words[-1]
    if not run or not after.group(1).islower() or after.group(1) in LEAD_WORDS or run[-1].group(2):
        return None  # "Lee, who ...", "Lee and Park ...": not one subject before its verb
    said = speaker_in(text, run[0].start(1), run[-1].end(1), rules)
    if said is None or (said[1] and not is_person_pronoun(text[said[0][0] : said[0][1]], rules.language)):
        return None
    return said

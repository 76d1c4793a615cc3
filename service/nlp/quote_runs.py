"""When a quote goes on from the one before it: in the same sentence ('an "A" and a "B"', '"A" …,
adding: "B"'), in the sentence or paragraph right after ('"A," she said. "B."'), and whether words
between them name someone else who may speak."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from service.nlp.attribution import Rules
from service.nlp.quote_context import CAPITALISED, MAX_SPEAKER_WORDS
from service.nlp.quote_marks import QUOTE_MARK, SENTENCE_END, Piece, sentence_before

if TYPE_CHECKING:
    from service.nlp.quotes import FoundQuote

Span = tuple[int, int]

MAX_GAP_WORDS = 24  # words between a quote and an -ing verb of speech that goes on from it
MAX_SAME_SENTENCE_GAP_WORDS = 3  # 'an "increasingly high priority" and a "shared goal"'


def names_someone(text: str, start: int, end: int, speaker: Span, rules: Rules) -> bool:
    """Do the sentences of ``text[start:end]`` name someone other than ``speaker``: a name of two
    capitalised words ("Tom Hale"), a name after a title ("Mr Hale"), or a capitalised word inside
    a sentence ("... thanked Hale")? A sentence's first word alone ("Welfare was ...") is not one."""
    words = list(CAPITALISED.finditer(text, start, end))
    for n, name in enumerate(words):
        if speaker[0] <= name.start() < speaker[1]:
            continue
        word = name.group().lower().rstrip(".")
        if word in rules.titles or word in rules.stops or rules.pronoun.match(word):
            continue
        lead = text[max(start, name.start() - 40) : name.start()]
        opens = not lead.strip() or bool(re.search(r"(?:[.!?:…]|^)[\s\"'“”‘’]*$", lead))
        follows = n + 1 < len(words) and text[name.end() : words[n + 1].start()] == " "
        previous = lead.split()[-1:]
        titled = bool(previous) and previous[0].lower().rstrip(".") in rules.titles
        if not opens or follows or titled:
            return True
    return False


def asks(text: str, quote: FoundQuote) -> bool:
    """Do the quote's words end with a question ("What if you lose?")?"""
    return text[quote.span[0] : quote.span[1]].rstrip(" .,'’\"”»").endswith("?")


def past_close(text: str, end: int) -> int:
    """Where the text goes on after a quote's words end at ``end``: past its closing mark, which
    French style sets off with a space ("… classe », a déclaré")."""
    at = end
    while at < len(text) and text[at] in " \u00a0\u202f":
        at += 1
    return at + 1 if at < len(text) and QUOTE_MARK.match(text, at) else end + 1


# ", adding:", ", saying that": a verb of speech in -ing at the end of the words between two quotes
_PARTICIPLE_END = re.compile(r",\s+(\w+ing)(?:\s+that)?\s*:?\s*$")


def participle_after(text: str, previous: FoundQuote, piece: Piece, rules: Rules) -> bool:
    """Does ``piece`` follow ``previous`` in its sentence after an -ing verb of speech ("He accused
    Lee of "spin" by attacking the plan, adding: "…""), whose subject is the first quote's speaker?"""
    between = _gap_in_sentence(text, previous, piece, MAX_GAP_WORDS)
    ending = _PARTICIPLE_END.search(between) if between is not None else None
    return ending is not None and bool(rules.verb.fullmatch(ending.group(1)))


def same_sentence(text: str, previous: FoundQuote, piece: Piece) -> bool:
    """Does ``piece`` follow ``previous`` in the same sentence, a few words on ("and a")?"""
    return _gap_in_sentence(text, previous, piece, MAX_SAME_SENTENCE_GAP_WORDS) is not None


def _gap_in_sentence(text: str, previous: FoundQuote, piece: Piece, max_words: int) -> str | None:
    """The words between ``previous`` and ``piece`` when both are in one sentence, at most
    ``max_words`` apart with no other quote between; else None."""
    between = text[past_close(text, previous.span[1]) : piece.open_at]
    within = (
        previous.span[1] < piece.open_at
        and not previous.runs_on
        and text[previous.span[1] - 1] not in ".!?"  # '"What if you lose?" "We go again."': a new sentence
        and len(between.split()) <= max_words
        and not SENTENCE_END.search(between)
        and not QUOTE_MARK.search(between)
    )
    return between if within else None


def opens_paragraph_after(
    text: str, previous: FoundQuote, piece: Piece, floor: int, paragraph_starts: list[int]
) -> bool:
    """Does ``piece`` open the paragraph right after the one that ends with ``previous``?

    News style goes on with a speaker's words in a new paragraph without saying again who speaks.
    """
    if piece.open_at != floor or previous.span[1] >= floor:
        return False
    before = paragraph_starts[bisect_right(paragraph_starts, floor - 1) - 1]
    tail = text[past_close(text, previous.span[1]) : floor].strip()  # at most the attribution: '", she said.'
    ends = [m for m in SENTENCE_END.finditer(tail) if m.group() != "\n"]
    return previous.span[0] >= before and len(ends) <= 1 and len(tail.split()) <= MAX_SPEAKER_WORDS


def _sentences_between(text: str, start: int, end: int) -> int:
    """How many sentence ends lie between ``start`` and ``end``."""
    return sum(1 for _ in SENTENCE_END.finditer(text, start, end))


def consecutive(text: str, previous: FoundQuote, piece: Piece, floor: int, rules: Rules) -> bool:
    """Does ``piece`` open the sentence right after the one that quoted ``previous``?"""
    if previous.span[1] < floor:
        return False  # another paragraph
    _, before = sentence_before(text, piece.open_at, floor)
    if before.strip() or QUOTE_MARK.search(text, past_close(text, previous.span[1]), piece.open_at):
        return False
    # '"A," said Lee, who lives in Hull. "B."' goes on; '"A." Ann Cole, who ..., said she was
    # shocked. "B."' does not: a quote that ended its sentence is followed by a sentence of its own,
    # whose name may be the next quote's speaker
    names_from = past_close(text, previous.span[1])
    assert previous.speaker is not None
    if text[previous.span[1] - 1 : previous.span[1]] not in ".!?":
        # the attribution's own sentence is the quote's; a sentence after it ('"A," said Ann
        # Lee. Tom Hale disagreed. "B."') may name the next quote's speaker
        attribution_end = SENTENCE_END.search(text, names_from, piece.open_at)
        if attribution_end is None:
            return True
        # ... but only when it names the quote's speaker: after a quote that took its speaker from
        # the one before, the sentence after it is a sentence of its own ('"B," Digital prints
        # cost less, said Ms Deans. "C."': Ms Deans, not B's speaker, may speak next)
        attributes = names_from <= previous.speaker[0] < attribution_end.end()
        if attributes and _sentences_between(text, attribution_end.end(), piece.open_at) > 1:
            # the account goes on for sentences of its own (one, "She was angry.", may stand between):
            # the quote is not right after ('"A," said Lee, who … . This facial is … . Gel is … .
            # "B," a nurse explains': not Lee)
            return False
        return not names_someone(
            text, attribution_end.end() if attributes else names_from, piece.open_at, previous.speaker, rules
        )
    for name in CAPITALISED.finditer(text, names_from, piece.open_at):
        word = name.group().lower().rstrip(".")
        known = word in rules.titles or word in rules.stops or rules.pronoun.match(word)
        if not previous.speaker[0] <= name.start() < previous.speaker[1] and not known:
            return False
    return True

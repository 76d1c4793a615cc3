"""The sentence right after a quote, read for what it says of the quote: whose words an agency
"quoted … as saying", that it opens the next quote instead ('Mr Pugh said: "…"'), or that a
paragraph or caption was run on without its stop, so the name after it may not be the speaker.
"""

from __future__ import annotations

import re

from service.nlp.attribution import Rules
from service.nlp.quote_marks import Piece
from service.nlp.speakers import speaker_in

Span = tuple[int, int]

# '"…." Apcom quoted several lawmakers as saying': whose words the agency gives (the object)
_QUOTED_AS = re.compile(
    r"[\s,]*(?:[^.!?;:\"“”«»]{0,80}?\s)?(?:quoted|quotes|cited|cites)\s+"
    r"(?P<who>[^.!?;:\"“”«»]{1,80}?)\s+as\s+(?:saying|telling|stating|writing)\b",
    re.IGNORECASE,
)
_OPENS_NEXT = re.compile(r"\s*:\s*[\"“”«»„‘'’]")  # 'Mr Pugh said: "…"': the next quote's attribution
_REPORT_WORDS = 4  # "said the DHS's supervision would go on": more than "said on Tuesday"
_INTRO = re.compile(r"(\w+)\s*:\s*$")  # "She said: '…'"
_COLON_QUOTE = re.compile(r"[^.!?\"“”«»„‘'’\n]{0,80}:\s*[\"“”«»„‘'’]")


def quoted_as(text: str, after: str, after_at: int, rules: Rules) -> tuple[tuple[Span, bool] | None] | None:
    """'"…." Apcom quoted several lawmakers as saying': the words of whom it quoted, when they are
    named (or a pronoun says who), as a 1-tuple; ``(None,)`` when they are not (relayed words of
    someone unnamed). None: no such sentence after."""
    quoted_as = _QUOTED_AS.match(after)
    if quoted_as is None or _OPENS_NEXT.match(after, quoted_as.end()):
        return None
    who = quoted_as.group("who")
    found = speaker_in(text, after_at + quoted_as.start("who"), after_at + quoted_as.end("who"), rules)
    named = rules.pronoun.fullmatch(who.strip()) or any(w[:1].isupper() for w in who.split())
    return (found if found and named else None,)


def run_on_report(text: str, piece: Piece, after: str, match: re.Match[str], rules: Rules) -> bool:
    """'… is seen as 'the fit parent' Earlier this month, Judge Lee said the agency would …': a
    quote with no stop or comma in its marks, then a capital (a paragraph or caption run on
    without its stop) and someone reporting more: whose words the quote is, is not sure. Not
    after 'She said:', which names its speaker."""
    closing = text[piece.span[0] : piece.span[1]].rstrip("\"'”’")
    reported = after[match.end() :].split(".", maxsplit=1)[0].split()
    intro = _INTRO.search(text, max(0, piece.open_at - 40), piece.open_at)
    return (
        match.group("pre") is not None
        and closing[-1:] not in ",.!?…;:—-"
        and after.strip()[:1].isupper()
        and len(reported) >= _REPORT_WORDS
        and not (intro and rules.verb.fullmatch(intro.group(1)))
    )


def opens_next(text: str, piece: Piece, after: str, match: re.Match[str]) -> bool:
    """'"… Valley?" Responding to her, Mr Pugh said: "…"': the attribution after a quote that
    ends its sentence opens the next quote, with a colon; it is not this one's."""
    if text[piece.span[1] - 1 : piece.span[1]] == ",":
        return False  # '"…," he said: "…"': his, both
    post = match.group("post")
    # "Another guard, Beau James, commented on the photo: '…'": the colon may come later
    return bool(
        _OPENS_NEXT.match(after, match.end())
        or _COLON_QUOTE.match(after, match.end())
        or (post and _COLON_QUOTE.search(post))
    )


# "despite a call for him to "pause for thought" from Charles Kennedy": words a noun of speech
# gives to the one named after the quote
_SPEECH_NOUN = re.compile(
    r"\b(?:call|calls|plea|appeal|demand|warning|criticism|attack|accusation|praise|message|request|"
    r"rebuke|jibe|charge|claim|threat|pledge|promise)\b[^.!?\"“”«»]{0,60}$"
)
_FROM_NAME = re.compile(  # "from Charles Kennedy", "from J. K. Rowling": one line, one name
    r"\s+from\s+((?:[^\W\d_a-z](?:[\w'’-]*|\.) +){1,3}[^\W\d_a-z][\w'’-]*)(?=[\s.,;:!?]|$)"
)


def from_speaker(text: str, piece: Piece, after_at: int, rules: Rules) -> tuple[Span, bool] | None:
    """'a call for him to "pause for thought" from Charles Kennedy': the named one's words, when
    a noun of speech before the quote governs it and a full name follows "from"."""
    closing = text[piece.span[0] : piece.span[1]].rstrip()
    named = _FROM_NAME.match(text, after_at)
    if (
        named is None
        or closing[-1:] in ".!?"
        or not _SPEECH_NOUN.search(text, max(0, piece.open_at - 90), piece.open_at)
    ):
        return None
    return speaker_in(text, named.start(1), named.end(1), rules)

"""Direct quotes of an article and who the article says spoke them, by rules (en, es, de, fr).

* **Marks.** Quotation marks are paired paragraph by paragraph: “…” and „…“ / „…”, «…» and »…«,
  ‘…’ (an opening ‘ at a word start, a closing ’ not followed by a letter, so "don’t" is not a
  mark) and straight "…" (opening where a quote can open: after white space or an opening bracket).
  A quote left open at the end of its paragraph runs over into the next one, as news style writes
  long quotes; each paragraph's part is its own quote.
* **Attribution.** The words after the closing mark (``"…," she said``, ``"…", sagte Merz``,
  ``« … », a déclaré le ministre``) or before the opening one (``X said: "…"``, ``according to X,
  "…"``, ``X: "…"``, ``Sánchez afirmó que "…"``) name the speaker: a name, a pronoun or a body ("the
  Scottish government").  A quote with no attribution of its own continues the speaker of the quote
  just before it in the same paragraph, or of the paragraph it runs over from.
* **Scare quotes** ("the 'coalition of the willing'") are not quotes of anyone: a short quoted
  phrase counts only when the sentence attributes it (``X called the plan "a disaster"``).

``find_quotes`` answers spans only; ``service.nlp.speakers`` turns the speaker's words into one of
the digest's actors.  A speaker the rules cannot name is ``None``: a missing speaker is better
than a wrong one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any

from service.nlp.rank import stop_words
from service.nlp.roles import title_words

Span = tuple[int, int]

MIN_UNATTRIBUTED_WORDS = 5  # a quoted phrase shorter than this needs an attribution to count
MAX_SPEAKER_WORDS = 12  # words between a sentence start and an attribution verb
MAX_PARTIAL_GAP_WORDS = 8  # "X described the plan as" before a partial quote
MAX_DESCRIPTION_WORDS = 5  # "the world indoor champion"
_DEFINITE = frozenset({"the", "el", "la", "le", "der", "die", "das"})
MAX_TITLE_WORDS = 3  # "executive producer" between a show's name and its producer's

_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_MARK = re.compile(r"[\"'“”„‟«»‘’‹›]")
_CLOSERS = {"“": "”“", "„": "“”", "«": "»", "»": "«", "‘": "’", '"': '"', "'": "'", "‹": "›", "‟": "”"}
# A quotation mark, but not an apostrophe inside a word ("BP's", "don’t").
_QUOTE_MARK = re.compile(r"[\"“”„‟«»‹›]|(?<!\w)['‘’]|['‘’](?![^\W\d_])")
_AMBIGUOUS = "‘'\""  # also apostrophes or closing marks: they open only where a quote can open
_OPEN_CONTEXT = re.compile(r"(?:^|[\s(\[{—–\-:/])$")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_CAPITAL = re.compile(r"[^\W\d_a-zß-ÿ]")


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


def _alternation(words: str) -> str:
    """A regex for any of ``a|b c|...``: longest first, any white space between words, and never
    inside a hyphenated word ("so-called" is not "called")."""
    escaped = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words.split("|")), key=len, reverse=True)
    return r"(?<![\w-])(?:" + "|".join(escaped) + ")"


# Verbs that report speech, as the article writes them (past and present; French compound forms).
_VERBS = {
    "en": "said|says|say|told|tells|added|adds|stated|states|explained|explains|insisted|insists|warned|"
    "warns|argued|argues|claimed|claims|wrote|writes|noted|notes|asked|asks|replied|replies|declared|"
    "declares|announced|announces|continued|continues|admitted|admits|suggested|suggests|urged|urges|"
    "acknowledged|acknowledges|commented|comments|remarked|remarks|recalled|recalls|tweeted|tweets|"
    "posted|confirmed|confirms|pointed out|points out|went on|goes on|concluded|concludes|predicted|"
    "promised|promises|vowed|vows|conceded|concedes|stressed|stresses|emphasised|emphasized|"
    "complained|complains|joked|jokes|revealed|reveals|observed|told reporters|told the BBC",
    "es": "dijo|dice|afirmó|afirma|declaró|declara|aseguró|asegura|señaló|señala|explicó|explica|añadió|"
    "añade|indicó|indica|advirtió|advierte|manifestó|comentó|sostuvo|sostiene|subrayó|subraya|agregó|"
    "agrega|insistió|recordó|destacó|apuntó|reconoció|escribió|preguntó|respondió|concluyó|admitió",
    "de": "sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|meinte|meint|warnte|warnt|schrieb|"
    "schreibt|ergänzte|ergänzt|kritisierte|kritisiert|bekräftigte|versicherte|fragte|antwortete|"
    "räumte ein|fügte hinzu|teilte mit|sagte er|sagte sie|so",
    "fr": "a déclaré|a dit|a affirmé|a expliqué|a ajouté|a souligné|a indiqué|a assuré|a averti|a estimé|"
    "a précisé|a lancé|a confié|a reconnu|a écrit|a martelé|a insisté|avait déclaré|avait dit|déclare|"
    "dit|affirme|explique|ajoute|souligne|indique|assure|estime|précise|lance|confie|reconnaît|écrit|"
    "martèle|insiste|poursuit|conclut",
}
# The verb comes first when the speaker follows the quote ("…", said Ms Lee; « … », a déclaré X).
_PARTIAL_VERBS = {
    "en": "called|calls|described|describes|branded|brands|labelled|labeled|dubbed|termed|hailed|hails|"
    "dismissed|dismisses",
    "es": "calificó|califica|describió|describe|llamó|llama|tildó|definió",
    "de": "nannte|nennt|bezeichnete|bezeichnet|beschrieb|beschreibt",
    "fr": "a qualifié|qualifie|a décrit|décrit|a jugé|juge|a appelé|appelle",
}
_ACCORDING = {"en": "according to", "es": "según", "de": "laut|zufolge", "fr": "selon|d'après|d’après"}
_PRONOUNS = {
    "en": "he|she|they|it|we|i",
    "es": "él|ella|ellos|ellas",
    "de": "er|sie",
    "fr": "il|elle|ils|elles",
}
# French and German inversions put the pronoun on the verb: "a-t-il déclaré", "sagte er".
_INVERTED = re.compile(r"-t-(?:il|elle)\b|\b(?:sagte|erklärte|betonte|meinte) (?:er|sie)\b", re.IGNORECASE)
# A body's voice: "a Jive spokeswoman said" is Jive speaking.
_REPRESENTATIVES = words(
    "spokesman spokeswoman spokesperson official officials representative portavoz sprecher sprecherin "
    "porte-parole"
)
# Nouns that make a body of the name before them: "the Scottish government said".
BODY_NOUNS = words(
    "government council ministry department police party company firm club court army commission office "
    "agency union board committee authority authorities gobierno ministerio policía partido empresa "
    "ayuntamiento regierung ministerium polizei partei unternehmen gouvernement ministère parti "
    "entreprise mairie"
)
_SPOKES = re.compile(
    r"\b(?:spokes(?:man|woman|person)|representative|portavoz|sprecher(?:in)?|porte-parole)\s+"
    r"(?:for|of|at|from|de(?:l)?|von|der|des|du)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A quote of the article: the quoted words, and the words that name who said them."""

    span: Span  # the quoted words, without the marks, never padded with white space
    speaker: Span | None  # the article's words that name the speaker for this quote
    pronoun: bool = False  # the speaker is named by a pronoun ("she said")
    runs_on: bool = False  # the quote goes on in the next paragraph (no closing mark here)


@dataclass(frozen=True, slots=True)
class _Piece:
    open_at: int  # the opening mark
    close_at: int  # the closing mark, or the end of the paragraph when the quote runs on
    span: Span
    runs_on: bool
    continues: bool  # the paragraph's first piece, going on from a quote left open before it
    unclosed: bool = False  # ended by the next quote's opening mark, not a closing one


@dataclass(frozen=True)
class _Rules:
    after: re.Pattern[str]  # attribution after the closing mark
    before: re.Pattern[str]  # attribution before the opening mark
    partial: re.Pattern[str]  # "X called it" before a partial quote
    pronoun: re.Pattern[str]  # a chunk that is just a pronoun
    a_pronoun: re.Pattern[str]  # a pronoun anywhere in a chunk
    titles: frozenset[str]  # words before a name that are not part of it ("Prime Minister", "Mr")
    stops: frozenset[str]  # a capitalised stop word is a sentence opening, not a name


def _rules(language: str) -> _Rules:
    lang = language if language in _VERBS else "en"
    verbs, according = _alternation(_VERBS[lang]), _alternation(_ACCORDING[lang])
    partial_verbs = _alternation(_PARTIAL_VERBS[lang])
    flags = re.IGNORECASE
    return _Rules(
        # , said X. | , X said. | , according to X. | — so X (German "…", so Merz)
        after=re.compile(
            rf"^[\s,;:.!?—–-]*(?:(?P<verb>{verbs})\b(?P<post>[^.!?\n]*)|(?P<acc>{according})\s+(?P<who>[^.!?\n]*)"
            rf"|(?P<pre>[^.!?\n\"“”«»]*?)\b(?:{verbs})\b)",
            flags,
        ),
        # X said: | X said that | according to X, | X:
        before=re.compile(
            rf"(?:(?P<pre>[^.!?\n\"“”«»]*?)\b(?:{verbs})\b(?:\s+(?:that|que|dass|qu['’]))?"
            rf"(?:[^.!?\n\"“”«»:]{{0,80}}(?=:))?"
            rf"|(?P<acc>{according})\s+(?P<who>[^.!?\n\"“”«»,]*),|(?P<colon>[^.!?\n\"“”«»:]*)):?\s*$",
            flags,
        ),
        partial=re.compile(
            rf"(?P<pre>[^.!?\n\"“”«»]*?)\b(?:{verbs}|{partial_verbs})\b(?P<gap>[^.!?\n\"“”«»]*)$", flags
        ),
        pronoun=re.compile(rf"^\s*(?:{_alternation(_PRONOUNS[lang])})\s*$", flags),
        a_pronoun=re.compile(rf"\b(?:{_alternation(_PRONOUNS[lang])})\b", flags),
        titles=title_words(lang),
        stops=stop_words(lang),
    )


_RULES: dict[str, _Rules] = {}


def _rules_for(language: str) -> _Rules:
    rules = _RULES.get(language)
    if rules is None:
        rules = _RULES[language] = _rules(language)
    return rules


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and (text[start].isspace() or text[start] in "\u200b\u200e\u200f"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u200b\u200e\u200f"):
        end -= 1
    return start, end


def _opens(text: str, at: int, mark: str, paragraph_start: int) -> bool:
    """Can the mark at ``at`` open a quote?"""
    after = text[at + 1 : at + 2]
    if not after or (after.isspace() and mark not in "«»„"):
        return False
    if mark in _AMBIGUOUS:
        return bool(_OPEN_CONTEXT.search(text, max(paragraph_start, at - 1), at)) or at == paragraph_start
    if mark == "»":  # »…« (German style) opens only before a word
        return after.isalnum()
    return mark in _CLOSERS


def _closes(text: str, at: int, mark: str, opener: str) -> bool:
    if mark not in _CLOSERS[opener]:
        return False
    if mark in "’'":  # an apostrophe ("don’t", "Ukraine’s") is followed by a letter
        after = text[at + 1 : at + 2]
        return not after.isalpha() and not text[at - 1 : at].isspace()
    return True


def _reopens(text: str, at: int, mark: str, opener: str, paragraph_start: int) -> bool:
    """A mark inside a quote that opens the next one: the writer left the first one unclosed.

    '"I won the race. "That is when he came past' is two quotes: a closing mark follows a word,
    this one follows a space and comes before one.
    """
    return (
        mark == opener
        and mark in _AMBIGUOUS
        and text[at - 1 : at].isspace()
        and _opens(text, at, mark, paragraph_start)
    )


def _pieces(text: str) -> list[_Piece]:
    """Every quoted stretch of every paragraph, in order."""
    pieces: list[_Piece] = []
    starts = [0] + [m.end() for m in _PARAGRAPH.finditer(text)]
    ends = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    running_on = False
    for start, end in zip(starts, ends, strict=True):
        opener: str | None = None
        open_at = -1
        first = True
        for match in _MARK.finditer(text, start, end):
            at, mark = match.start(), match.group()
            if opener is None:
                if _opens(text, at, mark, start):
                    opener, open_at = mark, at
                continue
            if _reopens(text, at, mark, opener, start):
                span = _trim(text, open_at + 1, at)
                if span[0] < span[1]:
                    pieces.append(_Piece(open_at, at, span, False, first and running_on, unclosed=True))
                first = False
                open_at = at
            elif _closes(text, at, mark, opener):
                span = _trim(text, open_at + 1, at)
                if span[0] < span[1]:
                    pieces.append(_Piece(open_at, at, span, False, first and running_on))
                first = False
                opener = None
        running_on = False
        if opener is not None:
            span = _trim(text, open_at + 1, end)
            if span[0] < span[1]:
                pieces.append(_Piece(open_at, end, span, True, first and running_on))
                running_on = True
    return pieces


def _sentence_after(text: str, at: int) -> str:
    end = _SENTENCE_END.search(text, at)
    return text[at : end.start() + 1 if end else len(text)]


def _sentence_before(text: str, at: int, floor: int) -> tuple[int, str]:
    """The sentence's text before ``at`` (from its start, or the last closing quote mark)."""
    start = floor
    for match in _SENTENCE_END.finditer(text, floor, at):
        start = match.end()
    for match in _QUOTE_MARK.finditer(text, start, at):
        start = match.end()  # another quote's mark: what is before it is not about this quote
    return start, text[start:at]


_CONNECTORS = frozenset(["of", "for", "de", "del", "van", "von", "der", "la", "le", "du", "and", "&"])


def _name_runs(text: str, start: int, end: int) -> list[Span]:
    """Runs of capitalised words in ``text[start:end]`` ("Bank of England", "Sir Keir Starmer").

    A possessive ends a run: "Amazon's Robin Terrell" is "Amazon" and "Robin Terrell".
    """
    runs: list[Span] = []
    run: list[Span] = []  # capitalised words and connectors of the current run
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        gap = text[run[-1][1] : match.start()] if run else ""
        joined = bool(run) and gap == " "
        if _CAPITAL.match(word):
            if not joined:
                runs += _closed(run, text)
                run = []
            run.append(match.span())
            if word.endswith(("'s", "’s")):
                runs += _closed(run, text)
                run = []
        elif joined and word.lower() in _CONNECTORS:
            run.append(match.span())
        else:
            runs += _closed(run, text)
            run = []
    return runs + _closed(run, text)


def _closed(run: list[Span], text: str) -> list[Span]:
    """The run without connectors at its end, as one span (none if it is empty)."""
    while run and text[run[-1][0] : run[-1][1]].lower() in _CONNECTORS:
        run = run[:-1]
    return [_strip_possessive(text, run[0][0], run[-1][1])] if run else []


def _strip_possessive(text: str, start: int, end: int) -> Span:
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


def _with_body_noun(text: str, span: Span, limit: int) -> Span:
    """ "Scottish" + " government": a capitalised word naming a body that speaks as one."""
    match = re.match(r"\s+([^\W\d_]+)", text[span[1] : limit])
    if match and match.group(1).lower() in BODY_NOUNS and match.group(1).islower():
        return span[0], span[1] + match.end()
    return span


def _speaker_in(text: str, start: int, end: int, rules: _Rules) -> tuple[Span, bool] | None:
    """The words of ``text[start:end]`` that name the speaker, and whether they are a pronoun.

    The speaker is the first name of the phrase, unless that name only owns or titles the next one.
    """
    chunk = text[start:end]
    last_comma = chunk.rstrip().rfind(",")
    if last_comma >= 0 and rules.pronoun.match(chunk[last_comma + 1 :]):  # "Earlier, she said"
        start += last_comma + 1
        chunk = text[start:end]
    if rules.pronoun.match(chunk):
        s, e = _trim(text, start, end)
        return (s, e), True
    spokes = _SPOKES.search(chunk)
    if spokes:  # "a spokesman for Tesco": Tesco speaks
        start = start + spokes.end()
    runs = [run for run in (_clean_run(text, run, rules) for run in _name_runs(text, start, end)) if run]
    if not runs:
        pronoun = rules.a_pronoun.search(chunk)
        if pronoun and len(chunk.split()) <= 2:
            return (start + pronoun.start(), start + pronoun.end()), True
        return _description(text, start, end, rules)
    first = next((i for i, run in enumerate(runs) if _opens_phrase(text, start, run, rules)), None)
    if first is None:
        return None  # "A message sent to Finnish firm F-Secure by Google's team said": unclear
    chosen = runs[first]
    for run in runs[first + 1 :]:
        if not _owner_or_title(text, chosen, run, rules):
            break
        chosen = run
    return _with_body_noun(text, chosen, end), False


def _opens_phrase(text: str, start: int, run: Span, rules: _Rules) -> bool:
    """Does the name open its phrase (only titles or articles before it, since a comma or the start)?

    A name deeper in the phrase ("a message sent to Finnish firm F-Secure") is not its subject.
    """
    comma = text.rfind(",", start, run[0])
    lead = text[(comma + 1 if comma >= 0 else start) : run[0]]
    return all(w.lower().rstrip(".") in rules.titles or w.lower() in rules.stops for w in _WORD.findall(lead))


def _owner_or_title(text: str, run: Span, following: Span, rules: _Rules) -> bool:
    """Is ``run`` only the owner or title of the name after it?

    "Amazon's Robin Terrell", "LSE chief executive Clara Furse", "Richard and Judy executive producer
    Amanda Ross": yes; "Jeremy Philpott of the UK Patent Office", "Bob Dudley, BP's chief
    executive": no.
    """
    between = text[run[1] : following[0]]
    if between.startswith(("'s", "’s")):
        return True
    words = [w.lower() for w in _WORD.findall(between)]
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and not re.search(r"[,;:()]", between)
        and all(w in rules.titles or (w not in rules.stops and w.isalpha()) for w in words)
    )


def _description(text: str, start: int, end: int, rules: _Rules) -> tuple[Span, bool] | None:
    """ "The world indoor champion said": a definite description of a person named before.

    It stands for someone like a pronoun does; "a spokeswoman" (someone new, unnamed) and "the
    company" (a body, not a person) do not.
    """
    words = list(_WORD.finditer(text, start, end))
    if not 2 <= len(words) <= MAX_DESCRIPTION_WORDS or words[0].group().lower() not in _DEFINITE:
        return None
    head = words[-1].group().lower()
    if head in BODY_NOUNS or head in _REPRESENTATIVES or any(_CAPITAL.match(w.group()) for w in words[1:]):
        return None
    return (words[0].start(), words[-1].end()), True


def _clean_run(text: str, run: Span, rules: _Rules) -> Span | None:
    """The name in a run of capitalised words, without the titles and openings before it.

    "Prime Minister Keir Starmer" is "Keir Starmer"; "The" alone is no name.
    """
    start, end = run
    for word in _WORD.finditer(text, start, end):
        low = word.group().lower().rstrip(".")
        if low not in rules.titles and low not in rules.stops:
            break
        start = word.end()
    start, end = _trim(text, start, end)
    return (start, end) if start < end and _CAPITAL.match(text, start) else None


def _attribution(text: str, piece: _Piece, paragraph_start: int, rules: _Rules) -> tuple[Span, bool] | None:
    """Who the words around the quote say spoke it."""
    after_at = piece.close_at + 1
    after = _sentence_after(text, after_at)
    if _INVERTED.search(after[:40]):
        inverted = _INVERTED.search(text, after_at, after_at + 40)
        assert inverted is not None
        word = re.search(r"(il|elle|er|sie)$", inverted.group(), re.IGNORECASE)
        assert word is not None
        return (inverted.start() + word.start(), inverted.end()), True
    match = rules.after.match(after)
    if match and not piece.runs_on and not piece.unclosed:
        if match.group("verb"):
            found = _speaker_in(text, after_at + match.start("post"), after_at + match.end("post"), rules)
            if found:
                return found
        elif match.group("acc"):
            found = _speaker_in(text, after_at + match.start("who"), after_at + match.end("who"), rules)
            if found:
                return found
        elif match.group("pre") is not None and len(match.group("pre").split()) <= MAX_SPEAKER_WORDS:
            found = _speaker_in(text, after_at + match.start("pre"), after_at + match.end("pre"), rules)
            if found:
                return found
    chunk_start, before = _sentence_before(text, piece.open_at, paragraph_start)
    match = rules.before.search(before)
    if match:
        if match.group("pre") is not None and len(match.group("pre").split()) <= MAX_SPEAKER_WORDS:
            return _speaker_in(text, chunk_start + match.start("pre"), chunk_start + match.end("pre"), rules)
        if match.group("acc"):
            return _speaker_in(text, chunk_start + match.start("who"), chunk_start + match.end("who"), rules)
        colon = match.group("colon")
        if colon is not None and before.rstrip().endswith(":") and 0 < len(colon.split()) <= 4:
            return _speaker_in(
                text,
                chunk_start + match.start("colon"),
                chunk_start + match.end("colon"),
                rules,
            )
    return None


_REPORTED = object()  # a reporting verb governs the quote, but no name says who spoke


def _partial_attribution(text: str, piece: _Piece, paragraph_start: int, rules: _Rules) -> Any:
    """``X called the plan "a disaster"``: a short quote inside a sentence that reports speech.

    The speaker's words and whether they are a pronoun; ``_REPORTED`` when the sentence reports
    speech without naming anyone ("A spokeswoman said work would start "as soon as possible"").
    """
    chunk_start, before = _sentence_before(text, piece.open_at, paragraph_start)
    match = rules.partial.search(before)
    if not match or len(match.group("gap").split()) > MAX_PARTIAL_GAP_WORDS:
        return None
    if len(match.group("pre").split()) > MAX_SPEAKER_WORDS:
        return _REPORTED
    found = _speaker_in(text, chunk_start + match.start("pre"), chunk_start + match.end("pre"), rules)
    return found or _REPORTED


def _previous_sentence(
    text: str, piece: _Piece, paragraph_start: int, rules: _Rules
) -> tuple[Span, bool] | None:
    """'She added that progress had been made. "The average woman ..."': the sentence before says who.

    Only for a quote that opens its sentence, after a sentence of reported speech with no quote.
    """
    chunk_start, before = _sentence_before(text, piece.open_at, paragraph_start)
    if before.strip() or chunk_start <= paragraph_start:
        return None
    previous_start, previous = _sentence_before(text, chunk_start - 1, paragraph_start)
    if _QUOTE_MARK.search(previous):
        return None
    match = rules.partial.search(previous + " ")
    if not match or len(match.group("pre").split()) > MAX_SPEAKER_WORDS:
        return None
    return _speaker_in(text, previous_start + match.start("pre"), previous_start + match.end("pre"), rules)


def find_quotes(text: str, language: str = "en") -> list[FoundQuote]:
    """The article's direct quotes in order, each with the words that name its speaker (or None)."""
    rules = _rules_for(language)
    paragraph_starts = [0] + [m.end() for m in _PARAGRAPH.finditer(text)]
    found: list[FoundQuote] = []
    pieces_unclosed: list[bool] = []
    for piece in _pieces(text):
        floor = paragraph_starts[bisect_right(paragraph_starts, piece.open_at) - 1]
        said = _attribution(text, piece, floor, rules) or _partial_attribution(text, piece, floor, rules)
        reported = said is not None
        if said is _REPORTED:
            said = None
        previous = found[-1] if found else None
        # A quote run over from the paragraph before, or the next sentence of the same speech
        # ('"A," he said. "B."'): the same speaker.
        if (
            said is None
            and previous is not None
            and previous.speaker is not None
            and (
                (piece.continues and previous.runs_on)
                or _consecutive(text, previous, piece, floor)
                or _opens_paragraph_after(text, previous, piece, floor, paragraph_starts)
            )
        ):
            said = (previous.speaker, previous.pronoun)
        words_quoted = len(text[piece.span[0] : piece.span[1]].split())
        if not reported and said is None and words_quoted < MIN_UNATTRIBUTED_WORDS and not piece.continues:
            continue  # a scare quote, a title or a term, not anyone's words
        speaker, pronoun = said if said else (None, False)
        if piece.continues and previous is not None and previous.runs_on and previous.speaker is None:
            # the attribution came in the paragraph the quote ran on into: it is the first part's too
            found[-1] = replace(previous, speaker=speaker, pronoun=pronoun)
        if speaker is None:
            said = _previous_sentence(text, piece, floor, rules)
            speaker, pronoun = said if said else (None, False)
        found.append(FoundQuote(piece.span, speaker, pronoun, piece.runs_on))
        pieces_unclosed.append(piece.unclosed)
    # '"A. "B," she said.': a quote its writer left unclosed is the next one's speaker's
    for i in range(len(found) - 2, -1, -1):
        if found[i].speaker is None and pieces_unclosed[i] and found[i + 1].speaker is not None:
            found[i] = replace(found[i], speaker=found[i + 1].speaker, pronoun=found[i + 1].pronoun)
    return found


def _opens_paragraph_after(
    text: str, previous: FoundQuote, piece: _Piece, floor: int, paragraph_starts: list[int]
) -> bool:
    """Does ``piece`` open the paragraph right after the one that ends with ``previous``?

    News style goes on with a speaker's words in a new paragraph without saying again who speaks.
    """
    if piece.open_at != floor or previous.span[1] >= floor:
        return False
    before = paragraph_starts[bisect_right(paragraph_starts, floor - 1) - 1]
    tail = text[previous.span[1] + 1 : floor].strip()  # at most the attribution: '", she said.'
    ends = [m for m in _SENTENCE_END.finditer(tail) if m.group() != "\n"]
    return previous.span[0] >= before and len(ends) <= 1 and len(tail.split()) <= MAX_SPEAKER_WORDS


def _consecutive(text: str, previous: FoundQuote, piece: _Piece, floor: int) -> bool:
    """Does ``piece`` open the sentence right after the one that quoted ``previous``?"""
    if previous.span[1] < floor:
        return False  # another paragraph
    _, before = _sentence_before(text, piece.open_at, floor)
    return not before.strip() and not _QUOTE_MARK.search(text, previous.span[1] + 1, piece.open_at)

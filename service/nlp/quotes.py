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
  just before it in the same paragraph, or of the paragraph it runs over from (never after a
  question, nor past a sentence that names someone else), or is given by the sentence or
  paragraph before it (``quote_context``).
* **Scare quotes** ("the 'coalition of the willing'") are not quotes of anyone: a short quoted
  phrase counts only when the sentence attributes it (``X called the plan "a disaster"``).

Marks are paired by ``quote_marks``, the speaker's words found by ``speakers``; ``find_quotes``
answers spans only and ``service.grounding.quotes`` turns the speaker's words into one of the
digest's actors.  A speaker the rules cannot name is ``None``: a missing speaker is better
than a wrong one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any

from service.nlp.after_quote import from_speaker, opens_next, quoted_as, run_on_report
from service.nlp.attribution import BODY_NOUNS, DOCUMENT_NOUNS, INVERTED, Rules, rules_for
from service.nlp.headlines import headline_of, headline_speaker
from service.nlp.quote_context import MAX_SPEAKER_WORDS, previous_sentence, subject_words
from service.nlp.quote_marks import (
    PARAGRAPH,
    Piece,
    article_pieces,
    sentence_after,
    sentence_before,
)
from service.nlp.quote_runs import asks, consecutive, opens_paragraph_after, participle_after, same_sentence
from service.nlp.speaker_phrases import document_aside, relative_pronoun
from service.nlp.speakers import speaker_in

__all__ = ["BODY_NOUNS", "FoundQuote", "find_quotes"]

Span = tuple[int, int]

MIN_UNATTRIBUTED_WORDS = 5  # a quoted phrase shorter than this needs an attribution to count
MAX_PARTIAL_GAP_WORDS = 24  # "X says that the growth of ... led to a decline in the" before a partial quote
# "..., while the Liberal Democrats said it was misdirected": someone else's statement, not this
# quote's attribution
_CLAUSE_OPENING = re.compile(
    r"^\W*(?:while|whereas|but|and|although|though|as|because|when|if|after|before|since|y|pero|mientras|"
    r"und|aber|während|et|mais|alors)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A quote of the article: the quoted words, and the words that name who said them."""

    span: Span  # the quoted words, without the marks, never padded with white space
    speaker: Span | None  # the article's words that name the speaker for this quote
    pronoun: bool = False  # the speaker is named by a pronoun ("she said")
    runs_on: bool = False  # the quote goes on in the next paragraph (no closing mark here)
    relayed: bool = False  # words the article gives as said to or relayed by someone: no speaker
    # the speaker is the subject of the sentence before, which reports no speech ("Lee set up two
    # schools. "We put in 25 laptops.""): kept only when nobody else is named between them
    context: bool = False


# ", says Acme," inside a sentence: a name (its titles, an article) and nothing else
_CAPITALISED_WORD = r"[^\W\d_a-zß-ÿ][\w'’.&-]*"
_ASIDE = re.compile(rf"\s+((?:(?:the|a|an)\s+)?{_CAPITALISED_WORD}(?:\s+&?\s*{_CAPITALISED_WORD})*),")
HEARSAY_REACH_CHARS = 60  # "reportedly" and up to two words before a quote
# "was reportedly 'beside himself'": words given as someone's, whoever said them
_HEARSAY = re.compile(
    r"\b(?:reportedly|allegedly|supposedly|angeblich|supuestamente)\s+(?:[\w'’-]+\s+){0,2}$", re.I
)
_DESCRIBED_ASIDE = re.compile(r",\s+((?:the|a|an)\s+(?:[a-z-]+\s+)?([a-z-]+))\s+$")  # ", the suit added,"
_THAT_SUBJECT = re.compile(r"\bthat\s+(?:the\s+)?[^\W\d_a-z]")  # "said that Mr Ebbers ordered …"
_REPORTED = object()  # a reporting verb governs the quote, but no name says who spoke
# words relayed by someone else ("she was told:", "guidance said …, Mr Thomas said"): reported,
# and no rule may give them a speaker (not the previous quote's, nor the next one's)
_RELAYED = object()
_QUOTED_BY = re.compile(
    r"[\s,]*(?:the|a|an)?\s*(?:[\w'’-]+\s+){0,3}(?:quotes|quoted|cites|cited)\b", re.IGNORECASE
)
_QUOTING = re.compile(r",\s*quoting\b", re.IGNORECASE)  # '…," she said, quoting her father'
# "told researchers of the hostility …:", "spoke about how …:": a topic between the verb and the
# colon; the quote after it illustrates the topic and need not be the subject's own words
_TOPIC = re.compile(r"\b(?:of|about|how)\s+(?:(?:the|a|an|her|his|their|its)\s+)?[^\W\d_A-ZÀ-Þ]")


def _relayed_before(text: str, piece: Piece, paragraph_start: int, rules: Rules) -> bool:
    """Does the quote's own sentence report speech before the quote ('Guidance said mail should
    go if it served "no current purpose", Mr Thomas said')? Then two voices report it: the one
    after the quote relays the words of the one before, and which is the speaker is not certain."""
    _, before = sentence_before(text, piece.open_at, paragraph_start)
    # lowercase only: "the United States", "Notes" are no verbs
    return any(verb.group()[:1].islower() for verb in rules.verb.finditer(before))


def _attribution(
    text: str, piece: Piece, paragraph_start: int, rules: Rules, after_match: re.Match[str] | None
) -> Any:
    """Who the words around the quote say spoke it (``after_match``: the attribution pattern on the
    sentence after the closing mark)."""
    after_at = piece.close_at + 1
    after = sentence_after(text, after_at)
    inverted = INVERTED.search(text, after_at, min(after_at + 40, after_at + len(after)))
    if inverted:
        word = re.search(r"(il|elle|er|sie)$", inverted.group(), re.IGNORECASE)
        assert word is not None
        return (inverted.start() + word.start(), inverted.end()), True
    quoted = quoted_as(text, after, after_at, rules)
    if quoted is not None:
        return quoted[0] or _RELAYED
    named_from = from_speaker(text, piece, after_at, rules)
    if named_from is not None:
        return named_from
    if after_match and run_on_report(text, piece, after, after_match, rules):
        return _RELAYED
    match = None if after_match and opens_next(text, piece, after, after_match) else after_match
    # '… as we spoke." Former MP Ann Cole said …': a quote closed by a full stop ends its
    # sentence, and a capital after it starts the next one, about something else; so does one
    # closed by a full stop and a quote it ends with ('… said, "See, it is bad."' Ann Cole said)
    closing = text[piece.span[0] : piece.span[1]].rstrip("\"'”’")
    new_sentence = closing.endswith(".") and after.strip()[:1].isupper()
    if not new_sentence and _QUOTED_BY.match(after):
        return _RELAYED  # '"…," the paper quotes a source close to Acme': the source, unnamed
    if new_sentence and text[piece.span[1] - 3 : piece.span[1]] == "..." and match:
        # '"… for nine years... " Hailey later recalled.': an ellipsis trails off, it ends no
        # sentence, when only the attribution follows
        new_sentence = match.group("pre") is None or bool(after[match.end() :].strip(" .!?"))
    if match and not piece.runs_on and not piece.unclosed and not new_sentence:
        found = None
        if match.group("verb"):
            found = speaker_in(text, after_at + match.start("post"), after_at + match.end("post"), rules)
        elif match.group("acc"):
            found = speaker_in(text, after_at + match.start("who"), after_at + match.end("who"), rules)
        elif (
            match.group("pre") is not None
            and len(match.group("pre").split()) <= MAX_SPEAKER_WORDS
            and not _CLAUSE_OPENING.match(match.group("pre"))
        ):
            found = speaker_in(text, after_at + match.start("pre"), after_at + match.end("pre"), rules)
        if found and (
            _QUOTING.search(after, match.start()) or _relayed_before(text, piece, paragraph_start, rules)
        ):
            # '"…," she said, quoting the man she knew as Uncle Ossie': his words, not hers; and
            # 'Guidance said mail should go if it served "no current purpose", Mr Thomas said': the
            # words are the guidance's, relayed by Mr Thomas; whose they are is not his to be given
            return _RELAYED
        if found:
            return found
        described = _DESCRIBED_NAME.fullmatch(match.group("post")) if match.group("verb") else None
        if described and not match.group("verb").endswith("ing"):
            # '"…," said beauty blogger Amber Katz': what she is, in words the title lists lack,
            # and her name ending the clause
            return (
                after_at + match.start("post") + described.start(1),
                after_at + match.start("post") + described.end(1),
            ), False
    chunk_start, before = sentence_before(text, piece.open_at, paragraph_start)
    # The verbs are found first and the words before one taken as its subject: a pattern with the
    # subject as a lazy prefix costs quadratic time in the sentence's length.
    verbs = list(rules.verb.finditer(before))
    for n in range(len(verbs) - 1, -1, -1):
        verb = verbs[n]
        if rules.before_tail.fullmatch(before, verb.end()):
            if not verb.group().endswith("ing") and rules.passive.search(before, 0, verb.start()):
                return _RELAYED  # "she was told:": the words were said to her, by someone unnamed
            if _TOPIC.search(before, verb.end()):
                # "Lee told researchers of the hostility she met: "…"": the quote shows what she
                # told of, words others may have said to her
                return _RELAYED
            # "He warned his supporters, saying: "…"": an -ing form has the subject of the verb before
            governing = n - 1 if n and verb.group().endswith("ing") else n
            if n and re.fullmatch(r"\s+to\s+", before[verbs[n - 1].end() : verb.start()]):
                governing = n - 1  # "He went on to say:": one subject for both verbs
            main = verbs[governing]
            if not n and verb.group().endswith("ing"):
                # "He accused Lee of "spin", adding: "…"": the -ing form's subject is that of the
                # verb that characterises speech before it
                main = next(rules.any_verb.finditer(before, 0, verb.start()), main)
            document = document_aside(text, chunk_start, chunk_start + main.start(), rules.language)
            if document is not None:
                return document, True  # a description: "The memo – drawn up by the CRS – states: "…""
            if subject_words(before[: main.start()]) > MAX_SPEAKER_WORDS:
                return None
            subject_end = chunk_start + main.start()
            subject_start = _clause_start(text, _subject_start(chunk_start, verbs, governing), subject_end)
            return relative_pronoun(text, subject_start, subject_end, rules) or speaker_in(
                text, subject_start, subject_end, rules
            )
    according = rules.according.search(before)
    if according:
        return speaker_in(
            text, chunk_start + according.start("who"), chunk_start + according.end("who"), rules
        )
    return _colon_label(text, chunk_start, before, rules)


def _colon_label(text: str, chunk_start: int, before: str, rules: Rules) -> Any:
    """ "Jane Doe: "…"": a short name before a colon speaks; a heading in capitals does not."""
    if not before.rstrip().endswith(":"):
        return None
    colon = before.rstrip()[:-1]
    label = colon.split()
    if len(label) > 1 and all(w.isupper() for w in label):
        return None  # a heading in capitals ("EXPERT VERDICT: '…'"), not a name
    if 0 < len(label) <= 4:  # "Jane Doe: "
        return speaker_in(text, chunk_start, chunk_start + len(colon), rules)
    return None


def _reported_unnamed(
    text: str, piece: Piece, paragraph_start: int, rules: Rules, after_match: re.Match[str] | None
) -> bool:
    """Is the quote given as someone's words without a name the rules can take: "… is 'laughable',
    a clergyman has said", "was reportedly 'beside himself'"? It is a quote, with no speaker."""
    if piece.runs_on or piece.unclosed:
        return False
    after = after_match
    if after and (
        after.group("verb")
        or (
            after.group("pre") is not None
            and len(after.group("pre").split()) <= MAX_SPEAKER_WORDS
            and not _CLAUSE_OPENING.match(after.group("pre"))
            and "," not in after.group("pre")  # '"Blair Babes" elected in 1997, told': another clause
            and text[piece.span[1] - 1] not in ".!?"
        )
    ):
        # a "so-called" term is never speech
        return not text[max(0, piece.open_at - 12) : piece.open_at].rstrip().endswith("so-called")
    # the words right before the mark (no need of the sentence: a few words reach)
    reach = max(paragraph_start, piece.open_at - HEARSAY_REACH_CHARS)
    return _HEARSAY.search(text, reach, piece.open_at) is not None


def _partial_attribution(text: str, piece: Piece, paragraph_start: int, rules: Rules) -> Any:
    """``X called the plan "a disaster"``: a short quote inside a sentence that reports speech.

    The speaker's words and whether they are a pronoun; ``_REPORTED`` when the sentence reports
    speech without naming anyone ("A spokeswoman said work would start "as soon as possible"").
    """
    chunk_start, before = sentence_before(text, piece.open_at, paragraph_start)
    verbs = list(rules.any_verb.finditer(before))
    verb = verbs[-1] if verbs else None  # the verb nearest the quote governs it
    if not verb or len(before[verb.end() :].split()) > MAX_PARTIAL_GAP_WORDS:
        return None
    if len(verbs) > 1 and verb.group().endswith("ing"):
        # "… when she said it was dull, while Joan Smith caused a storm by labelling it "bland"":
        # a clause of its own between the two verbs has the -ing form's subject
        clauses = list(_OWN_CLAUSE.finditer(before, verbs[-2].end(), verb.start()))
        if clauses:
            return speaker_in(text, chunk_start + clauses[-1].end(), chunk_start + verb.start(), rules)
        if _THAT_SUBJECT.search(before, verbs[-2].end(), verb.start()):
            # "Sullivan has said that Mr Ebbers ordered changes, telling him to "…"": Ebbers, by
            # the grammar, but the rules cannot be sure whose words these are
            return _REPORTED
        # "He said he was upset, saying she was "a normal kid"": the subject of the verb before
        verbs = verbs[:-1]
        verb = verbs[-1]
    # "called", "dubbed" also name things ("an initiative called the “coalition of the willing”"):
    # only a reporting verb makes an unnamed speaker's words a quote
    reported = _REPORTED if rules.verb.fullmatch(verb.group()) else None
    # "she was told" is passive; "she is promising" is not
    if not verb.group().endswith("ing") and rules.passive.search(before, 0, verb.start()):
        return _RELAYED if reported else None  # "she was told": someone unnamed spoke
    aside = _ASIDE.match(before, verb.end()) if reported else None
    if aside and before[: verb.start()].rstrip().endswith(","):
        # "The idea, says Acme, is to build a "new model"": the speaker follows the verb, set off
        # in commas; the words before it are the sentence's subject, not who speaks
        named = speaker_in(text, chunk_start + aside.start(1), chunk_start + aside.end(1), rules)
        return named if named and not named[1] else reported
    described = _DESCRIBED_ASIDE.search(before, 0, verb.start()) if reported else None
    if described and before[verb.end() :].lstrip().startswith(","):
        # "Conte's statements, the suit added, were "false"": the suit speaks, not Conte; a
        # document or a body is resolved as such, anyone else is not sure
        head = described.group(2).casefold()
        span = (chunk_start + described.start(1), chunk_start + described.end(1))
        return (span, True) if head in DOCUMENT_NOUNS or head in BODY_NOUNS else reported
    document = document_aside(text, chunk_start, chunk_start + verb.start(), rules.language)
    if document is not None and reported:
        return document, True  # a description: "The document – prepared by the CRS, … – states that … "…""
    if subject_words(before[: verb.start()]) > MAX_SPEAKER_WORDS:
        return reported
    subject_start = _clause_start(
        text, _subject_start(chunk_start, verbs, len(verbs) - 1), chunk_start + verb.start()
    )
    said = relative_pronoun(text, subject_start, chunk_start + verb.start(), rules) or speaker_in(
        text, subject_start, chunk_start + verb.start(), rules
    )
    if said is None and verb.group().endswith("ing"):
        # "He later contacted the show saying it was a "silly fuss"": the -ing form's subject is
        # the pronoun that opens the clause
        clause = rules.pronoun_clause.match(text[subject_start : chunk_start + verb.start()])
        said = ((subject_start + clause.start(1), subject_start + clause.end(1)), True) if clause else None
    return said or reported


# "beauty blogger Amber Katz" after the verb: lowercase words that say what someone is, then a
# full name ending the clause
_DESCRIBED_NAME = re.compile(
    r"\s+(?:[^\W\d_A-ZÀ-Þ][\w-]*\s+){1,3}([^\W\d_a-zß-ÿ][\w'’-]+(?:\s+[^\W\d_a-zß-ÿ][\w'’-]+){1,2})\s*"
)
# ", while Joan Smith …", "; but Ann Lee …": a clause with a subject of its own
_OWN_CLAUSE = re.compile(r"[,;]\s+(?:while|whereas|but|although|though|and)\s+(?=[^\W\d_a-zß-ÿ])")


# "… was speaking after Mr Blair told", "in what Acme calls": a clause of its own, whose subject
# is the name after the conjunction or relative pronoun, right before the verb
_SUBORDINATE = re.compile(
    r"\b(?:after|as|when|before|because|while|since|until|once|what|which|whom|how|después de que|cuando|"
    r"nachdem|als|après que|quand|lorsque)\s+(?=(?:[^\W\d_a-zß-ÿ][\w'’.-]*\s+){1,4}$"
    # "… remembered how a colleague called": someone unnamed, whom no name before stands for
    r"|(?:an?|one\s+of\s+\w+)\s+(?:[^\W\d_A-ZÀ-Þ][\w'’-]*\s+){1,3}$)"
)


def _clause_start(text: str, start: int, end: int) -> int:
    """Where the subject of the verb at ``end`` starts: after the last subordinating conjunction
    when only a capitalised name stands between it and the verb, else ``start``."""
    ends = [m.end() for m in _SUBORDINATE.finditer(text[start:end])]
    return start + ends[-1] if ends else start


def _subject_start(chunk_start: int, verbs: list[re.Match[str]], n: int) -> int:
    """Where the subject of the ``n``-th verb may start: after the verb before it ("he insisted
    the President had said": the President said it, not he)."""
    return chunk_start + (verbs[n - 1].end() if n else 0)


def find_quotes(text: str, language: str = "en") -> list[FoundQuote]:
    """The article's direct quotes in order, each with the words that name its speaker (or None)."""
    rules = rules_for(language)
    paragraph_starts = [0] + [m.end() for m in PARAGRAPH.finditer(text)]
    found: list[FoundQuote] = []
    pieces_unclosed: list[bool] = []
    headline = headline_of(text, paragraph_starts, language)
    for piece in article_pieces(text):
        floor = paragraph_starts[bisect_right(paragraph_starts, piece.open_at) - 1]
        after_match = rules.after.match(sentence_after(text, piece.close_at + 1))
        said = _attribution(text, piece, floor, rules, after_match) or _partial_attribution(
            text, piece, floor, rules
        )
        words_quoted = len(text[piece.span[0] : piece.span[1]].split())
        short = words_quoted < MIN_UNATTRIBUTED_WORDS and not piece.continues
        if said is None and short and _reported_unnamed(text, piece, floor, rules, after_match):
            said = _REPORTED  # only a short quote needs it: it is kept as someone's words
        reported = said is not None
        if said is _RELAYED:
            found.append(FoundQuote(piece.span, None, False, piece.runs_on, relayed=True))
            pieces_unclosed.append(piece.unclosed)
            continue
        if said is _REPORTED:
            said = None
        previous = found[-1] if found else None
        context = False
        if (
            said is None
            and headline is not None
            and piece.open_at < headline[1]
            and text[piece.open_at] in "'‘"
        ):
            said, reported = headline_speaker(text, headline, rules), True
        if (
            said is None
            and previous is not None
            and (same_sentence(text, previous, piece) or participle_after(text, previous, piece, rules))
        ):
            # 'an "increasingly high priority" and a "shared goal"': one attribution for both
            said, reported = (previous.speaker, previous.pronoun) if previous.speaker else None, True
            context = previous.context
        # A quote run over from the paragraph before, or the next sentence of the same speech
        # ('"A," he said. "B."'): the same speaker.
        if (
            said is None
            and previous is not None
            and previous.speaker is not None
            and (
                (piece.continues and previous.runs_on)
                or (pieces_unclosed[-1] and previous.span[1] >= floor)
                or (
                    # '"What if you lose?" asked Tom Hale. "Then we go again."': after a question
                    # the next quote may be the answer, someone else's
                    not asks(text, previous)
                    and (
                        consecutive(text, previous, piece, floor, rules)
                        or opens_paragraph_after(text, previous, piece, floor, paragraph_starts)
                    )
                )
            )
        ):
            said, context = (previous.speaker, previous.pronoun), previous.context
        if not reported and said is None and short:
            continue  # a scare quote, a title or a term, not anyone's words
        speaker, pronoun = said if said else (None, False)
        if (
            piece.continues
            and previous is not None
            and previous.runs_on
            and previous.speaker is None
            and not previous.relayed
        ):
            # the attribution came in the paragraph the quote ran on into: it is the first part's too
            found[-1] = replace(previous, speaker=speaker, pronoun=pronoun, context=context)
        if speaker is None:
            by_sentence = previous_sentence(text, piece, floor, rules)
            speaker, pronoun, context = by_sentence if by_sentence else (None, False, False)
        found.append(FoundQuote(piece.span, speaker, pronoun, piece.runs_on, context=context))
        pieces_unclosed.append(piece.unclosed)
    # '"A. "B," she said.': a quote its writer left unclosed is the next one's speaker's
    for i in range(len(found) - 2, -1, -1):
        if (
            found[i].speaker is None
            and not found[i].relayed
            and pieces_unclosed[i]
            and found[i + 1].speaker is not None
        ):
            following = found[i + 1]
            found[i] = replace(
                found[i], speaker=following.speaker, pronoun=following.pronoun, context=following.context
            )
    return found

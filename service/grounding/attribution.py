"""Who spoke a quote, as one of the digest's actors: the article's words for the speaker resolved.

* words that are one of an actor's mentions, or that name a known person by surname ("Mr Okada"),
  are that actor;
* a pronoun ("she said") is the person named last as a subject before it, and only when no other
  name (nor a titled person, "chairman Ivo Lund") stands between them that could be the one meant
  (a person named in a later sentence led by "she" is that sentence's object, as in the subject's
  own sentence);
* "it said" and "the company said" are the body that reported speech as the subject of the
  sentence just before, when nobody else is named since ("The council said ... It said"; "the
  council" only for a body whose name says so); "they said" is nobody (``previous``);
* a pronoun after a sentence led by a description ("The Tory leader was asked .... He replies")
  is the one person titled with its words;
* a description ("the mayor") is the one person the article gives that title or role, or the
  one name written right after its noun ("the magazine": "US magazine Mobile PC"), or the person
  reporting speech in the sentence right before ("Lee said …. "…," said the champion"); one with a
  capitalised word or before an auxiliary ("the Tory co-chairman", "the President had said")
  only the person titled with those very words;
* a speaker given by context (the subject of the sentence before) only a person with nobody else
  named between;
* a new full name ("Jill Marsh") or a body ("Scottish government", "UNICEF") becomes a new
  actor, with every mention the article has of it.

Anything else is ``None``: a quote is never given a speaker the article does not. The actors and
their mentions are ``service.grounding.speakers.Speakers``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.grounding.between import full_name_for, other_name_between, sentence_antecedent
from service.grounding.documents import document_author, document_before
from service.grounding.gender import contradicts
from service.grounding.names import NAME_AFTER, kind_of
from service.grounding.previous import (
    asked_by,
    body_before,
    sentence_before,
    speaker_just_before,
)
from service.grounding.speakers import Speakers
from service.grounding.titled import person_by_trade, titled_after_body
from service.nlp.attribution import (
    ADJECTIVE_COMPOUND,
    AUXILIARIES,
    BODY_NOUNS,
    DEFINITE,
    DOCUMENT_NOUNS,
    REPRESENTATIVES,
    is_person_pronoun,
    is_pronoun,
    words,
)
from service.nlp.quotes import FoundQuote
from service.schema import ActorKind

Span = tuple[int, int]

SUBJECT_BEFORE_CHARS = 300  # another subject this close before a description's person: who is meant?
# A name right after a noun that says what it is: "magazine Mobile PC", "artists Lee & Park"
_CAPITAL = r"[^\W\d_a-zß-ÿ]"  # a list follows: "the firms Acme and Bolt", "Acme, Bolt and Cato"
# Nouns that say the name after them is a body: "magazine Mobile PC" is no person
_BODY_HEADS = words(
    "magazine newspaper paper website firm company group band charity watchdog regulator broadcaster "
    "channel network agency studio publisher label"
)


# Groups that speak as one body, as the article writes them ("wrote the judges", "the jury said")
GROUP_NOUNS = words("judges jury panel organisers organizers prosecutors selectors jurado jueces richter")

# Words after which a name opens a clause of its own: "Varga won and Berg came second"
_CLAUSE_WORDS = words("and but while whereas as or y pero mientras und aber während et mais")


@lru_cache(maxsize=256)
def _named_after_pattern(head: str) -> re.Pattern[str]:
    """A name right after the noun (any case), not the first of a list ("Acme and Bolt")."""
    return re.compile(
        rf"(?<![\w-])(?i:{re.escape(head)})\s+((?>{NAME_AFTER}))(?!\s*(?:,|and\b|&|y\b|und\b|et\b)\s*{_CAPITAL})"
    )


def named_after(speakers: Speakers, head: str, before: int) -> tuple[int, Span] | None:
    """The one name the article writes right after the noun ``head`` before ``before``:
    "US magazine Mobile PC ... said the magazine", "artists Lee & Park ... said the artists".

    Two different names after the noun ("the firms Acme and Bolt"), or none: no speaker.
    """
    pattern = _named_after_pattern(head)
    names = {
        (m.start(1), m.end(1))
        for m in pattern.finditer(speakers.text, 0, before)
        if not speakers.in_quote(m.start()) and speakers._named(m.start(1), m.end(1))
    }
    if len({speakers.text[s:e] for s, e in names}) != 1:
        return None
    span = min(names)
    named = speakers.by_mention(span)
    if named is not None:
        return named
    kind: ActorKind | None = "organization" if head in _BODY_HEADS else None
    return speakers.add(span, kind=kind)


def described(speakers: Speakers, span: Span) -> tuple[int, Span] | None:
    """``_described``, once per description (the quotes a speech continues resolve it again)."""
    if span not in speakers.described:
        speakers.described[span] = _described(speakers, span)
    return speakers.described[span]


def _described(speakers: Speakers, span: Span) -> tuple[int, Span] | None:
    """The person a description ("the mayor", "la alcaldesa") stands for: the one person whose
    role, or a title written before one of their names, is the description's last word; or
    the one name written right after that word ("the magazine": "US magazine Mobile PC")."""
    head = speakers.text[span[0] : span[1]].split()[-1].casefold()
    if head in DOCUMENT_NOUNS:
        return document_author(speakers)  # "the memo says": whoever the article says wrote it
    if head in BODY_NOUNS:
        return _body_described(speakers, span, head)
    if head in REPRESENTATIVES:
        # "The Vestey Group said it owned the land. But a spokesman added:": the body speaks
        return body_before(speakers, span[0]) if len(speakers.text[span[0] : span[1]].split()) == 2 else None
    if (head.endswith("s") and not head.endswith("ss")) or head in GROUP_NOUNS:
        # "said the artists": never one person by role; a panel that speaks as one ("wrote the
        # judges") is a body as the article writes it, when no name follows its noun
        named = named_after(speakers, head, span[0])
        words = speakers.text[span[0] : span[1]].split()
        if named is None and head in GROUP_NOUNS and len(words) == 2 and words[0].casefold() in DEFINITE:
            head_start = span[1] - len(words[-1])
            return speakers.add((head_start, span[1]), kind="organization")
        return named
    strict, titled_so = _strictly_titled(speakers, span)
    if strict:
        return titled_so
    found = _titled_persons(speakers, span, head)
    if found:
        return found[0] if len(found) == 1 else None
    named = named_after(speakers, head, span[0])
    if named is not None:
        return named
    # the person reporting speech in the sentence right before goes on speaking ("Lee said the
    # team would wait for Park. "…," said the champion": Lee, not Park)
    speaking = speaker_just_before(speakers, span[0])
    if speaking is not None:
        return speaking
    # nobody is called that in the article ("the world indoor champion"): the person named
    # last as a subject, only when no other person is named between them at all
    best = speakers.person_before(span[0], None)
    if best is None:
        return None
    # as for a pronoun, a person named as an object in the subject's own sentence ("Lane
    # finished ahead of Germany's Marc Blume. The champion said") is not the one meant
    objects_end = speakers._objects_end(best, span[0])
    if speakers._other_person_between(best, span[0], titled_only=False, from_at=objects_end):
        return None
    # ... but one that opens a clause of its own is a subject ("Varga won and Berg came second"),
    # and another subject just before ("Varga won. Berg was second. The champion said"): either
    # may be the champion
    if _clause_subject_between(speakers, best, objects_end) or _subject_just_before(speakers, best):
        return None
    return best


# Body nouns that any firm or club answers to ("Acme said ... The company said"); the others must be
# in the body's name ("Leeds City Council said ... the council added")
_ANY_BODY_HEADS = words("company firm group club empresa unternehmen entreprise")


def _body_described(speakers: Speakers, span: Span, head: str) -> tuple[int, Span] | None:
    """ "The company said", "the committee added": the body that reported speech as the subject of
    the sentence just before (as for "it said"), when the noun fits it ("the council" only for a
    body whose name says council); nobody else named since."""
    body = body_before(speakers, span[0])
    if body is None:
        return None
    name = speakers.actors[body[0]].name.casefold().split()
    return body if head in name or head in _ANY_BODY_HEADS else None


def _titled_persons(speakers: Speakers, span: Span, head: str) -> list[tuple[int, Span]]:
    """The persons named before ``span`` whose role, name or a title right before one of their
    names is the word ``head``, each with their last mention before it."""
    found: list[tuple[int, Span]] = []
    for i, actor in enumerate(speakers.actors):
        if actor.kind != "person":
            continue
        earlier = [(s, e) for s, e in actor.mentions if e <= span[0] and not speakers.in_quote(s)]
        titled = (
            _role_words(actor.role)
            + actor.name.casefold().split()
            + [
                w.casefold()
                for s, _ in earlier  # a title written after the description tells nothing yet
                for w in speakers.text[max(0, s - 40) : s].split()[-1:]
            ]
        )
        if earlier and head in titled:
            found.append((i, earlier[-1]))
    return found


def _subject_just_before(speakers: Speakers, best: tuple[int, Span]) -> bool:
    """Is another person the subject of a sentence or clause shortly before ``best``?"""
    for i, actor in enumerate(speakers.actors):
        if i == best[0] or actor.kind != "person":
            continue
        for start, _ in actor.mentions:
            if (
                best[1][0] - SUBJECT_BEFORE_CHARS <= start < best[1][0]
                and not speakers.in_quote(start)
                and speakers._subject(start)
            ):
                return True
    return False


def _clause_subject_between(speakers: Speakers, best: tuple[int, Span], end: int) -> bool:
    """Is another person named between ``best`` and ``end`` as the subject of a clause: after
    a conjunction, a comma or a semicolon ("Varga won the race and Berg came second")?"""
    for i, actor in enumerate(speakers.actors):
        if i == best[0] or actor.kind != "person":
            continue
        for start, _ in actor.mentions:
            if best[1][1] <= start < end and not speakers.in_quote(start):
                lead = speakers.text[max(0, start - 12) : start].split()[-1:]
                if not lead or lead[0].casefold() in _CLAUSE_WORDS or lead[0].endswith((",", ";")):
                    return True
    return False


# "The Tory leader was asked …": a sentence led by a description, up to three words
_DESCRIPTION_LEAD = re.compile(r"(?:The|El|La|Le|Der|Die)\s+(?:[^\W\d_][\w'’-]*\s+){0,2}[^\W\d_][\w'’-]*")


def described_subject_before(speakers: Speakers, at: int) -> tuple[int, Span] | None:
    """The person a description leading the sentence before stands for ("The Tory leader was
    asked …. He replies:"), when the article titles exactly one person with its words and names
    nobody else from the description to ``at``."""
    before_start, own_start = sentence_before(speakers, at)
    while before_start < own_start and speakers.text[before_start].isspace():
        before_start += 1
    lead = _DESCRIPTION_LEAD.match(speakers.text, before_start, own_start)
    if lead is None or speakers.in_quote(lead.start()):
        return None
    words = list(re.finditer(r"\S+", lead.group()))
    for n in range(len(words), 1, -1):  # the longest description whose last word is a title
        span = (lead.start(), lead.start() + words[n - 1].end())
        head = words[n - 1].group().casefold()
        if head not in speakers.titles or head in DEFINITE:
            continue
        strict, person = _strictly_titled(speakers, span, fallback=False)
        if not strict:
            persons = _titled_persons(speakers, span, head)
            person = persons[0] if len(persons) == 1 else None
        if person is not None and not other_name_between(speakers, person[0], span[1], at):
            return person
        return None
    return None


def _role_words(role: str | None) -> list[str]:
    """The words of a role that title its holder: "friend of the Tory leader" makes a friend, not
    a leader ("Bishop of Leeds" a bishop)."""
    words = (role or "").casefold().split()
    return words[: words.index("of")] if "of" in words else words


def _strictly_titled(
    speakers: Speakers, span: Span, *, fallback: bool = True
) -> tuple[bool, tuple[int, Span] | None]:
    """A description that may stand only for the person the article titles with its very
    words: one with a capitalised word ("the Tory co-chairman": "Tory co-chairman Liam Fox")
    or before an auxiliary ("the President had said": "US President Ann Lee"). The person
    (and the mention) or None, after whether the description is such a one."""
    written = speakers.text[span[0] : span[1]].split()[1:]
    described = [w.casefold() for w in written]
    following = speakers.text[span[1] : span[1] + 12].split()[:1]
    capitalised = any(
        w[:1].isupper() and w.casefold() not in speakers.titles and not ADJECTIVE_COMPOUND.fullmatch(w)
        for w in written
    )
    # "the Bishop", "the Prime Minister": a title written as a name, first of all the one person
    # the article titles with those words
    title_as_name = bool(written) and all(
        w[:1].isupper() and w.casefold() in speakers.titles for w in written
    )
    if not capitalised and not title_as_name and not (following and following[0].casefold() in AUXILIARIES):
        return False, None
    found: dict[int, Span] = {}
    for i, actor in enumerate(speakers.actors):
        if actor.kind != "person":
            continue
        roles = [_role_words(actor.role)[-len(described) :]]
        for s, e in actor.mentions:
            if e <= span[0] and not speakers.in_quote(s):
                before = [w.casefold() for w in speakers.text[max(0, s - 80) : s].split()[-len(described) :]]
                if before == described or roles[0] == described:
                    found[i] = (s, e)
    if len(found) == 1:
        return True, next(iter(found.items()))
    if found or not fallback:
        return True, None
    if title_as_name and not capitalised:
        return False, None  # nobody is titled so: as any description ("the champion")
    named = named_after(speakers, described[0], span[0]) if len(described) == 1 else None
    # nobody is titled so: the person reporting speech in the sentence right before goes on
    # ("British team member Ann Lee said … "…," said the European champion")
    return True, named if named is not None else speaker_just_before(speakers, span[0])


_BARE_SPOKESPERSON = re.compile(r"(?i:a|the)\s+(?:spokesman|spokeswoman|spokesperson)")  # of nobody named
_SPOKESPERSON_REACH_CHARS = 600  # "the spokesman added" goes on for the body quoted this close before


def _two_people(speakers: Speakers, span: Span) -> bool:
    """Do the words at ``span`` name two of the persons ("Ola Lee and Bo Park")?"""
    inside = {
        i
        for i, actor in enumerate(speakers.actors)
        for start, end in actor.mentions
        if span[0] <= start and end <= span[1]
    }
    return len(inside) > 1 and sum(speakers.is_person(i) for i in inside) > 1


def resolve(found: FoundQuote, speakers: Speakers, last: tuple[int, Span] | None) -> tuple[int, Span] | None:
    resolved = _resolve(found, speakers, last)
    if resolved is None or not found.context or found.speaker is None:
        return resolved
    # the subject of the sentence before (no verb of speech): it speaks only when it is a person
    # and nobody else is named between it and the quote ("Lee thanked Park. "…"": who speaks?)
    index = resolved[0]
    actor = speakers.actors[index]
    if actor.kind != "person" and kind_of(actor.name, speakers.language) != "person":
        return None
    subject = (index, found.speaker)
    if other_name_between(speakers, index, found.speaker[1], found.span[0]) or speakers._other_person_between(
        subject, found.span[0], titled_only=False
    ):
        return None
    return resolved


def _resolve(found: FoundQuote, speakers: Speakers, last: tuple[int, Span] | None) -> tuple[int, Span] | None:
    if found.speaker is None:
        return None
    if found.pronoun:
        said = speakers.text[found.speaker[0] : found.speaker[1]]
        if is_person_pronoun(said, speakers.language):
            # "The Tory leader was asked …. He replies:": the person the description stands for
            described_subject = described_subject_before(speakers, found.speaker[0])
            meant = (
                described_subject
                or sentence_antecedent(speakers, found.speaker[0])
                or speakers.person_before(found.speaker[0], last)
            )
            # "she said" is never a man's words (nor "he said" a woman's), as the article writes them;
            # nor are the answer's words those of who asked ("When asked by Jones …, he said")
            if meant is not None and (
                contradicts(speakers, meant[0], said) or asked_by(speakers, meant[0], found.speaker[0])
            ):
                return None
            return meant
        if said.casefold() == "it" and speakers.language == "en":
            # "The council said ... It said": the council; "The memo says …. It reads": its author
            return body_before(speakers, found.speaker[0]) or document_before(speakers, found.speaker[0])
        if is_pronoun(said, speakers.language):
            return None  # "they said": several people, not one person
        found_body = described(speakers, found.speaker)
        if found_body is None and last is not None and said.split()[-1] in REPRESENTATIVES:
            # '"…," said a Home Office spokesman. … "…," the spokesman added': the body quoted
            # last, when nobody else is named since
            actor = speakers.actors[last[0]]
            if (
                actor.kind == "organization"
                and kind_of(actor.name, speakers.language) != "person"
                and found.speaker[0] - last[1][1] <= _SPOKESPERSON_REACH_CHARS
                and not other_name_between(speakers, last[0], last[1][1], found.speaker[0])
            ):
                return last
        if found_body is None and _BARE_SPOKESPERSON.fullmatch(said):
            # "The Trust confirmed its vets use an incubator. A spokesman said:": the body that
            # reported speech in the sentence just before, when nobody else is named there
            return body_before(speakers, found.speaker[0])
        return found_body
    named = speakers.named_by(found.speaker)
    if named is not None and speakers.actors[named[0]].kind != "person":
        named, unreadable = titled_after_body(speakers, found.speaker, named)
        if unreadable:
            return None
    if named is not None and _two_people(speakers, found.speaker):
        return None  # "Ola Lee and Bo Park said": both, not one of them
    start, end = found.speaker
    article = re.search(r"\b(?:the|The|el|El|la|La|le|Le)\s+$", speakers.text[max(0, start - 4) : start])
    said = speakers.text[start:end]
    if (
        named is not None
        and article
        and " " not in said
        and not said.endswith("s")
        and speakers.actors[named[0]].kind in ("country", "group")
    ):
        # "the American said": a person described by a nationality, not the US ("the Tories" speak)
        return described(speakers, (start - len(article.group()), end))
    return (
        named
        or speakers.add(found.speaker, person_by_trade(speakers, found.speaker))
        or full_name_for(speakers, found.speaker)
        or _styled(speakers, found.speaker)
    )


# A peer's or a knight's style, which the name goes by ("Lord Hanningfield", "Baroness Scotland")
_STYLE_BEFORE = re.compile(r"\b(?:Lord|Lady|Baroness|Baron|Viscount|Earl|Sir|Dame)\s+$")


def _styled(speakers: Speakers, span: Span) -> tuple[int, Span] | None:
    """ "Lord Hanningfield, leader of the council, told": a one-word name no actor has, after a
    style it goes by, is a person by the style and the name together, added as such."""
    start, end = span
    style = _STYLE_BEFORE.search(speakers.text, max(0, start - 12), start)
    if style is None or " " in speakers.text[start:end].strip():
        return None
    added = speakers.add((style.start(), end), "person")
    return (added[0], (start, end)) if added is not None else None

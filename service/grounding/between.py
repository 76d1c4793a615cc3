"""Who else a pronoun may mean: people named or described between the person it would stand for
and the pronoun ("Park said … but Ann Lee is unfazed. She admitted"; "Fox said …. The home
secretary said …. He said"; "Pat is single. Julia shows her skills. She admits"). Each check
says only that someone else may be meant; ``Speakers.person_before`` then names nobody. Also the
people it may mean whom the actors lack (``unknown_subject``) or a verb of speech names before
them (``inverted_subject``: "…, said Ann Lee.").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from service.grounding.names import APPOSITION, ARTICLES, NAME_RUN, PEER_STYLES, Cover, Span, kind_of
from service.nlp.speaker_phrases import opens_subordinate

if TYPE_CHECKING:
    from service.grounding.speakers import Speakers

_PLACE_WORDS = "in|at|to|from|near|across|against|of|for|en|a|de|nach|aus|à|au"  # before a place or team
# A sentence opened by a description, up to its title word before a lowercase verb: "The home
# secretary said"
_DESCRIBED_LEAD = re.compile(r"(?:But |And )?(?:The|the) (?:[\w-]+ ){0,3}?([\w-]+) (?=[a-z])")
_BOUNDARY = re.compile(r"[.!?]\s+|\n\s*")  # where a sentence may start
# Someone described reporting speech mid-sentence: "prompted the prime minister to say"
_DESCRIBED_SPEECH = re.compile(r"\bthe (?:[a-z-]+ ){0,2}?([a-z-]+) (?:to say|said|says|told|added)\b")


def described_subject_between(speakers: Speakers, best: tuple[int, Span], at: int) -> bool:
    """Does a sentence between ``best`` and ``at`` open with a description by a title that
    another person has, and ``best`` has not ("Fox said …. The home secretary said …. He
    said", where Home Secretary Charles Clarke is named: maybe Clarke)? Or does a person described
    by a title ``best`` lacks report speech in between ("prompted the prime minister to say")?"""
    if speakers.text.find("he ", best[1][1], at) < 0:
        return False  # no "The" or "the" in between
    titled = _titles_of_all(speakers)
    for boundary in _BOUNDARY.finditer(speakers.text, best[1][1], at):
        lead = _DESCRIBED_LEAD.match(speakers.text, boundary.end(), at)
        if lead is None:
            continue
        head = lead.group(1).casefold()
        if (
            head not in speakers.titles
            or head in ARTICLES
            or head in titled[best[0]]
            or speakers.in_quote(lead.start())
        ):
            continue
        if any(head in words for i, words in enumerate(titled) if i != best[0] and speakers.is_person(i)):
            return True
    # "… prompted the prime minister to say … . He told MPs:": someone described reported speech
    # since, whom the pronoun may mean as well
    return any(
        m.group(1) in speakers.titles
        and m.group(1) not in ARTICLES
        and m.group(1) not in titled[best[0]]
        and not speakers.in_quote(m.start())
        for m in _DESCRIBED_SPEECH.finditer(speakers.text, best[1][1], at)
    )


# A sentence opened by a body's voice: "A Department for Education spokeswoman said"
_SPOKESPERSON_LEAD = re.compile(
    r"(?:^|[.!?]\s+|\n\s*)(?:But |And )?(?:A|An|The)\s+(?:[\w'’-]+\s+){0,6}?"
    r"(?:spokes(?:wo)?man|spokesperson|official|representative)\b"
)


def spokesperson_between(speakers: Speakers, best: tuple[int, Span], at: int) -> bool:
    """Does a sentence between ``best`` and ``at`` have a spokesperson as its subject ("Lee was
    paid a bonus. A ministry spokeswoman said …. She added": the spokeswoman, not Lee)?"""
    return any(
        not speakers.in_quote(m.end() - 1) for m in _SPOKESPERSON_LEAD.finditer(speakers.text, best[1][1], at)
    )


def _titles_of_all(speakers: Speakers) -> list[set[str]]:
    """``_title_words`` of every actor, worked out once per article and actor count."""
    key = ("titled", len(speakers.actors))
    if key not in speakers.memo:
        speakers.memo[key] = [_title_words(speakers, i) for i in range(len(speakers.actors))]
    return speakers.memo[key]  # type: ignore[no-any-return]


def _title_words(speakers: Speakers, index: int) -> set[str]:
    """The words of a person's role and the two words before each of their mentions."""
    actor = speakers.actors[index]
    return {w.casefold() for w in (actor.role or "").split()} | {
        w.casefold() for s, _ in actor.mentions for w in speakers.text[max(0, s - 40) : s].split()[-2:]
    }


def clause_subject_after(speakers: Speakers, best: tuple[int, Span], at: int) -> bool:
    """Is another person the subject of a clause a conjunction opens between ``best`` and
    ``at`` ("Park said the race was between Cy Roe and Di Sun but Ann Lee is unfazed. She
    admitted": maybe Lee)?"""
    key = ("person mentions", len(speakers.actors))
    if key not in speakers.memo:
        speakers.memo[key] = sorted(
            (s, i)
            for i, actor in enumerate(speakers.actors)
            if speakers.is_person(i)
            for s, _ in actor.mentions
        )
    mentions = speakers.memo[key]
    for s, i in mentions[bisect_left(mentions, (best[1][1], -1)) :]:
        if s >= at:
            break
        if i != best[0] and not speakers.in_quote(s) and speakers._subject(s, after_conjunction=True):
            return True
    return False


def first_name_between(speakers: Speakers, index: int, start: int, end: int) -> bool:
    """Is another person called by their first name as a subject between ``start`` and ``end``
    ("Pat Ingles and Julia Church dance. Pat is single. Julia shows her skills. She admits":
    Julia, whom the tagger may know only by the one word)?"""
    key = ("first names", len(speakers.actors))
    if key not in speakers.memo:
        # the first word of a full name the tagger calls a person's, and one-word actors (which
        # count once the article writes them as a first name)
        persons = {
            a.name.split()[0]
            for a in speakers.actors
            if a.kind == "person" and " " in a.name and a.name.split()[0].casefold() not in speakers.titles
        }
        single = {a.name for a in speakers.actors if " " not in a.name and a.kind not in ("country", "group")}
        speakers.memo[key] = (persons, single - persons)
    persons, single = speakers.memo[key]
    own = set(speakers.actors[index].name.split())
    text = speakers.text
    for word in (persons | single) - own:
        at = text.find(word, start, end)
        while at >= 0:
            if (
                _ALONE.match(text, at)
                and (word in persons or _first_name(speakers, word))
                and not speakers.in_quote(at)
                and speakers._subject(at)
            ):
                return True
            at = text.find(word, at + 1, end)
    return False


def _first_name(speakers: Speakers, word: str) -> bool:
    """Does the article write ``word`` before a surname and never after a word of place
    ("Julia" of "Julia Church"; not "England" of "in England")?"""
    key = ("first name", word)
    if key not in speakers.memo:
        text = speakers.text
        before_name = after_place = False
        at = text.find(word)
        while at >= 0 and not after_place:
            after = text[at + len(word) : at + len(word) + 3]
            before_name |= len(after) == 3 and after[0] == " " and after[1].isupper() and after[2].islower()
            after_place = text[max(0, at - 8) : at].split()[-1:] in _PLACE_LISTS
            at = text.find(word, at + 1)
        speakers.memo[key] = before_name and not after_place
    return bool(speakers.memo[key])


# A word on its own, not followed by a capitalised one ("Julia shows", not "Julia Church")
_ALONE = re.compile(r"(?<![\w'’-])[\w'’-]+\b(?!\s+[^\W\d_a-z])")
_PLACE_LISTS = [[w] for w in _PLACE_WORDS.split("|")] + [[w.capitalize()] for w in _PLACE_WORDS.split("|")]


# Honorifics before a surname alone ("Mr Ashby"), whose full name the article may write elsewhere
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr"})
# A peer's style and one name ("Lord Carlile"): a person, by the style
_PEER = re.compile(rf"{PEER_STYLES}\s+[^\W\d_a-z][\w'’-]+")
# A sign that a full name no actor has is a person's: an age set off after it ("Hazel Gilbert, 23,")
_AGE_AFTER = re.compile(r",\s*\d{1,3},")


def unknown_subject(speakers: Speakers, at: int, reach: int) -> Span | None:
    """The full name no actor has that is the last subject before ``at``, when the article shows
    it is a person's: a title, trade or honorific before it ("former Yukos boss Ivan Orlov
    began"), or an age or a title set off after it ("Ann Lee, 23, gave up", "Bo Park, the
    Labour politician who ..."). The tagger's actors are capped, so a pronoun's person may be
    one of the people it left out."""
    key = ("unknown subject", at, reach, len(speakers.actors))
    if key not in speakers.memo:
        speakers.memo[key] = _unknown_subject(speakers, at, reach)
    return speakers.memo[key]  # type: ignore[no-any-return]


def _unknown_subject(speakers: Speakers, at: int, reach: int) -> Span | None:
    text = speakers.text
    known = speakers._known()
    latest: Span | None = None
    stops = speakers.stops
    for match in reversed(list(NAME_RUN.finditer(text, max(0, at - reach), at))):  # the last one first
        words = match.group().split(maxsplit=2)
        if len(words) < 2:
            continue  # one word is no full name
        start = match.start()
        if words[0].lower() in stops:  # "But Ann Lee warned"
            start = text.find(" ", start) + 1
        if start in known or speakers.in_quote(start):
            continue
        name_start = speakers._name_start(start, match.end())
        if name_start is None:
            full = _full_name_of(speakers, start, match.end())  # "Mr Ashby, 74, who ..."
            if full is not None and speakers._subject(start):
                return full
            if _PEER.fullmatch(text, start, match.end()) and speakers._subject(start):
                latest = (start, match.end())  # "But peer Lord Carlile, the government's reviewer, said"
                break
            continue
        if name_start not in known and speakers._subject(name_start) and start not in speakers._listed:
            latest = (name_start, match.end())
            break
    if latest is None or kind_of(text[latest[0] : latest[1]], speakers.language) != "person":
        return None
    before = text[max(0, latest[0] - 40) : latest[0]].split()[-1:]
    described = bool(before) and before[0].islower() and before[0] in speakers.descriptors
    if (
        described
        or speakers._titled(latest[0])
        or name_start_titled(speakers, latest)
        or _AGE_AFTER.match(text, latest[1])
        or speakers._apposed_title(latest[1])
        or _apposed_descriptor(speakers, latest[1])
        or _PEER.fullmatch(text, *latest)
    ):
        return latest
    return None


def _full_name_of(speakers: Speakers, start: int, end: int) -> Span | None:
    """The one full name written before an honorific and surname at ``start`` ("Mr Ashby" of
    "Tory MP David Ashby"), where the article writes one; else None."""
    words = speakers.text[start:end].split()
    if len(words) != 2 or words[0].lower().rstrip(".") not in _HONORIFICS:
        return None
    return _full_name_before(speakers, words[1], start)


def _full_name_before(speakers: Speakers, surname: str, start: int) -> Span | None:
    """The one full name ending in ``surname`` the article writes before ``start``, or None."""
    surname = re.escape(surname)
    found = {
        (m.start(), m.end())
        for m in re.finditer(
            rf"(?<![\w'’-])[^\W\d_a-z][\w'’-]+\s+{surname}(?![\w'’-])", speakers.text[:start]
        )
        if m.group().split()[0].lower().rstrip(".") not in speakers.titles
    }
    names = {speakers.text[s:e] for s, e in found}
    return min(found) if len(names) == 1 else None


def _apposed_descriptor(speakers: Speakers, end: int) -> bool:
    """Does a trade follow the name, set off by a comma ("Bo Park, the Labour politician who")?"""
    apposed = APPOSITION.match(speakers.text, end)
    return apposed is not None and any(w in speakers.descriptors for w in apposed.group(1).split())


def name_start_titled(speakers: Speakers, span: Span) -> bool:
    """Does the capitalised run before the name open with an honorific or a title ("Mr", "Rabbi")?"""
    before = speakers.text[max(0, span[0] - 20) : span[0]].split()[-1:]
    word = before[0] if before else ""
    return word[:1].isupper() and word.lower().rstrip(".") in speakers.titles and word.lower() not in ARTICLES


# A verb of speech or view written before its subject: "…, said Sun's chief officer Ann Lee."
_INVERTED = re.compile(
    r"(?<![\w-])(?:said|says|added|adds|thinks|believes|explained|argued|insisted|wrote|claimed|noted|"
    r"continued|concluded|according\s+to)\s+((?:[\w'’-]+\s+){0,4})$",
    re.IGNORECASE,
)
# what may follow the name to the sentence's end: a title set off (", editor of PC Pro."), or
# lowercase words up to a title ("Ivo Lund mobile industry analyst at IDC.")
_SET_OFF_TO_END = re.compile(r"(?:,\s[^.!?;\"“”‘’«»\n]{0,80})?[.!?](?:\s|$)")
_TITLE_TO_END = re.compile(r"((?:\s[^\W\d_A-Z][\w-]*){1,4})\b[^.!?;\"“”‘’«»\n]{0,60}[.!?](?:\s|$)")


def inverted_subject(speakers: Speakers, floor: int, start: int) -> bool:
    """Is the name at ``start`` the subject a verb of speech before it has, the sentence ending
    after it ("… the tip of the iceberg, thinks Tim Danton, editor of PC Pro."; "…, said Sun's
    chief operating officer Jonathan Schwartz.")? Its person is who a pronoun after may mean."""
    text = speakers.text
    name = NAME_RUN.match(text, start)
    if name is None:
        return False
    set_off = _SET_OFF_TO_END.match(text, name.end())
    title = None if set_off else _TITLE_TO_END.match(text, name.end())
    if not set_off and not title:
        return False  # "Ann Lee said …": the name goes on into its own clause (the common case)
    inverted = _INVERTED.search(text, max(floor + 1, start - 80), start)
    if inverted is None:
        return False
    between = inverted.group(1).split()
    if between and not (between[-1].lower() in speakers._lead_titles or between[-1][:1].isupper()):
        return False  # "said the firm would sack Ann Lee.": the name is an object
    if any(w.lower() in speakers.stops for w in between if w.lower() not in ("the", "of")):
        return False
    if set_off:
        return True
    words = title.group(1).split() if title else []
    return bool(words) and words[0] not in speakers.stops and any(w in speakers._lead_titles for w in words)


def other_name_between(speakers: Speakers, index: int, start: int, end: int) -> bool:
    """Is anyone but actor ``index`` named between ``start`` and ``end``, outside quotes: a full
    name, or a name after a title ("Mr Hale", "chairman Hale")? Bodies, places and things the
    actors hold are not."""
    own = Cover({(s, e) for s, e in speakers.actors[index].mentions})
    others = Cover(
        {
            (s, e)
            for i, a in enumerate(speakers.actors)
            if i != index and a.kind != "person"
            for s, e in a.mentions
        }
    )
    stops = speakers.stops
    for match in NAME_RUN.finditer(speakers.text, start, end):
        if speakers.in_quote(match.start()):
            continue
        words = list(re.finditer(r"\S+", match.group()))
        lead = 0
        while lead < len(words) and words[lead].group().lower() in stops:
            lead += 1  # "But", "The": a sentence opening
        titled = speakers._titled(match.start() + words[lead].start()) if lead < len(words) else False
        while lead < len(words) - 1 and words[lead].group().lower().rstrip(".") in speakers.titles:
            lead, titled = lead + 1, True  # "Mr Hale", "Chairman Hale"
        at = match.start() + (words[lead].start() if lead < len(words) else len(match.group()))
        if lead < len(words) and (titled or len(words) - lead >= 2) and at not in own and at not in others:
            return True
    return False


def described_again(speakers: Speakers, best: tuple[int, Span], at: int) -> tuple[int, Span] | None:
    """The last place between ``best`` and ``at`` where the article calls that person by their
    title as a subject ("The Bishop of Durham, Tom Wright, said …. Despite enjoying Dan Brown's
    book, the Bishop said …"), or "according to the Bishop", when nobody else has that title:
    the pronoun's person is named again there."""
    role = (speakers.actors[best[0]].role or "").casefold().split()
    heads = {w for w in (role[: role.index("of")] if "of" in role else role[-1:]) if w in speakers.titles}
    heads -= ARTICLES
    text, start = speakers.text, best[1][1]
    if not any(
        text.find(f"he {h}", start, at) >= 0 or text.find(f"he {h.capitalize()}", start, at) >= 0
        for h in heads
    ):
        return None  # the title is not written as a name between them (the common case)
    others = _titles_of_all(speakers)
    if any(heads & words for i, words in enumerate(others) if i != best[0] and speakers.is_person(i)):
        return None
    found = None
    for match in _THE_TITLE.finditer(speakers.text, best[1][1], at):
        if match.group(1).casefold() not in heads or speakers.in_quote(match.start()):
            continue
        according = speakers.text[max(0, match.start() - 13) : match.start()].casefold() == "according to "
        if according or speakers._subject(match.start()):
            found = (best[0], (match.start(1), match.end(1)))
    return found


_THE_TITLE = re.compile(r"(?<![\w-])(?:the|The) ([A-Z]?[a-z]+)\b(?! of\b)")


def may_be_person(speakers: Speakers, index: int) -> bool:
    """Is actor ``index`` a body by its tag but a person by its name ("Paolo Pescatore" as an
    "ORG")? Someone a pronoun may mean, never one it is given to."""
    actor = speakers.actors[index]
    return actor.kind == "organization" and kind_of(actor.name, speakers.language) == "person"


def after_article(speakers: Speakers, start: int, end: int) -> bool:
    """Is the one-word mention at ``start`` written after an article ("The Lightpointe laser
    bridges work"): a thing named after someone, not a person who acts?"""
    before = speakers.text[max(0, start - 5) : start].split()[-1:]
    return " " not in speakers.text[start:end] and before in (["The"], ["the"], ["A"], ["a"])


def sentence_antecedent(speakers: Speakers, at: int) -> tuple[int, Span] | None:
    """ "… first used in a speech by Ann Lee, when she said": the one person named in the pronoun's
    own sentence before it, when a conjunction opens the pronoun's clause; else None (two people,
    or a name the actors lack, may each be meant)."""
    if not opens_subordinate(speakers.text, at, speakers.language):
        return None
    start = speakers._sentence_start(at)
    found = [
        (i, (s, e))
        for i, actor in enumerate(speakers.actors)
        if speakers.is_person(i)
        for s, e in actor.mentions
        if start <= s and e <= at and not speakers.in_quote(s)
    ]
    if len({i for i, _ in found}) != 1 or speakers._unknown_name_between(start, at):
        return None
    return max(found, key=lambda item: item[1][0])


def full_name_for(speakers: Speakers, span: Span) -> tuple[int, Span] | None:
    """ "…," said Papadakis: a surname no actor has names the one full name the article writes
    with it before ("Yiannis Papadakis"), added as a person; else None."""
    words = speakers.text[span[0] : span[1]].split()
    if len(words) != 1:
        return None
    full = _full_name_before(speakers, words[0], span[0])
    if full is None or kind_of(speakers.text[full[0] : full[1]], speakers.language) != "person":
        return None
    added = speakers.add(full, "person")
    return (added[0], span) if added is not None else None


# A one-word name reporting speech ("Kalanick wrote:", "Pound said")
_SPEAKS = re.compile(
    r"(?<![\w'’-])([^\W\d_a-z][\w'’-]+)\s+(?:said|says|wrote|writes|added|adds|told|tells|explained|insisted)\b"
)
_NOT_NAMES = frozenset({"he", "she", "it", "they", "we", "i", "you", "this", "that", "there", "who"})


def unknown_speaker_between(speakers: Speakers, start: int, end: int) -> bool:
    """ "Sullivan's role will grow. … Kalanick wrote: '…' He added:": a one-word name no actor
    has reports speech between a person and the pronoun after them: who is he?"""
    known = speakers._known()
    return any(
        m.start(1) not in known
        and not speakers.in_quote(m.start(1))
        and m.group(1).casefold() not in _NOT_NAMES | speakers.titles | speakers.stops
        for m in _SPEAKS.finditer(speakers.text, start, end)
    )

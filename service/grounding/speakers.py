"""The digest's actors as a quote's speakers: their mentions, and who may be meant at a place.

``Speakers`` holds the article and its actors: which actor a mention names, the one person called
by a surname ("Mr Okada"), the person a pronoun at a place stands for (the subject named last, and
only when no other name, nor a titled person, "chairman Ivo Lund", stands between them), whether
anyone else is named between two places, and new actors for new names ("Jill Marsh", "Scottish
government"), with every mention the article has of them. ``service.grounding.attribution``
resolves a quote's speaker words with it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from service.grounding.between import (
    after_article,
    clause_subject_after,
    described_again,
    described_subject_between,
    first_name_between,
    inverted_subject,
    may_be_person,
    spokesperson_between,
    unknown_speaker_between,
    unknown_subject,
)
from service.grounding.locate import actor_mentions
from service.grounding.names import (
    APPOSITION,
    ARTICLES,
    NAME_LIST,
    NAME_RUN,
    Cover,
    called,
    kind_of,
    named_in,
    person_name,
)
from service.nlp.attribution import is_person_pronoun, words
from service.nlp.rank import stop_words
from service.nlp.roles import descriptor_words, role_for
from service.nlp.sentences import Sentence
from service.schema import Actor, ActorKind

Span = tuple[int, int]

PRONOUN_REACH_CHARS = 1500  # a pronoun's person is named at most this far before the quote
MAX_OWNED_TITLE_WORDS = 4  # "Shadow Home Secretary", "BBC director general" before a subject's name
OBJECT_REACH_CHARS = 150  # a person named this close after a subject, in its sentence, is its object
_LEAD_WORD = re.compile(r"[^\s'’]+")

_SENTENCE_END = re.compile(r"[.!?][\"'’”]?(?=\s)|\n")
# Words that open a sentence before its subject: "But Ann Lee warned ..."
_OPENINGS = words(
    "but and yet so then also now meanwhile however earlier later still pero y aber und doch mais et puis"
)
_ENDS_SENTENCE = re.compile(r"(?:[^\W\d_a-zß-ÿ][\w'’-]*\s+){0,3}[^\W\d_a-zß-ÿ][\w'’-]*[.!?](?:\s|$)")
# Conjunctions that open a clause with a subject of its own mid-sentence
_CLAUSE_OPENERS = words("but yet while whereas although though pero aunque aber obwohl mais")
# A short phrase of place or occasion before the subject, with no comma: "In a statement Acme said"
_OPENING_PHRASE = re.compile(
    r"\s*(?i:in|at|on|during|after|before|en|durante|tras|bei|nach|dans|lors|après)\s+"
    r"(?i:a|an|the|its|his|her|their|un|una|el|la|ein|einer|einem|der|dem|une|le)\s+[^\W\d_]+\s+"
)

_FIRST_WORDS = re.compile(r"\s*(\w+),?\s+(?:(\w+),?\s+)?(\w+)?")  # how a sentence opens
_CAPTIONED = re.compile(r"\s*\((?:pictured|left|right|above|below|centre|center|inset)\b")  # a caption


@dataclass
class Speakers:
    """The digest's actors, and the mentions that name each (grown as speakers are added)."""

    text: str
    actors: list[Actor]
    language: str
    titles: frozenset[str]  # words that may stand before a name: titles, honorifics, articles
    quoted: list[Span]  # the quotes' spans, in order: a name inside a quote is not who speaks next
    # descriptions resolved so far ("the mayor" at a span): actors are only ever added, so an
    # answer stays right for the article
    described: dict[Span, tuple[int, Span] | None] = field(default_factory=dict)
    genders: dict[int, str | None] = field(default_factory=dict)  # grounding.gender's, per actor
    _known_cover: tuple[int, Cover] | None = field(default=None, repr=False)
    _titled_bodies: dict[int, bool] = field(default_factory=dict, repr=False)
    # what ``service.grounding.between`` works out once per article and actor count
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    @cached_property
    def descriptors(self) -> frozenset[str]:
        """What a person is by trade or to someone ("astronaut", "mother"), before a name."""
        return descriptor_words(self.language)

    @cached_property
    def stops(self) -> frozenset[str]:
        """The language's stop words."""
        return stop_words(self.language)

    @cached_property
    def _lead_titles(self) -> frozenset[str]:
        """Titles and trades: the words that may stand before a subject's name."""
        return self.titles | self.descriptors

    def in_quote(self, at: int) -> bool:
        """Is ``at`` inside one of the quotes (a name there is not who speaks next)?"""
        i = bisect_right(self.quoted, (at, len(self.text) + 1)) - 1
        return i >= 0 and self.quoted[i][0] <= at < self.quoted[i][1]

    @cached_property
    def _listed(self) -> Cover:
        """The article's lists of names that do not open their sentence or clause: a person
        named in one is an object of its sentence, never the one a later pronoun means
        ("... turned to nine players - Ann Lee, Bo Park, ... and Di Sun. "…," he said")."""
        return Cover(
            {
                (m.start(), m.end())
                for m in NAME_LIST.finditer(self.text)
                if not self._subject(m.start()) and not self.in_quote(m.start())
            }
        )

    def is_person(self, index: int) -> bool:
        """Is actor ``index`` a person: tagged so, or tagged a body but with a person's name and a
        person's title beside it ("Julia Eccleshare, chair of the panel,", "chairman Ann Lee")?"""
        actor = self.actors[index]
        if actor.kind == "person":
            return True
        if actor.kind != "organization" or kind_of(actor.name, self.language) != "person":
            return False
        if index not in self._titled_bodies:
            self._titled_bodies[index] = any(
                self._titled(start) or self._apposed_title(end) for start, end in actor.mentions
            )
        return self._titled_bodies[index]

    def _apposed_title(self, end: int) -> bool:
        """Do a title's words follow the name ending at ``end``, set off by a comma ("…, chair of
        the judging panel")?"""
        apposed = APPOSITION.match(self.text, end)
        return apposed is not None and any(
            w in self.titles and w not in ARTICLES for w in apposed.group(1).split() if w.islower()
        )

    def by_mention(self, span: Span) -> tuple[int, Span] | None:
        """The actor one of whose mentions names the speaker's words.

        A one-word mention that is only part of them names someone else: "Bishop" is not "the
        Bishop of Durham", "Acme" not "the Acme board"; a full name inside longer words is the
        same person ("MP Kefa Ssempgani"). Of a person and a body both named in them the person
        speaks ("Home Office Minister Hazel Blears", "Zara Hyde Peters of UK Athletics"), unless the
        person's name is part of the body's ("the John Lewis Partnership").
        """
        return named_in(self.actors, span)

    def by_surname(self, span: Span) -> int | None:
        """The one person called by this surname ("said Green"), or by this first name after "Sir"
        or "Dame" ("Sir Alan added", the British style for a knight)."""
        words = self.text[span[0] : span[1]].split()
        if len(words) != 1:
            return None
        knighted = self.text[max(0, span[0] - 5) : span[0]].split()[-1:] in (["Sir"], ["Dame"])
        found = [
            i
            for i, actor in enumerate(self.actors)
            # the tagger may call a person an organization ("Ada Quill" as an "ORG"); a name
            # that looks like a person's (two or more words, no body's word) is one
            if (actor.kind == "person" or kind_of(actor.name, self.language) == "person")
            and actor.kind != "country"
            and words[0].casefold() in called(actor.name, knighted=knighted)
        ]
        return found[0] if len(found) == 1 else None

    def named_by(self, span: Span) -> tuple[int, Span] | None:
        """The actor the words at ``span`` name: by one of its mentions, or as the one person of
        that surname ("Mr Okada")."""
        named = self.by_mention(span)
        if named is not None:
            return named
        surname = self.by_surname(span)
        return (surname, span) if surname is not None else None

    def known_surname(self, name: str) -> bool:
        """Is ``name``'s last word the surname of one of the persons ("Mr Brown" for Gordon Brown)?"""
        last = name.rsplit(maxsplit=1)[-1].casefold().removesuffix("'s").removesuffix("’s")
        return any(a.kind == "person" and a.name.split()[-1].casefold() == last for a in self.actors)

    def person_before(self, at: int, last: tuple[int, Span] | None) -> tuple[int, Span] | None:
        """The person a pronoun at ``at`` stands for: the subject named last before it.

        Subjects are mentions that open their sentence or clause ("Lane said Ortiz may ...":
        Lane) and the speakers of earlier quotes (``last``). When a full name no actor has stands
        between that subject and the pronoun, someone unknown may be meant: no speaker.
        """
        best = self._subject_before(at, last)
        # a person the actors lack, named as a subject after it: "Hazel Gilbert, 23, gave up
        # ballet. ... she said"
        floor = max(at - PRONOUN_REACH_CHARS, best[1][1] if best is not None else 0)
        adopted = unknown_subject(self, at, at - floor)
        if adopted is not None and self.add(adopted, "person") is not None:
            best = self._subject_before(at, last)
        if best is None or at - best[1][0] > PRONOUN_REACH_CHARS:
            return None
        best = described_again(self, best, at) or best  # "…. Later, the Bishop said …. He added"
        if (
            self._unknown_name_between(best[1][1], at)
            or self._other_person_between(best, at)
            or self._other_person_between(best, at, titled_only=False, from_at=self._objects_end(best, at))
            or self._surname_shared(best[0])
            or first_name_between(self, best[0], best[1][1], at)
            or clause_subject_after(self, best, at)
            or described_subject_between(self, best, at)
            or spokesperson_between(self, best, at)
            or unknown_speaker_between(self, self._sentence_end(best[1][1]), at)
        ):
            # "Wright played for Arsenal. Henry was asked to present it. He told ...": who is he?
            return None
        return best

    def _subject_before(self, at: int, last: tuple[int, Span] | None) -> tuple[int, Span] | None:
        """The person named last as a subject before ``at`` (or ``last``, an earlier speaker)."""
        best = last if last is not None and self.is_person(last[0]) else None
        for i, actor in enumerate(self.actors):
            if not self.is_person(i):
                continue
            for start, end in actor.mentions:
                if (
                    at - PRONOUN_REACH_CHARS <= start
                    and end <= at
                    and (best is None or start > best[1][0])
                    and not self.in_quote(start)
                    and self._named(start, end)
                    and self._subject(start)
                    and start not in self._listed  # "… sites - BBC, Acme, Wikiart, …": objects
                    and not after_article(self, start, end)
                    and not _CAPTIONED.match(self.text, end)  # "Eugenia Lee (pictured) is a model"
                ):
                    best = (i, (start, end))
        return best

    def _previous_sentence_start(self, own_start: int) -> int:
        """Where the sentence before the one starting at ``own_start`` starts (blank lines between
        paragraphs skipped)."""
        end = own_start
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return self._sentence_start(end - 1) if end > 0 else 0

    def _sentence_of(self, start: int, end: int) -> Sentence:
        """The sentence a mention is in, by its stops ("The Bishop of Leeds, the Rt Rev Tom Hale,")."""
        stop = _SENTENCE_END.search(self.text, end)
        return Sentence(self._sentence_start(start), stop.start() + 1 if stop else len(self.text))

    def _sentence_start(self, at: int) -> int:
        """Where the sentence that ``at`` is in starts (after the previous sentence's end)."""
        floor = max(self.text.rfind(mark, 0, at) for mark in (". ", "! ", "? ", "\n"))
        return floor + 1 if floor >= 0 else 0

    def _objects_end(self, best: tuple[int, Span], at: int) -> int:
        """Where another person named before a pronoun at ``at`` makes it ambiguous from: after the
        subject's sentence, and after the last time the subject is named at all ("After Johnston
        left, Locke took charge. It was expected that Locke would stay, but he said": Locke)."""
        own = [
            e
            for s, e in self.actors[best[0]].mentions
            if best[1][1] <= s and e <= at and not self.in_quote(s)
        ]
        end = max([self._sentence_end(best[1][1]), *own])
        # a sentence whose subject is a pronoun that can only be the subject (nobody else named
        # since) goes on about that person, and a person it names is its object, as in the
        # subject's own sentence ("Lee spoke. She told the Go Digital show she hoped ... She said")
        while (chained := self._pronoun_sentence(best, end, at)) is not None:
            end = chained
        return end

    def _pronoun_sentence(self, best: tuple[int, Span], start: int, at: int) -> int | None:
        """The end of the sentence that opens right after ``start`` with a one-person pronoun,
        when nobody but the subject is named from ``start`` to that pronoun and it ends before
        ``at``; else None."""
        opening = _FIRST_WORDS.match(self.text, start, at)
        if opening is None:
            return None
        # the pronoun, after at most two opening words ("But then he told ...")
        group = next(
            (g for g in (1, 2, 3) if opening.group(g) and opening.group(g).casefold() not in _OPENINGS), None
        )
        if group is None or not is_person_pronoun(opening.group(group), self.language):
            return None
        pronoun = opening.start(group)
        if self._other_person_between(best, pronoun, titled_only=False, from_at=start):
            return None
        if self._unknown_name_between(start, pronoun):
            return None
        end = self._sentence_end(opening.end(group))
        return end if start < end <= at else None

    def _sentence_end(self, at: int) -> int:
        """Where the sentence that goes on at ``at`` ends (a person named in it is its object:
        "Moore said Hansen may return. ... he said" is still Moore), within a reach: a sentence
        run on without stops (captions pasted in) names others who may be meant."""
        end = _SENTENCE_END.search(self.text, at, at + OBJECT_REACH_CHARS)
        return end.end() if end else at + OBJECT_REACH_CHARS

    def _surname_shared(self, index: int) -> bool:
        """Does another person of the article have this person's surname (Ian and Tom Wright)?"""
        surname = self.actors[index].name.split()[-1].casefold()
        return any(
            i != index and actor.kind == "person" and actor.name.split()[-1].casefold() == surname
            for i, actor in enumerate(self.actors)
        )

    def _other_person_between(
        self, best: tuple[int, Span], at: int, *, titled_only: bool = True, from_at: int | None = None
    ) -> bool:
        """Is another person named between the pronoun's subject and the pronoun, with a title
        ("... his wife Masters chairman Ken Ito talked ... he said": maybe Ito)?"""
        for i, actor in enumerate(self.actors):
            person = self.is_person(i)
            if i == best[0] or not (person or may_be_person(self, i)):
                continue
            for start, end in actor.mentions:
                if (
                    (best[1][1] if from_at is None else from_at) <= start < at
                    and self._named(start, end)
                    and not self.in_quote(start)
                    and (not titled_only or self._titled(start))
                    and start not in self._listed
                    # a name tagged a body counts after a verb of speech: "…, thinks Ivo Lund."
                    and (person or self._speaks_inverted(start))
                ):
                    return True
        return False

    def _speaks_inverted(self, start: int) -> bool:
        """Is the name at ``start`` the subject of a verb of speech before it ("…, said Ivo Lund.")?"""
        return inverted_subject(self, self._clause_floor(start), start)

    def _clause_floor(self, start: int) -> int:
        """Where the clause that ``start`` is in begins: the last stop, comma, colon or quote mark."""
        return max(self.text.rfind(c, 0, start) for c in '.!?\n,;:"“”')

    def _named(self, start: int, end: int) -> bool:
        """Does the mention span hold a name (not blank, not padded), so it can be pointed at?"""
        mention = self.text[start:end]
        return bool(mention) and mention == mention.strip()

    def _subject(self, start: int, *, after_conjunction: bool = False) -> bool:
        """Does the mention at ``start`` open its sentence or clause (after titles only)? With
        ``after_conjunction``, a clause a conjunction opens counts ("... Cy Roe and Di Sun but Ann
        Lee is unfazed")."""
        key = ("subject", start, after_conjunction)
        if key not in self.memo:  # the same mentions are asked about for quote after quote
            self.memo[key] = self._opens_clause(start, after_conjunction=after_conjunction)
        return bool(self.memo[key])

    def _opens_clause(self, start: int, *, after_conjunction: bool) -> bool:
        floor = self._clause_floor(start)
        if not after_conjunction and inverted_subject(self, floor, start):
            return True  # "…, said Sun's chief officer Ann Lee."
        if floor >= 0 and self.text[floor] == "," and _ENDS_SENTENCE.match(self.text, start):
            return False  # "… than his predecessor, David Blunkett.": set off after the comma
        lead = self.text[floor + 1 : start]
        found = _LEAD_WORD.findall(lead)
        if after_conjunction:
            found = found[
                max((i + 1 for i, w in enumerate(found) if w.lower() in _CLAUSE_OPENERS), default=0) :
            ]
        titles = self._lead_titles  # "Still, former astronaut Jo Lee said"
        if all(w.lower().rstrip(".") in titles or w.lower() in _OPENINGS or self._kin(w) for w in found):
            return True
        # "Shadow Home Secretary David Davis told", "Lyric chairman Ann Lee said", "His mother Lucy
        # said": a title that capitalised words own or qualify
        return (
            0 < len(found) <= MAX_OWNED_TITLE_WORDS
            and found[-1].lower() in titles
            and all(w[:1].isupper() or w.lower() in titles for w in found[:-1])
        ) or bool(_OPENING_PHRASE.fullmatch(lead))

    def _known(self) -> Cover:
        """Where the actors' mentions are, found again only once an actor was added."""
        if self._known_cover is None or self._known_cover[0] != len(self.actors):
            cover = Cover({(s, e) for actor in self.actors for s, e in actor.mentions})
            self._known_cover = (len(self.actors), cover)
        return self._known_cover[1]

    def _unknown_name_between(self, start: int, end: int) -> bool:
        """Is a full name that no actor has written between ``start`` and ``end``?"""
        known = self._known()
        for match in NAME_RUN.finditer(self.text, start, end):
            name_start = self._name_start(match.start(), match.end())
            if (
                name_start is not None
                and match.start() not in known
                and name_start not in known  # "Mr Brown's Budget": a known person's possessive
                and match.start() not in self._listed
                # the words of a quote: a name there is someone spoken of, not who speaks
                and not self.in_quote(match.start())
                and not self.known_surname(match.group())
                and (self._subject(name_start) or name_start > match.start() or self._titled(match.start()))
            ):
                # "Anna Lopez won. Then John Smith spoke. She said" or "... chairman Ken Ito
                # talked": who is she, who is he?
                return True
        return False

    def _titled(self, start: int) -> bool:
        """Does a title word stand right before ``start`` ("Masters chairman Billy Payne")?"""
        before = self.text[max(0, start - 40) : start].split()
        return (
            bool(before) and before[-1] in self.titles and before[-1] not in ARTICLES and before[-1].islower()
        )

    def _name_start(self, start: int, end: int) -> int | None:
        """Where the full name in the capitalised run ``text[start:end]`` starts (titles skipped)."""
        words = list(_LEAD_WORD.finditer(self.text, start, end))
        while words and (words[0].group().lower().rstrip(".") in self.titles or self._kin(words[0].group())):
            words = words[1:]
        return words[0].start() if len(words) >= 2 else None

    def _kin(self, word: str) -> bool:
        """Is ``word`` a trade or kin compound ("Grandmother-of-three", "mother-of-two")?"""
        return "-of-" in word and word.split("-", 1)[0].lower() in self.descriptors

    def add(self, span: Span, kind: ActorKind | None = None) -> tuple[int, Span] | None:
        """A new actor named by the article words at ``span``, if they look like a name (of
        ``kind`` when the article says what it is: "magazine Mobile PC")."""
        name = self.text[span[0] : span[1]]
        kind = kind or kind_of(name, self.language)
        if kind == "person":
            name = person_name(self.text, span) or ""  # "the Bishop of Durham": a role, no name
        if kind is None or not name:
            return None
        found = actor_mentions(self.text, name, kind)
        if found is None:
            return None
        canonical, mentions = found
        if not any(s <= span[0] and span[1] <= e for s, e in mentions):
            mentions = sorted({*mentions, span})
        role = role_for(self.text, [self._sentence_of(s, e) for s, e in mentions], mentions, self.language)
        actor = Actor(
            name=canonical,
            kind=kind,
            role=role if kind == "person" else None,
            mentions=[list(m) for m in mentions],
        )
        self.actors.append(actor)
        return len(self.actors) - 1, span

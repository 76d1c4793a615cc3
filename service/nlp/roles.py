"""A person's role as the article gives it, cut from the article text.

Two shapes are read, in the mention's own sentence:

* a title phrase right before the name: "UK Prime Minister Sir Keir Starmer", "Time Warner
  boss Dick Parsons", "le président Emmanuel Macron" (capitalised words, role words and
  connectors, containing at least one role word; honorifics between it and the name skipped);
* an apposition: "Bob Dudley, BP's chief executive, said" or "The UK's top diplomat, Jane
  Doe, said" (a short comma-delimited phrase with a role word; a leading article dropped).
"""

from __future__ import annotations

import re

from service.nlp.sentences import Sentence


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


HONORIFICS = {
    "en": _set("sir dame lord lady mr mrs ms miss mx dr prof professor rev reverend rt hon"),
    "fr": _set("m mme mlle dr pr me"),
    "es": _set("sr sra srta don doña dr dra"),
    "de": _set("herr frau dr prof"),
}
# Title words that may open a name span ("President Biden"): cut off the name, kept as the role.
TITLES = {
    "en": _set("president prime minister chancellor senator sen governor gov secretary king queen pope")
    | _set("judge general gen mayor chairman chief ceo premier ambassador commissioner"),
    "fr": _set("président présidente ministre premier première chancelier chancelière maire"),
    "es": _set("presidente presidenta ministro ministra canciller alcalde alcaldesa"),
    "de": _set("präsident präsidentin minister ministerin kanzler kanzlerin bürgermeister bürgermeisterin"),
}
_ROLE_WORDS = {
    "en": TITLES["en"]
    | _set("executive officer cfo coo cto founder co-founder director manager boss head leader economist")
    | _set("analyst strategist spokesman spokeswoman spokesperson chair chairwoman commander")
    | _set("prince princess lawyer attorney professor coach captain editor correspondent treasurer")
    | _set("president-elect deputy chancellor envoy negotiator regulator official officials investor")
    | _set("owner partner adviser advisor economist analyst secretary-general congressman congresswoman")
    | _set("bishop archbishop cardinal rabbi imam vicar priest"),
    "fr": TITLES["fr"]
    | _set("directeur directrice pdg patron patronne porte-parole secrétaire gouverneur général chef")
    | _set("député députée sénateur sénatrice roi reine pape fondateur fondatrice économiste analyste"),
    "es": TITLES["es"]
    | _set("director directora portavoz secretario secretaria gobernador jefe jefa consejero")
    | _set("fundador fundadora economista analista rey reina papa diputado diputada senador"),
    "de": TITLES["de"]
    | _set("chef chefin vorstandschef vorsitzender vorsitzende sprecher sprecherin sekretär gouverneur")
    | _set("gründer gründerin ökonom ökonomin analyst analystin könig königin papst abgeordnete"),
}
# What a person is by trade or to someone, before the name: "former astronaut Jo Lee said", "his
# mother Lucy said". They show a name is a sentence's subject, but are no titles: a person they
# describe in passing ("suggesting presenter Jo Lee would ...") leaves a pronoun's person clear.
_DESCRIPTORS = {
    "en": frozenset()
    | _set("prosecutor astronaut scientist researcher expert author writer novelist poet playwright")
    | _set("actor actress singer musician striker midfielder defender goalkeeper winger forward batsman")
    | _set("bowler jockey rider boxer athlete sprinter golfer cyclist referee umpire doctor surgeon")
    | _set("nurse physician psychologist psychiatrist teacher headteacher headmaster headmistress")
    | _set("lecturer student campaigner activist councillor politician diplomat detective inspector")
    | _set("superintendent constable sergeant officer colonel lieutenant corporal soldier admiral")
    | _set("magistrate barrister solicitor historian critic producer presenter broadcaster")
    | _set("journalist reporter columnist commentator designer architect engineer farmer consultant")
    | _set("photographer entrepreneur businessman businesswoman banker trader accountant broker")
    | _set("inventor curator composer conductor dancer ballerina choreographer comedian filmmaker")
    | _set("film-maker screenwriter publisher supervisor administrator organiser organizer lobbyist")
    | _set("pollster aide assistant colleague wife husband widow widower mother father mum dad")
    | _set("son daughter sister grandmother grandfather grandson granddaughter uncle aunt cousin")
    | _set("nephew niece stepfather stepmother boyfriend girlfriend fiancé fiancée pensioner specialist")
    # "Liberal Democrat peer Lord Carlile", "centre back Gerard Pique", "Sky pundit Ann Lee"
    | _set("peer pundit skipper keeper centre-back centre-half full-back fullback wing-back playmaker")
    | _set("centre center back flanker prop hooker fly-half scrum-half wing")
}
_MODIFIERS = _set("former acting deputy interim outgoing incoming vice senior top foreign finance")
_MODIFIERS |= _set("defence defense home health interior economy trade state executive general managing")
_MODIFIERS |= _set(
    "ancien ancienne adjoint adjointe ex antiguo antigua ehemalige ehemaliger stellvertretende"
)
_ARTICLES = _set("the a an le la les el los las der die das")
_CONNECTORS = _set("of for de du des d' la le del für der des")
_STOP = _set("the a an in on at by with and but or as after before when while said says told")
_STOP |= _set("le la les un une et mais el los las y pero der die das und aber")
_WORD = re.compile(r"[^\s,;:()\"“”«»]+")
_APPOSITION_AFTER = re.compile(r"\s*,\s*([^,;:()\"“”«»]{3,80}?)\s*(?:,|;|\.(?:\s|$)|$)")
_MAX_ROLE_WORDS = 8
_VERBS_AND_PRONOUNS = _set("who which that said says told is was qui que dit est quien dijo es sagte ist")


def title_words(language: str) -> frozenset[str]:
    """Words that may stand before a name without being part of it ("Prime", "Minister", "Mr")."""
    return _role_words(language) | HONORIFICS.get(language, HONORIFICS["en"]) | _MODIFIERS


def descriptor_words(language: str) -> frozenset[str]:
    """Nouns that say what a person is ("astronaut", "mother") and may stand before the name."""
    return _DESCRIPTORS.get(language, frozenset())


def _role_words(language: str) -> frozenset[str]:
    return _ROLE_WORDS.get(language, _ROLE_WORDS["en"])


def _has_role_word(phrase: str, language: str) -> bool:
    roles = _role_words(language)
    words = [w.lower().strip(".'’").removesuffix("'s").removesuffix("’s") for w in phrase.split()]
    return any(w in roles for w in words)


def _before(text: str, sentence_start: int, name_start: int, language: str) -> str | None:
    """The title phrase that ends right before the name, honorifics skipped."""
    honorifics = HONORIFICS.get(language, frozenset())
    words = list(_WORD.finditer(text, sentence_start, name_start))
    end = name_start
    while words and words[-1].group().lower().rstrip(".") in honorifics and words[-1].end() <= end:
        end = words.pop().start()
    run: list[re.Match[str]] = []
    for word in reversed(words):
        if text[word.end() : (run[0].start() if run else end)].strip():
            break  # punctuation between: the phrase ends here
        token = word.group()
        lower = token.lower().removesuffix("'s").removesuffix("’s")
        allowed = token[0].isupper() or lower in _role_words(language) or lower in _MODIFIERS
        if not (allowed or lower in _CONNECTORS) or lower in _STOP:
            break
        run.insert(0, word)
    while run and run[0].group().lower() in _CONNECTORS:
        run.pop(0)
    if not run or len(run) > _MAX_ROLE_WORDS:
        return None
    phrase = text[run[0].start() : run[-1].end()]
    return phrase if _has_role_word(phrase, language) else None


def _apposition(text: str, start: int, end: int, language: str) -> str | None:
    """``text[start:end]`` as a role (a leading article dropped), if it is short and names one."""
    words = list(_WORD.finditer(text, start, end))
    if len(words) > 1 and words[0].group().lower() in _STOP:
        words = words[1:]
    if not words or len(words) > _MAX_ROLE_WORDS:
        return None
    phrase = " ".join(text[words[0].start() : words[-1].end()].split())
    if not _has_role_word(phrase, language):
        return None
    if any(w.group().lower() in _VERBS_AND_PRONOUNS for w in words):
        return None  # a clause ("who said"), not a title
    return phrase


def _after(text: str, name_end: int, sentence_end: int, language: str) -> str | None:
    match = _APPOSITION_AFTER.match(text, name_end, sentence_end)
    return _apposition(text, match.start(1), match.end(1), language) if match else None


def _apposition_before(text: str, sentence_start: int, name_start: int, language: str) -> str | None:
    head = text[sentence_start:name_start].rstrip()
    # "The Bishop of Leeds, the Rt Rev Dr Tom Hale": honorifics and an article before the name
    honorifics = HONORIFICS.get(language, frozenset()) | _ARTICLES
    while (last := head.rsplit(maxsplit=1)[-1:]) and last[0].lower().rstrip(".") in honorifics:
        head = head[: len(head) - len(last[0])].rstrip()
    if not head.endswith(","):
        return None
    comma = max(head.rfind(mark, 0, len(head) - 1) for mark in ",;:")
    return _apposition(text, sentence_start + comma + 1, sentence_start + len(head) - 1, language)


def role_for(
    text: str, sentences: list[Sentence], mentions: list[tuple[int, int]], language: str
) -> str | None:
    """The first role the article gives the person at any of ``mentions``, or None."""
    for start, end in mentions:
        sentence = next((s for s in sentences if s.start <= start < s.end), None)
        if sentence is None:
            continue
        for role in (
            _before(text, sentence.start, start, language),
            _after(text, end, sentence.end, language),
            _apposition_before(text, sentence.start, start, language),
        ):
            if role:
                return role
    return None

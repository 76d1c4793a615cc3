"""The words that attribute speech, per language: reporting verbs, pronouns, titles, bodies.

``Rules`` holds one language's patterns, compiled once (``rules_for``): the verbs that report speech
("said", "afirmó", "sagte", "a déclaré") and those that characterise it ("called", "calificó"),
"according to", pronouns, passive auxiliaries, the words that may stand before a name, and the
nouns that make a body of a name ("the Scottish government"). ``service.nlp.speakers`` uses them to
find the speaker in a phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from service.nlp.rank import stop_words
from service.nlp.roles import descriptor_words, title_words

Span = tuple[int, int]

MAX_DESCRIPTION_WORDS = 5  # "the two-time champion"
DEFINITE = frozenset({"the", "el", "la", "le", "der", "die", "das"})
MAX_TITLE_WORDS = 3  # "executive producer" between a show's name and its producer's
WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
CAPITAL = re.compile(r"[^\W\d_a-zß-ÿ]")
# "Oscar-nominated", "Leeds-born", "London-based": a capitalised word made an adjective, no name
ADJECTIVE_COMPOUND = re.compile(
    r"[^\W\d_]+(?:-[^\W\d_]+)*-(?:[^\W\d_A-ZÀ-Þ]+ed|born|based|winning|run|led|made|owned|era|style|wide)"
)


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


def _alternation(words: str) -> str:
    """A regex for any of ``a|b c|...``: longest first, any white space between words, and never
    inside a hyphenated word ("so-called" is not "called").

    The words are written as a tree of their letters ("sa(?:id|ys|y)..."), so at each place of a
    text the engine follows one branch instead of trying every word: the verb lists are scanned
    over whole sentences for every quote."""
    tree: dict[str, Any] = {}
    for word in words.split("|"):
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return r"(?<![\w-])" + _branches(tree)


def _branches(node: dict[str, Any]) -> str:
    """The regex of a letter tree: each branch longest first (a word's end is optional after it)."""
    alternatives = [
        (r"\s+" if char == " " else re.escape(char)) + _branches(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return f"(?:{body})?" if "" in node else body


# Verbs that report speech, as the article writes them (past and present; French compound forms).
_VERBS = {
    "en": "said|says|say|told|tells|added|adds|stated|states|explained|explains|insisted|insists|warned|"
    "warns|argued|argues|claimed|claims|wrote|writes|noted|notes|asked|asks|replied|replies|declared|"
    "declares|announced|announces|continued|continues|admitted|admits|suggested|suggests|urged|urges|"
    "acknowledged|acknowledges|commented|comments|remarked|remarks|recalled|recalls|tweeted|tweets|"
    "confirmed|confirms|pointed out|points out|went on|goes on|concluded|concludes|predicted|"
    "promised|promises|vowed|vows|conceded|concedes|stressed|stresses|emphasised|emphasized|"
    "complained|complains|underlined|underlines|joked|jokes|revealed|reveals|observed|told reporters|"
    "told the BBC|saying|adding|insisting|warning|promising|telling",
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
    "dismissed|dismisses|attacked|attacks|criticised|criticized|criticises|criticizes|condemned|condemns|"
    "accused|accuse|accuses|praised|praises|decried|decries|accusing|describing|branding|labelling|"
    "dismissing|criticising|criticizing|condemning|praising",
    "es": "calificó|califica|describió|describe|llamó|llama|tildó|definió",
    "de": "nannte|nennt|bezeichnete|bezeichnet|beschrieb|beschreibt",
    "fr": "a qualifié|qualifie|a décrit|décrit|a jugé|juge|a appelé|appelle",
}
# Verbs of a view or memory: "Lee believes he lost the race. "In my heat ..."" introduces her
# words in the next sentence (used only for a quote with no attribution of its own).
_STANCE_VERBS = {
    "en": "believes|believed|thinks|thought|feels|felt|hopes|hoped|fears|feared|remembered|remembers|"
    "recalled|recalls|is confident|was confident",
    "es": "cree|creía|piensa|pensaba|espera|esperaba|teme|recuerda|recordó",
    "de": "glaubt|glaubte|meint|meinte|hofft|hoffte|fürchtet|erinnert sich|erinnerte sich",
    "fr": "pense|pensait|croit|croyait|espère|espérait|craint|se souvient",
}
_ACCORDING = {"en": "according to", "es": "según", "de": "laut|zufolge", "fr": "selon|d'après|d’après"}
_PRONOUNS = {
    "en": "he|she|they|it|we|i",
    "es": "él|ella|ellos|ellas",
    "de": "er|sie",
    "fr": "il|elle|ils|elles",
}
# German writes titles as one capitalised compound before the name: "Oppositionsführer Markus Hill".
_TITLE_COMPOUNDS = {
    "de": r"(?:führer|meister|minister|chef|sprecher|präsident|vorsitzende|kanzler|direktor|trainer|leiter|"
    r"sekretär|berater|experte|vorstand|kandidat)(?:in|innen|s|r)?$"
}
# Auxiliaries of the passive: "she was told", "fue informado", "wurde gesagt", "a été dit".
_PASSIVE = {
    "en": "was|were|been|being|is|are|be|get|got",
    "es": "fue|fueron|ha sido|han sido|es|son",
    "de": "wurde|wurden|worden|wird|werden",
    "fr": "a été|ont été|été|est|sont|fut",
}
# French and German inversions put the pronoun on the verb: "a-t-il déclaré", "sagte er".
INVERTED = re.compile(r"-t-(?:il|elle)\b|\b(?:sagte|erklärte|betonte|meinte) (?:er|sie)\b", re.IGNORECASE)
# A body's voice: "a Bloom spokeswoman said" is Bloom speaking.
REPRESENTATIVES = words(
    "spokesman spokeswoman spokesperson official officials representative portavoz sprecher sprecherin "
    "porte-parole"
)
# Things that "say" without being anyone: "the report said", "the memo states", "el informe señala".
DOCUMENT_NOUNS = words(
    "report memo study statement document letter survey paper book article website ruling judgment "
    "judgement decision bill law guidance research analysis review poll message email e-mail tweet post "
    "note briefing findings data figures minutes manifesto banner sign slogan motion text "
    "section chapter clause "
    "informe estudio documento carta comunicado encuesta sentencia ley mensaje "
    "bericht studie dokument brief erklärung umfrage urteil gesetz mitteilung "
    "rapport étude lettre communiqué sondage arrêt loi"
)
# Nouns that make a body of the name before them: "the Scottish government said".
BODY_NOUNS = words(
    "government council ministry department police party company firm group club court army commission "
    "office agency union board committee authority authorities gobierno ministerio policía partido empresa "
    "ayuntamiento regierung ministerium polizei partei unternehmen gouvernement ministère parti "
    "entreprise mairie "
    "institute institution association organisation organization foundation trust society charity "
    "university college school hospital league federation alliance coalition"
)
SPOKES = re.compile(
    r"\b(?:spokes(?:man|woman|person)|representative|portavoz|sprecher(?:in)?|porte-parole)\s+"
    r"(?:for|of|at|from|de(?:l)?|von|der|des|du)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rules:
    language: str  # the language whose rules these are ("en" for one without its own)
    after: re.Pattern[str]  # attribution after the closing mark
    verb: re.Pattern[str]  # a verb that reports speech
    any_verb: re.Pattern[str]  # that, or one that characterises it ("called", "described")
    introducing: re.Pattern[str]  # any_verb, or one of a view that the next sentence may quote
    before_tail: re.Pattern[str]  # what may follow the verb up to the quote: "that", "the BBC:"
    according: re.Pattern[str]  # "according to X," just before the quote
    passive: re.Pattern[str]  # ends with an auxiliary that makes the verb after it passive ("was told")
    pronoun: re.Pattern[str]  # a chunk that is just a pronoun
    a_pronoun: re.Pattern[str]  # a pronoun anywhere in a chunk
    pronoun_subject: re.Pattern[str]  # a pronoun opening a clause of lowercase words only
    pronoun_clause: re.Pattern[str]  # a pronoun and lowercase words: "He later contacted the show"
    titles: frozenset[str]  # words before a name that are not part of it ("Prime Minister", "Mr")
    descriptors: frozenset[str]  # what a person is, before the name: "state prosecutor Jo Lee"
    title_compound: re.Pattern[str]  # a German compound that is a title ("Oppositionsführer")
    stops: frozenset[str]  # a capitalised stop word is a sentence opening, not a name


def _rules(language: str) -> Rules:
    lang = language if language in _VERBS else "en"
    verbs, according = _alternation(_VERBS[lang]), _alternation(_ACCORDING[lang])
    partial_verbs = _alternation(_PARTIAL_VERBS[lang])
    flags = re.IGNORECASE
    return Rules(
        language=lang,
        # , said X. | , X said. | , according to X. | — so X (German "…", so Merz)
        after=re.compile(
            rf"^[\s,;:.!?—–-]*(?:(?P<verb>{verbs})\b(?P<post>[^.!?\n]*)|(?P<acc>{according})\s+(?P<who>[^.!?\n]*)"
            rf"|(?P<pre>[^.!?\n\"“”«»]*?)\b(?:{verbs})\b)",
            flags,
        ),
        # X said: | X said that | X told the BBC: | according to X, | X:
        verb=re.compile(rf"{verbs}\b", flags),
        any_verb=re.compile(rf"(?:{verbs}|{partial_verbs})\b", flags),
        introducing=re.compile(rf"(?:{verbs}|{partial_verbs}|{_alternation(_STANCE_VERBS[lang])})\b", flags),
        before_tail=re.compile(
            r"(?:\s+(?:that|que|dass|qu['’]))?(?:[^.!?\n\"“”«»:]{0,80}(?=:))?:?\s*", flags
        ),
        according=re.compile(rf"(?P<acc>{according})\s+(?P<who>[^.!?\n\"“”«»,]*),\s*$", flags),
        passive=re.compile(rf"\b(?:{_PASSIVE[lang]})\s+$", flags),
        pronoun=re.compile(rf"^\s*(?:{_alternation(_PRONOUNS[lang])})\s*$", flags),
        a_pronoun=re.compile(rf"\b(?:{_alternation(_PRONOUNS[lang])})\b", flags),
        pronoun_subject=re.compile(
            rf"^\s*((?i:{_alternation(_PRONOUNS[lang])}))\b(?:\s+[^\W\d_A-ZÀ-Þ][\w'’-]*){{1,8}}\s+(?:and|y|und|et)\s*$"
        ),
        pronoun_clause=re.compile(
            rf"^\s*((?i:{_alternation(_PRONOUNS[lang])}))\b(?:\s+[^\W\d_A-ZÀ-Þ][\w'’-]*){{1,8}}\s*$"
        ),
        titles=title_words(lang) | _STYLES,
        descriptors=descriptor_words(lang),
        title_compound=re.compile(_TITLE_COMPOUNDS.get(lang, r"(?!)")),
        stops=stop_words(lang),
    )


_RULES: dict[str, Rules] = {}


def is_pronoun(word: str, language: str) -> bool:
    """Is ``word`` one of the language's subject pronouns ("she", "elle")?"""
    return rules_for(language).pronoun.match(word) is not None


# The pronouns that stand for one person: "it said" is a body or a thing, "they" several, "we"/"I"
# the speaker of a quote around them.
PERSON_PRONOUNS = {
    "en": words("he she"),
    "es": words("él ella"),
    "de": words("er sie"),
    "fr": words("il elle"),
}


def is_person_pronoun(word: str, language: str) -> bool:
    """Does ``word`` stand for one person ("she", "él", "er", "elle")?"""
    return word.strip().casefold() in PERSON_PRONOUNS.get(language, PERSON_PRONOUNS["en"])


def rules_for(language: str) -> Rules:
    rules = _RULES.get(language)
    if rules is None:
        rules = _RULES[language] = _rules(language)
    return rules


AUXILIARIES = words(
    "had has have was were is are would will could should did does do may might must "
    "había ha habría hatte hat hätte würde avait a aurait"
)
# Styles of address before a name ("the Rt Rev Dr Ann Lee", "the Rt Hon Ann Lee", "Brother Ivo")
_STYLES = words("rt hon revd brother pm")
# Words of time that open a sentence before its subject ("Last night Tory MP Ann Lee said",
# "Yesterday Ann Lee said"): not part of a name
TIME_WORDS = words(
    "yesterday today tonight night morning afternoon evening week weekend month year earlier later "
    "monday tuesday wednesday thursday friday saturday sunday "
    "ayer hoy lunes martes miércoles jueves viernes sábado domingo "
    "gestern heute montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "hier aujourd'hui lundi mardi mercredi jeudi vendredi samedi dimanche"
)
CONNECTORS = frozenset(["of", "for", "de", "del", "van", "von", "der", "la", "le", "du", "and", "&"])
LEAD_WORDS = CONNECTORS | DEFINITE | {"a", "an", "un", "una", "une", "ein", "eine", "y", "und", "et"}


# "The memo, edited by ..., says", "the congressional document says": a document opens the phrase
# (up to two lowercase words between the article and its noun; never a possessive: "the report's")
_DOCUMENT_OPENING = tuple(
    re.compile(
        rf"\s*((?i:the|this|el|la|le|der|die|das)\s+(?:[^\W\d_A-ZÀ-Þ][\w-]*\s+){{{n}}}([^\W\d_A-ZÀ-Þ][\w-]*))"
        r"(?![\w'’-])"
    )
    for n in range(3)
)


def document_opening(text: str, start: int, end: int) -> Span | None:
    """The document that opens ``text[start:end]``, or its part after the last comma ("Explaining
    the risk, the congressional document says")."""
    chunk = text[start:end]
    comma = chunk.rstrip().rfind(",")
    for at in (0, comma + 1) if comma >= 0 else (0,):
        for pattern in _DOCUMENT_OPENING:
            document = pattern.match(chunk, at)
            if document and document.group(2).casefold() in DOCUMENT_NOUNS:
                return start + document.start(1), start + document.end(1)
    return None


_THE = re.compile(rf"(?:{'|'.join(sorted(DEFINITE))})\s+", re.IGNORECASE)  # "for the RAD"


def represented(chunk: str) -> int:
    """Where the body a spokesperson speaks for is named in ``chunk`` ("a spokesman for Tesco",
    "A spokeswoman for the RAD"), or 0. After "the" only when nobody is named before: "Ann Lee, a
    spokeswoman for the firm," is Lee."""
    spokes = SPOKES.search(chunk)
    if spokes is None:
        return 0
    body = _THE.match(chunk, spokes.end()) if len(chunk[: spokes.start()].split()) <= 1 else None
    at = body.end() if body else spokes.end()
    return at if CAPITAL.match(chunk, at) else 0

"""Word lists of the support checker (``service.grounding.support``), per language, as data.

Negation cues (words and negative verbs), passive markers ("by" after a verb), role nouns and
pronouns that may stand for a named actor, determiners that mark a German common noun, and the
Snowball stemmer of each language.  Languages outside en/es/de/fr get English-free defaults:
no stop words, no cues, stems cut to a fixed prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import Stemmer  # type: ignore[import-not-found]

from service.nlp.rank import stop_words
from service.nlp.roles import HONORIFICS, TITLES

_PREFIX_STEM_CHARS = 6  # languages without a Snowball stemmer: a word's first letters


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


_set = words


# Words that flip the polarity of the clause they are in.  Matched on lower-cased tokens.
_NEGATION_WORDS = {
    "en": _set("not no never nobody nothing none neither nor cannot without n't nowhere"),
    "es": _set("no nunca jamás ningún ninguna ninguno nadie nada tampoco sin ni"),
    "de": _set("nicht kein keine keinen keinem keiner keines nie niemals niemand nichts ohne weder"),
    "fr": _set("ne n' pas jamais aucun aucune rien sans ni nullement"),
}
# Words that finish a negation cue rather than say what it negates ("no longer", "nicht mehr").
_NEGATION_CONTINUATIONS = {
    "en": _set("longer more any even yet"),
    "es": _set("más aún todavía"),
    "de": _set("mehr länger einmal"),
    "fr": _set("plus encore"),
}
# Verbs of refusal or denial, and "against" ("voted against"): a sentence with one says the
# opposite of one without.  Stemmed.
_NEGATIVE_VERBS = {
    "en": _set(
        "refuse refused deny denied denies reject rejected fail failed fails decline declined against"
    ),
    "es": _set("negar negó niega rechazar rechazó rechaza rehusar rehusó contra"),
    "de": _set("verweigern verweigerte bestreiten bestritt dementieren dementierte ablehnen lehnte gegen"),
    "fr": _set("refuser refusé refuse nier nié nie rejeter rejeté rejette contre"),
}
# Verbs of saying: they carry little of what a sentence states.  Stemmed.
_REPORTING = {
    "en": _set("say says said tell told telling add added adds according claim claimed state stated"),
    "es": _set("decir dijo dice afirmó afirma añadió señaló explicó aseguró según"),
    "de": _set("sagen sagte sagt erklärte erklärt betonte sagten laut teilte"),
    "fr": _set("dire dit déclaré affirmé ajouté expliqué selon indiqué"),
}
# A word after the verb that makes its object the doer ("was fined by the regulator").
PASSIVE_MARKERS = {
    "en": _set("by"),
    "es": _set("por"),
    "de": _set("von vom durch"),
    "fr": _set("par"),
}
# Nouns and pronouns a summary may use for a named actor of the aligned sentences.
_ROLE_NOUNS = {
    "en": _set("company firm group government minister official officials police team club man woman")
    | _set("he she they him her his their it its party country city state authorities spokesman")
    | _set("spokeswoman spokesperson chief leader star player manager coach boss side"),
    "es": _set("empresa compañía grupo gobierno ministro ministra policía equipo club hombre mujer")
    | _set("él ella ellos ellas su sus partido país ciudad autoridades portavoz líder jugador"),
    "de": _set("unternehmen firma konzern gruppe regierung minister ministerin polizei mannschaft")
    | _set("verein mann frau er sie sein seine ihr ihre partei land stadt behörden sprecher chef"),
    "fr": _set("entreprise société groupe gouvernement ministre police équipe club homme femme")
    | _set("il elle ils elles son sa ses leur leurs parti pays ville autorités porte-parole chef"),
}
# German capitalises every noun: a capitalised word right after one of these is a common noun.
DETERMINERS = {
    "de": _set("der die das den dem des ein eine einen einem einer eines kein keine jeder jede")
    | _set("dieser diese dieses diesen diesem mein meine sein seine ihr ihre unser unsere"),
}
_SNOWBALL = {"en": "english", "es": "spanish", "de": "german", "fr": "french"}
NAME_CASE_LANGUAGES = frozenset({"en", "es", "fr"})  # where a capital letter inside a sentence marks a name


@dataclass(frozen=True)
class Lexicon:
    """Everything language-specific the checker reads, for one language."""

    language: str
    stops: frozenset[str]
    negation_words: frozenset[str]
    negation_continuations: frozenset[str]
    negative_stems: frozenset[str]
    passive: frozenset[str]
    role_stems: frozenset[str]
    reporting_stems: frozenset[str]
    determiners: frozenset[str]
    titles: frozenset[str]
    honorifics: frozenset[str]
    stemmer: Stemmer.Stemmer | None

    def stem(self, word: str) -> str:
        """The stem of a lower-case word."""
        if self.stemmer is None:
            return word[:_PREFIX_STEM_CHARS]
        return str(self.stemmer.stemWord(word))


@cache
def lexicon(language: str) -> Lexicon:
    """The word lists of ``language`` (ISO 639-1), built once per process."""
    name = _SNOWBALL.get(language)
    stemmer = Stemmer.Stemmer(name) if name else None
    stem = (lambda w: str(stemmer.stemWord(w))) if stemmer else (lambda w: w[:_PREFIX_STEM_CHARS])
    negation_words = _NEGATION_WORDS.get(language, frozenset())
    return Lexicon(
        language=language,
        stops=stop_words(language) - negation_words,
        negation_words=negation_words,
        negation_continuations=_NEGATION_CONTINUATIONS.get(language, frozenset()),
        negative_stems=frozenset(stem(w) for w in _NEGATIVE_VERBS.get(language, ())),
        passive=PASSIVE_MARKERS.get(language, frozenset()),
        role_stems=frozenset(stem(w) for w in _ROLE_NOUNS.get(language, ())),
        reporting_stems=frozenset(stem(w) for w in _REPORTING.get(language, ())),
        determiners=DETERMINERS.get(language, frozenset()),
        titles=TITLES.get(language, frozenset()),
        honorifics=HONORIFICS.get(language, frozenset()),
        stemmer=stemmer,
    )

"""The words that name a quote's speaker: attribution verbs per language, and the name in a phrase.

``Rules`` holds one language's reporting verbs ("said", "afirmó", "sagte", "a déclaré"), pronouns
and the words that may stand before a name; ``speaker_in`` finds the speaker in the words around a
verb: a name (titles and owners skipped: "Acme chief executive Dana Reyes"), a pronoun, a body
("the Scottish government", "a spokesman for Tesco": Tesco) or a definite description that stands
for someone named before ("the two-time champion").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.nlp.quote_marks import trim
from service.nlp.rank import stop_words
from service.nlp.roles import title_words

Span = tuple[int, int]

MAX_DESCRIPTION_WORDS = 5  # "the two-time champion"
_DEFINITE = frozenset({"the", "el", "la", "le", "der", "die", "das"})
MAX_TITLE_WORDS = 3  # "executive producer" between a show's name and its producer's
WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
CAPITAL = re.compile(r"[^\W\d_a-zß-ÿ]")


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
    "confirmed|confirms|pointed out|points out|went on|goes on|concluded|concludes|predicted|"
    "promised|promises|vowed|vows|conceded|concedes|stressed|stresses|emphasised|emphasized|"
    "complained|complains|underlined|underlines|joked|jokes|revealed|reveals|observed|told reporters|"
    "told the BBC",
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
    "accused|accuse|accuses|praised|praises|decried|decries",
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
    titles: frozenset[str]  # words before a name that are not part of it ("Prime Minister", "Mr")
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
        titles=title_words(lang),
        title_compound=re.compile(_TITLE_COMPOUNDS.get(lang, r"(?!)")),
        stops=stop_words(lang),
    )


_RULES: dict[str, Rules] = {}


def is_pronoun(word: str, language: str) -> bool:
    """Is ``word`` one of the language's subject pronouns ("she", "elle")?"""
    return rules_for(language).pronoun.match(word) is not None


def rules_for(language: str) -> Rules:
    rules = _RULES.get(language)
    if rules is None:
        rules = _RULES[language] = _rules(language)
    return rules


_AUXILIARIES = words(
    "had has have was were is are would will could should did does do may might must "
    "había ha habría hatte hat hätte würde avait a aurait"
)
_CONNECTORS = frozenset(["of", "for", "de", "del", "van", "von", "der", "la", "le", "du", "and", "&"])
_LEAD_WORDS = _CONNECTORS | _DEFINITE | {"a", "an", "un", "una", "une", "ein", "eine", "y", "und", "et"}


def _name_runs(text: str, start: int, end: int) -> list[Span]:
    """Runs of capitalised words in ``text[start:end]`` ("Bank of England", "Sir Keir Starmer").

    A possessive ends a run: "Acme's Lee Park" is "Acme" and "Lee Park".
    """
    runs: list[Span] = []
    run: list[Span] = []  # capitalised words and connectors of the current run
    for match in WORD.finditer(text, start, end):
        word = match.group()
        gap = text[run[-1][1] : match.start()] if run else ""
        joined = bool(run) and gap == " "
        if CAPITAL.match(word):
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


def speaker_in(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """The words of ``text[start:end]`` that name the speaker, and whether they are a pronoun.

    The speaker is the first name of the phrase, unless that name only owns or titles the next one.
    """
    chunk = text[start:end]
    last_comma = chunk.rstrip().rfind(",")
    if last_comma >= 0 and rules.pronoun.match(chunk[last_comma + 1 :]):  # "Earlier, she said"
        start += last_comma + 1
        chunk = text[start:end]
    if rules.pronoun.match(chunk):
        s, e = trim(text, start, end)
        return (s, e), True
    spokes = _SPOKES.search(chunk)
    if spokes and CAPITAL.match(chunk, spokes.end()):  # "a spokesman for Tesco": Tesco speaks
        start = start + spokes.end()
    runs = [run for run in (_clean_run(text, run, rules) for run in _name_runs(text, start, end)) if run]
    if not runs:
        pronoun = rules.a_pronoun.search(chunk)
        if pronoun and len(chunk.split()) <= 2:
            return (start + pronoun.start(), start + pronoun.end()), True
        opening = rules.pronoun_subject.match(chunk)
        if opening:  # "He then turned to the crowd and added": the verbs share the subject
            return (start + opening.start(1), start + opening.end(1)), True
        return _description(text, start, end, rules)
    first = next((i for i, run in enumerate(runs) if _opens_phrase(text, start, run, rules)), None)
    if first is None:
        # "... according to the survey Acme pensions adviser Rui Costa said": the name right
        # before the verb, after its title, even where the sentence before it ran on unpunctuated
        last = runs[-1]
        if not text[last[1] : end].strip() and _after_title(text, start, last[0], rules):
            return last, False
        return None  # "A letter sent to Nordic firm Bolt by Acme's team said": unclear
    chosen = runs[first]
    for run in runs[first + 1 :]:
        if not (_owner_or_title(text, chosen, run, rules) or _title_in_commas(text, chosen, run, rules)):
            break
        chosen = run
    apposed = _apposed(text, (start, end), chosen, runs[-1], rules)
    return _with_body_noun(text, apposed or chosen, end), False


def _apposed(text: str, phrase: Span, chosen: Span, last: Span, rules: Rules) -> Span | None:
    """ "The Minister of State for Rural Affairs, Ines Varga, said": the name set off in commas
    right before the verb is the speaker when the phrase opens with a title."""
    start, end = phrase
    if last == chosen or text[last[1] : end].strip() != "," or not text[: last[0]].rstrip().endswith(","):
        return None
    words = [w.lower() for w in WORD.findall(text, start, last[0])]
    return last if any(w in rules.titles for w in words) else None


def _after_title(text: str, start: int, at: int, rules: Rules) -> bool:
    """Does a lowercase title word ("adviser", "director") stand right before ``at``?"""
    words = WORD.findall(text, start, at)
    return bool(words) and words[-1] in rules.titles and words[-1].islower() and words[-1] not in _DEFINITE


def _title_in_commas(text: str, run: Span, following: Span, rules: Rules) -> bool:
    """ "The Shadow Secretary of State for Transport, Jane Roe, said": the run is a title."""
    words = [w.lower() for w in WORD.findall(text, run[0], run[1])]
    return text[run[1] : following[0]].strip() == "," and any(w in rules.titles for w in words)


def _opens_phrase(text: str, start: int, run: Span, rules: Rules) -> bool:
    """Does the name open its phrase (only titles or articles before it, since a comma or the start)?

    A name deeper in the phrase ("a letter sent to Nordic firm Bolt") is not its subject.
    """
    comma = text.rfind(",", start, run[0])
    lead = text[(comma + 1 if comma >= 0 else start) : run[0]]
    # a capitalised stop word opens the sentence ("But", "The"), an article or a connector a title
    # ("said an IAAF spokesman", "chairman and chief executive"); "between Britain and" is deeper
    return all(
        w.lower().rstrip(".") in rules.titles
        or rules.title_compound.search(w.lower())
        or w in _LEAD_WORDS
        or (w.lower() in rules.stops and w[:1].isupper())
        for w in WORD.findall(lead)
    )


def _owner_or_title(text: str, run: Span, following: Span, rules: Rules) -> bool:
    """Is ``run`` only the owner or title of the name after it?

    "Acme's Lee Park", "Acme chief executive Dana Reyes", "Morning Show executive producer Ann
    Vale": yes; "Tom Hale of the Regional Water Office", "Rita Kohl, Acme's chief
    executive": no.
    """
    between = text[run[1] : following[0]]
    if between.startswith(("'s", "’s")):
        return True
    words = [w.lower() for w in WORD.findall(between)]
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and not re.search(r"[,;:()]", between)
        and all(
            w in rules.titles or w in _CONNECTORS or (w not in rules.stops and w.isalpha()) for w in words
        )
    )


def _description(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """ "The two-time champion said": a definite description of a person named before.

    It stands for someone like a pronoun does; "a spokeswoman" (someone new, unnamed) and "the
    company" (a body, not a person) do not.
    """
    words = list(WORD.finditer(text, start, end))
    if not 2 <= len(words) <= MAX_DESCRIPTION_WORDS or words[0].group().lower() not in _DEFINITE:
        return None
    head = words[-1].group().lower()
    if head in BODY_NOUNS or head in _REPRESENTATIVES or any(CAPITAL.match(w.group()) for w in words[1:]):
        return None
    if head.endswith("s") and not head.endswith("ss"):
        return None  # "said the artists": more than one person
    if any(w.group().lower() in _AUXILIARIES for w in words):
        return None  # "the chairman had said": a clause, and whoever he is, nobody named him
    return (words[0].start(), words[-1].end()), True


def _clean_run(text: str, run: Span, rules: Rules) -> Span | None:
    """The name in a run of capitalised words, without the titles and openings before it.

    "Prime Minister Keir Starmer" is "Keir Starmer"; "The" alone is no name.
    """
    start, end = run
    for word in WORD.finditer(text, start, end):
        low = word.group().lower().rstrip(".")
        if low not in rules.titles and low not in rules.stops and not rules.title_compound.search(low):
            break
        start = word.end()
    start, end = trim(text, start, end)
    return (start, end) if start < end and CAPITAL.match(text, start) else None

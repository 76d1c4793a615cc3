"""The name in a phrase that names a quote's speaker (the phrase around an attribution verb).

``speaker_in`` finds the speaker in the words around a verb: a name (titles and owners skipped:
"Acme chief executive Dana Reyes"), a pronoun, a body ("the Scottish government", "a spokesman for
Tesco": Tesco) or a definite description that stands for someone named before ("the two-time
champion"). The words of each language are in ``service.nlp.attribution``.
"""

from __future__ import annotations

import re

from service.nlp.attribution import (
    ADJECTIVE_COMPOUND,
    BODY_NOUNS,
    CAPITAL,
    CONNECTORS,
    DEFINITE,
    LEAD_WORDS,
    MAX_TITLE_WORDS,
    REPRESENTATIVES,
    TIME_WORDS,
    WORD,
    Rules,
    document_opening,
    represented,
)
from service.nlp.quote_marks import trim
from service.nlp.roles import HONORIFICS, descriptor_words
from service.nlp.speaker_phrases import (
    after_opening,
    antecedent,
    description,
    relative_comma,
    subordinate_pronoun,
)

Span = tuple[int, int]


_BUT = re.compile(r"\b(?:but|yet|whereas|pero|aber|mais)\s+")
_WORKPLACE = frozenset({"of", "for", "at", "from", "de", "del", "von", "bei", "du", "des"})
# a relative clause set off in commas right before the verb ("Ann Lee, who led the study, said")
_TRAILING_RELATIVE = re.compile(r",\s*(?:who|whose|which|whom)\s[^.!?\n]*,\s*$", re.IGNORECASE)


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
        if CAPITAL.match(word) and not ADJECTIVE_COMPOUND.fullmatch(word):
            if not joined:
                runs += _closed(run, text)
                run = []
            run.append(match.span())
            if word.endswith(("'s", "’s")):
                runs += _closed(run, text)
                run = []
        elif joined and word.lower() in CONNECTORS:
            run.append(match.span())
        else:
            runs += _closed(run, text)
            run = []
    return runs + _closed(run, text)


def _closed(run: list[Span], text: str) -> list[Span]:
    """The run without connectors at its end, as one span (none if it is empty)."""
    while run and text[run[-1][0] : run[-1][1]].lower() in CONNECTORS:
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


_LOWER_TAIL = re.compile(r"(?:\s+[^\W\d_A-ZÀ-Þ][\w'’-]*){1,3}\s*")  # " co-chairman" after "the Tory"
_LOWER_NEXT = re.compile(r" [^\W\d_A-ZÀ-Þ]")  # "Writing in": a lowercase word next


_RUN_ON_DESCRIPTION = re.compile(r"[^\s,;:–—-]\s+(The\s+(?:[a-z-]+\s+){0,2}[a-z-]+)\s*$")


def _marked_subject(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """A subject the phrase's end marks: a name a relative clause is set off after ("… Ann Lee,
    who"), or a description after a caption run on without its stop ("… (pictured, a fighter of
    the group) The panel": the sentence, and its subject, start at the capital "The")."""
    named = _relative_subject(text, start, end, rules)
    if named is not None:
        return named, False
    run_on = _RUN_ON_DESCRIPTION.search(text, start, end) if rules.language == "en" else None
    return description(text, run_on.start(1), end, rules) if run_on is not None else None


def speaker_in(text: str, start: int, end: int, rules: Rules) -> tuple[Span, bool] | None:
    """The words of ``text[start:end]`` that name the speaker, and whether they are a pronoun.

    The speaker is the first name of the phrase, unless that name only owns or titles the next one.
    """
    marked = _marked_subject(text, start, end, rules)
    if marked is not None:
        return marked
    relative = _TRAILING_RELATIVE.search(text, start, end)
    if relative:
        # "The actor, whose films include Heat, Ali and Lee Park's Ode, said": the subject is
        # before the clause, and the names in it are what it tells of the subject
        end = relative.start()
    chunk = text[start:end]
    last_comma = chunk.rstrip().rfind(",")
    if last_comma >= 0 and rules.pronoun.match(chunk[last_comma + 1 :]):  # "Earlier, she said"
        start += last_comma + 1
        chunk = text[start:end]
    if rules.pronoun.match(chunk):
        s, e = trim(text, start, end)
        return (s, e), True
    subordinate = subordinate_pronoun(text, start, end, rules.language)
    if subordinate is not None:  # "… by Ann Lee in 1946, when she said"
        return subordinate, True
    document = document_opening(text, start, end)
    if document is not None:
        # the document speaks, whatever the phrase says of it; the speaker step gives it to the
        # document's one author the article names ("prepared by X"), or to nobody
        return document, True
    clause = max(_BUT.finditer(chunk), key=lambda m: m.start(), default=None)
    if clause is not None and CAPITAL.match(chunk, clause.end()):
        # "The board may bar him but Mr Lee said": the clause after the conjunction has its subject
        return speaker_in(text, start + clause.end(), end, rules)
    rest = after_opening(chunk, rules)
    if rest is not None:
        # "In the Commons, Mr Hale said", "After Lee left, Park said": the phrase before the comma
        # says where or when; the subject comes after it
        return speaker_in(text, start + rest, end, rules)
    start += represented(chunk)
    runs = [run for run in (_clean_run(text, run, rules) for run in _name_runs(text, start, end)) if run]
    if not runs:
        pronoun = rules.a_pronoun.search(chunk)
        if pronoun and len(chunk.split()) <= 2:
            return (start + pronoun.start(), start + pronoun.end()), True
        opening = rules.pronoun_subject.match(chunk)
        if opening:  # "He then turned to the crowd and added": the verbs share the subject
            return (start + opening.start(1), start + opening.end(1)), True
        return description(text, start, end, rules)
    last_named = _titled_in_commas_before_verb(text, start, end, runs, rules) or _honoured_after_run_on(
        text, start, end, runs, rules
    )
    if last_named is not None:
        return last_named, False
    first = next((i for i, run in enumerate(runs) if _opens_phrase(text, start, run, rules)), None)
    if first is None:
        # "... according to the survey Acme pensions adviser Rui Costa said": the name right
        # before the verb, after its title, even where the sentence before it ran on unpunctuated
        last = runs[-1]
        if not text[last[1] : end].strip() and (
            _after_title(text, start, last[0], rules) or _owned_after_run_on(text, start, runs, rules)
        ):
            return last, False
        return None  # "A letter sent to Nordic firm Bolt by Acme's team said": unclear
    chosen = runs[first]
    one_word = " " not in text[chosen[0] : chosen[1]]
    if (
        one_word
        and len(runs) == first + 1
        and _LOWER_TAIL.fullmatch(text, chosen[1], end)
        and text[start : chosen[0]].split()
        in (["the"], ["The"], ["el"], ["El"], ["la"], ["La"], ["le"], ["Le"])
    ):
        # "The Tory co-chairman attacked": a description with a capitalised word, not a name
        # (but "the Scottish government" is a body: the name and its noun, below)
        described = description(text, start, end, rules, capitals=True)
        if described is not None:
            return described
    comma = text.rfind(",", chosen[1], end) if one_word else -1
    if (
        comma >= 0
        and _LOWER_NEXT.match(text, chosen[1], end)
        and chosen[0] == trim(text, start, end)[0]
        and text[comma + 1 : end].strip()
        and not any(_owner_or_title(text, chosen, run, rules) for run in runs[first + 1 : first + 2])
    ):
        # "Writing in the Echo, Ann Lee said": a word opening the sentence before a lowercase
        # one is a participle or an adverb (unless it owns the next name: "Acme chief executive
        # Dana Reyes"); the subject comes after the comma. "the Bishop" (one
        # capitalised word after an article) may be a title used as a name: no speaker
        tail = speaker_in(text, comma + 1, end, rules)
        if tail is None or tail[1] or len(WORD.findall(text, *tail[0])) > 1:
            return tail
        lead = WORD.findall(text, comma + 1, tail[0][0])
        return None if lead and lead[-1].lower() in DEFINITE else tail
    for run in runs[first + 1 :]:
        if not (_owner_or_title(text, chosen, run, rules) or _title_in_commas(text, chosen, run, rules)):
            break
        chosen = run
    apposed = _apposed(text, (start, end), chosen, runs[-1], rules)
    if apposed is None and _owns_unnamed_title(text, chosen, end, rules):
        # "Peter Mandelson, former Labour minister, warned": Labour is no speaker, the full name
        # the title is set off after is
        named = _apposition_of(text, runs, runs[first], rules)
        return (named, False) if named else None
    return _with_body_noun(text, apposed or chosen, end), False


def _relative_subject(text: str, start: int, end: int, rules: Rules) -> Span | None:
    """ "… backed by Ann Lee, who said": the full name the clause is set off after speaks."""
    comma = relative_comma(text, start, end, rules.language)
    if comma is None:
        return None
    runs = _name_runs(text, start, comma)
    run = _clean_run(text, runs[-1], rules) if runs else None
    if run is None:
        return None
    # "England flanker Wood, who claims": one name after a trade or title is a person's
    before = text[max(start, run[0] - 30) : run[0]].split()[-1:]
    titled = (
        bool(before) and before[0].islower() and before[0] in rules.titles | descriptor_words(rules.language)
    )
    return antecedent(text, start, run, comma, titled=titled)


def _apposition_of(text: str, runs: list[Span], titled: Span, rules: Rules) -> Span | None:
    """The full name right before ", former" + ``titled`` ("Peter Mandelson, former Labour
    minister"): the person the title is set off after, or None."""
    at = runs.index(titled)
    if at == 0:
        return None
    name = runs[at - 1]
    between = text[name[1] : titled[0]]
    lowercase = WORD.findall(between)
    if (
        not between.startswith(",")
        or len(WORD.findall(text, *name)) < 2
        or not all(w.islower() and w in rules.titles for w in lowercase)
        or re.search(r"[^\w\s,-]", between)
    ):
        return None
    return name


def _titled_in_commas_before_verb(
    text: str, start: int, end: int, runs: list[Span], rules: Rules
) -> Span | None:
    """ "… because he has Alzheimer's disease Pete Saunders, chief executive of the Acme Trust,
    added": a full name whose title is set off in commas right before the verb is its subject,
    whatever the words before it (a caption run into the sentence), unless a word ties the name to
    them ("a letter to Ann Lee, chief of Acme, said": sent to her, not by her)."""
    comma = text.rfind(",", start, end)
    if comma < 0 or text[comma + 1 : end].strip():
        return None
    opening = text.rfind(",", start, comma)
    names = [run for run in runs if opening >= 0 and run[1] == opening]
    if not names or names[0] == runs[0] or len(WORD.findall(text, *names[0])) < 2:
        return None
    title = WORD.findall(text, opening + 1, comma)
    if not title or not any(w.islower() and w in rules.titles and w not in DEFINITE for w in title[:4]):
        return None
    before = WORD.findall(text, start, names[0][0])
    return names[0] if before and _ends_run_on(before[-1], rules) else None


def _owns_unnamed_title(text: str, run: Span, end: int, rules: Rules) -> bool:
    """Does a lowercase title follow ``run`` with no name after it ("Labour minister and now …",
    "Tesco boss said")? Then the run only says whose the title is, and the holder is someone
    the phrase does not name. A representative speaks for the run ("an ICAO spokesman")."""
    gap = 3 if text[run[1] : run[1] + 3] in ("'s ", "’s ") else 1  # "said United’s head coach"
    following = WORD.match(text, run[1] + gap) if text[run[1] + gap - 1 : run[1] + gap] == " " else None
    if following is None or following.end() > end:
        return False
    word = following.group()
    return word.islower() and word in rules.titles and word not in REPRESENTATIVES and word not in DEFINITE


def _apposed(text: str, phrase: Span, chosen: Span, last: Span, rules: Rules) -> Span | None:
    """ "The Minister of State for Rural Affairs, Ines Varga, said": the name set off in commas
    right before the verb is the speaker when the phrase opens with a title."""
    start, end = phrase
    comma = text.rfind(",", start, last[0])
    between = WORD.findall(text, comma + 1, last[0]) if comma >= 0 else ["-"]
    # ", the Rt Rev Dr Ann Lee,": titles and an article may stand between the comma and the name
    titled = all(w.lower().rstrip(".") in rules.titles or w.lower() in DEFINITE for w in between)
    if last == chosen or text[last[1] : end].strip() != "," or not titled:
        return None
    words = [w.lower() for w in WORD.findall(text, start, last[0])]
    # a title word, or a role "of" a place ("The Bishop of Leeds, the Rt Rev Ann Lee, said")
    role_of_place = re.fullmatch(r"[^\W\d_]+ of [^\W\d_].*", text[chosen[0] : chosen[1]]) is not None
    return last if role_of_place or any(w in rules.titles for w in words) else None


def _owned_after_run_on(text: str, start: int, runs: list[Span], rules: Rules) -> bool:
    """ "… and their lifestyles, according to research Acme pensions expert Ann Vale said": a
    sentence run into the next one (a caption pasted in without its full stop) leaves the speaker
    as an owner, its title and a full name right before the verb. The word before the owner must
    end the run-on sentence, not tie the name to it ("an e-mail to Acme chief Ann Vale said":
    sent to her, not by her)."""
    last = runs[-1]
    if len(WORD.findall(text, last[0], last[1])) < 2:
        return False  # a full name only: one capitalised word may be anything
    owner = len(runs) - 1
    while owner > 0 and _owner_or_title(text, runs[owner - 1], runs[owner], rules):
        owner -= 1
    if owner == len(runs) - 1:
        return False
    before = WORD.findall(text, start, runs[owner][0])
    return bool(before) and _ends_run_on(before[-1], rules)


def _honoured_after_run_on(text: str, start: int, end: int, runs: list[Span], rules: Rules) -> Span | None:
    """ "… a trip to Dubai, United Arab Emirates, in 2009 worth £7,600 Mr Evans told": a sentence
    run on without its stop leaves an honorific and a name right before the verb, the subject
    (not a name of the sentence before it). The word before the honorific must end the run-on
    sentence, not tie the name to it ("a letter to Mr Evans said")."""
    last = runs[-1]
    if len(runs) < 2 or text[last[1] : end].strip():
        return None
    before = WORD.findall(text, start, last[0])
    honorifics = HONORIFICS.get(rules.language, frozenset())
    if len(before) < 2 or before[-1].lower().rstrip(".") not in honorifics:
        return None
    return last if before[-2].isdigit() or _ends_run_on(before[-2], rules) else None


def _ends_run_on(word: str, rules: Rules) -> bool:
    """Can ``word``, right before a name, end a sentence run into the next one ("… disease Ann
    Lee, chief of Acme, added")? Not a word that ties the name to it: a stop word ("to", "by"), a
    title, a verb, a participle ("sent to", "addressed", "writing for")."""
    return (
        word.islower()
        and word not in rules.stops
        and word not in rules.titles
        and not rules.any_verb.fullmatch(word)
        and not word.endswith(("ed", "ing"))
    )


def _after_title(text: str, start: int, at: int, rules: Rules) -> bool:
    """Does a lowercase title word ("adviser", "director") stand right before ``at``?"""
    words = WORD.findall(text, start, at)
    return bool(words) and words[-1] in rules.titles and words[-1].islower() and words[-1] not in DEFINITE


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
    found = WORD.findall(lead)
    titled = [i for i, w in enumerate(found) if w.islower() and w in rules.titles and w not in DEFINITE]
    if titled and any(w in _WORKPLACE for w in found[titled[0] + 1 :]):
        # "Ann Lee, chief executive of the Harbour Fund, added": where the titled person works
        return False
    # a capitalised stop word opens the sentence ("But", "The"), an article or a connector a title
    # ("said an IAAF spokesman", "chairman and chief executive"); "between Britain and" is deeper
    return all(
        w.lower().rstrip(".") in rules.titles
        or w.lower() in rules.descriptors  # "state prosecutor Jo Lee told"
        or rules.title_compound.search(w.lower())
        or w in LEAD_WORDS
        or w.lower() in TIME_WORDS  # "Last night Tory MP Ann Lee said"
        or ADJECTIVE_COMPOUND.fullmatch(w)  # "Moscow-based US lawyer Ann Lee"
        or (w.lower() in rules.stops and w[:1].isupper())
        for w in found
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
    if words and (words[0] in ("of", "for", "at", "from") or words[-1] in BODY_NOUNS):
        # "Tom Hale at Acme", "Cara Diemont of IT firm Dimension Data": where they work, named by
        # its noun ("firm"), is not a name the run owns or titles
        return False
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and not re.search(r"[,;:()]", between)
        # a hyphenated title is a title too: "CBI director-general Sir Digby Jones"
        and all(
            w in rules.titles or w in CONNECTORS or (w not in rules.stops and w.replace("-", "").isalpha())
            for w in words
        )
    )


_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|The|A|An|el|la|le|der|die)\s+$")


def _clean_run(text: str, run: Span, rules: Rules) -> Span | None:
    """The name in a run of capitalised words, without the titles and openings before it.

    "Prime Minister Keir Starmer" is "Keir Starmer"; "The" alone is no name; "Yesterday Ann
    Lee" is "Ann Lee".
    """
    start, end = run
    alone = WORD.fullmatch(text, start, end)
    if (
        alone
        and alone.group().lower() in rules.titles
        and not _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
    ):
        return run  # ""…," King said": a surname that is also a title ("the King said" is a title)
    for word in WORD.finditer(text, start, end):
        low = word.group().lower().rstrip(".")
        if (
            low not in rules.titles
            and low not in rules.stops
            and low not in TIME_WORDS
            and not rules.title_compound.search(low)
        ):
            break
        start = word.end()
    start, end = trim(text, start, end)
    return (start, end) if start < end and CAPITAL.match(text, start) else None

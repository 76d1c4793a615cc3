"""Property: every span is exact and unpadded on any text (issue 10 item 6).

Generated texts mix words, names, tokenised punctuation (``Tottenham 's``, `` .``), lower-casing,
numbers in the formats of en/es/de/fr, full-width and Arabic-Indic digits, CJK, emoji,
combining marks, RTL marks and NBSP.  On each, sentence spans (``sentences.split``), the
extractive engine's figures and actor mentions, and grounding's ``ground_figure`` and
``actor_mentions`` must index the text exactly (``text[s:e]`` is what the item says) with no
white space or invisible mark at either edge, and nothing may raise.

``NEWSBRIEF_HYPOTHESIS_EXAMPLES`` sets the number of texts (default 150, a few seconds);
``bench/spans_property.py`` runs 10,000 and more and reports the counts.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.engines.extractive import extract
from service.grounding import locate as grounding
from service.nlp.sentences import split
from service.schema import Options

NBSP, THIN, RLM, RLE, PDF, ZWSP = "\u00a0", "\u202f", "\u200f", "\u202b", "\u202c", "\u200b"
EXAMPLES = int(os.environ.get("NEWSBRIEF_HYPOTHESIS_EXAMPLES", "150"))

_WORD_LIST = (
    "the council said it would spend on new schools after talks with officials la economía creció "
    "según el gobierno der Konzern investiert in neue Werke la mairie a voté un budget pour les écoles "
    "and but were was market shares rose fell Mr. Dr. U.S. e.g. St. Jan. a.m. No."
)
WORDS = _WORD_LIST.split(" ")
NAMES = [
    "FC Tokyo",
    "Tottenham",
    "Keir Starmer",
    "Bank of England",
    "Ange Postecoglou",
    "Angela Merkel",
    "José María Álvarez",
    "Müller",
    "Nações Unidas",
    "東京電力",
    "محمد",
]
NUMBERS = [
    "£1.6 billion",
    "$2.5bn",
    "20 countries",
    "3.5%",
    "2 %",
    "11,4 %",
    "1.600 millones de euros",
    "2,5 Mrd. Euro",
    f"1{NBSP}600{NBSP}000 €",
    f"2{THIN}400{THIN}000 euros",
    "３．５％",
    "４２",
    "１，６００",
    "٤٢",
    "١٢٫٥٪",
    "1,200",
    "March 2025",
    "three per cent",
    "-4.2%",
]
TOKENS = [" .", " ,", " 's", " n't", " ( ", " ) ", ' " ', " ' ", " ?", " !", " ;", " :", " -", "...", " ."]
ODD = [
    "東京",
    "売上は４２億円",
    "🎉",
    "👩\u200d👩\u200d👧",
    "e\u0301",
    "n\u0303o",
    RLM,
    RLE,
    PDF,
    ZWSP,
    NBSP,
    "\u2028",
    "\t",
    "🇯🇵",
    "\ufeff",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", NBSP, f" {RLM}", "\u3000", " \n "]

piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(NAMES),
    st.sampled_from(NAMES).map(lambda name: name + " 's"),
    st.sampled_from(NUMBERS),
    st.sampled_from(TOKENS),
    st.sampled_from(ODD),
    st.text(max_size=4),  # anything at all, now and then
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(piece, min_size=1, max_size=60))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(pieces), max_size=len(pieces)))
    text = "".join(p + s for p, s in zip(pieces, seps, strict=True))
    return text.lower() if draw(st.booleans()) else text


@dataclass
class Tally:
    """What the checks looked at, and every bad span found (the floor is none)."""

    texts: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    bad_texts: list[str] = field(default_factory=list)  # the texts they were found on


def _padded(value: str) -> bool:
    edges = (value[:1], value[-1:])
    return any(c.isspace() or unicodedata.category(c) == "Cf" for c in edges if c)


def _check(tally: Tally, what: str, text: str, span: tuple[int, int], says: str | None = None) -> None:
    start, end = span
    tally.spans[what] += 1
    if not (0 <= start < end <= len(text)):
        tally.bad.append(f"{what}: span {start, end} outside {len(text)} chars")
        return
    got = text[start:end]
    if says is not None and got != says:
        tally.bad.append(f"{what}: text[{start}:{end}] is {got!r}, the item says {says!r}")
    if _padded(got):
        tally.bad.append(f"{what}: padded {got!r}")


def check_text(text: str, tally: Tally) -> None:
    """Every span of every item on ``text``: sentences, figures, actor mentions; none may raise."""
    tally.texts += 1
    before = len(tally.bad)
    _check_spans(text, tally)
    if len(tally.bad) > before:
        tally.bad_texts.append(text)


def _check_spans(text: str, tally: Tally) -> None:
    for language in ("en", "es"):
        previous = 0
        for sentence in split(text, language):
            _check(tally, "sentence", text, (sentence.start, sentence.end))
            if sentence.start < previous:
                tally.bad.append(f"sentence: {sentence} overlaps the one before")
            previous = sentence.end
    digest = extract(text, Options(), language="en")
    for figure in digest.figures:
        _check(tally, "extractive figure", text, (figure.span[0], figure.span[1]), figure.text)
    for actor in digest.actors:
        if _padded(actor.name):
            tally.bad.append(f"extractive actor name padded: {actor.name!r}")
        for start, end in actor.mentions:
            _check(tally, "extractive actor mention", text, (start, end))
    needles = [n for n in NUMBERS if n.lower() in text.lower()] + [f.text for f in digest.figures]
    for needle in dict.fromkeys(needles):
        for figure_language in (None, "es"):
            found = grounding.ground_figure(text, needle, language=figure_language)
            if found is not None:
                _check(tally, "grounded figure", text, found[1], found[0])
    names = [n for n in NAMES if n.lower() in text.lower()] + [a.name for a in digest.actors]
    for name in dict.fromkeys(names):
        for candidate in (name, name + " 's", f" {name}{NBSP}", f"{RLM}{name}"):
            mentioned = grounding.actor_mentions(text, candidate, "organization")
            if mentioned is None:
                continue
            canonical, spans = mentioned
            _check(tally, "grounded actor mention", text, spans[0], canonical)
            for start, end in spans:
                _check(tally, "grounded actor mention", text, (start, end))


TALLY = Tally()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(texts())
def test_every_span_is_exact_and_unpadded(text: str) -> None:
    before = len(TALLY.bad)
    check_text(text, TALLY)
    assert TALLY.bad[before:] == []


def test_known_cases() -> None:
    tally = Tally()
    for text in (
        "FC Tokyo 's coach said the team won 2 - 1 . the fans of FC Tokyo cheered .",
        "the u.s. economy grew 2 % . the bank said so .",
        f"{RLM}Keir Starmer{RLM} said £1.6 billion{NBSP}. {RLE}Tottenham 's fans{PDF} cheered .",
        "売上は４２億円。 東京電力 said ４２ countries .",
    ):
        check_text(text, tally)
    assert tally.bad == []
    assert tally.spans["extractive actor mention"] > 0


def test_tokenised_and_lower_cased_sentences_are_not_merged() -> None:
    text = "the u.s. economy grew 2 % . the bank said so . tottenham 's fans cheered ! it was fine"
    assert [s.text(text) for s in split(text)] == [
        "the u.s. economy grew 2 % .",
        "the bank said so .",
        "tottenham 's fans cheered !",
        "it was fine",
    ]
    lines = "the bank said so .\nthe firm said no .\nshares fell"
    assert len(split(lines)) == 3


def test_the_fc_tokyo_actor_is_not_padded() -> None:
    text = "FC Tokyo 's coach said the team won . the fans of FC Tokyo cheered ."
    actors = extract(text, Options(), language="en").actors
    tokyo = next(a for a in actors if a.name == "FC Tokyo")
    assert [text[s:e] for s, e in tokyo.mentions] == ["FC Tokyo", "FC Tokyo"]
    found = grounding.actor_mentions(text, "FC Tokyo 's", "organization")
    assert found is not None
    assert found[0] == "FC Tokyo"


def test_a_title_before_an_invisible_mark_leaves_no_padding() -> None:
    from service.nlp.actors import _clean

    text = f"Mr. {RLM}Keir Starmer said"
    start, end = _clean(text, 0, len("Mr. ") + 1 + len("Keir Starmer"), person=True, language="en")
    assert text[start:end] == "Keir Starmer"


def test_a_surname_after_an_invisible_mark_leaves_no_padding() -> None:
    text = f"\ufeff\n\ufeff\n\ufeff {RLM}Angela Merkel {RLM}U.S. \n U.S. øÔ¢ {RLM}U.S. {RLM} "
    tally = Tally()
    check_text(text, tally)
    assert tally.bad == []

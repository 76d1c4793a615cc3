"""Quotes and their speakers: the rule finder, the speaker step, and every digest over HTTP."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.grounding.quotes import attach_quotes, digest_quotes
from service.nlp.quotes import find_quotes
from service.schema import Actor
from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok


def _said(text: str, language: str = "en") -> list[tuple[str, str | None]]:
    """(quoted words, the words naming the speaker) of every quote found."""
    return [
        (text[q.span[0] : q.span[1]], text[q.speaker[0] : q.speaker[1]] if q.speaker else None)
        for q in find_quotes(text, language)
    ]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", '"We will not back down," said Jane Doe.', [("We will not back down,", "Jane Doe")]),
        (
            "en",
            'Jane Doe told reporters: "The council has chosen."',
            [("The council has chosen.", "Jane Doe")],
        ),
        ("en", '"It is fair," she said.', [("It is fair,", "she")]),
        (
            "en",
            "“Prices will rise,” the Scottish government said.",
            [("Prices will rise,", "Scottish government")],
        ),
        (
            "en",
            'According to a spokesman for Tesco, "the stores will open as normal".',
            [("the stores will open as normal", "Tesco")],
        ),
        ("en", 'Mayor Ann Hill called the plan "a disaster".', [("a disaster", "Ann Hill")]),
        (
            "en",
            '"We are ready," said Acme chief executive Dana Reyes, who spoke in London.',
            [("We are ready,", "Dana Reyes")],
        ),
        (
            "en",
            'Rita Kohl, the firm\'s chief executive, said: "We are confident."',
            [("We are confident.", "Rita Kohl")],
        ),
        ("en", "‘We loved it,’ said Mary Jones, who didn’t stay.", [("We loved it,", "Mary Jones")]),
        (
            "es",
            "«No apoyaremos este presupuesto», afirmó Marcos Gil.",
            [("No apoyaremos este presupuesto", "Marcos Gil")],
        ),
        (
            "es",
            'La alcaldesa Ana López dijo que el plan "reducirá el gasto".',
            [("reducirá el gasto", "Ana López")],
        ),
        (
            "de",
            "„Wir werden den Haushalt nicht unterstützen“, sagte Markus Hill.",
            [("Wir werden den Haushalt nicht unterstützen", "Markus Hill")],
        ),
        (
            "de",
            "Bürgermeisterin Anna Lorenz sagte: „Der Plan ist gut.“",
            [("Der Plan ist gut.", "Anna Lorenz")],
        ),
        (
            "de",
            "„Das ist ein schwarzer Tag für die Stadt“, so Lorenz.",
            [("Das ist ein schwarzer Tag für die Stadt", "Lorenz")],
        ),
        (
            "fr",
            "« Nous ne soutiendrons pas ce budget », a déclaré Marc Petit.",
            [("Nous ne soutiendrons pas ce budget", "Marc Petit")],
        ),
        (
            "fr",
            "« Le plan est bon pour la ville », a-t-elle ajouté.",
            [("Le plan est bon pour la ville", "elle")],
        ),
        (
            "fr",
            "Selon Anne Leroy, « les écoles recevront plus d'argent ».",
            [("les écoles recevront plus d'argent", "Anne Leroy")],
        ),
    ],
)
def test_quotes_and_the_words_that_name_the_speaker(
    language: str, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert _said(text, language) == expected


def test_scare_quotes_titles_and_apostrophes_are_not_quotes() -> None:
    text = (
        'The so-called "coalition of the willing" met on Monday. The film "Gone with the Wind" was shown. '
        "The workers' union and Ukraine’s allies don’t agree."
    )
    assert find_quotes(text) == []


def test_the_seed_quotes_nobody(seed_text: str) -> None:
    # 'a new initiative called the “coalition of the willing,”': a name, not anyone's words
    assert find_quotes(seed_text) == []


def test_a_quote_over_two_paragraphs_is_two_quotes_with_one_speaker() -> None:
    text = (
        '"The first part of a long statement goes on and on about the budget\n\n'
        '"and the second paragraph ends it," said Bob Smith.'
    )
    assert _said(text) == [
        ("The first part of a long statement goes on and on about the budget", "Bob Smith"),
        ("and the second paragraph ends it,", "Bob Smith"),
    ]


def test_the_next_sentence_of_the_same_speech_keeps_its_speaker() -> None:
    text = '"We will win," said Jane Doe. "The schools need this money."'
    assert _said(text) == [("We will win,", "Jane Doe"), ("The schools need this money.", "Jane Doe")]


def test_an_unclosed_quote_followed_by_a_new_one_is_split_there() -> None:
    text = 'The coach said: "I won the race. "Then I felt the wind," he said.'
    found = _said(text)
    assert [words for words, _ in found] == ["I won the race.", "Then I felt the wind,"]


ARTICLE = (
    "Council approves school budget\n\n"
    "The Riverton council approved a new schools budget on Tuesday after a long debate. "
    "Mayor Jane Doe defended the plan before the vote.\n\n"
    '"Every child in this town deserves a proper classroom," she said. "We have waited long enough."\n\n'
    "Opposition leader Mark Green voted against it. "
    '"The numbers do not add up," said Green, who wants an audit.\n\n'
    'A council spokeswoman said the building work would start "as soon as possible".\n\n'
    '"The money is there," the finance director, Ruth Miles, told reporters.'
)


def _actors() -> list[Actor]:
    def mentions(name: str) -> list[list[int]]:
        spans, at = [], ARTICLE.find(name)
        while at >= 0:
            spans.append([at, at + len(name)])
            at = ARTICLE.find(name, at + 1)
        return spans

    return [
        Actor(name="Jane Doe", kind="person", role="Mayor", mentions=mentions("Jane Doe")),
        Actor(name="Mark Green", kind="person", role="Opposition leader", mentions=mentions("Mark Green")),
        Actor(name="Riverton", kind="other", role=None, mentions=mentions("Riverton")),
    ]


def test_speakers_are_the_digest_actors_and_new_speakers_are_added() -> None:
    quotes, actors = attach_quotes(ARTICLE, _actors())
    by_text = {q.text: q for q in quotes}
    assert by_text["Every child in this town deserves a proper classroom,"].speaker == "Jane Doe"
    assert by_text["We have waited long enough."].speaker == "Jane Doe"
    assert by_text["The numbers do not add up,"].speaker == "Mark Green"  # "said Green": the surname
    assert by_text["as soon as possible"].speaker is None  # an unnamed spokeswoman: nobody named
    assert by_text["The money is there,"].speaker == "Ruth Miles"  # new: added as an actor
    names = {a.name for a in actors}
    assert {"Jane Doe", "Mark Green", "Ruth Miles"} <= names
    for quote in quotes:
        assert ARTICLE[quote.span[0] : quote.span[1]] == quote.text
        assert quote.text == quote.text.strip()
        if quote.speaker is not None:
            assert quote.speaker in names
            assert quote.speaker_mention is not None
            start, end = quote.speaker_mention
            mention = ARTICLE[start:end]
            assert mention.split()[-1] in quote.speaker.split()  # the span names the speaker
        else:
            assert quote.speaker_mention is None


def test_a_pronoun_with_two_people_in_play_gets_no_speaker() -> None:
    text = (
        "Anna Lopez met the minister on Monday. Later John Smith joined the talks about the port.\n\n"
        '"It was a useful meeting for everyone involved," she said.'
    )
    actors = [Actor(name="Anna Lopez", kind="person", role=None, mentions=[[0, 10]])]
    quotes, _ = attach_quotes(text, actors)
    assert [(q.text, q.speaker) for q in quotes] == [("It was a useful meeting for everyone involved,", None)]


def test_the_actor_cap_keeps_speakers_first() -> None:
    quotes, actors = digest_quotes(ARTICLE, _actors(), language="en", max_actors=2)
    names = [a.name for a in actors]
    assert len(names) == 2
    assert all(q.speaker is None or q.speaker in names for q in quotes)
    assert "Riverton" not in names  # nobody quotes Riverton: it makes room for a speaker


_MARKS = st.sampled_from(['"', "“", "”", "‘", "’", "'", "«", "»", "„", " ", "\n", "\n\n", ", ", ". "])
_WORDS = st.sampled_from(["said", "Jane Doe", "she", "the plan", "Ünal", "日本", "\u00a0", "\u200f", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_MARKS, _WORDS), max_size=40))
def test_every_quote_span_is_exact_and_unpadded(parts: list[str]) -> None:
    text = "".join(parts)
    actors = [Actor(name="Jane Doe", kind="person", role=None, mentions=[[0, 1]])] if text else []
    quotes, grown = attach_quotes(text, actors)
    for quote in quotes:
        start, end = quote.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == quote.text
        assert not quote.text[0].isspace()
        assert not quote.text[-1].isspace()
        if quote.speaker_mention is not None:
            s, e = quote.speaker_mention
            assert 0 <= s < e <= len(text)
            assert not text[s].isspace()
            assert not text[e - 1].isspace()
            assert quote.speaker in {a.name for a in grown}


QUOTED_ARTICLE = (
    "Council approves budget for schools\n\n"
    "The council approved £1.6 billion for 12 schools on Tuesday, the mayor's office said. "
    "Mayor Jane Doe said the vote was close.\n\n"
    '"Every child in this town deserves a proper classroom," said Jane Doe. '
    '"We have waited long enough for this."\n\n'
    'Opposition leader Mark Green said the plan was "a costly mistake".'
)


@pytest.mark.parametrize("engine", ["extractive", "openai"])
def test_every_digest_has_its_quotes_over_http(
    service: ServiceFactory, fake_llm: FakeLLM, engine: str
) -> None:
    answer = {
        **GOOD,
        "summary": "The council approved £1.6 billion for 12 schools on Tuesday after a close vote.",
        "key_figures": [{"text": "£1.6 billion", "kind": "money", "context": "school budget"}],
        "actors": [{"name": "Jane Doe", "kind": "person", "role": "Mayor"}],
    }
    fake_llm.default(ok(answer))
    client = service(engine=engine)
    r = client.post("/v1/summaries", json={"text": QUOTED_ARTICLE})
    assert r.status_code == 200, r.text
    digest = r.json()
    quotes = {q["text"]: q for q in digest["quotes"]}
    assert quotes["Every child in this town deserves a proper classroom,"]["speaker"] == "Jane Doe"
    assert quotes["We have waited long enough for this."]["speaker"] == "Jane Doe"
    assert quotes["a costly mistake"]["speaker"] == "Mark Green"
    names = {a["name"] for a in digest["actors"]}
    for quote in digest["quotes"]:
        assert QUOTED_ARTICLE[quote["span"][0] : quote["span"][1]] == quote["text"]
        assert quote["speaker"] is None or quote["speaker"] in names

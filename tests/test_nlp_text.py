"""Table tests for sentence segmentation, language detection and summary ranking (service.nlp)."""

from __future__ import annotations

import itertools

import pytest

from service.nlp.language import detect, primary
from service.nlp.rank import Weights, analyze, rank
from service.nlp.sentences import split

# language, text, the sentences split must return ("# " marks the headline)
SPLIT_CASES: list[tuple[str, str, list[str]]] = [
    (
        "en",
        "Mr. Smith met Dr. Jones at 10 a.m. on Monday. They talked.",
        ["Mr. Smith met Dr. Jones at 10 a.m. on Monday.", "They talked."],
    ),
    (
        "en",
        "The U.S. economy grew 3.2% in the first quarter. Exports rose by 0.5 points.",
        ["The U.S. economy grew 3.2% in the first quarter.", "Exports rose by 0.5 points."],
    ),
    (
        "en",
        'She said "We will win." Then she left the room.',
        ['She said "We will win."', "Then she left the room."],
    ),
    (
        "en",
        "Markets rally on rate hopes\n\nShares rose on Monday. Bonds fell.",
        ["# Markets rally on rate hopes", "Shares rose on Monday.", "Bonds fell."],
    ),
    (
        "en",
        "The plan was announced today.\nWhat happens next\nOfficials will meet again.",
        ["The plan was announced today.", "What happens next", "Officials will meet again."],
    ),
    (
        "en",
        "This sentence is\nwrapped across two lines. The next one is not.",
        ["This sentence is\nwrapped across two lines.", "The next one is not."],
    ),
    (
        "en",
        "First paragraph ends here.\n\n\nSecond paragraph starts here.",
        ["First paragraph ends here.", "Second paragraph starts here."],
    ),
    ("en", "A single line without a full stop", ["A single line without a full stop"]),
    (
        "es",
        "El Sr. García llegó a EE. UU. el lunes. Luego habló con la prensa.",
        ["El Sr. García llegó a EE. UU. el lunes.", "Luego habló con la prensa."],
    ),
    (
        "de",
        "Dr. Müller sagte z. B. nichts dazu. Im 1. Quartal wuchs die Firma.",
        ["Dr. Müller sagte z. B. nichts dazu.", "Im 1. Quartal wuchs die Firma."],
    ),
    (
        "fr",
        "M. Dupont a déclaré « c’est une bonne nouvelle ». Il est ensuite parti.",
        ["M. Dupont a déclaré « c’est une bonne nouvelle ».", "Il est ensuite parti."],
    ),
    (
        "xx",
        "An unknown language falls back. It still splits.",
        ["An unknown language falls back.", "It still splits."],
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), SPLIT_CASES)
def test_split(language: str, text: str, expected: list[str]) -> None:
    sentences = split(text, language)
    assert [("# " if s.headline else "") + s.text(text) for s in sentences] == expected
    for s in sentences:
        assert s.text(text) == s.text(text).strip()


def test_split_spans_index_the_original_text_in_order(seed_text: str) -> None:
    sentences = split(seed_text)
    assert sentences[0].headline
    assert sentences[0].text(seed_text).startswith("Global Coalition to Support Ukraine")
    assert sentences[1].text(seed_text).startswith("UK officials report that around 20 countries")
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))
    assert [s.paragraph for s in sentences[:3]] == [0, 1, 1]


def test_split_of_empty_text() -> None:
    assert split("") == []
    assert split("  \n\n ") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The central bank raised interest rates again on Thursday.", "en"),
        ("El banco central volvió a subir los tipos de interés el jueves.", "es"),
        ("Die Zentralbank hat die Zinsen am Donnerstag erneut angehoben.", "de"),
        ("La banque centrale a de nouveau relevé ses taux jeudi.", "fr"),
        ("Il governo ha approvato la legge di bilancio ieri sera.", "it"),
        ("ok", "en"),  # too short to call: the default
        ("12 345 678", "en"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_detect_default_is_configurable() -> None:
    assert detect("??", default="fr") == "fr"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("pt-BR", "pt"),
        ("de_AT", "de"),
        ("EN", "en"),
        ("zh-Hant-TW", "zh"),
        ("", None),
        (None, None),
        ("1x", None),
    ],
)
def test_primary(tag: str | None, expected: str | None) -> None:
    assert primary(tag) == expected


ARTICLE = (
    "Rail strike halts trains across the country\n\n"
    "Rail workers walked out on Monday in a strike over pay, halting most trains across the country. "
    "The union said the strike would last three days. "
    "Commuters crowded onto buses. "
    "Ministers urged the union and the rail operators to return to talks on pay. "
    "Scroll down for video. "
    "The strike is the largest rail walkout in a decade, and the union warned of more strike days over pay."
)


def test_rank_returns_body_sentences_in_article_order() -> None:
    sentences = split(ARTICLE)
    chosen = rank(ARTICLE, sentences, 3)
    assert len(chosen) == 3
    assert all(not s.headline for s in chosen)
    assert chosen == sorted(chosen, key=lambda s: s.start)
    assert chosen[0].text(ARTICLE).startswith("Rail workers walked out")
    assert "Scroll down for video." not in [s.text(ARTICLE) for s in chosen]  # a fragment


def test_rank_with_no_lead_bias_prefers_the_central_sentence() -> None:
    sentences = split(ARTICLE)
    central = rank(ARTICLE, sentences, 1, weights=Weights(position=0.0, title=0.0))
    assert "strike" in central[0].text(ARTICLE)
    assert "pay" in central[0].text(ARTICLE)


def test_rank_short_article_returns_every_body_sentence() -> None:
    text = "Headline here\n\nOne sentence. Two sentences."
    assert [s.text(text) for s in rank(text, split(text), 3)] == ["One sentence.", "Two sentences."]


def test_salience_scores_every_sentence_and_zero_for_the_headline() -> None:
    sentences = split(ARTICLE)
    scores = analyze(ARTICLE, sentences).scores(Weights())
    assert len(scores) == len(sentences)
    assert scores[0] == 0.0
    assert scores[1] == max(scores)

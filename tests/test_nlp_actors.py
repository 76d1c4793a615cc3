"""Table tests for actors: merging named entities, countries and demonyms, roles, and the NER seam."""

from __future__ import annotations

import pytest

from service.nlp import ner
from service.nlp.actors import build_actors
from service.nlp.countries import country_code, demonym_code
from service.nlp.ner import Entity, entities, has_pipeline
from service.nlp.sentences import split
from service.schema import Actor


def _tagged(text: str, *tags: tuple[str, str]) -> list[Entity]:
    """Entities for (surface text, label) pairs at each whole-word occurrence, as a recognizer
    would tag them: longer names first, never overlapping."""
    found: list[Entity] = []
    for surface, label in sorted(tags, key=lambda tag: -len(tag[0])):
        at = text.find(surface)
        while at >= 0:
            end = at + len(surface)
            whole = not text[at - 1 : at].isalnum() and not (
                text[end : end + 1].isalnum() or text[end : end + 1] == "$"
            )
            if whole and not any(e.start < end and at < e.end for e in found):
                found.append(Entity(surface, label, at, end))
            at = text.find(surface, at + 1)
    return sorted(found, key=lambda e: e.start)


def _actors(text: str, *tags: tuple[str, str], language: str = "en") -> dict[str, Actor]:
    actors = build_actors(text, _tagged(text, *tags), split(text, language), language=language, limit=20)
    for actor in actors:
        for start, end in actor.mentions:
            assert text[start:end] == text[start:end].strip()
            assert text[start:end]
    return {actor.name: actor for actor in actors}


def _mentioned(text: str, actor: Actor) -> list[str]:
    return [text[start:end] for start, end in actor.mentions]


# text, entity tags, expected actors: name -> (kind, role, mention texts)
MERGE_CASES: list[tuple[str, list[tuple[str, str]], dict[str, tuple[str, str | None, list[str]]]]] = [
    (
        "UK Prime Minister Sir Keir Starmer spoke on Monday. Starmer said talks would go on.",
        [("Sir Keir Starmer", "PERSON"), ("Starmer", "PERSON"), ("UK", "GPE")],
        {
            "Keir Starmer": ("person", "UK Prime Minister", ["Keir Starmer", "Starmer"]),
            "UK": ("country", None, ["UK"]),
        },
    ),
    (
        "British officials met in London. The United Kingdom and the UK Treasury agreed, Britain said.",
        [
            ("British", "NORP"),
            ("London", "GPE"),
            ("The United Kingdom", "GPE"),
            ("UK Treasury", "ORG"),
            ("Britain", "GPE"),
        ],
        {
            "United Kingdom": ("country", None, ["British", "United Kingdom", "Britain"]),
            "London": ("other", None, ["London"]),
            "UK Treasury": ("organization", None, ["UK Treasury"]),
        },
    ),
    (
        "Bob Dudley, BP's chief executive, said profits rose. Mr Dudley added that BP would invest.",
        [("Bob Dudley", "PERSON"), ("BP", "ORG"), ("Mr Dudley", "PERSON")],
        {
            "Bob Dudley": ("person", "BP's chief executive", ["Bob Dudley", "Dudley"]),
            "BP": ("organization", None, ["BP", "BP"]),
        },
    ),
    (
        "The bank's new governor, Andrew Bailey, said rates would rise. Bailey spoke in Leeds.",
        [("Andrew Bailey", "PERSON"), ("Bailey", "ORG"), ("Leeds", "GPE")],
        {
            "Andrew Bailey": ("person", "bank's new governor", ["Andrew Bailey", "Bailey"]),
            "Leeds": ("other", None, ["Leeds"]),
        },
    ),
    (
        "The European Central Bank (ECB) held rates. The ECB meets again in June.",
        [("The European Central Bank", "ORG"), ("ECB", "ORG")],
        {"European Central Bank": ("organization", None, ["European Central Bank", "ECB", "ECB"])},
    ),
    (
        "Russian troops entered Ukraine. Russia denied it; Ukrainians and the US protested, as did America.",
        [
            ("Russian", "NORP"),
            ("Ukraine", "GPE"),
            ("Russia", "GPE"),
            ("Ukrainians", "NORP"),
            ("US", "GPE"),
            ("America", "GPE"),
        ],
        {
            "Russia": ("country", None, ["Russian", "Russia"]),
            "Ukraine": ("country", None, ["Ukraine", "Ukrainians"]),
            "America": ("country", None, ["US", "America"]),
        },
    ),
    (
        "President Biden met Dr. Jane Smith. Biden thanked Smith and the Democrats.",
        [
            ("President Biden", "PERSON"),
            ("Dr. Jane Smith", "PERSON"),
            ("Biden", "PERSON"),
            ("Smith", "PERSON"),
            ("Democrats", "NORP"),
        ],
        {
            "Biden": ("person", "President", ["Biden", "Biden"]),
            "Jane Smith": ("person", None, ["Jane Smith", "Smith"]),
            "Democrats": ("group", None, ["Democrats"]),
        },
    ),
    (
        "European leaders met NATO officials. Nato's chief spoke.",
        [("European", "NORP"), ("NATO", "ORG")],
        {"NATO": ("organization", None, ["NATO"])},  # an adjective alone ("European") is no actor
    ),
    (
        "Time Warner boss Dick Parsons met Fed chairman Alan Greenspan.",
        [("Time Warner", "ORG"), ("Dick Parsons", "PERSON"), ("Fed", "ORG"), ("Alan Greenspan", "PERSON")],
        {
            "Dick Parsons": ("person", "Time Warner boss", ["Dick Parsons"]),
            "Alan Greenspan": ("person", "Fed chairman", ["Alan Greenspan"]),
            "Time Warner": ("organization", None, ["Time Warner"]),
            "Fed": ("organization", None, ["Fed"]),
        },
    ),
]


@pytest.mark.parametrize(("text", "tags", "expected"), MERGE_CASES)
def test_entities_merge_into_actors(
    text: str, tags: list[tuple[str, str]], expected: dict[str, tuple[str, str | None, list[str]]]
) -> None:
    actors = _actors(text, *tags)
    assert set(actors) == set(expected)
    for name, (kind, role, mentions) in expected.items():
        actor = actors[name]
        assert (actor.kind, actor.role) == (kind, role), name
        assert _mentioned(text, actor) == mentions, name


def test_french_roles_and_short_forms() -> None:
    text = "Le président Emmanuel Macron a reçu le chancelier Olaf Scholz. Macron a salué l'Allemagne."
    actors = _actors(
        text,
        ("Emmanuel Macron", "PER"),
        ("Olaf Scholz", "PER"),
        ("Macron", "LOC"),
        ("Allemagne", "LOC"),
        language="fr",
    )
    assert actors["Emmanuel Macron"].role == "président"
    assert _mentioned(text, actors["Emmanuel Macron"]) == ["Emmanuel Macron", "Macron"]
    assert actors["Olaf Scholz"].role == "chancelier"
    assert actors["Allemagne"].kind == "country"


def test_actors_rank_by_mentions_then_position() -> None:
    text = "Acme and Globex\n\nGlobex sued Initech. Acme rose. Acme fell. Initech won. Acme left."
    actors = build_actors(
        text,
        _tagged(text, ("Acme", "ORG"), ("Globex", "ORG"), ("Initech", "ORG")),
        split(text),
        limit=2,
    )
    assert [a.name for a in actors] == ["Acme", "Globex"]


def test_later_mentions_are_found_beyond_the_recognizer() -> None:
    text = "Keir Starmer spoke. Later, Starmer left. Keir Starmer returned."
    actors = _actors(text, ("Keir Starmer", "PERSON"))
    assert _mentioned(text, actors["Keir Starmer"]) == ["Keir Starmer", "Starmer", "Keir Starmer"]


def test_a_code_inside_a_currency_is_not_a_mention() -> None:
    text = "The US paid US$5bn. The US agreed."
    actors = _actors(text, ("US", "GPE"))
    assert _mentioned(text, actors["US"]) == ["US", "US"]


@pytest.mark.parametrize(
    ("name", "language", "code"),
    [
        ("UK", "en", "GB"),
        ("United Kingdom", "en", "GB"),
        ("Britain", "en", "GB"),
        ("U.S.", "en", "US"),
        ("Russia", "en", "RU"),
        ("Iran", "en", "IR"),
        ("South Korea", "en", "KR"),
        ("Korea", "en", None),  # two countries
        ("Allemagne", "fr", "DE"),
        ("Royaume-Uni", "fr", "GB"),
        ("Alemania", "es", "DE"),
        ("Frankreich", "de", "FR"),
        ("London", "en", None),
    ],
)
def test_country_code(name: str, language: str, code: str | None) -> None:
    assert country_code(name, language) == code


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("British", "GB"),
        ("Britons", "GB"),
        ("Ukrainians", "UA"),
        ("French", "FR"),
        ("Swiss", "CH"),
        ("South Korean", "KR"),
        ("European", None),
        ("Democrats", None),
    ],
)
def test_demonym_code(word: str, code: str | None) -> None:
    assert demonym_code(word) == code


def test_ner_finds_entities_with_exact_spans(seed_text: str) -> None:
    found = entities(seed_text, "en")
    assert found
    for entity in found:
        assert seed_text[entity.start : entity.end] == entity.text
    assert ("Keir Starmer", "PERSON") in [(e.text, e.label) for e in found]


def test_languages_without_a_pipeline() -> None:
    assert has_pipeline("en")
    assert not has_pipeline("xx")
    assert entities("Die Bundesbank in Frankfurt.", "xx") == []
    assert not has_pipeline("en", names=("no_such_pipeline_package",))


def test_pipelines_load_once_with_only_the_recognizer() -> None:
    first = ner.pipeline("en")
    assert first is ner.pipeline("en")
    assert first is not None
    assert "ner" in first.pipe_names
    assert "parser" not in first.pipe_names

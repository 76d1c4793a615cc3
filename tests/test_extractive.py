"""The extractive engine end to end: summary, figures, actors, languages, grounding, determinism."""

from __future__ import annotations

import pytest

from service.engines.extractive import ExtractiveDigest, candidates, extract, lead_summary
from service.schema import Options

ENGLISH = (
    "Acme profit jumps 40% as sales soar\n\n"
    "Acme Corp said on Tuesday that its annual profit jumped 40% to $2.5bn, helped by strong sales in Asia. "
    "Chief executive Jane Doe said the company would hire 1,500 staff next year. "
    "Doe added that Acme expected sales in China to grow by 12%.\n\n"
    "Shares in Acme rose 3% in New York. Analysts at Globex Bank said the results beat forecasts."
)
SPANISH = (
    "Telefónica gana 1.600 millones de euros\n\n"
    "La empresa Telefónica ganó 1.600 millones de euros en el primer semestre, un 11,4% más que hace un año. "
    "La compañía contrató a 2.500 empleados en España y prevé crecer en Brasil."
)
GERMAN = (
    "Siemens steigert Gewinn\n\n"
    "Der Konzern Siemens verdiente im Quartal 3,2 Mrd. Euro und damit 8 Prozent mehr als im Vorjahr. "
    "Der Umsatz stieg auf 19,5 Milliarden Euro."
)
FRENCH = (
    "Renault renoue avec les bénéfices\n\n"
    "Le constructeur Renault a dégagé un bénéfice de 2,5 millions d'euros au premier trimestre. "
    "Le président Jean Dupont a salué les 1 600 emplois créés en France."
)


def _assert_grounded(text: str, digest: ExtractiveDigest) -> None:
    for figure in digest.figures:
        assert text[figure.span[0] : figure.span[1]] == figure.text
        assert figure.context
    for actor in digest.actors:
        assert actor.mentions
        for start, end in actor.mentions:
            mention = text[start:end]
            assert mention
            assert mention == mention.strip()
        assert actor.name in " ".join(text.split())
    flat = " ".join(text.split())
    assert digest.summary
    assert digest.summary in flat or all(part in flat for part in digest.summary.split(". "))


def test_extract_english() -> None:
    digest = extract(ENGLISH, Options(summary_sentences=2))
    _assert_grounded(ENGLISH, digest)
    assert digest.language == "en"
    assert digest.warnings == []
    assert digest.summary.startswith("Acme Corp said on Tuesday")
    assert "Acme profit jumps" not in digest.summary  # the headline is not a summary sentence
    texts = [f.text for f in digest.figures]
    assert texts[0] == "40%"  # in the headline and the lead
    assert {"$2.5bn", "1,500 staff", "12%", "3%"} <= set(texts)
    actors = {a.name: a for a in digest.actors}
    assert actors["Jane Doe"].kind == "person"
    assert actors["Jane Doe"].role == "Chief executive"
    assert len(actors["Jane Doe"].mentions) == 2  # "Jane Doe" and "Doe"
    assert actors["China"].kind == "country"


def test_summary_sentences_come_in_article_order() -> None:
    digest = extract(ENGLISH, Options(summary_sentences=3))
    positions = [" ".join(ENGLISH.split()).index(part.strip()) for part in digest.summary.split(". ") if part]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("text", "language", "figure", "value", "unit"),
    [
        (SPANISH, "es", "1.600 millones de euros", 1.6e9, "EUR"),
        (GERMAN, "de", "3,2 Mrd. Euro", 3.2e9, "EUR"),
        (FRENCH, "fr", "2,5 millions d'euros", 2.5e6, "EUR"),
    ],
)
def test_extract_other_languages(text: str, language: str, figure: str, value: float, unit: str) -> None:
    digest = extract(text, Options())
    _assert_grounded(text, digest)
    assert digest.language == language
    found = {f.text: f for f in digest.figures}
    assert found[figure].value == pytest.approx(value)
    assert found[figure].unit == unit
    assert digest.summary.split()[0] in text.split("\n\n")[1]  # a sentence of the article, in its language


@pytest.mark.parametrize(("text", "language"), [(SPANISH, "es"), (GERMAN, "de")])
def test_languages_without_a_pipeline_warn_instead_of_guessing_actors(text: str, language: str) -> None:
    digest = extract(text, Options())
    assert digest.actors == []
    assert digest.warnings == [f'no named-entity model for "{language}"; actors not extracted']


def test_french_actors_come_from_the_french_pipeline() -> None:
    digest = extract(FRENCH, Options())
    actors = {a.name: a for a in digest.actors}
    assert actors["Jean Dupont"].role == "président"
    assert actors["France"].kind == "country"


def test_a_given_language_wins_over_detection() -> None:
    digest = extract(ENGLISH, Options(max_actors=0), language="de-DE")
    assert digest.language == "de"
    assert digest.warnings == []  # no actors asked for: nothing to warn about


def test_extract_is_deterministic() -> None:
    first = extract(ENGLISH, Options())
    assert all(extract(ENGLISH, Options()) == first for _ in range(3))


def test_options_cap_the_lists() -> None:
    digest = extract(ENGLISH, Options(max_figures=2, max_actors=1, summary_sentences=1))
    assert len(digest.figures) == 2
    assert len(digest.actors) == 1
    assert digest.summary.count(". ") == 0


def test_title_counts_as_the_headline() -> None:
    body = ENGLISH.split("\n\n", 1)[1]
    digest = extract(body, Options(max_figures=1), title="Profit up 40%")
    assert digest.figures[0].text == "40%"


def test_seed_article(seed_text: str) -> None:
    digest = extract(seed_text, Options())
    _assert_grounded(seed_text, digest)
    assert digest.summary.startswith("UK officials report that around 20 countries")
    assert "£1.6 billion" in [f.text for f in digest.figures]
    actors = {a.name: a for a in digest.actors}
    assert actors["Keir Starmer"].role == "UK Prime Minister"
    assert [seed_text[s:e] for s, e in actors["Keir Starmer"].mentions] == ["Keir Starmer", "Starmer"]
    assert actors["United States"].kind == "country"  # "the United States", "US" and "American"
    assert {seed_text[s:e] for s, e in actors["United States"].mentions} == {
        "United States",
        "US",
        "American",
    }


def test_lead_summary_skips_the_headline(seed_text: str) -> None:
    summary = lead_summary(seed_text, 2)
    assert summary.startswith("UK officials report that around 20 countries")
    assert summary.endswith("seeks to maintain any future ceasefire agreements.")
    assert lead_summary("One. Two. Three.", 5) == "One. Two. Three."


def test_candidates_for_a_prompt(seed_text: str) -> None:
    figures, actors, warnings = candidates(seed_text, max_figures=2, max_actors=3)
    assert len(figures) == 2
    assert len(actors) == 3
    assert warnings == []
    _, none, warned = candidates(GERMAN)
    assert none == []
    assert warned


def test_tiny_and_odd_inputs() -> None:
    for text in ["Short.", "No punctuation at all", "12345", "£5m"]:
        digest = extract(text, Options())
        _assert_grounded(text, digest)

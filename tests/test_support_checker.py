"""The support checker (service.nlp.support): what it must catch, what it must pass, exact spans.

The articles are written for these tests.  Each case drives the real checker; no timing here
(bench/verify_latency.py measures the cost).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.grounding.support.article import analyse
from service.grounding.support.check import THRESHOLD, Support, check_sentence, check_summary, split_summary

ARTICLE_EN = """\
Harbour city council approves new budget

The city council of Portvale approved a new budget on Tuesday after a long debate. \
Mayor Anna Lopez said the plan would cut spending on roads by 12% over two years. \
The opposition leader, Mark Hill, did not approve the plan. He said it would hurt local schools.

Police arrested two men after a fire destroyed a warehouse near the harbour on Sunday night. \
The fire started at 3am and burned for six hours, officials said. \
Nobody was injured. The Greenline Shipping company, which owned the warehouse, lost goods worth $4 million.

Later that week, Hill accused Lopez of hiding the true cost of the scheme. \
French investors had offered to fund a new bridge, the mayor said."""


def _check(sentence: str, article: str = ARTICLE_EN, language: str | None = "en") -> Support:
    return check_sentence(article, sentence, language=language)


def _assert_exact(article: str, verdict: Support) -> None:
    for start, end in verdict.spans:
        assert 0 <= start < end <= len(article)
        piece = article[start:end]
        assert piece == piece.strip(), piece


# --- must pass (en) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("copy", "Police arrested two men after a fire destroyed a warehouse near the harbour on Sunday."),
        ("paraphrase", "Portvale's city council approved a new budget on Tuesday."),
        ("reorder", "On Tuesday, after a long debate, the council of Portvale approved a new budget."),
        ("compression", "Police arrested two men after a fire destroyed a warehouse."),
        ("fusion", "The fire started at 3am and burned for six hours, and nobody was injured."),
        ("surname", "Lopez said the plan would cut spending on roads by 12% over two years."),
        ("role noun", "The mayor said the plan would cut spending on roads by 12%."),
        ("pronoun", "He said the budget would hurt local schools."),
        ("coreference", "Mark Hill said the plan would hurt local schools."),
        ("company", "The company lost goods worth $4 million."),
        ("demonym", "Investors from France had offered to fund a new bridge, the mayor said."),
        ("negation kept", "Mark Hill did not approve the plan."),
    ],
)
def test_faithful_sentences_pass(kind: str, sentence: str) -> None:
    verdict = _check(sentence)
    assert verdict.supported, (kind, verdict)
    assert verdict.score >= THRESHOLD
    assert verdict.spans
    assert not verdict.problems
    _assert_exact(ARTICLE_EN, verdict)


# --- must catch (en) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sentence", "problem"),
    [
        ("invented", "It will take another year to recover from this.", ""),
        ("invented", "She said that this is an important part of her work.", ""),
        ("invented story", "A fire broke out in a school kitchen and pupils were sent home early.", ""),
        ("outside name", "Macron signed the budget on Tuesday.", '"Macron" is not in the article'),
        ("wrong actor", "Mayor Hill said the plan would cut spending on roads by 12%.", "Hill"),
        ("actor swap", "Lopez accused Hill of hiding the true cost of the scheme.", "not the one"),
        ("changed number", "Lopez said the plan would cut spending on roads by 15% over two years.", '"15%"'),
        ("moved number", "The fire started at 3am and burned for two hours.", "another event"),
        ("negation flip", "Mark Hill approved the plan.", "negation"),
        ("negation added", "The city council did not approve a new budget on Tuesday.", "negation"),
        ("no longer", "The council no longer approved the budget on Tuesday.", "negation"),
        ("refused", "The city council refused to approve a new budget on Tuesday.", "negation"),
        ("voted against", "The city council voted against a new budget on Tuesday.", "negation"),
        ("off-topic", "The central bank raised interest rates to curb inflation in the spring.", ""),
    ],
)
def test_unfaithful_sentences_are_caught(kind: str, sentence: str, problem: str) -> None:
    verdict = _check(sentence)
    assert not verdict.supported, (kind, verdict)
    assert verdict.spans == ()
    assert verdict.problems, kind
    assert any(problem in p for p in verdict.problems), (kind, verdict.problems)


def test_problems_are_quotable_for_invented_content() -> None:
    verdict = _check("She said that this is an important part of her work.")
    assert any("article" in p for p in verdict.problems)


# --- es, de, fr ---------------------------------------------------------------------------------

ARTICLE_ES = (
    "El Ayuntamiento de Valdemar aprobó el martes un nuevo presupuesto tras un largo debate. "
    "La alcaldesa Ana López dijo que el plan reducirá el gasto en carreteras un 12% en dos años. "
    "El líder de la oposición, Marcos Gil, no apoyó el plan. Gil dijo que perjudicará a las escuelas. "
    "La policía detuvo a dos hombres después de un incendio en un almacén del puerto."
)
ARTICLE_DE = (
    "Der Stadtrat von Hafenberg hat am Dienstag nach langer Debatte einen neuen Haushalt beschlossen. "
    "Bürgermeisterin Anna Lorenz sagte, der Plan werde die Ausgaben für Straßen um 12 Prozent senken. "
    "Oppositionsführer Markus Hill stimmte dem Plan nicht zu. Hill sagte, der Plan schade den Schulen. "
    "Die Polizei nahm zwei Männer nach einem Brand in einer Lagerhalle am Hafen fest."
)
ARTICLE_FR = (
    "Le conseil municipal de Portville a approuvé mardi un nouveau budget après un long débat. "
    "La maire Anne Leroy a déclaré que le plan réduirait les dépenses routières de 12 % en deux ans. "
    "Le chef de l'opposition, Marc Petit, n'a pas soutenu le plan. Petit a dit qu'il nuirait aux écoles. "
    "La police a arrêté deux hommes après un incendie dans un entrepôt du port."
)

CASES = {
    "es": (
        ARTICLE_ES,
        "La policía detuvo a dos hombres después de un incendio en un almacén.",
        "Marcos Gil apoyó el plan.",
        "Se tardará otro año en recuperarse de esto.",
        "La alcaldesa Marcos Gil dijo que el plan reducirá el gasto en carreteras un 12%.",
    ),
    "de": (
        ARTICLE_DE,
        "Die Polizei nahm zwei Männer nach einem Brand in einer Lagerhalle fest.",
        "Markus Hill stimmte dem Plan zu.",
        "Es wird noch ein Jahr dauern, sich davon zu erholen.",
        "Bürgermeisterin Markus Hill sagte, der Plan werde die Ausgaben für Straßen um 12 Prozent senken.",
    ),
    "fr": (
        ARTICLE_FR,
        "La police a arrêté deux hommes après un incendie dans un entrepôt.",
        "Marc Petit a soutenu le plan.",
        "Il faudra encore une année pour se remettre de tout cela.",
        "La maire Marc Petit a déclaré que le plan réduirait les dépenses routières de 12 %.",
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_other_languages(language: str) -> None:
    article, faithful, negation, invented, wrong_actor = CASES[language]
    kept = check_sentence(article, faithful, language=language)
    assert kept.supported, kept
    _assert_exact(article, kept)
    for sentence in (negation, invented, wrong_actor):
        verdict = check_sentence(article, sentence, language=language)
        assert not verdict.supported, (sentence, verdict)
        assert verdict.problems
    assert any("negation" in p for p in check_sentence(article, negation, language=language).problems)


@pytest.mark.parametrize("language", sorted(CASES))
def test_language_is_detected_when_not_given(language: str) -> None:
    article, faithful, negation, *_ = CASES[language]
    assert check_sentence(article, faithful).supported
    assert not check_sentence(article, negation).supported


# --- summaries, spans, determinism --------------------------------------------------------------


def test_split_summary_keeps_the_text() -> None:
    summary = "  The council approved a budget.  Hill did not approve it!\nPolice arrested two men. "
    parts = split_summary(summary)
    assert parts == ["The council approved a budget.", "Hill did not approve it!", "Police arrested two men."]
    assert " ".join(parts) == " ".join(summary.split())


def test_check_summary_checks_each_sentence() -> None:
    summary = "The council approved a new budget on Tuesday. It will take another year to recover from this."
    results = check_summary(ARTICLE_EN, summary, language="en")
    assert [text for text, _ in results] == split_summary(summary)
    assert [verdict.supported for _, verdict in results] == [True, False]
    for _, verdict in results:
        _assert_exact(ARTICLE_EN, verdict)


def test_spans_are_article_sentences() -> None:
    verdict = _check("The fire started at 3am and burned for six hours, and nobody was injured.")
    pieces = [ARTICLE_EN[s:e] for s, e in verdict.spans]
    assert pieces == [
        "The fire started at 3am and burned for six hours, officials said.",
        "Nobody was injured.",
    ]


def test_tokenised_and_lower_cased_text() -> None:
    tokenised = "police arrested two men after a fire destroyed a warehouse near the harbour ."
    assert _check(tokenised).supported
    assert not _check("macron signed the budget on tuesday .").supported
    bracketed = "The fire burned for six hours -LRB- officials said -RRB- and nobody was injured ."
    assert _check(bracketed).supported


def test_deterministic() -> None:
    sentences = ["Mark Hill approved the plan.", "The company lost goods worth $4 million."]
    first = [_check(s) for s in sentences]
    analyse.cache_clear()
    assert [_check(s) for s in sentences] == first


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(list(" .\n,!?'\u00a0")),
    max_size=300,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=_TEXT, summary=_TEXT, language=st.sampled_from([None, "en", "es", "de", "fr", "pt-BR"]))
def test_property_spans_exact_and_scores_bounded(article: str, summary: str, language: str | None) -> None:
    for text, verdict in check_summary(article, summary, language=language):
        assert text in " ".join(summary.split())
        assert 0.0 <= verdict.score <= 1.0
        assert verdict.supported == (verdict.supported and verdict.score >= THRESHOLD)
        _assert_exact(article, verdict)
        assert not verdict.supported or verdict.spans


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(ARTICLE_EN.split()), min_size=1, max_size=25))
def test_property_sentences_made_of_article_words(words: list[str]) -> None:
    verdict = _check(" ".join(words))
    assert 0.0 <= verdict.score <= 1.0
    _assert_exact(ARTICLE_EN, verdict)

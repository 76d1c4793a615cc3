"""Numbers by the article's language on the LLM path.

Unit tests of ``service.grounding`` with a language given or detected, and (below) the whole
LLM path over real HTTP with the fake OpenAI-compatible server.  The articles are written here.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from service.grounding.locate import article_language, ground_figure, summary_problems
from service.nlp.numbers import parse_number
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok

NBSP, THIN = "\u00a0", "\u202f"

SPANISH = (
    "La economía de la región creció un 11,4 % en el segundo trimestre, según el instituto de "
    "estadística. El gobierno aprobó una inversión de 1.600 millones de euros para modernizar los "
    "puertos y las carreteras. La ministra dijo que el plan creará empleo en los próximos años y "
    "que las obras empezarán en otoño."
)
GERMAN = (
    "Der Konzern investiert 2,5 Mrd. Euro in neue Werke in Sachsen und Bayern. Die Zahl der "
    "Beschäftigten soll um 3,2 Prozent steigen, teilte das Unternehmen am Dienstag mit. Die "
    "Gewerkschaft begrüßte die Pläne, forderte aber mehr Mitsprache bei den Standorten."
)
FRENCH = (
    f"La mairie a voté un budget de 1{NBSP}600{NBSP}000 € pour rénover les écoles du quartier. "
    f"Une seconde enveloppe de 2{THIN}400{THIN}000 euros ira aux gymnases, a précisé l'adjointe. "
    "Les travaux commenceront au printemps et dureront deux ans selon la mairie."
)

# article, what the model writes, expected article text, value, unit; with the language given or not
CASES = [
    (SPANISH, "11,4%", "11,4 %", 11.4, "percent"),
    (SPANISH, "1.600 millones de euros", "1.600 millones de euros", 1.6e9, "EUR"),
    (GERMAN, "2,5 Mrd. Euro", "2,5 Mrd. Euro", 2.5e9, "EUR"),
    (GERMAN, "3,2 Prozent", "3,2 Prozent", 3.2, "percent"),
    (FRENCH, "1 600 000 €", f"1{NBSP}600{NBSP}000 €", 1.6e6, "EUR"),
    (FRENCH, "2 400 000 euros", f"2{THIN}400{THIN}000 euros", 2.4e6, "EUR"),
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("given", [True, False])
def test_figures_ground_by_the_articles_language(case: tuple[str, str, str, float, str], given: bool) -> None:
    article, written, text, value, unit = case
    language = {SPANISH: "es", GERMAN: "de", FRENCH: "fr"}[article]
    found = ground_figure(article, written, language=language if given else None)
    assert found is not None
    got, (start, end) = found
    assert got == text == article[start:end]
    parsed = parse_number(got, language)
    assert parsed.value == pytest.approx(value)
    assert parsed.unit == unit


@pytest.mark.parametrize(("article", "language"), [(SPANISH, "es"), (GERMAN, "de"), (FRENCH, "fr")])
def test_the_language_is_detected_when_not_given(article: str, language: str) -> None:
    assert article_language(article) == language
    assert article_language(article, "es-MX") == "es"  # a given tag wins, reduced to its language


def test_english_rules_would_misread_these_figures() -> None:
    # What the LLM path did before: the test above is not passing by accident.
    assert parse_number("11,4%").value != pytest.approx(11.4)
    assert parse_number("1.600 millones de euros").value != pytest.approx(1.6e9)


def test_a_value_written_another_way_grounds_by_value_in_spanish() -> None:
    found = ground_figure(SPANISH, "1600 millones de euros", language="es")
    assert found is not None
    assert found[0] == "1.600 millones de euros"


def test_a_wrong_spanish_figure_is_not_grounded() -> None:
    assert ground_figure(SPANISH, "11,5 %", language="es") is None
    assert ground_figure(SPANISH, "1.700 millones de euros", language="es") is None


def test_summary_numbers_are_checked_by_the_articles_language() -> None:
    good = "La economía creció un 11,4% y el gobierno invertirá 1.600 millones de euros."
    assert summary_problems(SPANISH, good) == []
    assert summary_problems(SPANISH, good, language="es") == []
    bad = "La economía creció un 12,4% y el gobierno invertirá 1.600 millones de euros."
    assert summary_problems(SPANISH, bad, language="es") == ['number "12,4%" is not in the article']


def test_number_rules_live_in_one_package_without_an_import_loop() -> None:
    root = Path(__file__).resolve().parents[1] / "service"
    modules = sorted((root / "nlp" / "numbers").glob("*.py"))
    assert len(modules) > 1
    for module in modules:
        rules = ast.parse(module.read_text(encoding="utf-8"))
        imported = [node.module or "" for node in ast.walk(rules) if isinstance(node, ast.ImportFrom)] + [
            alias.name for node in ast.walk(rules) if isinstance(node, ast.Import) for alias in node.names
        ]
        outside = [name for name in imported if name.startswith("service")]
        assert all(name.startswith("service.nlp.numbers.") for name in outside), module.name
    assert not (root / "nlp" / "numbers.py").exists()
    assert not (root / "nlp" / "numerals.py").exists()
    for module in (root / "nlp").glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        froms = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert "service.numbers" not in froms, module.name


# The LLM path over real HTTP: the fake model answers with the figures as a model writes them.

AMBIGUOUS = (
    "Q2 EBITDA: +11,4 %; CAPEX: 1.600 millones de euros (Telefónica, Iberdrola, Repsol). "
    "Ticker TEF, IBE, REP."
)


def _answer(summary: str, figures: list[str]) -> dict[str, Any]:
    return {
        "summary": summary,
        "key_figures": [{"text": text, "kind": "other", "context": ""} for text in figures],
        "actors": [],
    }


def _digest(client: Any, article: str, language: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": article, "prompt": "summarize@1"}
    if language is not None:
        body["language"] = language
    r = client.post("/v1/summaries", json=body)
    assert r.status_code == 200, r.text
    digest: dict[str, Any] = r.json()
    for figure in digest["key_figures"]:
        start, end = figure["span"]
        assert article[start:end] == figure["text"]
    return digest


def _figures(digest: dict[str, Any]) -> list[tuple[str, object, str]]:
    return [(f["text"], pytest.approx(f["value"]), f["unit"]) for f in digest["key_figures"]]


HTTP_CASES = [
    (
        SPANISH,
        "es",
        "La economía creció un 11,4% y el gobierno invertirá 1.600 millones de euros en los puertos.",
        ["11,4%", "1.600 millones de euros"],
        [("11,4 %", 11.4, "percent"), ("1.600 millones de euros", 1.6e9, "EUR")],
    ),
    (
        GERMAN,
        "de",
        "Der Konzern investiert 2,5 Mrd. Euro in neue Werke in Sachsen und Bayern.",
        ["2,5 Mrd. Euro", "3,2 Prozent"],
        [("2,5 Mrd. Euro", 2.5e9, "EUR"), ("3,2 Prozent", 3.2, "percent")],
    ),
    (
        FRENCH,
        "fr",
        "La mairie a voté 1 600 000 € pour les écoles et 2 400 000 euros pour les gymnases du quartier.",
        ["1 600 000 €", "2 400 000 euros"],
        [(f"1{NBSP}600{NBSP}000 €", 1.6e6, "EUR"), (f"2{THIN}400{THIN}000 euros", 2.4e6, "EUR")],
    ),
]


@pytest.mark.parametrize("case", HTTP_CASES, ids=["es", "de", "fr"])
@pytest.mark.parametrize("given", [True, False], ids=["given", "detected"])
def test_llm_figures_over_http_by_language(
    service: ServiceFactory,
    fake_llm: FakeLLM,
    case: tuple[str, str, str, list[str], list[tuple[str, float, str]]],
    given: bool,
) -> None:
    article, language, summary, written, expected = case
    fake_llm.script(ok(_answer(summary, written)))
    digest = _digest(service(), article, language if given else None)
    assert _figures(digest) == expected
    assert digest["warnings"] == []
    assert digest["summary"] == summary


@pytest.mark.parametrize("workers", [0, 1])
def test_the_requests_language_reaches_grounding_in_the_helper_process(
    service: ServiceFactory, fake_llm: FakeLLM, workers: int
) -> None:
    # Too short and mixed to detect: only the request's language makes these Spanish numbers.
    assert article_language(AMBIGUOUS) == "en"
    answer = _answer(
        "EBITDA rose 11,4 % and CAPEX was 1.600 millones de euros.", ["11,4 %", "1.600 millones"]
    )
    client = service(grounding_workers=workers, cache_max_entries=0)
    fake_llm.default(ok(answer))  # its summary adds "rose": re-asked once, then replaced
    spanish = _digest(client, AMBIGUOUS, "es")
    assert _figures(spanish) == [("+11,4 %", 11.4, "percent"), ("1.600 millones de euros", 1.6e9, "EUR")]
    english = _digest(client, AMBIGUOUS, None)  # English rules: not the same figures
    assert _figures(english) != _figures(spanish)

"""Table tests for rule-found key figures (service.nlp.figures through the extractive engine)."""

from __future__ import annotations

import pytest

from service.engines.extractive import candidates
from service.nlp.figures import context, rank_figures
from service.nlp.sentences import split
from service.schema import KeyFigure


def _figures(text: str, language: str | None = None) -> list[KeyFigure]:
    figures, _, _ = candidates(text, language=language, max_figures=20, max_actors=0)
    for figure in figures:
        assert text[figure.span[0] : figure.span[1]] == figure.text
    return figures


# text, language, the figures that must be found: (text, value, unit, kind)
FIGURE_CASES: list[tuple[str, str | None, list[tuple[str, float, str | None, str]]]] = [
    (
        "The group paid £1.6bn for the stake, $250m in cash and €3 billion in shares.",
        None,
        [
            ("£1.6bn", 1.6e9, "GBP", "money"),
            ("$250m", 2.5e8, "USD", "money"),
            ("€3 billion", 3e9, "EUR", "money"),
        ],
    ),
    (
        "It owes ¥40bn in Japan, CHF 12m in Zurich, Rs 5 crore in Delhi and 7 million euros in Paris.",
        None,
        [
            ("¥40bn", 4e10, "JPY", "money"),
            ("CHF 12m", 1.2e7, "CHF", "money"),
            ("Rs 5 crore", 5e7, "INR", "money"),
            ("7 million euros", 7e6, "EUR", "money"),
        ],
    ),
    (
        "A HK$10 million bond, a US$2 trillion plan and a 50p rise were announced.",
        None,
        [
            ("HK$10 million", 1e7, "HKD", "money"),
            ("US$2 trillion", 2e12, "USD", "money"),
            ("50p", 0.5, "GBP", "money"),
        ],
    ),
    (
        "Sales rose 5%, margins widened by 2.5 percentage points and the rate hit three per cent.",
        None,
        [
            ("5%", 5, "percent", "percent"),
            ("2.5 percentage points", 2.5, "percentage points", "percent"),
            ("three per cent", 3, "percent", "percent"),
        ],
    ),
    (
        "The company will cut 1,200 jobs across 20 countries and close two hundred stores.",
        None,
        [
            ("1,200 jobs", 1200, "jobs", "count"),
            ("20 countries", 20, "countries", "count"),
            ("two hundred stores", 200, "stores", "count"),
        ],
    ),
    (
        "The 120km pipeline carries 1.2m barrels a day and twenty-five tonnes of gas.",
        None,
        [
            ("120km", 120, "km", "quantity"),
            ("1.2m barrels a day", 1.2e6, "barrels per day", "quantity"),
            ("twenty-five tonnes", 25, "tonnes", "quantity"),
        ],
    ),
    (
        "La empresa ganó 1.600 millones de euros, un 11,4% más, y contrató a 20 000 empleados.",
        "es",
        [
            ("1.600 millones de euros", 1.6e9, "EUR", "money"),
            ("11,4%", 11.4, "percent", "percent"),
            ("20 000 empleados", 20000, "empleados", "count"),
        ],
    ),
    (
        "Der Konzern verdiente 3,2 Mrd. Euro und steigerte den Umsatz um 4,5 Prozent auf 2,5 Milliarden Euro",
        "de",
        [
            ("3,2 Mrd. Euro", 3.2e9, "EUR", "money"),
            ("4,5 Prozent", 4.5, "percent", "percent"),
            ("2,5 Milliarden Euro", 2.5e9, "EUR", "money"),
        ],
    ),
    (
        "Le groupe a gagné 2,5 millions d'euros et créé 1 600 emplois, soit 3 % de plus.",
        "fr",
        [
            ("2,5 millions d'euros", 2.5e6, "EUR", "money"),
            ("1 600 emplois", 1600, "emplois", "count"),
            ("3 %", 3, "percent", "percent"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "language", "expected"), FIGURE_CASES)
def test_figures_are_found_and_parsed(
    text: str, language: str | None, expected: list[tuple[str, float, str | None, str]]
) -> None:
    found = {f.text: f for f in _figures(text, language)}
    for figure_text, value, unit, kind in expected:
        assert figure_text in found, (figure_text, list(found))
        figure = found[figure_text]
        assert figure.value == pytest.approx(value)
        assert (figure.unit, figure.kind) == (unit, kind)


@pytest.mark.parametrize(("text", "language", "expected"), FIGURE_CASES)
def test_language_is_detected_when_not_given(
    text: str, language: str | None, expected: list[tuple[str, float, str | None, str]]
) -> None:
    assert [f.text for f in _figures(text)] == [f.text for f in _figures(text, language)]


def test_bare_years_and_ordinals_are_left_out() -> None:
    found = [f.text for f in _figures("In 2024, the 3rd largest bank grew 5% after its 1990s slump.")]
    assert found == ["5%"]


def test_a_year_in_the_headline_is_salient() -> None:
    text = "Net zero by 2050 is out of reach\n\nThe report says the 2050 goal needs 40% more investment."
    assert {f.text for f in _figures(text)} == {"2050", "40%"}


def test_one_value_is_one_figure_at_its_first_body_mention() -> None:
    text = "Profits hit $1.13bn\n\nProfits rose to $1.13bn. Analysts had expected 1.13 billion dollars."
    figures = _figures(text)
    assert [(f.text, f.value) for f in figures] == [("$1.13bn", 1.13e9)]
    assert figures[0].span[0] > text.index("\n")  # the body mention, not the headline's


def test_salient_figures_rank_first() -> None:
    text = (
        "Acme profit jumps 76%\n\n"
        "Acme said its annual profit jumped 76% to $1.1bn, lifted by strong sales. "
        "Acme profit growth was driven by sales in 12 new stores. "
        "The firm also repainted 3 offices."
    )
    figures = _figures(text)
    assert figures[0].text == "76%"
    assert figures[-1].text == "3 offices"


def test_limit_caps_the_figures() -> None:
    text = "It sold 10 cars, 20 vans, 30 bikes and 40 boats for $5m."
    sentences = split(text)
    assert len(rank_figures(text, sentences, limit=2)) == 2
    assert rank_figures(text, sentences, limit=0) == []


@pytest.mark.parametrize(
    ("sentence", "figure", "expected"),
    [
        (
            "In recent deals, the UK announced a £1.6 billion missile deal and more drones for Kyiv.",
            "£1.6 billion",
            "the UK announced a £1.6 billion missile deal and more drones for Kyiv",
        ),
        (
            "Profits jumped 76% to $1.13bn (£600m) for the three months to December.",
            "£600m",
            "Profits jumped 76% to $1.13bn (£600m) for the three months to December",
        ),
        ("Sales rose 1,200 units; costs fell.", "1,200 units", "Sales rose 1,200 units"),
    ],
)
def test_context_is_the_clause_around_the_figure(sentence: str, figure: str, expected: str) -> None:
    start = sentence.index(figure)
    assert context(sentence, (0, len(sentence)), start, start + len(figure)) == expected


def test_context_is_cut_from_the_article(seed_text: str) -> None:
    for figure in _figures(seed_text):
        assert figure.text in figure.context
        assert figure.context in " ".join(seed_text.split())

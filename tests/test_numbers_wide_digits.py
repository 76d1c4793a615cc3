"""Full-width and other-script digits (issue 15 item 14): found, parsed, grounded; spans unchanged.

"４２" (full-width), "٤٢" (Arabic-Indic) and "४२" (Devanagari) read as 42; "１，６００" as 1,600.
Spans index the original text, so ``text[start:end]`` is still the full-width form.
"""

from __future__ import annotations

from typing import Any

import pytest

from service.engines.extractive import extract
from service.grounding.locate import ground_figure, summary_problems
from service.nlp.numbers import find_numbers, parse_number, scan_numbers
from service.schema import Options
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok

# text, the span's text, value, unit
SCAN_CASES = [
    ("Some ４２ countries joined the talks.", "４２ countries", 42.0, "countries"),
    ("Sales of １，６００ units were reported.", "１，６００ units", 1600.0, "units"),
    ("Growth was ３．５％ last year.", "３．５％", 3.5, "percent"),
    ("The fund holds ＄１．２ billion in cash.", "＄１．２ billion", 1.2e9, "USD"),
    ("In Cairo ٤٢ people gathered.", "٤٢ people", 42.0, "people"),
    ("Inflation reached ١٢٫٥٪ in May.", "١٢٫٥٪", 12.5, "percent"),
    ("Officials counted ४२ villages.", "४२ villages", 42.0, "villages"),
    ("売上は４２億円で、前年比１２％増。", "１２％", 12.0, "percent"),
    ("The ５０ km race was held.", "５０ km", 50.0, "km"),
]


@pytest.mark.parametrize(("text", "span_text", "value", "unit"), SCAN_CASES)
def test_other_digits_are_found_and_parsed(text: str, span_text: str, value: float, unit: str) -> None:
    hits = {text[start:end]: parsed for start, end, parsed in scan_numbers(text)}
    assert span_text in hits
    assert hits[span_text].value == pytest.approx(value)
    assert hits[span_text].unit == unit
    assert parse_number(span_text).value == pytest.approx(value)


def test_a_number_glued_to_cjk_is_found_by_its_digits() -> None:
    text = "売上は４２億円で"
    assert [text[s:e] for s, e in find_numbers(text)] == ["４２"]


def test_spanish_rules_read_full_width_digits_too() -> None:
    parsed = parse_number("１．６００ millones de euros", "es")
    assert parsed.value == pytest.approx(1.6e9)
    assert parsed.unit == "EUR"


ARTICLE = (
    "Officials said ４２ countries signed the accord on Monday. Sales reached １，６００ units, "
    "up ３．５％ on the year. In Cairo ٤٢ people came to the launch."
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("42 countries", "４２ countries"),
        ("1,600 units", "１，６００ units"),
        ("3.5%", "３．５％"),
        ("１，６００", "１，６００ units"),
        ("42 people", "٤٢ people"),
    ],
)
def test_figures_written_in_ascii_ground_to_full_width_ones(written: str, expected: str) -> None:
    found = ground_figure(ARTICLE, written)
    assert found is not None
    text, (start, end) = found
    assert text == expected == ARTICLE[start:end]


def test_a_wrong_number_is_still_not_grounded() -> None:
    assert ground_figure(ARTICLE, "43 countries") is None
    assert summary_problems(ARTICLE, "Officials said 43 countries signed.") == [
        'number "43 countries" is not in the article'
    ]
    assert summary_problems(ARTICLE, "Officials said 42 countries signed.") == []


def test_the_extractive_engine_keeps_full_width_figures() -> None:
    digest = extract(ARTICLE, Options(), language="en")
    figures = {f.text: f for f in digest.figures}
    assert figures["４２ countries"].value == 42
    assert figures["１，６００ units"].value == 1600
    for figure in digest.figures:
        start, end = figure.span
        assert ARTICLE[start:end] == figure.text


def test_llm_figures_are_kept_when_the_article_writes_full_width_digits(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    answer: dict[str, Any] = {
        "summary": "Officials said 42 countries signed the accord and sales reached 1,600 units.",
        "key_figures": [
            {"text": "42 countries", "kind": "count", "context": ""},
            {"text": "1,600 units", "kind": "count", "context": ""},
        ],
        "actors": [],
    }
    fake_llm.script(ok(answer))
    r = service().post("/v1/summaries", json={"text": ARTICLE, "prompt": "summarize@1"})
    assert r.status_code == 200, r.text
    digest = r.json()
    assert [(f["text"], f["value"]) for f in digest["key_figures"]] == [
        ("４２ countries", 42),
        ("１，６００ units", 1600),
    ]
    assert not [w for w in digest["warnings"] if "not found" in w or "not in the article" in w]

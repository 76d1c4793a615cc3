"""Candidate-guided prompt (summarize@2) against the fake server: ids map to the article's own text."""

from __future__ import annotations

from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok


def candidate_lines(user_message: str, heading: str) -> dict[int, str]:
    """`N. text` lines under a heading of the rendered prompt."""
    block = user_message.split(heading, 1)[1]
    lines: dict[int, str] = {}
    for line in block.splitlines()[1:]:
        number, dot, rest = line.partition(". ")
        if not dot or not number.isdigit():
            break
        lines[int(number)] = rest
    return lines


def test_picks_by_number_become_grounded_items(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok({"key_figures": [1, 2], "actors": [1, 2], "summary": GOOD["summary"]}))
    r = service().post("/v1/summaries", json={"text": seed_text, "prompt": "summarize@2"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["provenance"]["prompt"]["version"] == 2
    user = fake_llm.calls[0].body["messages"][1]["content"]
    figures = candidate_lines(user, "Candidate figures:")
    actors = candidate_lines(user, "Candidate actors:")
    assert any("£1.6 billion" in text for text in figures.values())
    assert any(text.startswith("Keir Starmer") for text in actors.values())
    assert [f["text"] for f in d["key_figures"]] == [figures[1].split(" (")[0], figures[2].split(" (")[0]]
    for f in d["key_figures"]:
        assert seed_text[f["span"][0] : f["span"][1]] == f["text"]
    assert [a["name"] for a in d["actors"]] == [actors[1].split(" (")[0], actors[2].split(" (")[0]]
    schema = fake_llm.calls[0].body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["key_figures"]["items"]["maximum"] == len(figures)
    assert schema["properties"]["actors"]["items"]["maximum"] == len(actors)
    assert d["warnings"] == []
    assert len(fake_llm.calls) == 1


def test_an_id_that_is_not_a_candidate_is_repaired(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(
        ok({"key_figures": [99], "actors": [1], "summary": GOOD["summary"]}),
        ok({"key_figures": [1], "actors": [1], "summary": GOOD["summary"]}),
    )
    r = service().post("/v1/summaries", json={"text": seed_text, "prompt": "summarize@2"})
    assert r.status_code == 200
    repair = fake_llm.calls[1].body["messages"][-1]["content"]
    assert "key_figures/0: 99 is greater than the maximum" in repair
    assert len(r.json()["key_figures"]) == 1


def test_article_without_candidates_gets_empty_lists(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    text = "it rained all day and everybody stayed at home reading quietly, which was pleasant enough."
    fake_llm.default(
        ok(
            {
                "key_figures": [],
                "actors": [],
                "summary": (
                    "It rained all day, and everybody stayed at home reading quietly, "
                    "which was pleasant enough for all of them."
                ),
            }
        )
    )
    r = service().post("/v1/summaries", json={"text": text, "prompt": "summarize@2"})
    assert r.status_code == 200, r.text
    schema = fake_llm.calls[0].body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["key_figures"]["maxItems"] == 0
    assert schema["properties"]["key_figures"]["minItems"] == 0
    assert r.json()["key_figures"] == []


def test_bare_prompt_name_uses_the_engines_production_label(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    r = service().post("/v1/summaries", json={"text": seed_text})
    assert r.status_code == 200
    assert r.json()["provenance"]["prompt"]["version"] == 1  # `production` for remote endpoints
    assert "Candidate figures" not in fake_llm.calls[0].body["messages"][1]["content"]

"""Sentence support through the real HTTP stack: every summary sentence cites the article.

The fake LLM answers with faithful and invented sentences; the service must keep the first
with their support spans, re-ask once quoting the others, then drop what is still unsupported
with a warning that quotes it, and fall back to the article's leading sentences only when no
sentence survives.  `POST /v1/verify` checks summaries written elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok

PROBLEM = "application/problem+json"
INVENTED = "It will take another year to recover from this."
INVENTED_TOO = "She said that this is an important part of her work."


def summarize(client: Any, text: str, **extra: Any) -> Any:
    return client.post("/v1/summaries", json={"text": text, "prompt": "summarize@1", **extra})


def with_summary(summary: str) -> dict[str, Any]:
    return {**GOOD, "summary": summary}


def assert_sentences_cite_the_article(digest: dict[str, Any], text: str) -> None:
    """The sentences make up the summary; every support span is exact, unpadded article text."""
    assert " ".join(s["text"] for s in digest["sentences"]) == digest["summary"]
    for sentence in digest["sentences"]:
        assert sentence["support"], sentence
        for start, end in sentence["support"]:
            cited = text[start:end]
            assert cited
            assert cited == cited.strip()


def test_a_faithful_summary_comes_back_with_its_support(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["summary"] == GOOD["summary"]
    assert len(d["sentences"]) == 2
    assert d["warnings"] == []
    assert d["provenance"]["schema_version"] == "2"
    assert_sentences_cite_the_article(d, seed_text)
    first_support = seed_text[d["sentences"][0]["support"][0][0] : d["sentences"][0]["support"][0][1]]
    assert "around 20 countries" in first_support
    assert len(fake_llm.calls) == 1


def test_an_invented_sentence_is_repaired_by_one_reask(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(with_summary(f"{GOOD['summary']} {INVENTED}")), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["summary"] == GOOD["summary"]
    assert d["warnings"] == []
    assert d["provenance"]["attempts"] == 2
    repair = fake_llm.calls[1].body["messages"][-1]["content"]
    assert INVENTED in repair  # the problem quoted to the model: which sentence
    assert "not supported by the article" in repair  # and why
    assert_sentences_cite_the_article(d, seed_text)


def test_a_sentence_still_unsupported_after_the_repair_is_dropped_with_a_warning(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    bad = ok(with_summary(f"{GOOD['summary']} {INVENTED} {INVENTED_TOO}"))
    fake_llm.script(bad, bad)
    r = summarize(service(), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["summary"] == GOOD["summary"]
    assert INVENTED not in d["summary"]
    assert d["provenance"]["degraded"] is False
    assert d["provenance"]["attempts"] == 2  # one repair, never more
    dropped = [w for w in d["warnings"] if w.startswith("dropped summary sentence")]
    assert len(dropped) == 2
    assert any(INVENTED in w for w in dropped)
    assert any(INVENTED_TOO in w for w in dropped)
    assert_sentences_cite_the_article(d, seed_text)


def test_the_repair_stays_inside_the_attempt_budget(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(with_summary(f"{GOOD['summary']} {INVENTED}")))
    r = summarize(service(llm_max_attempts=1), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["summary"] == GOOD["summary"]
    assert d["provenance"]["attempts"] == 1
    assert len(fake_llm.calls) == 1
    assert any(INVENTED in w for w in d["warnings"])


def test_a_whole_invented_story_degrades_to_the_leading_sentences(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    story = with_summary(
        "A fire broke out in the old town late on the evening. Firefighters worked through the night "
        "to bring it under control. Residents were told to keep their windows closed."
    )
    fake_llm.script(ok(story), ok(story))
    r = summarize(service(), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["provenance"]["degraded"] is True
    assert "Firefighters" not in d["summary"]
    assert any(w.startswith("summary replaced by leading sentences") for w in d["warnings"])
    assert_sentences_cite_the_article(d, seed_text)
    for sentence in d["sentences"]:  # leading sentences support themselves
        (start, end), *_ = sentence["support"]
        assert " ".join(seed_text[start:end].split()) == sentence["text"]


def test_a_repair_that_makes_things_worse_keeps_the_better_summary(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(
        ok(with_summary(f"{GOOD['summary']} {INVENTED}")),
        ok(with_summary(f"{INVENTED} {INVENTED_TOO}")),
    )
    d = summarize(service(), seed_text).json()
    assert d["summary"] == GOOD["summary"]
    assert d["provenance"]["degraded"] is False


def test_extractive_sentences_support_themselves(service: ServiceFactory, seed_text: str) -> None:
    r = service(engine="extractive").post("/v1/summaries", json={"text": seed_text})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["sentences"]
    assert_sentences_cite_the_article(d, seed_text)
    for sentence in d["sentences"]:
        assert len(sentence["support"]) == 1
        start, end = sentence["support"][0]
        assert " ".join(seed_text[start:end].split()) == sentence["text"]


# ----------------------------------------------------------------------------- POST /v1/verify


def test_verify_tells_supported_from_invented_sentences(service: ServiceFactory, seed_text: str) -> None:
    summary = f"{GOOD['summary']} {INVENTED}"
    r = service().post("/v1/verify", json={"text": seed_text, "summary": summary})
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["supported"] is False
    assert v["text"] is None
    assert [s["text"] for s in v["sentences"]][-1] == INVENTED
    *faithful, invented = v["sentences"]
    for s in faithful:
        assert s["supported"] is True
        assert s["problems"] == []
        assert 0.0 <= s["score"] <= 1.0
        for start, end in s["support"]:
            assert seed_text[start:end] == seed_text[start:end].strip() != ""
    assert invented["supported"] is False
    assert invented["support"] == []
    assert invented["problems"]
    assert invented["score"] < min(s["score"] for s in faithful)


def test_verify_flags_names_and_numbers_the_article_lacks(service: ServiceFactory, seed_text: str) -> None:
    r = service().post(
        "/v1/verify",
        json={"text": seed_text, "summary": "Emmanuel Macron pledged £5 billion to Ukraine."},
    )
    sentence = r.json()["sentences"][0]
    assert sentence["supported"] is False
    assert any("Macron" in p for p in sentence["problems"])
    assert any("£5 billion" in p for p in sentence["problems"])


def test_verify_reads_html_and_returns_the_text_its_spans_index(service: ServiceFactory) -> None:
    html = (
        "<html><body><article><h1>Tram line opens</h1>"
        "<p>The city opened its new tram line on Monday after four years of building work.</p>"
        "<p>Mayor Ana Ruiz said the line would carry 40,000 passengers a day.</p></article></body></html>"
    )
    r = service().post(
        "/v1/verify",
        json={
            "html": html,
            "summary": "Mayor Ana Ruiz said the tram line would carry 40,000 passengers a day.",
        },
    )
    assert r.status_code == 200, r.text
    v = r.json()
    assert v["supported"] is True
    text = v["text"]
    assert text
    assert "tram line" in text
    (start, end), *_ = v["sentences"][0]["support"]
    assert "40,000 passengers" in text[start:end]


@pytest.mark.parametrize(
    "body",
    [
        {"text": "An article."},
        {"text": "An article.", "summary": "   "},
        {"summary": "A summary."},
        {"text": "An article.", "html": "<p>x</p>", "summary": "A summary."},
        {"text": "An article.", "summary": "A summary.", "extra": 1},
    ],
)
def test_verify_rejects_bad_bodies_with_problem_json(service: ServiceFactory, body: dict[str, Any]) -> None:
    r = service().post("/v1/verify", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)


def test_verify_needs_an_api_key_like_every_v1_route(service: ServiceFactory, seed_text: str) -> None:
    client = service(api_keys="k-verify")
    body = {"text": seed_text, "summary": GOOD["summary"]}
    r = client.post("/v1/verify", json=body)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith(PROBLEM)
    assert (
        client.post("/v1/verify", json=body, headers={"Authorization": "Bearer k-verify"}).status_code == 200
    )


def test_verify_is_in_the_openapi_document(service: ServiceFactory) -> None:
    doc = service().get("/openapi.json").json()
    operation = doc["paths"]["/v1/verify"]["post"]
    assert "Verification" in str(operation["responses"]["200"])
    assert {"401", "413", "415", "422"} <= set(operation["responses"])

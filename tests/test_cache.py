"""Result cache and single-flight over real HTTP (upstream calls counted at the fake), and the key."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest

from service.cache.base import cache_key
from service.pipeline.prepare import html_to_text
from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok, server_error

V1 = "summarize@1"  # the scripted answers follow the free-form v1 shape


def test_repeat_request_is_served_from_the_cache(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service()
    first = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1, "url": "https://a.test/1"})
    second = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1, "url": "https://a.test/2"})
    assert first.status_code == second.status_code == 200
    a, b = first.json(), second.json()
    assert len(fake_llm.calls) == 1
    assert a["provenance"]["cached"] is False
    assert b["provenance"]["cached"] is True
    assert b["id"] != a["id"]
    assert b["provenance"]["url"] == "https://a.test/2"
    assert (a["summary"], a["key_figures"], a["actors"]) == (b["summary"], b["key_figures"], b["actors"])


def test_concurrent_identical_requests_make_one_upstream_call(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=0.5))
    base_url = str(service().base_url)

    async def burst() -> list[httpx2.Response]:
        async with httpx2.AsyncClient(base_url=base_url, timeout=30) as client:
            return await asyncio.gather(
                *(client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}) for _ in range(20))
            )

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 20
    assert len(fake_llm.calls) == 1
    assert sum(not r.json()["provenance"]["cached"] for r in responses) == 1
    assert len({r.json()["summary"] for r in responses}) == 1


def test_articles_differing_by_one_figure_never_share_an_entry(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service()
    other = seed_text.replace("£1.6 billion", "£1.7 billion")
    assert other != seed_text
    a = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).json()
    b = client.post("/v1/summaries", json={"text": other, "prompt": V1}).json()
    # The second article is a miss: its own call, plus one repair because "£1.6 billion" is not in it.
    assert len(fake_llm.calls) == 3
    assert b["provenance"]["cached"] is False
    assert "£1.6 billion" in [f["text"] for f in a["key_figures"]]
    assert "£1.6 billion" not in [f["text"] for f in b["key_figures"]]  # not in that article


@pytest.mark.parametrize(
    "change",
    [
        {"options": {"max_figures": 3}},
        {"options": {"summary_sentences": 2}},
        {"language": "fr"},
        {"title": "A headline"},
    ],
)
def test_options_language_and_title_are_part_of_the_key(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, change: dict[str, Any]
) -> None:
    fake_llm.default(ok(GOOD))
    client = service()
    client.post("/v1/summaries", json={"text": seed_text, "prompt": V1})
    client.post("/v1/summaries", json={"text": seed_text, "prompt": V1, **change})
    assert len(fake_llm.calls) == 2


def test_failures_are_not_cached(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(server_error(503), server_error(503))
    fake_llm.default(ok(GOOD))
    client = service(llm_max_attempts=2)
    assert client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).status_code == 503
    ok_response = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1})
    assert ok_response.status_code == 200
    assert ok_response.json()["provenance"]["cached"] is False
    assert len(fake_llm.calls) == 3


def test_degraded_fallback_is_not_cached(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(server_error(503), server_error(503))
    fake_llm.default(ok(GOOD))
    client = service(llm_max_attempts=2, on_llm_failure="degrade")
    assert (
        client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).json()["provenance"]["degraded"]
        is True
    )
    again = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).json()
    assert again["provenance"]["degraded"] is False
    assert again["provenance"]["engine"] == "openai"


def test_cache_can_be_disabled(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(ok(GOOD))
    client = service(cache_max_entries=0)
    for _ in range(2):
        assert client.post("/v1/summaries", json={"text": seed_text, "prompt": V1}).status_code == 200
    assert len(fake_llm.calls) == 2


def test_request_id_and_overhead_headers(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(ok(GOOD, delay_s=0.3))
    client = service()
    r = client.post(
        "/v1/summaries", json={"text": seed_text, "prompt": V1}, headers={"x-request-id": "cms-123"}
    )
    assert r.headers["x-request-id"] == "cms-123"
    overhead_ms = float(r.headers["x-overhead-ms"])
    assert 0 <= overhead_ms < r.elapsed.total_seconds() * 1000 - 250  # the fake's 300 ms are not overhead
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"x-request-id": "bad id\twith spaces"}).headers[
        "x-request-id"
    ] != ("bad id\twith spaces")


# An article whose main text trafilatura extracts unchanged from the page below.
_PAGE_TITLE = "Harbour ferry fares"
_PAGE = """<!doctype html><html><head><title>Harbour ferry fares</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Harbour ferry fares</h1>
<p>The harbour board said on Monday that ferry fares will rise by 4% from June.</p>
<p>Chair Ines Halvorsen told councillors that fuel now costs the board £2.3 million a year.</p>
<p>Commuters on the northern route, about 3,500 a day, will see the change first.</p>
</article><footer>Other stories</footer></body></html>"""
_PAGE_ANSWER: dict[str, Any] = {
    "summary": "The harbour board said ferry fares will rise by 4% from June.",
    "key_figures": [{"text": "4%", "kind": "percent", "context": "fare rise from June"}],
    "actors": [{"name": "Ines Halvorsen", "kind": "person", "role": "chair of the harbour board"}],
}


def test_html_request_after_the_same_text_as_plain_text_gets_the_text_its_spans_index(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    """Plain text first, then a page that extracts to that very text: the page's digest carries `text`."""
    extracted, _ = html_to_text(_PAGE)
    fake_llm.default(ok(_PAGE_ANSWER))
    client = service()
    plain = client.post("/v1/summaries", json={"text": extracted, "title": _PAGE_TITLE, "prompt": V1})
    assert plain.status_code == 200, plain.text
    assert plain.json()["text"] is None  # plain text is not echoed back
    page = client.post("/v1/summaries", json={"html": _PAGE, "title": _PAGE_TITLE, "prompt": V1})
    assert page.status_code == 200, page.text
    digest = page.json()
    assert digest["text"] == extracted
    assert digest["key_figures"]
    for figure in digest["key_figures"]:
        start, end = figure["span"]
        assert digest["text"][start:end] == figure["text"]
    # And the other way round: a repeat of the plain request is a hit without the text.
    again = client.post("/v1/summaries", json={"text": extracted, "title": _PAGE_TITLE, "prompt": V1})
    assert again.json()["provenance"]["cached"] is True
    assert again.json()["text"] is None


BASE: dict[str, Any] = {
    "text": "A",
    "engine": "openai",
    "model": "m",
    "prompt_sha": "p",
    "options": {"a": 1},
    "extra": ["en", None],
}


@pytest.mark.parametrize(
    "change",
    [
        {"text": "B"},
        {"text": "A "},
        {"engine": "local"},
        {"model": "m2"},
        {"prompt_sha": "q"},
        {"options": {"a": 2}},
        {"extra": ["fr", None]},
        {"extra": ["en", "Title"]},
    ],
)
def test_cache_key_changes_with_every_input(change: dict[str, Any]) -> None:
    assert cache_key(**BASE) == cache_key(**BASE)
    assert cache_key(**{**BASE, **change}) != cache_key(**BASE)

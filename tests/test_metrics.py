"""`GET /metrics` after real requests, and the request id."""

from __future__ import annotations

import httpx2
from prometheus_client.parser import text_string_to_metric_families

from tests.answers import BAD_SUMMARY, GOOD, HALLUCINATED
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok


def _samples(client: httpx2.Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_after_a_few_requests(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    client = service()
    fake_llm.script(
        ok(GOOD),  # plain success
        ok(HALLUCINATED),  # an invented figure and actor: one repair, then both dropped
        ok(HALLUCINATED),
        ok(BAD_SUMMARY),  # a summary with facts not in the article: repaired, then replaced
        ok(BAD_SUMMARY),
    )
    for title in ("good", "hallucinated", "bad summary", "good"):  # the last one is a cache hit
        r = client.post("/v1/summaries", json={"text": seed_text, "title": title})
        assert r.status_code == 200, r.text
    assert client.get("/v1/nowhere/at/all").status_code == 404
    assert client.post("/v1/summaries", json={"text": ""}).status_code == 422
    s = _samples(client)

    h = "newsbrief_http_request_duration_seconds_count"
    assert _value(s, h, method="POST", route="/v1/summaries", status="200") == 4
    assert _value(s, h, method="POST", route="/v1/summaries", status="422") == 1
    assert _value(s, h, method="GET", route="unmatched", status="404") == 1  # bounded labels
    assert _value(s, "newsbrief_http_requests_in_flight") == 0  # /metrics itself is not counted
    calls = len(fake_llm.calls)
    assert calls == 5
    assert _value(s, "newsbrief_llm_attempts_total", outcome="ok") == calls
    assert _value(s, "newsbrief_llm_tokens_total", direction="input") == 100 * calls
    assert _value(s, "newsbrief_llm_tokens_total", direction="output") == 50 * calls
    assert _value(s, "newsbrief_llm_repairs_total") == 2
    assert _value(s, "newsbrief_grounding_drops_total", item="figure") == 1
    assert _value(s, "newsbrief_grounding_drops_total", item="actor") == 1
    assert _value(s, "newsbrief_degraded_total", reason="summary_replaced") == 1
    assert _value(s, "newsbrief_degraded_total", reason="llm_failure") == 0
    assert _value(s, "newsbrief_digests_total", engine="openai", cache="miss") == 3
    assert _value(s, "newsbrief_digests_total", engine="openai", cache="hit") == 1
    assert _value(s, "newsbrief_circuit_state", state="closed") == 1
    assert _value(s, "newsbrief_circuit_state", state="open") == 0
    # Nothing from the article or the request body is a label.
    assert "Ukraine" not in client.get("/metrics").text


def test_request_id_is_echoed_or_generated(service: ServiceFactory) -> None:
    client = service()
    r = client.get("/v1/prompts", headers={"x-request-id": "cms-42.abc:1"})
    assert r.headers["x-request-id"] == "cms-42.abc:1"
    generated = client.get("/v1/prompts").headers["x-request-id"]
    assert len(generated) == 32
    unsafe = client.get("/v1/prompts", headers={"x-request-id": "a b\tc<script>"})
    assert unsafe.headers["x-request-id"] not in {"a b\tc<script>", generated}
    # Refusals from the gate carry it too.
    limited = service(api_keys=("k",)).get("/v1/prompts", headers={"x-request-id": "refused-1"})
    assert limited.status_code == 401
    assert limited.headers["x-request-id"] == "refused-1"

"""The service against the fake OpenAI-compatible server over real loopback HTTP.

Each test scripts the upstream, calls `POST /v1/summaries`, and checks the status, the
number and timing of upstream calls (no retry stacking), warnings and provenance.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.answers import BAD_SUMMARY, GOOD, HALLUCINATED, SCHEMA_INVALID
from tests.conftest import ServiceFactory
from tests.fakellm import (
    FakeLLM,
    error,
    insufficient_quota,
    ok,
    rate_limited,
    reset,
    server_error,
    timeout,
)

PROBLEM = "application/problem+json"


def summarize(client: Any, text: str, **extra: Any) -> Any:
    """POST with the free-form prompt v1, whose answer shape the scripted replies follow."""
    return client.post("/v1/summaries", json={"text": text, "prompt": "summarize@1", **extra})


def test_success_grounds_everything_and_reports_provenance(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(GOOD, prompt_tokens=812, completion_tokens=240))
    r = summarize(service(), seed_text)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["id"].startswith("dg_")
    assert d["summary"] == GOOD["summary"]
    assert d["warnings"] == []
    money = d["key_figures"][0]
    assert money["text"] == "£1.6 billion"
    assert seed_text[money["span"][0] : money["span"][1]] == "£1.6 billion"
    assert money["value"] == pytest.approx(1.6e9)
    assert money["unit"] == "GBP"
    assert money["kind"] == "money"
    count = d["key_figures"][1]
    assert count["value"] == 20
    assert count["unit"] == "countries"
    starmer = d["actors"][0]
    assert starmer["name"] == "Keir Starmer"
    assert len(starmer["mentions"]) >= 2  # "Sir Keir Starmer" and the later "Starmer"
    for actor in d["actors"]:
        for s, e in actor["mentions"]:
            assert seed_text[s:e].lower() in actor["name"].lower()
    p = d["provenance"]
    assert p["engine"] == "openai"
    assert p["model"] == "fake-model"
    assert p["prompt"]["name"] == "summarize"
    assert p["prompt"]["version"] == 1
    assert len(p["prompt"]["sha256"]) == 64
    assert p["attempts"] == 1
    assert p["usage"] == {"input_tokens": 812, "output_tokens": 240}
    assert p["degraded"] is False
    assert len(fake_llm.calls) == 1


def test_request_shape_keeps_the_article_in_the_user_message(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(GOOD))
    assert summarize(service(), seed_text, title="Coalition").status_code == 200
    body = fake_llm.calls[0].body
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0
    assert body["max_tokens"] > 0
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["summary", "key_figures", "actors"]
    system, user = body["messages"]
    assert system["role"] == "system"
    assert "£1.6 billion missile deal" not in system["content"]
    assert "instructions" in system["content"]
    assert user["role"] == "user"
    tag = user["content"].split("<article-", 1)[1].split(">", 1)[0]
    inner = user["content"].split(f"<article-{tag}>", 1)[1].split(f"</article-{tag}>", 1)[0]
    assert inner.strip() == seed_text.strip()
    assert "repeat_penalty" not in body  # local-only parameter stays off remote endpoints


def test_json_object_fallback_setting(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(ok(GOOD))
    assert summarize(service(response_format="json_object"), seed_text).status_code == 200
    assert fake_llm.calls[0].body["response_format"] == {"type": "json_object"}


def test_429_with_retry_after_waits_then_succeeds(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(rate_limited(retry_after_s=1), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    assert r.json()["provenance"]["attempts"] == 2
    assert len(fake_llm.calls) == 2
    assert fake_llm.calls[1].t - fake_llm.calls[0].t >= 0.95


def test_retry_after_ms_is_preferred(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(rate_limited(retry_after_s=10, retry_after_ms=300), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    gap = fake_llm.calls[1].t - fake_llm.calls[0].t
    assert 0.28 <= gap < 5


def test_retry_after_beyond_the_cap_is_not_waited_for(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(rate_limited(retry_after_s=120))
    r = summarize(service(llm_retry_after_cap_s=5), seed_text)
    assert r.status_code == 503
    assert r.headers["content-type"] == PROBLEM
    assert r.headers["retry-after"] == "120"
    assert len(fake_llm.calls) == 1


def test_server_errors_are_retried(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(server_error(500), server_error(502), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    assert r.json()["provenance"]["attempts"] == 3
    assert len(fake_llm.calls) == 3


def test_persistent_500_gives_502_after_exactly_max_attempts(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(server_error(500, message="secret vendor detail"))
    r = summarize(service(llm_max_attempts=3), seed_text)
    assert r.status_code == 502
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == 502
    assert "secret vendor detail" not in r.text
    assert len(fake_llm.calls) == 3  # no SDK retries stacked on ours


def test_persistent_503_gives_503_with_retry_after(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(server_error(503))
    r = summarize(service(llm_max_attempts=2), seed_text)
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) >= 1
    assert len(fake_llm.calls) == 2


def test_connection_reset_is_retried(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(reset(), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    assert len(fake_llm.calls) == 2


@pytest.mark.parametrize("transport", ["aiohttp", "httpx2"])
def test_persistent_resets_are_unavailable_not_a_timeout(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, transport: str
) -> None:
    fake_llm.default(reset())
    r = summarize(service(http_client=transport), seed_text)
    assert r.status_code == 503
    assert "unreachable" in r.json()["detail"]
    assert len(fake_llm.calls) == 3


@pytest.mark.parametrize("transport", ["aiohttp", "httpx2"])
def test_persistent_timeouts_are_504_with_either_transport(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, transport: str
) -> None:
    fake_llm.default(timeout(3.0))
    r = summarize(service(llm_timeout_s=0.3, llm_max_attempts=2, http_client=transport), seed_text)
    assert r.status_code == 504
    assert len(fake_llm.calls) == 2


def test_attempt_timeout_is_retried(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(timeout(3.0), ok(GOOD))
    r = summarize(service(llm_timeout_s=0.5), seed_text)
    assert r.status_code == 200
    assert len(fake_llm.calls) == 2
    assert fake_llm.calls[1].t - fake_llm.calls[0].t < 2.5


def test_deadline_gives_504(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(timeout(5.0))
    r = summarize(service(llm_timeout_s=10, deadline_s=1.0), seed_text)
    assert r.status_code == 504
    assert r.headers["content-type"] == PROBLEM
    assert len(fake_llm.calls) == 1


def test_insufficient_quota_is_not_retried(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(insufficient_quota(), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 503
    assert "quota" in r.json()["detail"]
    assert len(fake_llm.calls) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_from_the_provider_are_not_retried(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, status: int
) -> None:
    fake_llm.script(error(status, message="vendor says no"), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 502
    assert "vendor says no" not in r.text
    assert len(fake_llm.calls) == 1


def test_context_overflow_is_the_callers_422(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(error(400, code="context_length_exceeded", message="maximum context length exceeded"))
    r = summarize(service(), seed_text)
    assert r.status_code == 422
    assert "context" in r.json()["detail"]


def test_malformed_json_is_repaired_with_the_error_quoted(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(
        ok('{"summary": "Around 20 countries', completion_tokens=7), ok(GOOD, completion_tokens=90)
    )
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    d = r.json()
    assert d["provenance"]["attempts"] == 2
    assert d["provenance"]["usage"] == {"input_tokens": 200, "output_tokens": 97}
    messages = fake_llm.calls[1].body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == '{"summary": "Around 20 countries'
    assert "not valid JSON" in messages[3]["content"]


def test_schema_violation_is_repaired_with_the_error_quoted(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(SCHEMA_INVALID), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    repair = fake_llm.calls[1].body["messages"][-1]["content"]
    assert "key_figures/0/kind" in repair
    assert "'amount'" in repair


def test_always_malformed_gives_502_after_the_budget(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok("this is not json"))
    r = summarize(service(llm_max_attempts=3), seed_text)
    assert r.status_code == 502
    assert len(fake_llm.calls) == 3


def test_retries_and_repairs_share_one_budget(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(server_error(500), ok("not json"), ok("still not json"), ok(GOOD))
    r = summarize(service(llm_max_attempts=3), seed_text)
    assert r.status_code == 502
    assert len(fake_llm.calls) == 3


def test_hallucinated_items_are_repaired_once_then_dropped(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(HALLUCINATED))
    r = summarize(service(llm_max_attempts=5), seed_text)
    assert r.status_code == 200
    d = r.json()
    assert len(fake_llm.calls) == 2  # one grounding repair, not more
    repair = fake_llm.calls[1].body["messages"][-1]["content"]
    assert "£2 billion" in repair
    assert "Emmanuel Macron" in repair
    assert [f["text"] for f in d["key_figures"]] == ["£1.6 billion", "around 20 countries"]
    assert "Emmanuel Macron" not in json.dumps(d["actors"])
    assert any("£2 billion" in w for w in d["warnings"])
    assert any("Emmanuel Macron" in w for w in d["warnings"])
    assert d["provenance"]["degraded"] is False


def test_hallucination_fixed_by_the_repair_leaves_no_warning(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(HALLUCINATED), ok(GOOD))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    assert r.json()["warnings"] == []
    assert len(fake_llm.calls) == 2


def test_ungrounded_summary_falls_back_to_the_extractive_summary(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(BAD_SUMMARY))
    r = summarize(service(), seed_text)
    assert r.status_code == 200
    d = r.json()
    assert d["provenance"]["degraded"] is True
    assert "Macron" not in d["summary"]
    assert d["summary"].startswith("UK officials report that around 20 countries")
    assert any("summary replaced" in w for w in d["warnings"])
    assert d["key_figures"][0]["text"] == "£1.6 billion"  # grounded items survive
    assert len(fake_llm.calls) == 2


def test_failed_repair_keeps_the_grounded_first_answer(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.script(ok(HALLUCINATED), server_error(500), server_error(500))
    r = summarize(service(llm_max_attempts=3), seed_text)
    assert r.status_code == 200
    d = r.json()
    assert [f["text"] for f in d["key_figures"]] == ["£1.6 billion", "around 20 countries"]
    assert any("£2 billion" in w for w in d["warnings"])


def test_degrade_setting_answers_with_the_extractive_digest(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(server_error(503))
    r = summarize(service(on_llm_failure="degrade", llm_max_attempts=2), seed_text)
    assert r.status_code == 200
    d = r.json()
    assert d["provenance"]["degraded"] is True
    assert d["provenance"]["engine"] == "extractive"
    assert d["provenance"]["attempts"] == 2
    assert any("LLM failed" in w for w in d["warnings"])
    for f in d["key_figures"]:
        assert seed_text[f["span"][0] : f["span"][1]] == f["text"]
    assert len(fake_llm.calls) == 2


def test_options_cap_the_lists(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(ok(GOOD))
    r = summarize(service(), seed_text, options={"max_figures": 1, "max_actors": 2, "summary_sentences": 2})
    assert r.status_code == 200
    d = r.json()
    assert len(d["key_figures"]) == 1
    assert len(d["actors"]) == 2
    body = fake_llm.calls[0].body
    assert "up to 1 numbers" in body["messages"][0]["content"]
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["key_figures"]["maxItems"] == 1
    assert schema["properties"]["actors"]["maxItems"] == 2


def test_no_retry_starts_with_too_little_of_the_deadline_left(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    # a fast 500 leaves ~80 ms of the deadline: a retry could not be answered in that time, it
    # would only open another upstream connection to be cut (seen as a flake of
    # test_request_deadline_cuts_a_slow_attempt_short on a loaded machine)
    fake_llm.default(server_error(500))
    r = summarize(service(llm_max_attempts=3, deadline_s=0.09, llm_backoff_initial_s=0.001), seed_text)
    assert r.status_code in (502, 504)
    assert r.headers["content-type"] == PROBLEM
    assert len(fake_llm.calls) == 1

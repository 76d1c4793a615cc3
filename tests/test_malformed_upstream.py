"""A 2xx whose HTTP body is not a chat completion is a transient upstream fault: retried, then 502.

(The model's own content being bad is a different thing: the pipeline re-asks for that.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, Reply, ok


def completion_body(**changes: Any) -> bytes:
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(GOOD)}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
    }
    body.update(changes)
    return json.dumps(body).encode()


TRUNCATED = completion_body()[:57]


def test_a_truncated_body_is_retried(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.script(Reply(json_body=TRUNCATED), ok(GOOD))
    client = service()
    answer = client.post("/v1/summaries", json={"text": seed_text})
    assert answer.status_code == 200, answer.text
    assert answer.json()["provenance"]["attempts"] == 2
    assert len(fake_llm.calls) == 2


def test_truncated_every_time_is_a_502_problem(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(Reply(json_body=TRUNCATED))
    client = service(llm_max_attempts=3)
    answer = client.post("/v1/summaries", json={"text": seed_text})
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"
    assert len(fake_llm.calls) == 3
    metrics = client.get("/metrics").text
    assert 'newsbrief_llm_attempts_total{outcome="bad_response"} 3.0' in metrics


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json at all",
        b"[1, 2, 3]",
        completion_body(choices={"0": {"message": {"content": "x"}}}),  # choices as an object
        completion_body(choices=[]),
        completion_body(choices=["text"]),
        completion_body(usage={"prompt_tokens": -5, "completion_tokens": 3}),  # negative tokens
        completion_body(usage={"prompt_tokens": 1.5, "completion_tokens": 3}),
        completion_body(usage="lots"),
        completion_body(model=7),
    ],
    ids=[
        "empty",
        "text",
        "array",
        "choices-object",
        "no-choices",
        "choice-str",
        "negative-usage",
        "float-usage",
        "usage-str",
        "model-int",
    ],
)
def test_bodies_that_are_not_completions_are_502_not_500(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, body: bytes
) -> None:
    fake_llm.default(Reply(json_body=body))
    client = service(llm_max_attempts=2)
    answer = client.post("/v1/summaries", json={"text": seed_text})
    assert answer.status_code == 502, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/llm-failed")
    assert len(fake_llm.calls) == 2  # retried like any transient fault

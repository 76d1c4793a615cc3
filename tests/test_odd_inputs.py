"""Odd inputs (lone surrogates, non-ASCII version digits, CMS fields of the wrong type): each is the right
4xx problem+json, never a 500.

(Upstream bodies with negative usage or `choices` as an object: tests/test_malformed_upstream.py.)
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from standardwebhooks.webhooks import Webhook

from tests.conftest import ServiceFactory

SECRET = "whsec_" + base64.b64encode(b"odd-inputs-test-secret-01234567").decode()
ARTICLE = "The mayor of Elmbridge opened 3 new parks on Monday, the council said."


def assert_problem(answer: Any, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "Elmbridge \\ud800 opened 3 parks."}',
        b'{"text": "\\udfff"}',
        b'{"html": "<p>Elmbridge \\udc00 opened 3 parks.</p>"}',
        b'{"text": "Elmbridge opened 3 parks.", "title": "a \\ud800 b"}',
    ],
)
def test_a_lone_surrogate_is_422(service: ServiceFactory, raw: bytes) -> None:
    client = service(engine="extractive")
    answer = client.post("/v1/summaries", content=raw, headers={"content-type": "application/json"})
    assert_problem(answer, 422)
    jobs = client.post("/v1/jobs", content=raw, headers={"content-type": "application/json"})
    assert_problem(jobs, 422)


def test_a_surrogate_pair_is_fine(service: ServiceFactory) -> None:
    client = service(engine="extractive")
    raw = b'{"text": "Elmbridge \\ud83c\\udf33 opened 3 new parks on Monday, the council said."}'
    answer = client.post("/v1/summaries", content=raw, headers={"content-type": "application/json"})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "version", ["%C2%B2", "v%C2%B2", "%D9%A3", "%EF%BC%91"]
)  # ², v², Arabic 3, full-width 1
def test_a_prompt_version_in_non_ascii_digits_is_404(service: ServiceFactory, version: str) -> None:
    client = service(engine="extractive")
    assert_problem(client.get(f"/v1/prompts/summarize/{version}"), 404)


def test_a_prompt_reference_in_non_ascii_digits_is_422(service: ServiceFactory) -> None:
    client = service()
    answer = client.post("/v1/summaries", json={"text": ARTICLE, "prompt": "summarize@\u00b2"})
    assert_problem(answer, 422)


def _signed_post(client: Any, source: str, payload: object) -> Any:
    body = orjson.dumps(payload)
    at = datetime.now(tz=UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": "msg_odd_1",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(SECRET).sign("msg_odd_1", at, body.decode()),
    }
    return client.post(f"/v1/hooks/{source}", content=body, headers=headers)


@pytest.mark.parametrize(
    "payload",
    [
        {"ID": 7, "post_status": ["publish"], "post_content": f"<p>{ARTICLE}</p>"},
        {"ID": 7, "post_status": {"a": 1}, "post_content": f"<p>{ARTICLE}</p>"},
        {"post": {"ID": 7, "post_status": "publish", "post_content": f"<p>{ARTICLE}</p>"}, "action": ["x"]},
    ],
)
def test_wordpress_fields_of_the_wrong_type_are_422(service: ServiceFactory, payload: object) -> None:
    client = service(webhook_secret=SECRET)
    assert_problem(_signed_post(client, "wordpress", payload), 422)

"""`POST /v1/jobs` and `GET /v1/jobs/{id}` over real HTTP: accepted, run, cached, owned, idempotent."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.answers import GOOD
from tests.conftest import ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok, server_error

V1 = "summarize@1"  # the scripted answers follow the free-form v1 shape
FINAL = {"succeeded", "failed", "cancelled"}


def settle(client: httpx2.Client, location: str, **kw: Any) -> dict[str, Any]:
    """Poll a job until it is final; returns its view."""

    def final() -> dict[str, Any] | None:
        view: dict[str, Any] = client.get(location, **kw).json()
        return view if view["status"] in FINAL else None

    result: dict[str, Any] = wait_for(final)
    return result


def test_a_jobs_digest_counts_in_the_metrics(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service()
    location = client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).headers["location"]
    assert settle(client, location)["status"] == "succeeded"
    metrics = client.get("/metrics").text
    assert 'newsbrief_digests_total{cache="miss",engine="openai"} 1.0' in metrics


def test_job_is_accepted_then_succeeds_with_the_digest_of_a_sync_request(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=0.3))
    client = service()
    response = client.post("/v1/jobs", json={"text": seed_text, "prompt": V1, "external_id": "cms-1"})
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["status"] in {"queued", "running"}
    assert response.headers["location"] == f"/v1/jobs/{accepted['id']}"
    assert accepted["digest"] is None
    assert accepted["external_id"] == "cms-1"

    job = settle(client, response.headers["location"])
    assert job["status"] == "succeeded", job
    assert job["runs"] == 1
    assert job["problem"] is None
    assert job["callback"] is None
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]

    sync = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1})
    assert sync.status_code == 200
    digest, direct = job["digest"], sync.json()
    for part in ("summary", "key_figures", "actors", "warnings"):
        assert digest[part] == direct[part]
    assert direct["provenance"]["cached"] is True  # the job's result served the sync request
    assert len(fake_llm.calls) == 1


def test_identical_jobs_share_one_llm_call(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=0.3))
    client = service()
    locations = [
        client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).headers["location"] for _ in range(5)
    ]
    assert len(set(locations)) == 5
    assert all(settle(client, loc)["status"] == "succeeded" for loc in locations)
    assert len(fake_llm.calls) == 1


def test_jobs_are_visible_only_to_the_key_that_made_them(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(api_keys="key-a,key-b")
    a, b = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}
    assert client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).status_code == 401
    response = client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}, headers=a)
    assert response.status_code == 202
    location = response.headers["location"]
    assert settle(client, location, headers=a)["status"] == "succeeded"

    other = client.get(location, headers=b)
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/job-not-found")
    assert client.get(location).status_code == 401
    assert client.get("/v1/jobs/job_doesnotexist", headers=a).status_code == 404


def test_idempotency_key_same_body_same_job_other_body_422(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(api_keys="key-a,key-b")
    a = {"Authorization": "Bearer key-a", "Idempotency-Key": "order-17"}
    body = {"text": seed_text, "prompt": V1, "external_id": "x1"}
    first = client.post("/v1/jobs", json=body, headers=a)
    again = client.post("/v1/jobs", json=body, headers=a)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"

    changed = client.post("/v1/jobs", json={**body, "external_id": "x2"}, headers=a)
    assert changed.status_code == 422
    assert changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["type"].endswith("/idempotency-conflict")

    # Keys are scoped to the API key: another client's identical Idempotency-Key is its own job.
    b = {**a, "Authorization": "Bearer key-b"}
    theirs = client.post("/v1/jobs", json=body, headers=b)
    assert theirs.status_code == 202
    assert theirs.json()["id"] != first.json()["id"]
    settle(client, first.headers["location"], headers=a)
    settle(client, theirs.headers["location"], headers=b)
    assert len(fake_llm.calls) == 1  # one article, one call: the second job hit the cache


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"text": "An article.", "colour": "red"}, "colour"),
        ({}, "body"),
        ({"text": "An article.", "html": "<p>An article.</p>"}, "body"),
        ({"text": "   "}, "body"),
        ({"text": "An article.", "external_id": ""}, "external_id"),
        ({"text": "An article.", "callback_url": "x" * 2001}, "callback_url"),
        ({"text": "An article.", "options": {"max_figures": 99}}, "options.max_figures"),
    ],
)
def test_bad_job_input_is_a_422_problem(
    service: ServiceFactory, fake_llm: FakeLLM, body: dict[str, Any], where: str
) -> None:
    client = service()
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(where)
    assert fake_llm.calls == []


def test_unknown_prompt_and_refused_callback_fail_at_submission(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    client = service(callback_secret="whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQ=")
    unknown = client.post("/v1/jobs", json={"text": "An article.", "prompt": "nosuch"})
    assert unknown.status_code == 422
    assert unknown.json()["type"].endswith("/unknown-prompt")
    refused = client.post("/v1/jobs", json={"text": "An article.", "callback_url": "ftp://example.com/x"})
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/callback-refused")
    bad_key = client.post("/v1/jobs", json={"text": "An article."}, headers={"Idempotency-Key": "k" * 300})
    assert bad_key.status_code == 422
    assert fake_llm.calls == []


def test_callback_url_needs_a_callback_secret(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    client = service(callback_allow="127.0.0.1")
    response = client.post("/v1/jobs", json={"text": "An article.", "callback_url": "http://127.0.0.1:9/x"})
    assert response.status_code == 422
    assert "NEWSBRIEF_CALLBACK_SECRET" in response.json()["detail"]


def test_a_failed_job_carries_the_problem(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(server_error(500))
    client = service(llm_max_attempts=2)
    response = client.post("/v1/jobs", json={"text": seed_text, "prompt": V1})
    job = settle(client, response.headers["location"])
    assert job["status"] == "failed"
    assert job["digest"] is None
    assert len(fake_llm.calls) == 2
    sync = client.post("/v1/summaries", json={"text": seed_text, "prompt": V1})
    assert sync.status_code == job["problem"]["status"]
    assert {k: sync.json()[k] for k in ("type", "title", "status")} == {
        k: job["problem"][k] for k in ("type", "title", "status")
    }


def test_jobs_survive_a_graceful_restart(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(ok(GOOD))
    first = service()
    location = first.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).headers["location"]
    done = settle(first, location)
    second = service()  # same data dir, a new process state
    assert second.get(location).json() == done

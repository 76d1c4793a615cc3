"""`POST /v1/hooks/{source}`: Standard Webhooks signatures, replays, and the three CMS adapters."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from standardwebhooks.webhooks import Webhook

from tests.answers import GOOD
from tests.conftest import ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok

SECRET = "whsec_" + base64.b64encode(b"newsroom-webhook-secret-0123456").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"some-other-secret-9876543210abc").decode()
V1 = "summarize@1"
FINAL = {"succeeded", "failed", "cancelled"}


def headers_for(
    body: bytes, *, msg_id: str | None = None, at: datetime | None = None, secret: str = SECRET
) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
    }


def send(client: httpx2.Client, source: str, payload: Any, **kw: Any) -> httpx2.Response:
    body = json.dumps(payload).encode()
    return client.post(f"/v1/hooks/{source}", content=body, headers=headers_for(body, **kw))


def settle(client: httpx2.Client, job_id: str) -> dict[str, Any]:
    def final() -> dict[str, Any] | None:
        view: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        return view if view["status"] in FINAL else None

    result: dict[str, Any] = wait_for(final)
    return result


@pytest.fixture
def hooks(service: ServiceFactory, fake_llm: FakeLLM) -> httpx2.Client:
    fake_llm.default(ok(GOOD))
    return service(webhook_secret=SECRET)


def test_a_signed_generic_webhook_makes_a_job(
    hooks: httpx2.Client, fake_llm: FakeLLM, seed_text: str
) -> None:
    response = send(hooks, "generic", {"external_id": "a-1", "text": seed_text, "prompt": V1})
    assert response.status_code == 202
    answer = response.json()
    assert answer["outcome"] == "created"
    assert response.headers["location"] == f"/v1/jobs/{answer['id']}"
    job = settle(hooks, answer["id"])
    assert job["status"] == "succeeded"
    assert (job["source"], job["external_id"]) == ("generic", "a-1")
    assert len(fake_llm.calls) == 1


def _tampered(body: bytes) -> list[tuple[str, bytes, dict[str, str]]]:
    """Variants of one signed delivery that must all be refused."""
    good = headers_for(body, msg_id="msg_original")
    now = datetime.now(UTC)
    variants: list[tuple[str, bytes, dict[str, str]]] = []
    for i in range(24):  # flip one bit at positions spread over the whole body
        pos = i * (len(body) - 1) // 23
        flipped = bytearray(body)
        flipped[pos] ^= 0x01
        variants.append((f"bit flip at byte {pos}", bytes(flipped), good))
    for i in range(6):  # bytes that are no longer UTF-8
        pos = 1 + i * (len(body) - 2) // 5
        broken = bytearray(body)
        broken[pos] ^= 0x80
        variants.append((f"non-UTF-8 byte at {pos}", bytes(broken), good))
    variants += [
        ("truncated body", body[:-1], good),
        ("appended byte", body + b" ", good),
        ("empty body", b"", good),
        ("body of another delivery", body.replace(b"b-1", b"b-2"), good),
        ("wrong secret", body, headers_for(body, secret=OTHER_SECRET)),
        ("stale timestamp (6 min)", body, headers_for(body, at=now - timedelta(minutes=6))),
        ("stale timestamp (1 day)", body, headers_for(body, at=now - timedelta(days=1))),
        ("future timestamp (6 min)", body, headers_for(body, at=now + timedelta(minutes=6))),
        ("future timestamp (1 year)", body, headers_for(body, at=now + timedelta(days=365))),
        (
            "timestamp changed after signing",
            body,
            {**good, "webhook-timestamp": str(int(now.timestamp()) + 1)},
        ),
        ("id changed after signing", body, {**good, "webhook-id": "msg_other"}),
        ("timestamp not a number", body, {**good, "webhook-timestamp": "yesterday"}),
        ("timestamp nan", body, {**good, "webhook-timestamp": "nan"}),
        ("timestamp inf", body, {**good, "webhook-timestamp": "inf"}),
        ("timestamp huge", body, {**good, "webhook-timestamp": "1" + "0" * 30}),
        ("signature without version", body, {**good, "webhook-signature": good["webhook-signature"][3:]}),
        ("signature version v2", body, {**good, "webhook-signature": "v2" + good["webhook-signature"][2:]}),
        ("signature not base64", body, {**good, "webhook-signature": "v1,@@@not-base64@@@"}),
        ("signature empty after comma", body, {**good, "webhook-signature": "v1,"}),
        ("signature with two commas", body, {**good, "webhook-signature": "v1,a,b"}),
        ("signature truncated", body, {**good, "webhook-signature": good["webhook-signature"][:-4]}),
        (
            "signature of zeros",
            body,
            {**good, "webhook-signature": "v1," + base64.b64encode(bytes(32)).decode()},
        ),
        ("two wrong signatures", body, {**good, "webhook-signature": "v1,AAAA v1,BBBB"}),
        ("id too long", body, headers_for(body, msg_id="m" * 300)),
    ]
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        variants.append((f"missing {name}", body, {k: v for k, v in good.items() if k != name}))
        variants.append((f"empty {name}", body, {**good, name: ""}))
    return variants


def test_tampered_webhooks_are_refused_without_any_llm_call(hooks: httpx2.Client, fake_llm: FakeLLM) -> None:
    body = json.dumps(
        {"external_id": "b-1", "text": "The council approved 3 new schools.", "prompt": V1}
    ).encode()
    variants = _tampered(body)
    assert len(variants) >= 50
    for name, content, headers in variants:
        response = hooks.post("/v1/hooks/generic", content=content, headers=headers)
        assert response.status_code == 401, (name, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json", name
        assert response.json()["type"].endswith("/invalid-signature"), name
    time.sleep(0.2)
    assert fake_llm.calls == []
    # The untampered delivery is still accepted afterwards (nothing above recorded its id).
    accepted = hooks.post("/v1/hooks/generic", content=body, headers=headers_for(body, msg_id="msg_original"))
    assert accepted.status_code == 202
    settle(hooks, accepted.json()["id"])
    assert fake_llm.calls


def test_a_replayed_webhook_id_points_at_the_first_job(
    hooks: httpx2.Client, fake_llm: FakeLLM, seed_text: str
) -> None:
    body = json.dumps({"external_id": "c-1", "text": seed_text, "prompt": V1}).encode()
    headers = headers_for(body, msg_id="msg_replayed")
    first = hooks.post("/v1/hooks/generic", content=body, headers=headers)
    replay = hooks.post("/v1/hooks/generic", content=body, headers=headers)
    assert first.status_code == 202
    assert replay.status_code == 200
    assert replay.json() == {**first.json(), "outcome": "replayed", "status": replay.json()["status"]}
    # Re-signed later with the same id (a CMS retry), even with other content: still the first job.
    other = json.dumps({"external_id": "c-1", "text": seed_text + " More.", "prompt": V1}).encode()
    resent = hooks.post("/v1/hooks/generic", content=other, headers=headers_for(other, msg_id="msg_replayed"))
    assert resent.status_code == 200
    assert resent.json()["id"] == first.json()["id"]
    settle(hooks, first.json()["id"])
    time.sleep(0.2)
    assert len(fake_llm.calls) == 1


def test_hooks_answer_fast_without_waiting_for_the_llm(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=5.0))
    client = service(webhook_secret=SECRET)
    response = send(client, "generic", {"external_id": "d-1", "text": seed_text, "prompt": V1})
    assert response.status_code == 202
    # answered while the model is still working: the job has not finished
    assert client.get(f"/v1/jobs/{response.json()['id']}").json()["status"] in {"queued", "running"}


def test_hooks_need_a_signature_not_an_api_key(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    client = service(webhook_secret=SECRET, api_keys="key-a")
    response = send(
        client, "generic", {"external_id": "e-1", "text": "The mayor opened 2 bridges.", "prompt": V1}
    )
    assert response.status_code == 202, response.text


def test_unconfigured_webhooks_and_unknown_sources_are_404_problems(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    off = service()
    response = send(off, "generic", {"external_id": "f-1", "text": "x"})
    assert response.status_code == 404
    assert response.json()["type"].endswith("/webhooks-not-configured")
    on = service(webhook_secret=SECRET)
    unknown = send(on, "drupal", {"external_id": "f-1", "text": "x"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["type"].endswith("/unknown-hook-source")
    assert fake_llm.calls == []


@pytest.mark.parametrize(
    ("source", "payload"),
    [
        ("generic", {"text": "no external id"}),
        ("generic", {"external_id": "g", "text": "x", "colour": "red"}),
        ("generic", {"external_id": "g", "action": "archive"}),
        ("generic", ["not", "an", "object"]),
        ("wordpress", {"ID": 5, "post_status": "publish", "post_content": ""}),
        ("wordpress", {"post_status": "publish", "post_content": "<p>No id.</p>"}),
        ("wordpress", {"ID": 5, "post_status": "weird", "post_content": "<p>x</p>"}),
        ("arc", {"_id": "ABC", "content_elements": [{"type": "image", "url": "https://x.test/a.jpg"}]}),
        ("arc", {"event": "story:exploded", "story": {"_id": "ABC"}}),
    ],
)
def test_signed_but_unreadable_payloads_are_422(
    hooks: httpx2.Client, fake_llm: FakeLLM, source: str, payload: Any
) -> None:
    response = send(hooks, source, payload)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert fake_llm.calls == []


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def test_wordpress_publish_update_and_trash(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(webhook_secret=SECRET)
    html = "<!-- wp:paragraph -->\n" + "\n".join(f"<p>{p}</p>" for p in _paragraphs(seed_text))
    post = {
        "ID": 4711,
        "post_title": "Coalition of the willing",
        "post_content": html,
        "post_status": "publish",
        "permalink": "https://news.example/2026/11/coalition/",
    }
    created = send(client, "wordpress", {"post": post})
    assert created.status_code == 202
    job = settle(client, created.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["digest"]["provenance"]["url"] == post["permalink"]
    assert job["digest"]["text"]  # HTML in, extracted text out
    assert (job["source"], job["external_id"]) == ("wordpress", "4711")

    # An update that changes only whitespace: the same content, no new job and no LLM call.
    same = send(client, "wordpress", {**post, "post_content": html.replace("\n", "\n\n  ")})
    assert same.status_code == 200
    assert same.json() == {"outcome": "unchanged", "id": job["id"], "status": "succeeded"}
    assert len(fake_llm.calls) == 1

    # A real edit is a new job; trashing the post while it is still running cancels it.
    fake_llm.default(ok(GOOD, delay_s=3.0))
    edited = send(client, "wordpress", {**post, "post_title": "Coalition of the willing grows"})
    assert edited.status_code == 202
    edited_id = edited.json()["id"]
    wait_for(lambda: client.get(f"/v1/jobs/{edited_id}").json()["status"] == "running")
    trashed = send(client, "wordpress", {**post, "post_status": "trash"})
    assert trashed.status_code == 202
    assert trashed.json() == {"outcome": "cancelled", "cancelled": [edited_id]}
    cancelled = client.get(f"/v1/jobs/{edited_id}").json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["digest"] is None
    # The earlier, finished digest is history and stays as it was.
    assert client.get(f"/v1/jobs/{job['id']}").json()["status"] == "succeeded"


def test_wordpress_draft_cancels_a_queued_job_and_scheduled_posts_are_ignored(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD, delay_s=3.0))
    client = service(webhook_secret=SECRET, job_concurrency=1)
    busy = send(client, "generic", {"external_id": "busy", "text": seed_text, "prompt": V1})
    wait_for(lambda: client.get(f"/v1/jobs/{busy.json()['id']}").json()["status"] == "running")
    post = {"ID": 12, "post_title": "Budget", "post_content": "<p>The budget grew by 4%.</p>"}
    queued = send(client, "wordpress", {**post, "post_status": "publish"})
    assert client.get(f"/v1/jobs/{queued.json()['id']}").json()["status"] == "queued"
    drafted = send(client, "wordpress", {**post, "post_status": "draft"})
    assert drafted.json()["cancelled"] == [queued.json()["id"]]
    assert client.get(f"/v1/jobs/{queued.json()['id']}").json()["status"] == "cancelled"
    scheduled = send(client, "wordpress", {**post, "post_status": "future"})
    assert scheduled.status_code == 200
    assert scheduled.json()["outcome"] == "ignored"


def _story(seed_text: str, story_id: str = "ABCDEF123") -> dict[str, Any]:
    elements: list[dict[str, Any]] = [{"type": "image", "_id": "img1", "url": "https://cdn.example/a.jpg"}]
    for i, paragraph in enumerate(_paragraphs(seed_text)[1:]):
        elements.append({"type": "text", "_id": f"p{i}", "content": paragraph.replace("UK", "<b>UK</b>", 1)})
    return {
        "_id": story_id,
        "type": "story",
        "headlines": {"basic": _paragraphs(seed_text)[0]},
        "content_elements": elements,
        "canonical_url": "https://news.example/world/coalition/",
    }


def test_arc_publish_update_and_unpublish(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(ok(GOOD))
    client = service(webhook_secret=SECRET)
    story = _story(seed_text)
    created = send(client, "arc", story)  # a bare ANS story is a publish
    assert created.status_code == 202
    job = settle(client, created.json()["id"])
    assert job["status"] == "succeeded", job
    digest = job["digest"]
    assert "<b>" not in digest["text"]
    assert "£1.6 billion" in digest["text"]
    assert digest["provenance"]["title"] == story["headlines"]["basic"]
    assert digest["provenance"]["url"] == story["canonical_url"]

    same = send(client, "arc", {"event": "story:updated", "story": story})
    assert same.status_code == 200
    assert same.json()["outcome"] == "unchanged"
    assert len(fake_llm.calls) == 1

    fake_llm.default(ok(GOOD, delay_s=3.0))
    edited = {**story, "headlines": {"basic": "Coalition grows"}}
    pending = send(client, "arc", {"event": "story:updated", "story": edited})
    assert pending.status_code == 202
    gone = send(client, "arc", {"event": "story:unpublished", "story": {"_id": story["_id"]}})
    assert gone.status_code == 202
    assert gone.json()["cancelled"] == [pending.json()["id"]]
    assert client.get(f"/v1/jobs/{pending.json()['id']}").json()["status"] == "cancelled"
    # Republishing the same content after an unpublish makes a fresh job.
    fake_llm.default(ok(GOOD))
    again = send(client, "arc", {"event": "story:published", "story": story})
    assert again.status_code == 202
    assert again.json()["id"] != job["id"]

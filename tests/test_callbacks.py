"""Signed callbacks to a real loopback receiver: delivery, retries, 410, and the SSRF guard."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx2
import pytest
from standardwebhooks.webhooks import Webhook

from service.errors import CallbackRefused
from service.jobs.ssrf import AllowList, check_target
from tests.answers import GOOD
from tests.conftest import Receiver, ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok

CALLBACK_SECRET = "whsec_" + base64.b64encode(b"callback-signing-secret-abcdef0").decode()
V1 = "summarize@1"
FAST = {
    "callback_secret": CALLBACK_SECRET,
    "callback_allow": "127.0.0.1",
    "callback_backoff_initial_s": 0.05,
    "callback_backoff_max_s": 0.2,
}


def delivered(client: httpx2.Client, location: str, states: set[str]) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        view: dict[str, Any] = client.get(location).json()
        callback = view.get("callback")
        return view if callback and callback["state"] in states else None

    result: dict[str, Any] = wait_for(done)
    return result


def test_callback_is_delivered_signed(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(**FAST)
    body = {"text": seed_text, "prompt": V1, "external_id": "p-9", "callback_url": receiver.url("/in?x=1")}
    location = client.post("/v1/jobs", json=body).headers["location"]
    job = delivered(client, location, {"delivered"})
    [request] = receiver.requests
    assert request.path == "/in?x=1"
    assert request.headers["host"] == f"127.0.0.1:{receiver.port}"
    payload = Webhook(CALLBACK_SECRET).verify(request.body, request.headers)
    assert payload["type"] == "job.succeeded"
    assert payload["job"]["id"] == job["id"]
    assert payload["job"]["status"] == "succeeded"
    assert payload["job"]["external_id"] == "p-9"
    assert payload["job"]["finished_at"] == job["finished_at"]
    assert payload["digest"] == job["digest"]
    assert payload["problem"] is None
    assert request.headers["webhook-id"] == job["callback"]["id"]
    [attempt] = job["callback"]["attempts"]
    assert attempt["status_code"] == 204
    assert attempt["next_attempt_at"] is None
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + base64.b64encode(b"x" * 24).decode()).verify(request.body, request.headers)


def test_a_failing_receiver_gets_the_callback_once_it_recovers(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    receiver.script(500, 503, 429, 404)
    client = service(**FAST)
    body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url()}
    job = delivered(client, client.post("/v1/jobs", json=body).headers["location"], {"delivered"})
    attempts = job["callback"]["attempts"]
    assert [a["status_code"] for a in attempts] == [500, 503, 429, 404, 204]
    assert all(a["next_attempt_at"] for a in attempts[:-1])
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1  # one delivery, five tries
    assert len({r.body for r in receiver.requests}) == 1
    for request in receiver.requests:
        Webhook(CALLBACK_SECRET).verify(request.body, request.headers)
    assert len(receiver.requests) == 5


def test_410_stops_and_exhausted_attempts_fail(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(**FAST, callback_max_attempts=3)
    receiver.script(500, 410)
    gone_body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url("/gone")}
    gone = delivered(client, client.post("/v1/jobs", json=gone_body).headers["location"], {"gone"})
    assert [a["status_code"] for a in gone["callback"]["attempts"]] == [500, 410]

    receiver.default = 500
    down_body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url("/down")}
    down = delivered(client, client.post("/v1/jobs", json=down_body).headers["location"], {"failed"})
    assert [a["status_code"] for a in down["callback"]["attempts"]] == [500, 500, 500]
    assert down["callback"]["attempts"][-1]["next_attempt_at"] is None
    assert len(receiver.to("/gone")) == 2
    assert len(receiver.to("/down")) == 3


def test_redirects_are_not_followed(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    receiver.default = 204
    receiver.script(("redirect", receiver.url("/elsewhere")), ("redirect", receiver.url("/elsewhere")))
    client = service(**FAST, callback_max_attempts=2)
    body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url("/start")}
    job = delivered(client, client.post("/v1/jobs", json=body).headers["location"], {"failed"})
    assert [a["status_code"] for a in job["callback"]["attempts"]] == [302, 302]
    assert receiver.to("/elsewhere") == []


def test_the_default_callback_url_and_a_name_on_the_allow_list(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok(GOOD))
    target = receiver.url("/default", host="localhost")
    client = service(**{**FAST, "callback_allow": "localhost"}, callback_url=target)
    job = delivered(
        client,
        client.post("/v1/jobs", json={"text": seed_text, "prompt": V1}).headers["location"],
        {"delivered"},
    )
    assert job["callback"]["url"] == target
    [request] = receiver.to("/default")
    # Connected to the address checked at send time, with the original Host header.
    assert request.headers["host"] == f"localhost:{receiver.port}"


REFUSED = [
    "http://127.0.0.1:9/cb",
    "http://10.1.2.3/cb",
    "http://192.168.0.10/cb",
    "http://172.16.5.4/cb",
    "http://100.64.0.1/cb",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]:8080/cb",
    "http://[::ffff:127.0.0.1]/cb",
    "http://[fe80::1]/cb",
    "http://0.0.0.0/cb",
    "http://224.0.0.1/cb",
    "http://240.0.0.1/cb",
    "http://localhost:8080/cb",
    "http://2130706433/cb",
    "http://0x7f.1/cb",
    "ftp://example.com/cb",
    "file:///etc/passwd",
    "gopher://example.com/",
    "javascript:alert(1)",
    "http://user:pw@example.com/cb",
    "http:///cb",
    "http://example.com:99999/cb",
    "http://no-such-host.invalid/cb",
]


def test_ssrf_targets_are_refused_at_submission(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    client = service(callback_secret=CALLBACK_SECRET)
    for url in REFUSED:
        response = client.post("/v1/jobs", json={"text": "An article.", "callback_url": url})
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/callback-refused"), url
    assert fake_llm.calls == []


@pytest.mark.parametrize(
    ("allow", "url", "verdict"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080/cb", "127.0.0.1"),
        ("10.0.0.0/8", "http://10.9.8.7/cb", "10.9.8.7"),
        ("cms.internal:8443", "https://cms.internal:8443/cb", None),  # name allowed, but not resolvable
        ("10.0.0.0/8", "http://10.9.8.7:1/cb", "10.9.8.7"),
        ("0.0.0.0/0", "http://169.254.169.254/", "refused"),  # a wide network never opens metadata
        ("169.254.169.254", "http://169.254.169.254/", "169.254.169.254"),
        ("localhost:1", "http://localhost:2/cb", "refused"),
        ("", "http://93.184.216.34/cb", "93.184.216.34"),
        ("", "https://[2606:2800:220:1:248:1893:25c8:1946]/cb", "2606:2800:220:1:248:1893:25c8:1946"),
    ],
)
def test_the_guard_and_its_allow_list(allow: str, url: str, verdict: str | None) -> None:
    async def check() -> str:
        try:
            target = await check_target(url, AllowList.parse(allow))
        except CallbackRefused as exc:
            return "unresolvable" if "does not resolve" in exc.detail else "refused"
        return str(target.ip)

    assert asyncio.run(check()) == (verdict or "unresolvable")


def test_the_guard_resolves_once_and_pins_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["93.184.216.34", "127.0.0.1"])  # a rebinding DNS server: public first, then loopback
    calls: list[str] = []

    async def fake_getaddrinfo(self: object, host: str, port: int, **kw: Any) -> list[Any]:
        calls.append(host)
        return [(2, 1, 6, "", (next(answers), port))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)
    target = asyncio.run(check_target("https://news.example:8443/hook?a=1", AllowList.parse("")))
    assert calls == ["news.example"]
    assert target.connect_url == "https://93.184.216.34:8443/hook?a=1"
    assert target.host_header == "news.example:8443"
    assert target.host == "news.example"


def test_allow_list_entries_are_validated() -> None:
    parsed = AllowList.parse(" cms.internal , Hooks.Example:8443, 10.0.0.0/8, ::1 ,")
    assert parsed.names == {"cms.internal"}
    assert parsed.name_ports == {("hooks.example", 8443)}
    assert [str(n) for n in parsed.networks] == ["10.0.0.0/8", "::1/128"]
    with pytest.raises(ValueError, match="cannot read"):
        AllowList.parse("http://cms.internal/")


def test_callback_payload_for_a_failed_job(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str, receiver: Receiver
) -> None:
    fake_llm.default(ok("not json at all"))
    client = service(**FAST, llm_max_attempts=1)
    body = {"text": seed_text, "prompt": V1, "callback_url": receiver.url()}
    job = delivered(client, client.post("/v1/jobs", json=body).headers["location"], {"delivered"})
    payload = json.loads(receiver.requests[0].body)
    assert payload["type"] == "job.failed"
    assert payload["digest"] is None
    assert payload["problem"] == {k: v for k, v in job["problem"].items() if v is not None}
    assert job["status"] == "failed"

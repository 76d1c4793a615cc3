"""Slow senders cannot starve the service, and a webhook is judged on its head before its body.

Raw loopback sockets play the attackers: they send a request head and a few bytes of body,
then stall (as a client sending one byte a second would). Receives have a hang guard, so
a server that waits for ever makes the test fail rather than hang.
"""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from tests.answers import GOOD
from tests.conftest import ServiceFactory
from tests.fakellm import FakeLLM, ok
from tests.test_idle_connections import read_all, sockets

SECRET = "whsec_" + base64.b64encode(b"slow-client-test-secret-0123456").decode()


def stalled_head(path: str, length: int, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode() + b'{"text": "'  # ...and the rest never comes


def signed(body: bytes, at: datetime | None = None) -> str:
    at = at or datetime.now(tz=UTC)
    signature = Webhook(SECRET).sign("msg_slow_1", at, body.decode())
    stamp = int(at.timestamp())
    return f"webhook-id: msg_slow_1\r\nwebhook-timestamp: {stamp}\r\nwebhook-signature: {signature}\r\n"


def test_200_stalled_bodies_do_not_starve_a_good_client(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    fake_llm.default(ok(GOOD))
    client = service(like_cli=True, max_in_flight=20, body_timeout_s=120.0, header_timeout_s=120.0)
    with sockets(str(client.base_url), 200) as slow:
        for sock in slow:
            sock.sendall(stalled_head("/v1/summaries", 5000))
        time.sleep(0.5)  # every stalled request is past its head and waiting on its body
        answer = client.post("/v1/summaries", json={"text": seed_text})
        assert answer.status_code == 200, answer.text
        assert answer.json()["summary"]
        metrics = client.get("/metrics").text
        in_flight = next(
            x for x in metrics.splitlines() if x.startswith("newsbrief_http_requests_in_flight ")
        )
        assert float(in_flight.rsplit(" ", 1)[1]) == 0.0  # the 200 stalled ones hold no slot


def test_a_stalled_body_gets_408_problem_and_a_close(service: ServiceFactory) -> None:
    client = service(like_cli=True, body_timeout_s=0.5)
    with sockets(str(client.base_url), 1) as (sock,):
        sock.sendall(stalled_head("/v1/summaries", 5000))
        answer = read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"content-type: application/problem+json" in head
    assert b"x-request-id: " in head
    assert b"connection: close" in head
    assert b'"status":408' in body


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("", 401),  # no signature headers at all
        ("webhook-id: a\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,AAAA\r\n", 401),  # stale
        ("webhook-id: a\r\nwebhook-timestamp: {now}\r\nwebhook-signature: v1,not-base64!\r\n", 401),
        ("webhook-id: a\r\nwebhook-timestamp: {now}\r\nwebhook-signature: v2,AAAA\r\n", 401),
    ],
)
def test_unsigned_webhook_is_refused_before_its_body(
    service: ServiceFactory, headers: str, status: int
) -> None:
    client = service(like_cli=True, webhook_secret=SECRET, body_timeout_s=120.0)
    with sockets(str(client.base_url), 1) as (sock,):
        sock.sendall(stalled_head("/v1/hooks/generic", 100_000, headers.format(now=int(time.time()))))
        answer = sock.recv(65536)  # the answer comes with no body sent
    assert answer.startswith(b"HTTP/1.1 %d" % status)
    assert b"application/problem+json" in answer


def test_unknown_source_and_missing_secret_are_404_before_the_body(service: ServiceFactory) -> None:
    client = service(like_cli=True, body_timeout_s=120.0)  # no webhook secret
    with sockets(str(client.base_url), 2) as (a, b):
        a.sendall(stalled_head("/v1/hooks/generic", 100_000))
        assert a.recv(65536).startswith(b"HTTP/1.1 404")
        b.sendall(stalled_head("/v1/hooks/nosuchcms", 100_000))
        assert b.recv(65536).startswith(b"HTTP/1.1 404")


def test_a_well_signed_webhook_still_goes_through(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.default(ok(GOOD))
    client = service(like_cli=True, webhook_secret=SECRET)
    body = b'{"external_id": "slow-1", "text": "The mayor of Elmbridge opened 3 new parks on Monday."}'
    headers = dict(line.split(": ", 1) for line in signed(body).strip().split("\r\n"))
    answer = client.post(
        "/v1/hooks/generic", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 202, answer.text


def test_bodies_in_reading_share_a_memory_budget(service: ServiceFactory) -> None:
    client = service(like_cli=True, max_buffered_body_bytes=4096, body_timeout_s=120.0)
    with sockets(str(client.base_url), 1) as (holder,):
        holder.sendall(stalled_head("/v1/summaries", 8000) + b"x" * 4000)  # holds ~4 KB, stalls
        time.sleep(0.3)
        answer = client.post("/v1/summaries", json={"text": "y" * 2000})
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "1"

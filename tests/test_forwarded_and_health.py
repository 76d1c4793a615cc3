"""X-Forwarded-For is believed only from NEWSBRIEF_TRUSTED_PROXIES; HEAD /healthz is 200.

The service runs with the server options of `newsbrief serve`; the test client connects
from 127.0.0.1, which used to be trusted by default, so any caller on the host could pick
a fresh rate-limit identity per request.
"""

from __future__ import annotations

import httpx2

from tests.conftest import ServiceFactory


def _statuses(client: httpx2.Client, count: int) -> list[int]:
    forwarded = [{"x-forwarded-for": f"203.0.113.{i}"} for i in range(count)]
    return [client.get("/v1/prompts", headers=h).status_code for h in forwarded]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(service: ServiceFactory) -> None:
    client = service(like_cli=True, rate_limit_per_min=3)
    assert _statuses(client, 5) == [200, 200, 200, 429, 429]  # one quota: the peer's


def test_forwarded_for_from_a_trusted_proxy_names_the_client(service: ServiceFactory) -> None:
    client = service(like_cli=True, rate_limit_per_min=3, trusted_proxies="10.0.0.0/8, 127.0.0.1")
    assert _statuses(client, 5) == [200] * 5  # five clients behind the proxy, one request each


def test_head_healthz_is_200(service: ServiceFactory) -> None:
    client = service(like_cli=True)
    answer = client.head("/healthz")
    assert answer.status_code == 200
    assert answer.content == b""

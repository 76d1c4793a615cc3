"""A slow upstream cannot hold a request past its attempt timeout or its deadline (both transports).

The upstream sends its headers, or its body, one byte every 0.1 s: never a gap long enough
for a read timeout, and for longer (60 s) than the client here waits (30 s). Without a
total bound per attempt the client times out and the test fails; with it the service
answers 504 problem+json, each timed-out attempt is retried and counted, and the breaker
opens after `breaker_failures` failed calls.
"""

from __future__ import annotations

import pytest

from tests.conftest import ServiceFactory
from tests.rawservers import Trickle, completion_head, slow_upstream

ARTICLE = {"text": "The council of Elmbridge voted on Tuesday to close two libraries, officials said."}
HANG_GUARD_S = 30.0  # the client's own limit: half of what the upstream would keep trickling

SLOW_HEADERS = Trickle(head=completion_head(40), body=b"{}" * 20, trickle_head=True)
SLOW_BODY = Trickle(head=completion_head(4000), body=b" " * 4000)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx2"])
@pytest.mark.parametrize("trickle", [SLOW_HEADERS, SLOW_BODY], ids=["slow-headers", "slow-body"])
def test_slow_upstream_times_out_each_attempt_and_opens_the_breaker(
    service: ServiceFactory, transport: str, trickle: Trickle
) -> None:
    with slow_upstream(trickle) as upstream:
        client = service(
            openai_base_url=upstream.base_url,
            http_client=transport,
            llm_timeout_s=0.6,
            deadline_s=20.0,
            llm_max_attempts=2,
            breaker_failures=2,
            breaker_cooldown_s=600.0,
        )
        answers = [client.post("/v1/summaries", json=ARTICLE, timeout=HANG_GUARD_S) for _ in range(3)]
        assert [a.status_code for a in answers] == [504, 504, 503]
        for answer in answers:
            assert answer.headers["content-type"] == "application/problem+json"
        assert answers[2].json()["type"].endswith("/circuit-open")
        assert upstream.connections == 4  # two attempts per call, none once the circuit is open
        assert upstream.finished == 0  # every answer came before the upstream's


@pytest.mark.parametrize("transport", ["aiohttp", "httpx2"])
def test_request_deadline_cuts_a_slow_attempt_short(service: ServiceFactory, transport: str) -> None:
    with slow_upstream(SLOW_BODY) as upstream:
        client = service(
            openai_base_url=upstream.base_url,
            http_client=transport,
            llm_timeout_s=50.0,  # the attempt would wait; the deadline must not
            deadline_s=1.0,
            llm_max_attempts=3,
        )
        answer = client.post("/v1/summaries", json=ARTICLE, timeout=HANG_GUARD_S)
        assert answer.status_code == 504
        assert answer.headers["content-type"] == "application/problem+json"
        assert upstream.connections == 1  # no time was left for a second attempt
        assert upstream.finished == 0


def test_metrics_count_the_timed_out_attempts(service: ServiceFactory) -> None:
    with slow_upstream(SLOW_HEADERS) as upstream:
        client = service(openai_base_url=upstream.base_url, llm_timeout_s=0.5, llm_max_attempts=2)
        assert client.post("/v1/summaries", json=ARTICLE, timeout=HANG_GUARD_S).status_code == 504
        metrics = client.get("/metrics").text
        line = next(x for x in metrics.splitlines() if 'outcome="timeout"' in x and x.startswith("newsbrief"))
        assert float(line.rsplit(" ", 1)[1]) == 2.0

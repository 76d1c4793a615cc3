"""An answer over `NEWSBRIEF_LLM_MAX_ANSWER_BYTES` is a bad answer, never read whole (both transports).

The upstream sends 20 MB as fast as the socket takes it, with or without a Content-Length
(and as an error body too). The service stops reading at the cap: the upstream never gets
to write its last byte, every attempt is retried like a bad body, and the caller gets a 502.
"""

from __future__ import annotations

import pytest

from tests.conftest import ServiceFactory
from tests.rawservers import Trickle, completion_head, slow_upstream

ARTICLE = {"text": "The council of Elmbridge voted on Tuesday to close two libraries, officials said."}
HUGE_BYTES = 20 * 1024 * 1024
HUGE = b'{"choices": [{"message": {"content": "' + b"x" * HUGE_BYTES + b'"}}]}'
ERROR_HEAD = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx2"])
@pytest.mark.parametrize(
    "head",
    [completion_head(len(HUGE)), completion_head(None), ERROR_HEAD],
    ids=["declared", "close-delimited", "error-body"],
)
def test_a_huge_answer_is_cut_at_the_cap(service: ServiceFactory, transport: str, head: bytes) -> None:
    trickle = Trickle(head=head, body=HUGE, chunk_bytes=256 * 1024, every_s=0.0)
    with slow_upstream(trickle) as upstream:
        client = service(
            openai_base_url=upstream.base_url,
            http_client=transport,
            llm_max_answer_bytes=64 * 1024,
            llm_max_attempts=2,
        )
        answer = client.post("/v1/summaries", json=ARTICLE, timeout=60)
        assert answer.status_code == 502, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert upstream.connections == 2
        assert upstream.finished == 0  # nobody read the 20 MB to its end

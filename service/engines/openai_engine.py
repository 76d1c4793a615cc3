"""The `openai` engine: any OpenAI-compatible endpoint through one `AsyncOpenAI` client."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import cast

import httpx2
import openai

from service.http import observe
from service.llm.client import LLMClient
from service.llm.completion import AnswerTooLarge
from service.settings import Settings


class TimedTransport(httpx2.AsyncBaseTransport):
    """Adds the time spent waiting for the LLM's response headers to the request's LLM time,
    and caps the size of every answer (error bodies included) at `max_answer_bytes`.

    `X-Overhead-Ms` subtracts only this wait, so the SDK's own CPU counts as overhead. The
    cap is checked against `Content-Length` before any byte is read, and counted while the
    body streams in: an answer is never held whole past the cap, whatever its size.
    """

    def __init__(self, inner: httpx2.AsyncBaseTransport, max_answer_bytes: int) -> None:
        self._inner = inner
        self._max_answer_bytes = max_answer_bytes

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        started = time.perf_counter()
        try:
            response = await self._inner.handle_async_request(request)
        finally:
            observe.add_llm_time(time.perf_counter() - started)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_answer_bytes:
            await response.aclose()
            raise AnswerTooLarge(f"the answer declares {declared} bytes; the cap is {self._max_answer_bytes}")
        stream = cast(httpx2.AsyncByteStream, response.stream)  # async transports stream async
        response.stream = _CappedStream(stream, self._max_answer_bytes)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


class _CappedStream(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.AsyncByteStream, max_bytes: int) -> None:
        self._inner = inner
        self._max_bytes = max_bytes

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in self._inner:
            received += len(chunk)
            if received > self._max_bytes:
                raise AnswerTooLarge(f"the answer exceeds the cap of {self._max_bytes} bytes")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _http_client(settings: Settings, timeout: httpx2.Timeout) -> httpx2.AsyncClient:
    limits = httpx2.Limits(max_connections=1024, max_keepalive_connections=256, keepalive_expiry=30.0)
    if settings.http_client == "aiohttp":
        # aiohttp's pool costs far less CPU per request than httpcore's at hundreds of connections.
        client: httpx2.AsyncClient = openai.DefaultAioHttpClient(timeout=timeout, limits=limits)
    else:
        client = httpx2.AsyncClient(timeout=timeout, limits=limits)
    # no public setter for a built client
    client._transport = TimedTransport(client._transport, settings.llm_max_answer_bytes)
    return client


def make_client(settings: Settings, *, base_url: str | None, api_key: str | None) -> openai.AsyncOpenAI:
    """One client per process: SDK retries off (tenacity owns them), explicit timeouts, a wide pool."""
    timeout = httpx2.Timeout(settings.attempt_timeout_s, connect=min(settings.attempt_timeout_s, 5.0))
    http_client = _http_client(settings, timeout)
    return openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key or "unused",
        max_retries=0,
        timeout=timeout,
        http_client=http_client,
    )


def openai_llm(settings: Settings) -> LLMClient:
    client = make_client(settings, base_url=settings.openai_base_url, api_key=settings.openai_api_key)
    return LLMClient(client, model=settings.model, settings=settings)

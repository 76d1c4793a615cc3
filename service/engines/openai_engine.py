"""The `openai` engine: any OpenAI-compatible endpoint through one `AsyncOpenAI` client."""

from __future__ import annotations

import httpx2
import openai

from service.llm import LLMClient
from service.settings import Settings


def make_client(settings: Settings, *, base_url: str | None, api_key: str | None) -> openai.AsyncOpenAI:
    """One client per process: SDK retries off (tenacity owns them), explicit timeouts, a wide pool."""
    timeout = httpx2.Timeout(settings.attempt_timeout_s, connect=min(settings.attempt_timeout_s, 5.0))
    http_client = httpx2.AsyncClient(
        timeout=timeout,
        limits=httpx2.Limits(max_connections=1024, max_keepalive_connections=256, keepalive_expiry=30.0),
    )
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

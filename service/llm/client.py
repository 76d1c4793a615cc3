"""The one LLM client wrapper: the one retry policy, around one `openai.AsyncOpenAI`.

Everything above `service.llm` sees `ChatResult` or an `LLMError` (see `service.errors`); it
never imports `openai`. The SDK's own retries are off (`max_retries=0`); tenacity retries
transient failures here (`service.llm.sdk_errors` decides which), and the pipeline's repair
re-asks draw on the same `Budget` (`service.llm.attempts`), so attempts never stack:
`NEWSBRIEF_LLM_MAX_ATTEMPTS` counts every call. Each attempt goes through `self.upstream`
(`service.llm.upstream`), which the runtime wraps in metrics, the breaker and the quota.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import openai
import orjson
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from service.llm.attempts import Budget
from service.llm.completion import BadCompletion, ChatResult, Completion
from service.llm.sdk_errors import is_transient, retry_after_s, translate
from service.llm.upstream import Call, Message, SDKUpstream, Upstream
from service.settings import Settings

MIN_ATTEMPT_S = 0.1  # a retry needs at least this much of the deadline left after its wait


class LLMClient:
    """Chat completions with JSON output through one `openai.AsyncOpenAI` (owned by the lifespan)."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        *,
        model: str,
        settings: Settings,
        use_local_params: bool = False,
        label: str | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self._settings = settings
        self._use_local_params = use_local_params
        self._label = label  # reported in provenance instead of the server's model id
        # One HTTP attempt; the runtime wraps it in the breaker, metrics and quota
        # (`service.llm.guards.around`) before the first call.
        self.upstream: Upstream = SDKUpstream(client, settings)

    async def aclose(self) -> None:
        await self._client.close()

    def _wait_s(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_s(exc) if exc else None
        if hinted is not None:
            return hinted
        s = self._settings
        ceiling = min(s.llm_backoff_max_s, s.llm_backoff_initial_s * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # noqa: S311 - full jitter, not crypto

    def _stop(self, budget: Budget) -> Any:
        cap = self._settings.llm_retry_after_cap_s

        def stop(state: RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            hinted = retry_after_s(exc) if exc else None
            if hinted is not None and hinted > cap:
                return True  # retrying before the server allows it only earns another 429
            wait = state.upcoming_sleep
            # an attempt started with almost nothing left cannot be answered in time; it only
            # opens another upstream connection (and costs the provider a request) to be cut
            return budget.attempts >= budget.max_attempts or budget.remaining_s() <= wait + MIN_ATTEMPT_S

        return stop

    def _response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self._settings.response_format == "json_object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {"name": "digest", "strict": True, "schema": schema}}

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        schema: dict[str, Any],
        params: dict[str, Any],
        local_params: dict[str, Any],
        budget: Budget,
    ) -> ChatResult:
        """One logical call: retried on transient errors within `budget`; usage is added to it."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": list(messages),
            "temperature": params.get("temperature", 0),
            "max_tokens": int(params.get("max_tokens", 1024)),
            "response_format": self._response_format(schema),
        }
        if self._use_local_params:
            body.update(local_params)
        # Rule: the SDK's generic `post` (auth, headers, status errors) with our own serialized body
        # and an unparsed answer, never `chat.completions.create`, which checks every message and
        # the whole JSON Schema against its typed params and builds a pydantic model of the answer:
        # the largest CPU cost of a request, for a body we know is valid (profile: bench/spy.py).
        call = Call(orjson.dumps(body), messages, body["max_tokens"], budget)
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_transient),
            wait=self._wait_s,
            stop=self._stop(budget),
            reraise=True,
        )
        self.upstream.begin(call)
        try:
            completion: Completion = await retrying(self.upstream.attempt, call)
        except (openai.OpenAIError, BadCompletion) as exc:
            self.upstream.failed(call, exc)
            raise translate(exc, budget.attempts, budget) from exc
        finally:
            # Rule: a call leaves no reference cycle. tenacity keeps its pending actions (bound
            # methods of `retrying`) in `iter_state`, a cycle only the garbage collector frees; calls
            # live ~1 s, so it would reach the oldest generation, whose collections pause every
            # request in flight (service/http/gcpolicy.py; bench/run.py measures the p99).
            retrying.iter_state.reset()
        return self._result(completion, budget)

    def _result(self, completion: Completion, budget: Budget) -> ChatResult:
        """The answer's usage added to the budget; the content for the pipeline."""
        budget.used(completion.input_tokens, completion.output_tokens)
        return ChatResult(
            content=completion.content,
            model=self._label or completion.model or self.model,
            truncated=completion.truncated,
        )

    async def ping(self) -> bool:
        """True when the endpoint answers `GET /models` (used by the local engine's readiness)."""
        try:
            await self._client.models.list(timeout=2.0)
        except openai.OpenAIError:
            return False
        return True

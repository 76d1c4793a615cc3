"""Tests for tests/fakellm/ (both builds), driven through the real openai SDK over loopback HTTP."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.conftest import serving
from tests.fakellm import (
    Call,
    FakeLLM,
    Reply,
    error,
    insufficient_quota,
    ok,
    rate_limited,
    reset,
    server_error,
    timeout,
)
from tests.fakellm.fast import FakeConfig, FastFake

MESSAGES: list[openai.types.chat.ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def client(fake: FakeLLM, *, timeout_s: float = 2.0, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key="t", max_retries=max_retries, timeout=timeout_s)


def aclient(fake: FakeLLM, *, timeout_s: float = 2.0) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=fake.base_url, api_key="t", max_retries=0, timeout=timeout_s)


def ask(c: openai.OpenAI, text: str = "hi", model: str = "gpt-test") -> openai.types.chat.ChatCompletion:
    return c.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])


def last_user_text(call: Call) -> str:
    return str(call.body["messages"][-1]["content"])


def root_url(fake: FakeLLM) -> str:
    return fake.base_url.removesuffix("/v1")


# --------------------------------------------------------------------------- happy path


def test_scripted_replies_are_served_in_order_then_default(fake: FakeLLM) -> None:
    fake.script(ok({"n": 1}), ok("two", prompt_tokens=7, completion_tokens=3), ok({"n": 3}))
    assert fake.pending == 3
    with client(fake) as c:
        first = ask(c, model="gpt-echo")
        second = ask(c)
        third = ask(c)
        with pytest.raises(openai.InternalServerError) as exc_info:
            ask(c)

    assert first.choices[0].message.content == '{"n": 1}'
    assert json.loads(third.choices[0].message.content or "") == {"n": 3}
    assert second.choices[0].message.content == "two"
    assert fake.pending == 0

    assert first.object == "chat.completion"
    assert first.model == "gpt-echo"  # requested model is echoed
    assert first.id.startswith("chatcmpl-")
    assert first.choices[0].message.role == "assistant"
    assert first.choices[0].finish_reason == "stop"
    assert first.usage is not None
    assert (first.usage.prompt_tokens, first.usage.completion_tokens, first.usage.total_tokens) == (
        100,
        50,
        150,
    )
    assert second.usage is not None
    assert (second.usage.prompt_tokens, second.usage.completion_tokens, second.usage.total_tokens) == (
        7,
        3,
        10,
    )

    assert exc_info.value.status_code == 500
    assert "fake: no reply scripted" in exc_info.value.message
    assert len(fake.calls) == 4


def test_script_replaces_the_queue(fake: FakeLLM) -> None:
    fake.script(ok("old-1"), ok("old-2"))
    fake.script(ok("new"))
    fake.default(ok("fallback"))
    with client(fake) as c:
        assert [ask(c).choices[0].message.content for _ in range(3)] == ["new", "fallback", "fallback"]


def test_calls_are_recorded_with_bodies_headers_and_monotonic_times(fake: FakeLLM) -> None:
    fake.script(ok("a"), server_error(), reset())
    before = time.monotonic()
    with client(fake) as c:
        c.chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": "first"}], temperature=0.0
        )
        with pytest.raises(openai.InternalServerError):
            ask(c, "second")
        with pytest.raises(openai.APIConnectionError):
            ask(c, "third")
    after = time.monotonic()

    assert [last_user_text(call) for call in fake.calls] == ["first", "second", "third"]
    first = fake.calls[0]
    assert first.path == "/v1/chat/completions"
    assert first.body == {
        "model": "gpt-x",
        "messages": [{"role": "user", "content": "first"}],
        "temperature": 0.0,
    }
    assert first.headers["authorization"] == "Bearer t"
    assert first.headers["content-type"] == "application/json"
    assert first.headers["x-stainless-retry-count"] == "0"
    times = [call.t for call in fake.calls]
    assert before <= times[0] <= times[1] <= times[2] <= after

    fake.reset_calls()
    assert fake.calls == []


def test_default_callable_computes_reply_from_request(fake: FakeLLM) -> None:
    fake.default(lambda call: ok({"echo": last_user_text(call), "model": call.body["model"]}))
    with client(fake) as c:
        got = ask(c, "ping", model="m1")
    assert json.loads(got.choices[0].message.content or "") == {"echo": "ping", "model": "m1"}


def test_default_callable_that_raises_becomes_a_500(fake: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    def broken(call: Call) -> Reply:
        raise ValueError("boom")

    fake.default(broken)
    with client(fake) as c, pytest.raises(openai.InternalServerError, match="boom"):
        ask(c)
    assert len(fake.calls) == 1
    assert any("default reply callable raised" in r.getMessage() for r in caplog.records)


def test_initial_default_can_be_restored(fake: FakeLLM) -> None:
    fake.default(ok("temporary"))
    fake.default(fake.initial_default)
    fake.script()
    with client(fake) as c, pytest.raises(openai.InternalServerError, match="no reply scripted"):
        ask(c)


def test_scripted_replies_win_over_default_callable(fake: FakeLLM) -> None:
    fake.default(lambda call: ok("computed"))
    fake.script(ok("scripted"))
    with client(fake) as c:
        assert [ask(c).choices[0].message.content for _ in range(2)] == ["scripted", "computed"]


# --------------------------------------------------------------------------- errors


def test_rate_limited_with_retry_after_seconds(fake: FakeLLM) -> None:
    fake.script(rate_limited(retry_after_s=1))
    with client(fake) as c, pytest.raises(openai.RateLimitError) as exc_info:
        ask(c)
    err = exc_info.value
    assert err.status_code == 429
    assert err.response.headers["retry-after"] == "1"
    assert err.code == "rate_limit_exceeded"
    assert err.request_id == "req_fake_1"


def test_rate_limited_with_retry_after_ms_and_custom_headers(fake: FakeLLM) -> None:
    fake.script(rate_limited(retry_after_ms=250, headers={"X-Custom": "yes"}))
    with client(fake) as c, pytest.raises(openai.RateLimitError) as exc_info:
        ask(c)
    headers = exc_info.value.response.headers
    assert headers["retry-after-ms"] == "250"
    assert "retry-after" not in headers
    assert headers["x-custom"] == "yes"


def test_insufficient_quota(fake: FakeLLM) -> None:
    fake.script(insufficient_quota())
    with client(fake) as c, pytest.raises(openai.RateLimitError) as exc_info:
        ask(c)
    assert exc_info.value.code == "insufficient_quota"
    assert exc_info.value.type == "insufficient_quota"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors(fake: FakeLLM, status: int) -> None:
    fake.script(server_error(status))
    with client(fake) as c, pytest.raises(openai.InternalServerError) as exc_info:
        ask(c)
    assert exc_info.value.status_code == status
    assert exc_info.value.type == "server_error"


def test_generic_error_body(fake: FakeLLM) -> None:
    fake.script(error(400, code="context_length_exceeded", message="too long", param="messages"))
    with client(fake) as c, pytest.raises(openai.BadRequestError) as exc_info:
        ask(c)
    err = exc_info.value
    assert err.code == "context_length_exceeded"
    assert err.param == "messages"
    assert err.type == "invalid_request_error"
    assert err.body == {
        "message": "too long",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "context_length_exceeded",
    }


def test_json_body_overrides_the_whole_response(fake: FakeLLM) -> None:
    custom = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "other",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "raw"}, "finish_reason": "length"}
        ],
    }
    fake.script(Reply(json_body=custom), Reply(status=418, json_body="not json at all"))
    with client(fake) as c:
        got = ask(c)
        with pytest.raises(openai.APIStatusError) as exc_info:
            ask(c)
    assert got.model == "other"
    assert got.choices[0].finish_reason == "length"
    assert got.usage is None
    assert exc_info.value.status_code == 418
    assert exc_info.value.body == "not json at all"


# --------------------------------------------------------------------------- transport failures


def test_reset_raises_api_connection_error(fake: FakeLLM) -> None:
    fake.script(reset(), Reply(action="close"), ok("after"))
    with client(fake) as c:
        with pytest.raises(openai.APIConnectionError) as reset_info:
            ask(c)
        with pytest.raises(openai.APIConnectionError) as close_info:
            ask(c)
        assert ask(c).choices[0].message.content == "after"
    assert not isinstance(reset_info.value, openai.APITimeoutError)
    assert "reset" in repr(reset_info.value.__cause__).lower()
    assert not isinstance(close_info.value, openai.APITimeoutError)
    assert len(fake.calls) == 3


def test_delay_beyond_client_timeout_raises_api_timeout_error(fake: FakeLLM) -> None:
    fake.script(timeout(30), ok("slow but fine", delay_s=0.05))
    with client(fake, timeout_s=0.2) as c:
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            ask(c)
        assert time.monotonic() - started >= 0.15  # the client's 0.2 s, not an early error
        assert ask(c).choices[0].message.content == "slow but fine"
    assert fake.calls[0].headers["x-stainless-read-timeout"] == "0.2"


def test_stop_does_not_wait_for_pending_delays() -> None:
    fake = FakeLLM()
    fake.start()
    fake.script(timeout(60))
    with client(fake, timeout_s=0.1) as c, pytest.raises(openai.APITimeoutError):
        ask(c)
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 60  # the scripted delay was cut short, not waited out


def test_sdk_retries_are_visible_as_separate_calls(fake: FakeLLM) -> None:
    # retry-after-ms keeps the SDK's backoff short (a reset would back off ~0.5 s before retrying)
    fake.script(
        rate_limited(retry_after_ms=10), server_error(503, headers={"retry-after-ms": "10"}), ok("third")
    )
    with client(fake, max_retries=2) as c:
        assert ask(c).choices[0].message.content == "third"
    assert [call.headers["x-stainless-retry-count"] for call in fake.calls] == ["0", "1", "2"]


# --------------------------------------------------------------------------- async client & concurrency


def test_async_client_sequence_reset_and_timeout(fake: FakeLLM) -> None:
    fake.script(ok({"ok": True}), reset(), timeout(30))

    async def scenario() -> None:
        async with aclient(fake, timeout_s=0.2) as c:
            got = await c.chat.completions.create(model="m", messages=MESSAGES)
            assert json.loads(got.choices[0].message.content or "") == {"ok": True}
            with pytest.raises(openai.APIConnectionError) as exc_info:
                await c.chat.completions.create(model="m", messages=MESSAGES)
            assert not isinstance(exc_info.value, openai.APITimeoutError)
            with pytest.raises(openai.APITimeoutError):
                await c.chat.completions.create(model="m", messages=MESSAGES)

    asyncio.run(scenario())
    assert fake.calls[0].headers["x-stainless-async"].startswith("async:")
    assert len(fake.calls) == 3


def test_a_delayed_reply_does_not_block_other_requests(fake: FakeLLM) -> None:
    # The slow reply waits until the fast request has been answered: a server that handled one
    # request at a time could not answer the fast one, and the slow one would give up waiting.
    slow_arrived, fast_answered = threading.Event(), threading.Event()

    def reply(call: Call) -> Reply:
        if last_user_text(call) == "fast":
            return ok("fast")
        slow_arrived.set()
        return ok("slow" if fast_answered.wait(10) else "the fast request never came through")

    fake.default(reply)
    finished: list[str] = []

    async def ask_async(c: openai.AsyncOpenAI, text: str) -> str:
        got = await c.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
        finished.append(text)
        if text == "fast":
            fast_answered.set()
        return got.choices[0].message.content or ""

    async def scenario() -> list[str]:
        async with aclient(fake, timeout_s=20) as c:
            slow = asyncio.create_task(ask_async(c, "slow"))
            assert await asyncio.to_thread(slow_arrived.wait, 10)  # the slow request is in flight first
            fast = await ask_async(c, "fast")
            return [await slow, fast]

    assert asyncio.run(scenario()) == ["slow", "fast"]
    assert finished == ["fast", "slow"]
    assert len(fake.calls) == 2


def test_streaming_request_gets_sse_chunks(fake: FakeLLM) -> None:
    fake.script(ok("streamed text", prompt_tokens=5, completion_tokens=2))
    with client(fake) as c:
        stream = c.chat.completions.create(
            model="m", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
        chunks = list(stream)
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert text == "streamed text"
    assert [ch.choices[0].finish_reason for ch in chunks if ch.choices][-1] == "stop"
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.total_tokens == 7


# --------------------------------------------------------------------------- other routes & lifecycle


def test_models_health_and_unknown_routes(fake: FakeLLM) -> None:
    with client(fake) as c:
        assert [m.id for m in c.models.list()] == ["fake-model"]
        with pytest.raises(openai.NotFoundError):
            c.completions.create(model="m", prompt="legacy endpoint")
    with urllib.request.urlopen(root_url(fake) + "/health", timeout=2) as resp:
        assert resp.status == 200
        assert json.loads(resp.read()) == {"status": "ok"}
    assert fake.calls == []  # only chat completions are recorded


def test_chunked_and_invalid_request_bodies(fake: FakeLLM) -> None:
    fake.script(ok("chunked ok"), ok("never served"))
    conn = http.client.HTTPConnection("127.0.0.1", int(fake.base_url.split(":")[2].split("/")[0]), timeout=2)
    try:
        body = json.dumps({"model": "m", "messages": MESSAGES}).encode()
        conn.request("POST", "/v1/chat/completions", body=iter([body[:10], body[10:]]), encode_chunked=True)
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["choices"][0]["message"]["content"] == "chunked ok"
        conn.close()
        conn.request("POST", "/v1/chat/completions", body=b"{not json", headers={"Content-Type": "x"})
        resp = conn.getresponse()
        assert resp.status == 400
        resp.read()
    finally:
        conn.close()
    assert fake.calls[0].body["model"] == "m"
    assert fake.calls[1].body == {"_raw": "{not json"}


def test_lifecycle() -> None:
    fake = FakeLLM()
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.base_url
    fake.stop()  # no-op when not started
    with fake:
        assert fake.base_url.startswith("http://127.0.0.1:")
        assert fake.base_url.endswith("/v1")
        with pytest.raises(RuntimeError, match="already started"):
            fake.start()
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    fake.start()  # restartable
    try:
        fake.script(ok("again"))
        with client(fake) as c:
            assert ask(c).choices[0].message.content == "again"
    finally:
        fake.stop()
    fake.stop()  # idempotent
    with pytest.raises(TypeError):
        fake.script(ok("x"), "not a reply")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the benchmark build (fast)


@pytest.fixture
def fast_fake() -> Iterator[str]:
    app = FastFake(FakeConfig(seed=7), {"summary": "fast"}, "bench-model")
    with serving(app, http="httptools", lifespan="off", access_log=False) as root:
        yield root


def test_fast_build_answers_the_same_completion_through_the_sdk(fast_fake: str) -> None:
    with openai.OpenAI(base_url=fast_fake + "/v1", api_key="t", max_retries=0, timeout=5) as c:
        answer = ask(c)
        assert [m.id for m in c.models.list()] == ["bench-model"]
        with pytest.raises(openai.NotFoundError):
            c.completions.create(model="m", prompt="legacy endpoint")
    assert answer.object == "chat.completion"
    assert answer.model == "bench-model"
    assert json.loads(answer.choices[0].message.content or "") == {"summary": "fast"}
    assert answer.usage is not None
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (800, 120)
    _, stats = _get_json(fast_fake + "/stats")
    assert stats["by_outcome"] == {"ok": 1, "429": 0, "500": 0, "reset": 0}


@pytest.mark.parametrize(
    ("mix", "raised"),
    [
        ("429=1", openai.RateLimitError),
        ("500=1", openai.InternalServerError),
        ("reset=1", openai.APIConnectionError),
    ],
)
def test_fast_build_faults_are_the_shared_fault_replies(
    fast_fake: str, mix: str, raised: type[openai.OpenAIError]
) -> None:
    status, config = _get_json(
        fast_fake + "/config", {"fault_rate": 1, "fault_mix": mix, "retry_after_ms": 1500}
    )
    assert status == 200
    assert config["fault_mix"] == {mix.split("=", maxsplit=1)[0]: 1.0}
    with (
        openai.OpenAI(base_url=fast_fake + "/v1", api_key="t", max_retries=0, timeout=5) as c,
        pytest.raises(raised) as exc_info,
    ):
        ask(c)
    if isinstance(exc_info.value, openai.RateLimitError):
        headers = exc_info.value.response.headers
        assert (headers["retry-after-ms"], headers["retry-after"]) == ("1500", "2")  # seconds round up
        assert exc_info.value.code == "rate_limit_exceeded"
    _, stats = _get_json(fast_fake + "/stats")
    assert stats["by_outcome"][mix.split("=", maxsplit=1)[0]] == 1


def test_fast_build_refuses_unknown_settings(fast_fake: str) -> None:
    status, body = _get_json(fast_fake + "/config", {"latency": 5})
    assert status == 400
    assert "unknown setting" in body["error"]
    status, body = _get_json(fast_fake + "/config", {"fault_mix": "503=1"})
    assert status == 400


def _get_json(url: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())

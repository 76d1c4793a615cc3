"""The one fake OpenAI-compatible Chat Completions server of the project, in two builds.

* ``threaded`` (re-exported here): :class:`FakeLLM`, scriptable per request and recording every
  call, on a threaded standard-library server: what the tests use.
* ``fast``: a raw ASGI app on uvicorn that answers one pre-rendered completion with drawn faults,
  ``/config`` and ``/stats``: what the benchmarks run (``bench/fake_llm.py``).

Both say the same things, written once in ``wire``: the completion, error and event-stream
bodies, the fault replies and the routes.
"""

from tests.fakellm.threaded import Call, FakeLLM
from tests.fakellm.wire import (
    Reply,
    error,
    insufficient_quota,
    ok,
    rate_limited,
    reset,
    server_error,
    timeout,
)

__all__ = [
    "Call",
    "FakeLLM",
    "Reply",
    "error",
    "insufficient_quota",
    "ok",
    "rate_limited",
    "reset",
    "server_error",
    "timeout",
]

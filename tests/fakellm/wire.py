"""What the fake LLM says, written once for both servers: the OpenAI Chat Completions wire format.

A :class:`Reply` is one scripted upstream answer; the helpers (:func:`ok`, :func:`error`,
:func:`rate_limited`, :func:`server_error`, :func:`insufficient_quota`, :func:`reset`,
:func:`timeout`) build the usual ones, and :func:`fault` names the three a benchmark draws
(``429``, ``500``, ``reset``). :func:`render` turns a reply into its status, headers and body
(a ``chat.completion`` or an OpenAI-style error); :func:`stream_events` gives the same content
as ``chat.completion.chunk`` Server-Sent Events. :data:`ROUTES` is the one route table.

The threaded test server (``threaded``) renders per request; the benchmark server (``fast``)
renders once at start-up and sends the same bytes to every request.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any, Literal

FAKE_MODEL = "fake-model"
CHAT_PATH = "/v1/chat/completions"
# (method, path) -> route; anything else is a 404 with an OpenAI-style error body.
ROUTES = {("POST", CHAT_PATH): "chat", ("GET", "/v1/models"): "models", ("GET", "/health"): "health"}
FAULT_KINDS = ("429", "500", "reset")


@dataclass
class Reply:
    """One scripted upstream answer."""

    status: int = 200
    # Assistant message content for a 2xx reply (usually a JSON string).
    content: str | None = None
    # Overrides the whole response body. ``str``/``bytes`` are sent verbatim (handy for
    # malformed bodies); anything else is ``json.dumps``-ed.
    json_body: Any | None = None
    # Extra response headers, e.g. {"Retry-After": "1"} or {"retry-after-ms": "200"}.
    headers: dict[str, str] = field(default_factory=dict)
    # Sleep this long before answering / resetting / closing (interrupted by stop()).
    delay_s: float = 0.0
    # "reset": abort the TCP connection without any response (RST);
    # "close": close the connection (FIN) without any response.
    action: Literal["respond", "reset", "close"] = "respond"
    prompt_tokens: int = 100
    completion_tokens: int = 50


@dataclass(frozen=True)
class Rendered:
    """A reply as it goes on the wire (headers lower-cased, without Content-Length or Connection)."""

    status: int
    headers: dict[str, str]
    body: bytes


# --------------------------------------------------------------------------- replies


def ok(content: dict[str, Any] | str, **kw: Any) -> Reply:
    """A 200 ``chat.completion`` whose assistant content is ``content`` (a dict is JSON-encoded)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Reply(status=200, content=text, **kw)


def _default_error_type(status: int) -> str:
    if status == 429:
        return "requests"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def error_body(
    status: int, message: str, type_: str | None = None, code: str | None = None
) -> dict[str, Any]:
    """``{"error": {"message", "type", "param", "code"}}`` as OpenAI sends it."""
    kind = type_ if type_ is not None else _default_error_type(status)
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def error(
    status: int,
    code: str | None = None,
    message: str = "fake upstream error",
    type_: str | None = None,
    param: str | None = None,
    **kw: Any,
) -> Reply:
    """An OpenAI-style error: ``{"error": {"message", "type", "param", "code"}}`` with ``status``."""
    body = error_body(status, message, type_, code)
    body["error"]["param"] = param
    return Reply(status=status, json_body=body, **kw)


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def rate_limited(retry_after_s: float | None = None, retry_after_ms: float | None = None, **kw: Any) -> Reply:
    """429 ``rate_limit_exceeded``, optionally with ``retry-after`` / ``retry-after-ms`` headers."""
    headers: dict[str, str] = dict(kw.pop("headers", None) or {})
    if retry_after_s is not None:
        headers["retry-after"] = _fmt_number(retry_after_s)
    if retry_after_ms is not None:
        headers["retry-after-ms"] = _fmt_number(retry_after_ms)
    kw.setdefault("code", "rate_limit_exceeded")
    kw.setdefault("type_", "requests")
    kw.setdefault("message", "fake: rate limit reached, please try again later")
    return error(429, headers=headers, **kw)


def server_error(status: int = 500, **kw: Any) -> Reply:
    """A 5xx ``server_error``."""
    kw.setdefault("message", "fake: the server had an error while processing your request")
    kw.setdefault("type_", "server_error")
    return error(status, **kw)


def insufficient_quota(**kw: Any) -> Reply:
    """429 whose code and type are ``insufficient_quota`` (must not be retried by clients)."""
    kw.setdefault("code", "insufficient_quota")
    kw.setdefault("type_", "insufficient_quota")
    kw.setdefault("message", "fake: you exceeded your current quota")
    return error(429, **kw)


def reset(**kw: Any) -> Reply:
    """Abort the TCP connection (RST) without a response, optionally after ``delay_s``."""
    return Reply(action="reset", **kw)


def timeout(delay_s: float = 30.0, **kw: Any) -> Reply:
    """Hang for ``delay_s`` seconds, then close the connection without a response.

    Use a ``delay_s`` larger than the client's timeout so the client times out first;
    ``stop()`` interrupts the wait, so a long delay does not slow the test down.
    """
    kw.setdefault("action", "close")
    return Reply(delay_s=delay_s, **kw)


def fault(kind: str, *, retry_after_ms: int) -> Reply:
    """The benchmark's fault kinds: ``429`` (with ``retry-after-ms`` and whole seconds in
    ``Retry-After``, at least 1), ``500`` and ``reset``."""
    if kind == "429":
        return rate_limited(retry_after_s=max(1, -(-retry_after_ms // 1000)), retry_after_ms=retry_after_ms)
    if kind == "500":
        return server_error()
    if kind == "reset":
        return reset()
    raise ValueError(f"unknown fault {kind!r}; use {', '.join(FAULT_KINDS)}")


def not_found(method: str, path: str) -> Reply:
    return error(404, code="unknown_url", message=f"fake: unknown route {method} {path}")


# --------------------------------------------------------------------------- bodies


def models_body(model: str = FAKE_MODEL) -> bytes:
    """``GET /v1/models``: a list with the one model."""
    entry = {"id": model, "object": "model", "created": 0, "owned_by": "fakellm"}
    return json.dumps({"object": "list", "data": [entry]}).encode()


def _model_of(request: dict[str, Any]) -> str:
    model = request.get("model")
    return model if isinstance(model, str) else FAKE_MODEL


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _payload(reply: Reply, request: dict[str, Any], number: int) -> bytes:
    if reply.json_body is not None:
        if isinstance(reply.json_body, bytes):
            return reply.json_body
        if isinstance(reply.json_body, str):
            return reply.json_body.encode()
        return json.dumps(reply.json_body).encode()
    if reply.status >= 300:
        return json.dumps(error_body(reply.status, f"fake: HTTP {reply.status}")).encode()
    body = {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": _model_of(request),
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(reply),
    }
    return json.dumps(body).encode()


def response_headers(
    extra: dict[str, str], number: int | None, content_type: str = "application/json"
) -> dict[str, str]:
    """JSON content type, ``x-request-id`` when ``number`` is given, then ``extra`` (lower-cased)."""
    merged: dict[str, str] = {"content-type": content_type}
    if number is not None:
        merged["x-request-id"] = f"req_fake_{number}"
    for name, value in extra.items():
        merged[name.lower()] = value
    for framing in ("connection", "content-length"):
        merged.pop(framing, None)  # the server frames the body itself
    return merged


def render(reply: Reply, request: dict[str, Any], number: int, *, request_id: bool = True) -> Rendered:
    """A reply that responds (not a reset or close) as status, headers and body."""
    headers = response_headers(reply.headers, number if request_id else None)
    return Rendered(reply.status, headers, _payload(reply, request, number))


def wants_stream(reply: Reply, request: dict[str, Any]) -> bool:
    """A ``"stream": true`` request gets its content as events, unless the reply is an error or a
    verbatim body."""
    return request.get("stream") is True and reply.json_body is None and reply.status < 300


def stream_events(reply: Reply, request: dict[str, Any], number: int) -> list[bytes]:
    """The ``data:`` payloads of a streamed answer, ending with ``[DONE]``."""
    options = request.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    base: dict[str, Any] = {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": _model_of(request),
        "system_fingerprint": "fp_fake",
    }

    def chunk(delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
        out = {
            **base,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
        }
        if include_usage:
            out["usage"] = None
        return out

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None}, None)]
    if reply.content:
        chunks.append(chunk({"content": reply.content}, None))
    chunks.append(chunk({}, "stop"))
    if include_usage:
        chunks.append({**base, "choices": [], "usage": _usage(reply)})
    return [json.dumps(c).encode() for c in chunks] + [b"[DONE]"]


def arm_reset(sock: socket.socket) -> None:
    """SO_LINGER on with a zero timeout: closing ``sock`` then sends an RST instead of a FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

"""The gate's body reader: a request body is read whole, in bounded time, before it counts as in flight.

A client that sends its body a byte a second used to hold one of the in-flight slots for as
long as it liked (~530 of them filled every slot). Here the gate reads the body first, and
only then does the request take a slot:

- time: the whole body within `NEWSBRIEF_BODY_TIMEOUT_S` of its head, else 408 problem+json
  and the connection closes (its head was bounded by `service/connections.py`);
- size: over `NEWSBRIEF_MAX_BODY_BYTES` -> 413 (chunked bodies included) and a close;
- memory: the bytes of every body being read, together, within
  `NEWSBRIEF_MAX_BUFFERED_BODY_BYTES`, else 503 with `Retry-After`; a slow client holds
  the few bytes it sent, not its declared length, so 1,000 of them hold almost nothing.

The app then receives the body as one message, as a fast client would have sent it.
"""

from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from service.http.problems import problem

_CLOSE = {"Connection": "close"}


def has_body(scope: Scope) -> bool:
    """A write whose head announces a body (a length above zero, or chunks)."""
    if scope["method"] not in {"POST", "PUT", "PATCH"}:
        return False
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() not in {b"", b"0"}
        if name == b"transfer-encoding":
            return True
    return False


class BodyReader:
    """Reads bodies for the gate; `buffered_bytes` is what all readers hold right now."""

    def __init__(self, *, timeout_s: float, max_body_bytes: int, max_buffered_bytes: int) -> None:
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes
        self.max_buffered_bytes = max_buffered_bytes
        self.buffered_bytes = 0

    async def read(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """A `receive` that replays the whole body; None when a refusal was sent or the client left."""
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.strip().isdigit() and int(declared) > self.max_body_bytes:
            detail = f"the body has {int(declared)} bytes; the limit is {self.max_body_bytes}"
            await problem(413, "body-too-large", "Request body too large", detail, _CLOSE)(
                scope, receive, send
            )
            return None  # decided from the head: not one byte of the body is read
        chunks: list[bytes] = []
        held = 0
        refusal: Response | None = None
        try:
            async with asyncio.timeout(self.timeout_s):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return None  # the client went away: nobody to answer
                    chunk = message.get("body", b"")
                    held += len(chunk)
                    self.buffered_bytes += len(chunk)
                    if held > self.max_body_bytes:
                        detail = f"the body exceeds the limit of {self.max_body_bytes} bytes"
                        refusal = problem(413, "body-too-large", "Request body too large", detail, _CLOSE)
                        break
                    if self.buffered_bytes > self.max_buffered_bytes:
                        detail = "too many request bodies are being received; try again shortly"
                        headers = {**_CLOSE, "Retry-After": "1"}
                        refusal = problem(503, "overloaded", "The service is at capacity", detail, headers)
                        break
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            detail = f"the request body did not arrive within {self.timeout_s:g} s"
            refusal = problem(408, "request-timeout", "Request timeout", detail, _CLOSE)
        finally:
            self.buffered_bytes -= held
        if refusal is not None:
            await refusal(scope, receive, send)
            return None
        return _replay(b"".join(chunks), receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # after the body: the disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

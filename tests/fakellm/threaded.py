"""The scriptable fake LLM for tests: a threaded standard-library server on real loopback HTTP.

Tests point the real ``openai`` SDK at :attr:`FakeLLM.base_url`, script what the
"upstream" answers with :meth:`FakeLLM.script` / :meth:`FakeLLM.default`, and then
assert on :attr:`FakeLLM.calls` (how many requests, with which bodies, and when).

The server is a standard-library :class:`~http.server.ThreadingHTTPServer` bound to
``127.0.0.1`` on an ephemeral port: one thread per connection (a delayed reply never
blocks other requests), and full control over the socket so that ``reset`` really
aborts the TCP connection with an RST. Every response is sent with
``Connection: close``, so each SDK request uses its own connection. What it answers
(bodies, errors, events, routes) is ``tests.fakellm.wire``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import socket
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tests.fakellm.wire import (
    ROUTES,
    Reply,
    arm_reset,
    error,
    models_body,
    not_found,
    render,
    response_headers,
    server_error,
    stream_events,
    wants_stream,
)

_log = logging.getLogger(__name__)


@dataclass
class Call:
    """One request received on ``POST /v1/chat/completions``."""

    t: float  # time.monotonic() when the request arrived
    path: str
    headers: dict[str, str]  # header names lower-cased
    body: dict[str, Any]  # parsed JSON request body ({"_raw": text} if it was not a JSON object)


ReplyFactory = Callable[[Call], Reply]


def _no_reply_scripted() -> Reply:
    return server_error(500, message="fake: no reply scripted")


# --------------------------------------------------------------------------- server


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True

    def __init__(self, fake: FakeLLM) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a (possibly slow) reverse-DNS lookup; skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (timeouts, resets) are expected; anything else is a bug here.
        _log.debug("fakellm: error while handling %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    # -- connection bookkeeping (so stop() can unblock handler threads)

    def setup(self) -> None:
        super().setup()
        self.server.fake._register(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._unregister(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("fakellm: " + format, *args)

    # -- routes

    def do_GET(self) -> None:
        route = ROUTES.get(("GET", self._route_path()))
        if route == "health":
            self._send(200, json.dumps({"status": "ok"}).encode())
        elif route == "models":
            self._send(200, models_body())
        else:
            self._not_found()

    def do_POST(self) -> None:
        arrived = time.monotonic()
        path = self._route_path()
        raw = self._read_body()
        if ROUTES.get(("POST", path)) != "chat":
            self._not_found()
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        body: dict[str, Any] = (
            parsed if isinstance(parsed, dict) else {"_raw": raw.decode("utf-8", "replace")}
        )
        call = Call(t=arrived, path=path, headers=headers, body=body)

        fake = self.server.fake
        number, chosen = fake._take(call)
        if isinstance(parsed, dict):
            reply = _resolve(chosen, call)
        else:
            reply = error(400, message="fake: request body is not a JSON object")

        if reply.delay_s > 0 and fake._stopping.wait(reply.delay_s):
            self._abort(rst=False)  # shutting down: give up on this request
            return
        if reply.action == "reset":
            self._abort(rst=True)
        elif reply.action == "close":
            self._abort(rst=False)
        elif parsed is not None and wants_stream(reply, body):
            self._send_stream(reply, body, number)
        else:
            rendered = render(reply, body, number)
            self._send(rendered.status, rendered.body, rendered.headers)

    # -- plumbing

    def _route_path(self) -> str:
        path = urlsplit(self.path).path
        return path.rstrip("/") or "/"

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                if not size_line:
                    break
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # skip trailers
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after the chunk
            return b"".join(parts)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _not_found(self) -> None:
        rendered = render(not_found(self.command, self._route_path()), {}, 0, request_id=False)
        self._send(rendered.status, rendered.body)

    def _start_response(self, status: int, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")

    def _send(self, status: int, payload: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.close_connection = True
        try:
            self._start_response(status, headers or response_headers({}, None))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            _log.debug("fakellm: client went away before the response was written", exc_info=True)

    def _send_stream(self, reply: Reply, request: dict[str, Any], number: int) -> None:
        self.close_connection = True
        headers = response_headers({"content-type": "text/event-stream", **reply.headers}, number)
        try:
            self._start_response(reply.status, headers)
            self.end_headers()  # body delimited by connection close
            for event in stream_events(reply, request, number):
                self.wfile.write(b"data: " + event + b"\n\n")
        except OSError:
            _log.debug("fakellm: client went away during the stream", exc_info=True)

    def _abort(self, *, rst: bool) -> None:
        """End the connection without a response: RST if ``rst`` else a normal FIN."""
        self.close_connection = True
        if not rst:
            return  # socketserver shuts the socket down (FIN) and closes it
        sock = self.connection
        arm_reset(sock)
        self.server.fake._unregister(sock)
        # rfile (a makefile) holds a reference that would defer the real close.
        self.rfile.close()
        sock.close()  # linger 0 -> the kernel sends RST


def _resolve(chosen: Reply | ReplyFactory, call: Call) -> Reply:
    if isinstance(chosen, Reply):
        return chosen
    try:
        result: object = chosen(call)
    except Exception as exc:
        _log.exception("fakellm: default reply callable raised")
        return server_error(500, message=f"fake: default reply callable raised {exc!r}")
    if not isinstance(result, Reply):
        return server_error(500, message=f"fake: default reply callable returned {result!r}, not a Reply")
    return result


# --------------------------------------------------------------------------- public class


class FakeLLM:
    """Fake OpenAI Chat Completions upstream on ``http://127.0.0.1:PORT/v1``.

    Replies queued with :meth:`script` are served in order, one per chat-completions
    request; when the queue is empty the :meth:`default` is used (initially a 500 error
    saying ``"fake: no reply scripted"``). Every chat-completions request is appended to
    :attr:`calls` -- including ones answered with errors, resets or closes -- and
    ``calls[i]`` is always the request that consumed the i-th reply. (A request whose
    body is not a JSON object is recorded with ``body={"_raw": text}``, still consumes
    its reply, and is answered 400.)

    Use as a context manager, or call :meth:`start` / :meth:`stop`. Do not call
    :meth:`stop` from inside a default-reply callable.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        # The reply served when nothing is scripted (a 500 "fake: no reply scripted");
        # ``fake.default(fake.initial_default)`` restores the initial behaviour.
        self.initial_default: Reply = _no_reply_scripted()
        self._default: Reply | ReplyFactory = self.initial_default
        self._counter = itertools.count(1)
        self._stopping = threading.Event()
        self._active: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # -- scripting

    @property
    def base_url(self) -> str:
        """``"http://127.0.0.1:PORT/v1"`` (only valid while started)."""
        if self._base_url is None:
            raise RuntimeError("FakeLLM is not started")
        return self._base_url

    def script(self, *replies: Reply) -> None:
        """Replace the queue of scripted replies; they are served in order."""
        for reply in replies:
            if not isinstance(reply, Reply):
                raise TypeError(f"script() takes Reply objects, got {reply!r}")
        with self._lock:
            self._queue = deque(replies)

    def default(self, reply: Reply | Callable[[Call], Reply]) -> None:
        """What to serve when the queue is empty: a Reply, or a callable ``Call -> Reply``."""
        with self._lock:
            self._default = reply

    def reset_calls(self) -> None:
        """Forget recorded calls (the list is cleared in place)."""
        with self._lock:
            self.calls.clear()

    @property
    def pending(self) -> int:
        """Number of scripted replies not yet served."""
        with self._lock:
            return len(self._queue)

    # -- lifecycle

    def start(self) -> None:
        """Bind 127.0.0.1 on an ephemeral port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("FakeLLM already started")
        self._stopping.clear()
        server = _Server(self)  # bound and listening once constructed
        port = int(server.server_address[1])
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fakellm-{port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        self._base_url = f"http://127.0.0.1:{port}/v1"

    def stop(self) -> None:
        """Stop serving, abort in-flight delays, close every socket and join all threads."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        self._base_url = None
        with self._lock:
            self._stopping.set()
            active = list(self._active)
        server.shutdown()  # accept loop exits
        for sock in active:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # unblock handlers waiting on a read
        server.server_close()  # closes the listening socket, joins handler threads
        thread.join()

    def __enter__(self) -> FakeLLM:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- used by the handler threads

    def _take(self, call: Call) -> tuple[int, Reply | ReplyFactory]:
        with self._lock:
            self.calls.append(call)
            chosen = self._queue.popleft() if self._queue else self._default
            return next(self._counter), chosen

    def _register(self, sock: socket.socket) -> None:
        with self._lock:
            self._active.add(sock)
            stopping = self._stopping.is_set()
        if stopping:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._active.discard(sock)

"""An unexpected error is a problem+json 500 with X-Request-ID, on a connection that stays usable.

A route that raises is added to the real app; the client sends several requests on one
kept-alive connection (httpx2 reuses it) and every one must be answered.
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from service.app import create_app
from service.settings import Settings
from tests.conftest import serving


def _boom() -> None:
    raise RuntimeError("a bug nobody foresaw")


def _answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One response read off a kept-alive socket (head, body), by its Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return head.lower(), body


def test_a_500_keeps_the_connection_and_carries_the_request_id() -> None:
    app = create_app(Settings(engine="extractive", grounding_workers=0))
    app.add_api_route("/v1/boom", _boom, methods=["GET"])
    with serving(app) as base_url:
        parts = urlsplit(base_url)
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            for i in range(20):  # all on one connection
                sock.sendall(f"GET /v1/boom HTTP/1.1\r\nHost: x\r\nX-Request-ID: boom-{i}\r\n\r\n".encode())
                head, body = _answer(sock)
                assert head.startswith(b"http/1.1 500")
                assert b"content-type: application/problem+json" in head
                assert f"x-request-id: boom-{i}".encode() in head
                assert b"connection: close" not in head
                assert json.loads(body)["type"].endswith("/internal")
                assert b"nobody foresaw" not in body  # never the exception's text
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _answer(sock)[0].startswith(b"http/1.1 200")

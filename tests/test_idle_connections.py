"""Idle and half-sent connections are closed; past the connection cap new ones are refused, and logged.

The service runs with the server options of `newsbrief serve`. Sockets here are raw and
blocking with a receive timeout (the hang guard): a socket the server never closes makes
`recv` time out and the test fail.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import ServiceFactory

HANG_GUARD_S = 15.0


@contextlib.contextmanager
def sockets(base_url: str, count: int) -> Iterator[list[socket.socket]]:
    parts = urlsplit(base_url)
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection((parts.hostname, parts.port), timeout=HANG_GUARD_S)
            opened.append(sock)
        yield opened
    finally:
        for sock in opened:
            sock.close()


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (or the hang guard fails the test)."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail("the server kept the connection open")
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_sockets_that_never_send_are_closed(service: ServiceFactory) -> None:
    client = service(like_cli=True, header_timeout_s=0.5)
    with sockets(str(client.base_url), 50) as idle:
        assert [read_all(s) for s in idle] == [b""] * 50  # closed silently: nothing was asked
    assert client.get("/healthz").status_code == 200


def test_a_head_sent_a_byte_at_a_time_gets_408(service: ServiceFactory) -> None:
    client = service(like_cli=True, header_timeout_s=0.5)
    with sockets(str(client.base_url), 1) as (sock,):
        sock.sendall(b"POST /v1/summaries HTTP/1.1\r\nHost: x\r\n")
        answer = read_all(sock)  # the rest of the head never comes
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"content-type: application/problem+json" in head
    assert b'"status":408' in body


def test_kept_alive_connection_is_closed_when_idle(service: ServiceFactory) -> None:
    client = service(like_cli=True, keepalive_timeout_s=0.3)
    with sockets(str(client.base_url), 1) as (sock,):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 200")


def test_connection_cap_refuses_and_logs(service: ServiceFactory, capfd: pytest.CaptureFixture[str]) -> None:
    client = service(like_cli=True, max_connections=20, header_timeout_s=60.0)
    with sockets(str(client.base_url), 30) as held:
        refused = []
        for sock in held[20:]:
            answer = read_all(sock)  # each one past the cap: a 503 and a close, at once
            refused.append(answer.split(b"\r\n", 1)[0])
        assert refused == [b"HTTP/1.1 503 Service Unavailable"] * 10
        held[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert read_all(held[0]).startswith(b"HTTP/1.1 200")  # the ones under the cap still work
    assert '"event": "connection_cap_reached"' in capfd.readouterr().out


def test_a_head_the_parser_refuses_is_a_400_problem(service: ServiceFactory) -> None:
    client = service(like_cli=True)
    with sockets(str(client.base_url), 1) as (sock,):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\x01b\r\n\r\n")
        head, _, body = read_all(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"content-type: application/problem+json" in head
    assert b'"status":400' in body

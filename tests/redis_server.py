"""A private `redis-server` for tests: a free loopback port, a temp dir, no persistence.

Never a system server. When `redis-server` is not installed the tests that need it are
skipped with the reason, unless `NEWSBRIEF_REQUIRE_REDIS=1` (CI sets it), which makes
that a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_redis_server() -> str:
    """The path of `redis-server`, or skip (fail under NEWSBRIEF_REQUIRE_REDIS=1)."""
    path = shutil.which("redis-server")
    if path is None:
        reason = "redis-server is not installed (apt-get install redis-server); Redis-mode tests need it"
        if os.environ.get("NEWSBRIEF_REQUIRE_REDIS") == "1":
            pytest.fail(reason + " and NEWSBRIEF_REQUIRE_REDIS=1")
        pytest.skip(reason)
    return path


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """Start `redis-server` on loopback; yields its URL; shuts it down after."""
    binary = require_redis_server()
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

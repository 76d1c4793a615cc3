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

from tests.conftest import free_port


def require_redis_server() -> str:
    """The path of `redis-server`, or skip (fail under NEWSBRIEF_REQUIRE_REDIS=1)."""
    path = shutil.which("redis-server")
    if path is None:
        reason = "redis-server is not installed (apt-get install redis-server); Redis-mode tests need it"
        if os.environ.get("NEWSBRIEF_REQUIRE_REDIS") == "1":
            pytest.fail(reason + " and NEWSBRIEF_REQUIRE_REDIS=1")
        pytest.skip(reason)
    return path


class RedisProcess:
    """A `redis-server` on one fixed loopback port that a test may stop and start again (a blip).

    With `persist=True` it keeps an append-only file synced on every write, so what was
    stored before a stop is there after the restart, as with a production Redis.
    """

    def __init__(self, workdir: Path, *, persist: bool = False) -> None:
        self.binary = require_redis_server()
        self.workdir = workdir
        self.persist = persist
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        workdir.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        durability = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.persist else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", *durability,
             "--dir", str(self.workdir), "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """SIGTERM (it syncs its append-only file and exits); the port refuses connections after."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def redis_server(workdir: Path, *, persist: bool = False) -> Iterator[str]:
    """Start `redis-server` on loopback; yields its URL; shuts it down after."""
    server = RedisProcess(workdir, persist=persist)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()

"""Fixtures: the fake OpenAI-compatible server and the service itself, both on real loopback HTTP."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn

from service.app import create_app
from service.settings import Settings
from tests.fakellm import FakeLLM

SEED = Path(__file__).resolve().parents[1] / "seeds" / "coalition-of-the-willing.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def _fake_server() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def fake_llm(_fake_server: FakeLLM) -> FakeLLM:
    """The shared fake, with an empty script and no recorded calls."""
    _fake_server.script()
    _fake_server.default(_fake_server.initial_default)
    _fake_server.reset_calls()
    return _fake_server


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_service(settings: Settings, *, like_cli: bool = False) -> Iterator[str]:
    """Serve `create_app(settings)` with uvicorn on a loopback port; yields the base URL.

    `like_cli`: with the server options of `newsbrief serve` (service/http/connections.py).
    """
    options: dict[str, Any] = {"lifespan": "on"}
    if like_cli:
        from service.http.connections import uvicorn_options

        options.update(uvicorn_options(settings))
    with serving(create_app(settings), **options) as base_url:
        yield base_url


@contextlib.contextmanager
def serving(app: Any, **options: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port (in a thread); yields the base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, **{"log_level": "warning", **options})
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


ServiceFactory = Callable[..., httpx2.Client]


def assert_grounded(digest: dict[str, Any], text: str) -> None:
    """Every figure is the article's text at its span; every actor has non-blank mentions."""
    for figure in digest["key_figures"]:
        start, end = figure["span"]
        assert text[start:end] == figure["text"]
    for actor in digest["actors"]:
        assert actor["mentions"]
        for start, end in actor["mentions"]:
            assert text[start:end].strip()


@pytest.fixture
def service(fake_llm: FakeLLM) -> Iterator[ServiceFactory]:
    """Start the service against the fake LLM; keyword arguments override settings."""
    stack = contextlib.ExitStack()

    def start(like_cli: bool = False, **overrides: Any) -> httpx2.Client:
        values: dict[str, Any] = {
            "engine": "openai",
            "openai_base_url": fake_llm.base_url,
            "openai_api_key": "test-key",
            "model": "fake-model",
            "llm_backoff_initial_s": 0.0,
            "llm_backoff_max_s": 0.0,
            "llm_timeout_s": 5.0,
            "deadline_s": 20.0,
            "grounding_workers": 0,  # in the event loop; tests/test_grounding_pool.py runs the helper process
        }
        values.update(overrides)
        base_url = stack.enter_context(running_service(Settings(**values), like_cli=like_cli))
        return stack.enter_context(httpx2.Client(base_url=base_url, timeout=60.0))

    with stack:
        yield start


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every service a test starts keeps its job store in the test's own tmp dir, not ./data."""
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(tmp_path / "data"))


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


class Receiver:
    """A loopback HTTP server that records every POST (callback receiver in tests).

    It answers with the scripted statuses in order (an int, or `("redirect", url)`),
    then with `default` (204); `hold_s` delays every answer.
    """

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.default = 204
        self.hold_s = 0.0
        self._script: list[int | tuple[str, str]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._lock:
                    receiver.requests.append(Received(self.path, headers, body))
                    answer = receiver._script.pop(0) if receiver._script else receiver.default
                time.sleep(receiver.hold_s)
                if isinstance(answer, tuple):
                    self.send_response(302)
                    self.send_header("Location", answer[1])
                else:
                    self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def script(self, *answers: int | tuple[str, str]) -> None:
        with self._lock:
            self._script = list(answers)

    def to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


def wait_for(predicate: Callable[[], Any], timeout_s: float = 15.0, every_s: float = 0.02) -> Any:
    """Poll until `predicate()` is truthy; returns its value or fails the test."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {predicate}")
        time.sleep(every_s)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server for the session (see tests/redis_server.py); tests use their own prefix."""
    from tests.redis_server import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url

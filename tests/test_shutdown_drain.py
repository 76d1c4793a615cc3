"""The drain over real HTTP: once it began, a new request gets a problem+json 503 at once.

Under `newsbrief serve` the listening socket closes right after SIGTERM, so such a request can
only arrive in the moment before; here the drain is begun directly (from another thread, as the
signal handler does) on the app of a service running on loopback, which is the same code path.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx2
import uvicorn

from service.app import create_app
from service.http.drain import Drain
from service.settings import Settings
from tests.conftest import free_port


def test_requests_during_the_drain_get_problem_json_503(tmp_path: Path) -> None:
    settings = Settings(engine="extractive", data_dir=tmp_path, grounding_workers=0, shutdown_grace_s=7)
    app = create_app(settings)
    drain: Drain = app.state.drain
    assert drain.grace_s == 7
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive()
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.01)
        assert httpx2.get(f"{base}/healthz", timeout=10).status_code == 200
        assert not _draining(drain)
        drain.begin_threadsafe()
        for _ in range(100):  # begin() runs on the server's loop soon after
            if _draining(drain):
                break
            time.sleep(0.01)
        assert _draining(drain)
        for path in ("/healthz", "/readyz", "/v1/prompts"):
            answer = httpx2.get(f"{base}{path}", timeout=10)
            assert answer.status_code == 503, path
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["retry-after"] == "5"
            assert answer.headers["connection"] == "close"
            assert answer.json()["type"].endswith("/shutting-down")
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _draining(drain: Drain) -> bool:
    return drain.draining  # read afresh (the server's thread sets it)


def test_default_grace_fits_the_engine(tmp_path: Path) -> None:
    """60 s for the embedded model (10-40 s a request), 30 s for a remote endpoint; settable."""
    assert Settings(engine="local", data_dir=tmp_path).drain_grace_s == 60.0
    assert Settings(engine="openai", data_dir=tmp_path).drain_grace_s == 30.0
    assert Settings(engine="openai", data_dir=tmp_path, shutdown_grace_s=5).drain_grace_s == 5.0

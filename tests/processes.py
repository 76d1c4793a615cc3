"""`newsbrief serve` and `newsbrief worker` as real processes, for tests that kill or restart them.

`service_env` is the environment such a process runs with against the fake LLM (callbacks
allowed to loopback, fast callback retries, grounding in the event loop); `Proc` is one
process logging to a file (SIGKILL, or SIGTERM then SIGKILL); `Api` is a `serve` process on
a free port, started once `/healthz` answers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2

from tests.conftest import free_port, wait_for
from tests.fakellm import FakeLLM
from tests.test_callbacks import CALLBACK_SECRET

NEWSBRIEF = Path(sys.executable).with_name("newsbrief")


def service_env(fake: FakeLLM, data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment plus the settings every real-process test shares, then `extra`."""
    return {
        **os.environ,
        "NEWSBRIEF_ENGINE": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": "test-key",
        "NEWSBRIEF_MODEL": "fake-model",
        "NEWSBRIEF_DATA_DIR": str(data_dir),
        "NEWSBRIEF_LLM_TIMEOUT_S": "10",
        "NEWSBRIEF_GROUNDING_WORKERS": "0",
        "NEWSBRIEF_CALLBACK_SECRET": CALLBACK_SECRET,
        "NEWSBRIEF_CALLBACK_ALLOW": "127.0.0.1",
        "NEWSBRIEF_CALLBACK_BACKOFF_INITIAL_S": "0.05",
        "NEWSBRIEF_CALLBACK_BACKOFF_MAX_S": "0.2",
        "NEWSBRIEF_CALLBACK_TIMEOUT_S": "10",
        **extra,
    }


class Proc:
    """One `newsbrief serve` or `newsbrief worker` process, logging to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(NEWSBRIEF), *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def alive(self) -> bool:
        assert self.proc is not None
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        return True

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class Api(Proc):
    """`newsbrief serve` on a free loopback port; `start` returns once `/healthz` answers 200."""

    def __init__(self, env: dict[str, str], log: Path, host: str = "127.0.0.1") -> None:
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, log)

    def start(self) -> None:
        super().start()

        def healthy() -> bool:
            self.alive()
            try:
                return httpx2.get(self.url + "/healthz", timeout=1).status_code == 200
            except httpx2.HTTPError:
                return False

        wait_for(healthy, timeout_s=30, every_s=0.1)

    def job(self, job_id: str) -> dict[str, Any]:
        view: dict[str, Any] = httpx2.get(f"{self.url}/v1/jobs/{job_id}", timeout=5).json()
        return view

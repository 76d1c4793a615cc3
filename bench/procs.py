"""The processes of a benchmark run (fake LLM, service) and what we read about them and the machine."""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def extractive_service(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`newsbrief serve` on the extractive engine (no key, no network), a fresh data dir, no rate
    limit, quiet, once `/readyz` answers 200; stopped when the block ends."""
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "NEWSBRIEF_ENGINE": "extractive",
            "NEWSBRIEF_DATA_DIR": data_dir,
            "NEWSBRIEF_RATE_LIMIT_PER_MIN": "0",
        }
        cli = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
        server = subprocess.Popen(cli, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):  # ready (its NLP models loaded) within 30 s
                with contextlib.suppress(OSError):
                    if http_json(f"http://127.0.0.1:{port}/readyz")[0] == 200:
                        break
                time.sleep(0.1)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


def http_json(url: str, payload: Any = None, timeout_s: float = 5.0) -> tuple[int, Any]:
    data = None if payload is None else orjson.dumps(payload)
    req = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            return resp.status, orjson.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read() or b"null")


def pinned(cmd: list[str], cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus, *cmd] if cpus else cmd


class Proc:
    """A child process with its output in a log file; `stop()` is SIGINT, then SIGTERM, then SIGKILL."""

    def __init__(self, name: str, cmd: list[str], *, log: Path, env: dict[str, str], cwd: Path) -> None:
        self.name = name
        self.cmd = cmd
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log_fh = log.open("wb")
        self.popen = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=self._log_fh, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_http(self, url: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {self.log}")
            with contextlib.suppress(OSError, ValueError):
                status, _ = http_json(url, timeout_s=1.0)
                if status == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(
            f"{self.name} did not answer 200 on {url} within {timeout_s:.0f} s; see {self.log}"
        )

    def cpu_s(self) -> float:
        """User + system CPU seconds of the process so far (all its threads)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def tree_cpu_s(self) -> dict[str, float]:
        """CPU seconds of the process (`main`) and of all its descendants (`helpers`, e.g. grounding)."""
        main = self.cpu_s()
        helpers = 0.0
        for pid in _descendants(self.pid):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                helpers += (int(fields[11]) + int(fields[12])) / CLK_TCK
        return {"main": main, "helpers": helpers}

    def memory_mb(self) -> dict[str, float]:
        """Current (VmRSS) and peak (VmHWM) resident memory."""
        out = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(int(value.split()[0]) / 1024, 1)
        return out

    def stop(self) -> None:
        for sig, wait_s in ((signal.SIGINT, 10.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            if not self.alive():
                break
            self.popen.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(wait_s)
        self._log_fh.close()


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{parent}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                todo += children
    return found


def start_fake(port: int, *, log: Path, cpus: str | None, latency_ms: float = 0.0, seed: int = 42) -> Proc:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "fake_llm.py"),
        "--port",
        str(port),
        "--latency-ms",
        f"{latency_ms:g}",
        "--retry-after-ms",
        "50",
        "--seed",
        str(seed),
        "--answer",
        str(ROOT / "tests" / "answers.py") + ":GOOD",
    ]
    proc = Proc("fake LLM", pinned(cmd, cpus), log=log, env=dict(os.environ), cwd=ROOT)
    proc.wait_http(f"http://127.0.0.1:{port}/stats")
    return proc


def service_env(fake_port: int, **extra: str) -> dict[str, str]:
    """The environment minus any NEWSBRIEF_/OPENAI_ variable, plus the endpoint: defaults otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBRIEF_", "OPENAI_"))}
    env.update(
        NEWSBRIEF_ENGINE="openai",
        OPENAI_BASE_URL=f"http://127.0.0.1:{fake_port}/v1",
        OPENAI_API_KEY="x",
        NEWSBRIEF_MODEL="fake-model",
        **extra,
    )
    return env


def start_service(port: int, env: dict[str, str], *, log: Path, cwd: Path, cpus: str | None) -> Proc:
    cmd = [str(BIN / "newsbrief"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cwd.mkdir(parents=True, exist_ok=True)  # the embedded state (./data) lands here, not in the repo
    proc = Proc("service", pinned(cmd, cpus), log=log, env=env, cwd=cwd)
    proc.wait_http(f"http://127.0.0.1:{port}/readyz")
    return proc


def effective_settings(env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """The service's Settings as its process sees them (defaults plus our endpoint), secrets masked."""
    code = "from service.settings import Settings; print(Settings().model_dump_json())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=True
    )
    settings: dict[str, Any] = orjson.loads(out.stdout)
    for key in ("openai_api_key", "api_keys", "webhook_secret", "callback_secret", "redis_url"):
        if settings.get(key):
            settings[key] = "***"
    return settings


def cpu_busy_pct(sample_s: float = 1.0) -> float:
    """Share of all CPUs busy over `sample_s` (anyone's work): a noise indicator."""

    def read() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values), idle

    total0, idle0 = read()
    time.sleep(sample_s)
    total1, idle1 = read()
    return round(100 * (1 - (idle1 - idle0) / max(1, total1 - total0)), 1)


def machine(wrk: str) -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "service", "prompts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": wrk,
        "git_commit": git.stdout.strip() or None,
        "service_tree_dirty": bool(dirty.stdout.strip()),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }

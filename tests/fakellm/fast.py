"""The fast fake LLM for benchmarks: a raw ASGI app on uvicorn (uvloop + httptools, access log off).

It answers every ``POST /v1/chat/completions`` with the same completion, rendered once (the
``--answer`` digest as the assistant message), after ``latency_ms``, unless a fault is drawn
(``tests.fakellm.wire.fault``: ``429`` with ``retry-after-ms``, ``500``, or ``reset``, an RST
and no response). It does not read the request body, so the requested model and ``stream``
are ignored: every answer is the one completion.

Routes besides those of ``wire.ROUTES``: ``GET /stats`` (calls by outcome, peak in-flight),
``POST /stats/reset``, ``GET /config`` and ``POST /config`` (change the latency or the fault
mix of a running server with a JSON object of the same names as the options, e.g.
``{"latency_ms": 0, "fault_rate": 0.3}``). ``bench/fake_llm.py`` is its command line.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
import uvicorn

from tests.fakellm.wire import (
    FAULT_KINDS,
    ROUTES,
    Reply,
    arm_reset,
    fault,
    models_body,
    not_found,
    ok,
    render,
)

Scope = dict[str, Any]
Message = dict[str, Any]
Headers = list[tuple[bytes, bytes]]
OUTCOMES = ("ok", *FAULT_KINDS)
JSON_HEADERS: Headers = [(b"content-type", b"application/json")]


@dataclass
class FakeConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0  # uniform +- around latency_ms
    fault_rate: float = 0.0  # share of chat calls that fail
    fault_mix: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FAULT_KINDS, 1.0))
    fault_latency_ms: float = 0.0  # how long a fault takes to arrive
    retry_after_ms: int = 50
    seed: int | None = None

    def update(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if not hasattr(self, name):
                raise ValueError(f"unknown setting {name!r}")
            if name == "fault_mix" and isinstance(value, str):
                setattr(self, name, parse_mix(value))
            elif name == "fault_mix":
                setattr(self, name, {str(k): float(v) for k, v in value.items()})
            else:
                setattr(self, name, value)


def parse_mix(text: str) -> dict[str, float]:
    """``429=1,500=1,reset=1`` -> weights by fault kind."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, weight = part.partition("=")
        if kind not in FAULT_KINDS:
            raise argparse.ArgumentTypeError(f"unknown fault {kind!r}; use {', '.join(FAULT_KINDS)}")
        mix[kind] = float(weight or 1)
    return mix


def load_answer(spec: str) -> dict[str, Any]:
    """``path/to/module.py:NAME`` (a dict in a Python file) or ``path/to/answer.json``."""
    path_text, _, name = spec.partition(":")
    path = Path(path_text)
    if not name:
        answer = json.loads(path.read_text(encoding="utf-8"))
    else:
        module_spec = importlib.util.spec_from_file_location(f"_answer_{path.stem}", path)
        if module_spec is None or module_spec.loader is None:
            raise SystemExit(f"cannot import {path}")
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        answer = getattr(module, name)
    if not isinstance(answer, dict):
        raise SystemExit(f"{spec} is not a JSON object")
    return answer


def _wire(reply: Reply, model: str) -> tuple[int, Headers, bytes]:
    """A reply rendered once, headers as ASGI wants them."""
    rendered = render(reply, {"model": model}, 0, request_id=False)
    headers = [(name.encode(), value.encode()) for name, value in rendered.headers.items()]
    return rendered.status, headers, rendered.body


class FastFake:
    """The ASGI app; one instance per process, state shared by every connection."""

    def __init__(self, config: FakeConfig, answer: dict[str, Any], model: str) -> None:
        self.config = config
        self.model = model
        self.completion = _wire(ok(answer, prompt_tokens=800, completion_tokens=120), model)
        self.models = models_body(model)
        self.rng = random.Random(config.seed)
        self._render_faults()
        self.reset_stats()

    def _render_faults(self) -> None:
        retry_after_ms = self.config.retry_after_ms
        self.faults = {
            kind: _wire(fault(kind, retry_after_ms=retry_after_ms), self.model) for kind in FAULT_KINDS
        }

    def reset_stats(self) -> None:
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.request_bytes = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self.since = time.time()

    def stats(self) -> dict[str, Any]:
        return {
            "calls": sum(self.counts.values()),
            "by_outcome": self.counts,
            "request_bytes": self.request_bytes,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "since": self.since,
        }

    def _draw(self) -> str:
        cfg = self.config
        if cfg.fault_rate <= 0 or self.rng.random() >= cfg.fault_rate:
            return "ok"
        kinds = [k for k, w in cfg.fault_mix.items() if w > 0]
        if not kinds:
            return "ok"
        return self.rng.choices(kinds, weights=[cfg.fault_mix[k] for k in kinds])[0]

    def _delay_s(self, outcome: str) -> float:
        cfg = self.config
        base = cfg.latency_ms if outcome == "ok" else cfg.fault_latency_ms
        if cfg.jitter_ms:
            base += self.rng.uniform(-cfg.jitter_ms, cfg.jitter_ms)
        return max(0.0, base) / 1000

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        body = await _read_body(receive)
        route = ROUTES.get((method, path))
        if route == "chat":
            await self._chat(len(body), send)
        elif route == "models":
            await _respond(send, 200, self.models)
        elif route == "health":
            await _respond(send, 200, b'{"status": "ok"}')
        elif method == "GET" and path == "/stats":
            await _respond(send, 200, orjson.dumps(self.stats()))
        elif method == "POST" and path == "/stats/reset":
            self.reset_stats()
            await _respond(send, 200, orjson.dumps(self.stats()))
        elif path == "/config" and method in {"GET", "POST"}:
            await self._configure(method, body, send)
        else:
            status, headers, payload = _wire(not_found(method, path), self.model)
            await _respond(send, status, payload, headers)

    async def _configure(self, method: str, body: bytes, send: Any) -> None:
        if method == "POST":
            try:
                self.config.update(orjson.loads(body or b"{}"))
            except (ValueError, TypeError, argparse.ArgumentTypeError) as exc:
                await _respond(send, 400, orjson.dumps({"error": str(exc)}))
                return
            if self.config.seed is not None:
                self.rng.seed(self.config.seed)
            self._render_faults()
        await _respond(send, 200, orjson.dumps(asdict(self.config)))

    async def _chat(self, request_bytes: int, send: Any) -> None:
        outcome = self._draw()
        self.counts[outcome] += 1
        self.request_bytes += request_bytes
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            delay_s = self._delay_s(outcome)
            if delay_s:
                await asyncio.sleep(delay_s)
            if outcome == "reset":
                await _reset(send)
            else:
                status, headers, payload = self.completion if outcome == "ok" else self.faults[outcome]
                await _respond(send, status, payload, headers)
        finally:
            self.in_flight -= 1


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _respond(send: Any, status: int, body: bytes, headers: Headers = JSON_HEADERS) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _reset(send: Any) -> None:
    """Abort the connection with an RST: uvicorn's cycle owns the transport (``send`` is its bound method)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:  # another server: the best we can do is a response-less close
        raise ConnectionResetError("fake reset")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        arm_reset(sock)
    transport.abort()
    await asyncio.sleep(0)  # let connection_lost mark the cycle disconnected before we return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="time to answer a successful call")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="uniform +- jitter on the latency")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of chat calls that fail (0-1)")
    parser.add_argument("--fault-mix", type=parse_mix, default=parse_mix("429=1,500=1,reset=1"))
    parser.add_argument("--fault-latency-ms", type=float, default=0.0, help="time before a fault arrives")
    parser.add_argument("--retry-after-ms", type=int, default=50, help="retry-after-ms on 429 answers")
    parser.add_argument("--seed", type=int, default=None, help="seed for the fault draw (reproducible)")
    parser.add_argument("--answer", default="tests/answers.py:GOOD", help="module.py:NAME or a .json file")
    parser.add_argument("--model", default="fake-model")
    args = parser.parse_args(argv)
    config = FakeConfig(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        fault_rate=args.fault_rate,
        fault_mix=args.fault_mix,
        fault_latency_ms=args.fault_latency_ms,
        retry_after_ms=args.retry_after_ms,
        seed=args.seed,
    )
    app = FastFake(config, load_answer(args.answer), args.model)
    print(f"fake LLM on http://{args.host}:{args.port}/v1 {asdict(config)}", file=sys.stderr, flush=True)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        backlog=4096,
        # Hosted APIs keep idle connections for minutes; the client's keep-alive (30 s) decides.
        # uvicorn's 5 s default closed the service's pool during each benchmark's direct run, so
        # every service run began by opening its c connections again.
        timeout_keep_alive=75,
    )

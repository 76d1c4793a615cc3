"""CPU the layers around an LLM attempt add (service/llm/guards.py): bare upstream vs all three.

    .venv/bin/python bench/llm_guards.py [--attempts 100000]

An in-process upstream that answers at once stands in for the SDK, so only the layers are timed:
metrics, the circuit breaker and an in-memory quota that always admits. Best of 5 runs.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from service.llm.attempts import Budget
from service.llm.breaker import CircuitBreaker
from service.llm.completion import Completion
from service.llm.guards import around
from service.llm.quota.memory import MemoryLimiter
from service.llm.upstream import Call, Upstream
from service.metrics import Metrics

OK = Completion(content="{}", model="m", truncated=False, input_tokens=300, output_tokens=100)


class Instant:
    def begin(self, call: Call) -> None:
        return None

    def failed(self, call: Call, exc: BaseException) -> None:
        return None

    async def attempt(self, call: Call) -> Completion:
        call.budget.attempted()
        return OK


async def _time(upstream: Upstream, attempts: int) -> float:
    messages = [{"role": "user", "content": "x" * 2000}]
    started = time.perf_counter()
    for _ in range(attempts):
        call = Call(b"{}", messages, 1024, Budget(3, time.monotonic() + 60.0))
        upstream.begin(call)
        await upstream.attempt(call)
    return (time.perf_counter() - started) / attempts * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=100_000)
    n = parser.parse_args().attempts
    bare = min(asyncio.run(_time(Instant(), n)) for _ in range(5))
    quota = MemoryLimiter(10**9, 10**12, 60.0)  # admits every attempt
    layers = around(Instant(), breaker=CircuitBreaker(5, 30.0), metrics=Metrics(), quota=quota)
    wrapped = min(asyncio.run(_time(layers, n)) for _ in range(5))
    print(f"bare {bare:.2f} µs/attempt; with metrics, breaker and quota {wrapped:.2f} µs")
    print(f"added {wrapped - bare:.2f} µs per attempt")


if __name__ == "__main__":
    main()

"""Slow and idle clients against a live `newsbrief serve` (issue 15 items 2 and 4).

Starts the bench fake LLM and the service with its defaults, then opens `--slow` clients
that send a POST head and its body one byte a second, and `--idle` sockets that never
send; while they hold on, one well-behaved client asks for `--probes` digests in a row.
Prints and writes bench/results/slow_clients.json: the probes' statuses and latencies,
and how many slow/idle connections the service answered or closed, and when.

    .venv/bin/python bench/slow_clients.py --slow 1000 --idle 2000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.procs import free_port, service_env, start_fake, start_service

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = {"text": (ROOT / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")}


async def slow_client(port: int, hold_s: float, ends: list[tuple[float, bytes]]) -> None:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        ends.append((0.0, b"connect-failed"))
        return
    writer.write(b"POST /v1/summaries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 5000\r\n\r\n")  # fmt: skip
    first = b""
    try:
        async with asyncio.timeout(hold_s):
            read = asyncio.ensure_future(reader.read(64))
            while not read.done():
                writer.write(b" ")  # one byte a second
                await asyncio.wait([read], timeout=1.0)
            first = read.result()
    except (TimeoutError, OSError):
        pass
    ends.append((time.monotonic() - started, first.split(b"\r\n", 1)[0] or b"closed"))
    writer.close()


async def idle_socket(port: int, hold_s: float, ends: list[tuple[float, bytes]]) -> None:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        ends.append((0.0, b"connect-failed"))
        return
    data = b"held"
    try:
        async with asyncio.timeout(hold_s):
            data = (await reader.read(64)).split(b"\r\n", 1)[0] or b"closed"
    except (TimeoutError, OSError):
        pass
    ends.append((time.monotonic() - started, data))
    writer.close()


async def probe(port: int, count: int) -> list[tuple[int, float]]:
    import httpx2  # noqa: PLC0415

    out = []
    async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            answer = await client.post("/v1/summaries", json=ARTICLE)
            out.append((answer.status_code, (time.perf_counter() - started) * 1000))
            await asyncio.sleep(0.5)
    return out


def summary(ends: list[tuple[float, bytes]]) -> dict[str, object]:
    outcomes: dict[str, int] = {}
    for _, what in ends:
        outcomes[what.decode("latin-1")] = outcomes.get(what.decode("latin-1"), 0) + 1
    times = [t for t, _ in ends if t]
    return {
        "count": len(ends),
        "outcomes": outcomes,
        "ended_after_s_median": round(statistics.median(times), 2) if times else None,
        "ended_after_s_max": round(max(times), 2) if times else None,
    }


async def attack(port: int, slow: int, idle: int, probes: int, hold_s: float) -> dict[str, object]:
    slow_ends: list[tuple[float, bytes]] = []
    idle_ends: list[tuple[float, bytes]] = []
    tasks = [asyncio.create_task(slow_client(port, hold_s, slow_ends)) for _ in range(slow)]
    tasks += [asyncio.create_task(idle_socket(port, hold_s, idle_ends)) for _ in range(idle)]
    await asyncio.sleep(3.0)  # every attacker connected and holding on
    probed = await probe(port, probes)
    await asyncio.gather(*tasks)
    latencies = sorted(ms for status, ms in probed if status == 200)
    return {
        "probes": {
            "statuses": [status for status, _ in probed],
            "ok": sum(1 for status, _ in probed if status == 200),
            "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
            "latency_ms_max": round(max(latencies), 1) if latencies else None,
        },
        "slow_clients": summary(slow_ends),
        "idle_sockets": summary(idle_ends),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--idle", type=int, default=2000)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--hold-s", type=float, default=60.0, help="attackers give up after this long")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "slow_clients.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fake_port, port = free_port(), free_port()
        fake = start_fake(fake_port, log=Path(tmp) / "fake.log", cpus=None, latency_ms=200)
        env = service_env(
            fake_port, NEWSBRIEF_RATE_LIMIT_PER_MIN="0", NEWSBRIEF_DATA_DIR=str(Path(tmp) / "d")
        )
        service = start_service(port, env, log=Path(tmp) / "service.log", cwd=Path(tmp), cpus=None)
        try:
            result = asyncio.run(attack(port, args.slow, args.idle, args.probes, args.hold_s))
        finally:
            service.stop()
            fake.stop()
    result["command"] = " ".join(["bench/slow_clients.py", *sys.argv[1:]])
    result["settings"] = (
        "service defaults (header 10 s, body 30 s, cap 4,096), fake LLM 200 ms, rate limit off"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()

"""A misbehaving upstream against a live `newsbrief serve` (issue 15 items 1 and 9).

1. deadline: the upstream trickles its headers, or its body, a byte every 0.1 s for 120 s;
   the service runs with NEWSBRIEF_DEADLINE_S=5 and NEWSBRIEF_LLM_TIMEOUT_S=30, with each
   HTTP transport; we time each answer and report how far past the deadline it came.
2. memory: the upstream answers 50 MB as fast as it can; 8 requests at once (8 different
   articles, so no two share a computation), 3 rounds, breaker out of the way;
   the service's peak and final RSS (VmHWM / VmRSS from /proc) against its RSS at start.

Uses the raw-socket upstream of tests/rawservers.py. Prints and writes
bench/results/upstream_faults.json.

    .venv/bin/python bench/upstream_faults.py
"""

from __future__ import annotations

import concurrent.futures
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.procs import Proc, free_port, service_env, start_service
from tests.rawservers import SlowUpstream, Trickle, completion_head

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = {"text": (ROOT / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")}
DEADLINE_S = 5.0


def _status_kb(proc: Proc, field: str) -> float:
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return 0.0


def serve(upstream: SlowUpstream, tmp: Path, **extra: str) -> tuple[Proc, int]:
    port = free_port()
    env = service_env(0, NEWSBRIEF_DATA_DIR=str(tmp / f"d{port}"), NEWSBRIEF_RATE_LIMIT_PER_MIN="0", **extra)
    env["OPENAI_BASE_URL"] = upstream.base_url
    return start_service(port, env, log=tmp / f"service-{port}.log", cwd=tmp, cpus=None), port


def deadline_cases(tmp: Path) -> list[dict[str, object]]:
    behaviours = {
        "slow headers": Trickle(head=completion_head(40), body=b"{}" * 20, trickle_head=True, max_s=120),
        "slow body": Trickle(head=completion_head(4000), body=b" " * 4000, max_s=120),
    }
    rows: list[dict[str, object]] = []
    for transport in ("aiohttp", "httpx2"):
        for name, trickle in behaviours.items():
            with SlowUpstream(trickle) as upstream:
                proc, port = serve(
                    upstream, tmp, NEWSBRIEF_HTTP_CLIENT=transport, NEWSBRIEF_DEADLINE_S=str(DEADLINE_S),
                    NEWSBRIEF_LLM_TIMEOUT_S="30",
                )  # fmt: skip
                try:
                    started = time.monotonic()
                    answer = httpx2.post(f"http://127.0.0.1:{port}/v1/summaries", json=ARTICLE, timeout=150)
                    took_s = time.monotonic() - started
                finally:
                    proc.stop()
            rows.append({
                "transport": transport, "upstream": name, "status": answer.status_code,
                "took_s": round(took_s, 3), "past_deadline_s": round(took_s - DEADLINE_S, 3),
                "attempts_seen": upstream.connections,
            })  # fmt: skip
    return rows


def _distinct(url: str, i: int) -> int:
    """One request per article, so the digest cache's single flight does not merge them."""
    text = f"{ARTICLE['text']}\n\nEdition {i} {time.monotonic_ns()}."
    return httpx2.post(url, json={"text": text}, timeout=120).status_code


def memory_case(tmp: Path) -> dict[str, object]:
    body = b'{"choices": [{"message": {"content": "' + b"x" * (50 * 1024 * 1024) + b'"}}]}'
    trickle = Trickle(head=completion_head(len(body)), body=body, chunk_bytes=1024 * 1024, every_s=0.0)
    with SlowUpstream(trickle) as upstream:
        proc, port = serve(upstream, tmp, NEWSBRIEF_BREAKER_FAILURES="1000")  # every call reaches it
        try:
            start_kb = _status_kb(proc, "VmRSS")
            statuses: list[int] = []
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                for _ in range(3):
                    url = f"http://127.0.0.1:{port}/v1/summaries"
                    calls = [pool.submit(_distinct, url, i) for i in range(8)]
                    statuses += [c.result() for c in calls]
            peak_kb, end_kb = _status_kb(proc, "VmHWM"), _status_kb(proc, "VmRSS")
        finally:
            proc.stop()
    return {
        "requests": len(statuses), "statuses": sorted(set(statuses)),
        "rss_mb_start": round(start_kb / 1024, 1), "rss_mb_peak": round(peak_kb / 1024, 1),
        "rss_mb_end": round(end_kb / 1024, 1), "upstream_connections": upstream.connections,
    }  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = {
            "deadline_s": DEADLINE_S,
            "deadline": deadline_cases(Path(tmp)),
            "memory_8x50MB_x3": memory_case(Path(tmp)),
            "command": "bench/upstream_faults.py",
        }
    out = ROOT / "bench" / "results" / "upstream_faults.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())


if __name__ == "__main__":
    main()

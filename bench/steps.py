"""The measurements of `bench/run.py`. Each returns the numbers of one results file.

Every service measurement has its direct-to-fake baseline from the same run next to
it (same fake, same settings, same concurrency), and the difference is reported.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from loadgen import Target, run_wrk
from procs import ROOT, Proc, http_json
from rich.progress import Progress, TaskID

SEED = (ROOT / "seeds" / "coalition-of-the-willing.txt").read_text(encoding="utf-8")


def service_body(tag: str = "@@ID@@") -> bytes:
    """The seed article plus a closing line; `@@ID@@` makes every request a new article (cache miss)."""
    return orjson.dumps({"text": f"{SEED}\n\nBenchmark request {tag}."})


def direct_body() -> bytes:
    """A chat-completions request about the size of the service's own (the fake does not read it)."""
    return orjson.dumps(
        {
            "model": "fake-model",
            "messages": [
                {"role": "system", "content": "You summarize news articles. Reply with one JSON object."},
                {"role": "user", "content": f"<article>\n{SEED}\n\nBenchmark request @@ID@@.\n</article>"},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0,
            "max_tokens": 700,
        }
    )


@dataclass
class Bench:
    """Shared state of one run: the two servers, where load runs, how long each point lasts."""

    quick: bool
    fake: Proc
    fake_url: str
    service: Proc
    service_url: str
    load_cpus: str | None
    work_dir: Path
    progress: Progress
    point_s: float
    warmup_s: float
    fault_requests: int
    identical_requests: int
    concurrency: tuple[int, ...] = (1, 16, 64, 256)
    burst_concurrency: tuple[int, ...] = (64, 256)
    fake_latencies_ms: tuple[float, ...] = (0.0, 1000.0)
    log: list[str] = field(default_factory=list)

    def fake_config(self, **changes: Any) -> dict[str, Any]:
        status, config = http_json(self.fake_url + "/config", changes)
        if status != 200:
            raise RuntimeError(f"fake /config refused {changes}: {config}")
        return dict(config)

    def fake_stats(self, reset: bool = False) -> dict[str, Any]:
        _, stats = http_json(self.fake_url + ("/stats/reset" if reset else "/stats"), {} if reset else None)
        return dict(stats)

    def load(self, target: Target, connections: int, **kwargs: Any) -> dict[str, Any]:
        """One wrk run; for the service also its CPU time per answered request and the upstream calls."""
        is_service = target.base_url == self.service_url
        proc = self.service if is_service else self.fake
        cpu0 = proc.tree_cpu_s()
        calls0 = self.fake_stats()["calls"]
        result = run_wrk(
            target, connections=connections, work_dir=self.work_dir, cpus=self.load_cpus, **kwargs
        )
        cpu1 = proc.tree_cpu_s()
        answered = max(1, result["answered"])
        result["upstream_calls"] = self.fake_stats()["calls"] - calls0
        main_ms, helpers_ms = (1000 * (cpu1[k] - cpu0[k]) / answered for k in ("main", "helpers"))
        result["cpu_ms_per_request"] = round(main_ms + helpers_ms, 3)
        result["main_cpu_ms_per_request"] = round(main_ms, 3)  # the event loop's process
        result["helper_cpu_ms_per_request"] = round(helpers_ms, 3)  # e.g. the grounding helper
        result["cpu_process"] = "service" if is_service else "fake LLM"
        result["ramp_ms"] = kwargs.get("ramp_ms", 0.0)
        return result

    def drain(self, latency_ms: float) -> None:
        """Requests wrk abandoned at the end of a timed run are still in flight: let them finish."""
        time.sleep(latency_ms / 1000 + 0.3)

    def note(self, text: str) -> None:
        self.log.append(text)
        self.progress.console.print(text, highlight=False)


def _diff(service: dict[str, Any], direct: dict[str, Any]) -> dict[str, float]:
    s, d = service["latency_ms"], direct["latency_ms"]
    return {k: round(s[k] - d[k], 3) for k in ("p50", "p99", "mean")}


def _point(b: Bench, latency_ms: float, c: int, ramp_ms: float) -> dict[str, Any]:
    service = Target("service", b.service_url, "/v1/summaries", service_body(), unique=True)
    direct = Target("direct", b.fake_url, "/v1/chat/completions", direct_body(), unique=True)
    b.load(service, c, duration_s=b.warmup_s, ramp_ms=ramp_ms)  # warm the service's upstream pool at this c
    b.drain(latency_ms)
    d = b.load(direct, c, duration_s=b.point_s, ramp_ms=ramp_ms)
    b.drain(latency_ms)
    s = b.load(service, c, duration_s=b.point_s, ramp_ms=ramp_ms)
    b.drain(latency_ms)
    added = _diff(s, d)
    b.note(
        f"  fake {latency_ms:>5g} ms  c={c:<3} {'ramped' if ramp_ms else 'burst '}  direct p50/p99 "
        f"{d['latency_ms']['p50']:.1f}/{d['latency_ms']['p99']:.1f} ms  service "
        f"{s['latency_ms']['p50']:.1f}/{s['latency_ms']['p99']:.1f}"
        f" ms  added {added['p50']:+.1f}/{added['p99']:+.1f} ms  {s['rps']:.0f} req/s  "
        f"CPU {s['main_cpu_ms_per_request']:.2f}+{s['helper_cpu_ms_per_request']:.2f} ms/req  "
        f"non-2xx {s['answered'] - s['ok']}"
    )
    return {
        "fake_latency_ms": latency_ms,
        "concurrency": c,
        "ramp_ms": ramp_ms,
        "direct": d,
        "service": s,
        "added_ms": added,
    }


def added_latency(b: Bench, task: TaskID) -> dict[str, Any]:
    """1. Added latency: service minus direct-to-fake at the same concurrency and fake latency.

    Each connection's first request is delayed so that the c connections start spread evenly
    over one fake latency (`ramp_ms`), as independent clients would arrive. With a fixed fake
    latency, connections that start together stay in lock step for the whole run: every round
    is then a burst of c requests arriving in the same millisecond, which measures the burst,
    not the service's added latency. The burst start is measured too (`burst_points`) and
    reported beside, not hidden.
    """
    points = []
    for latency_ms in b.fake_latencies_ms:
        b.fake_config(latency_ms=latency_ms, fault_rate=0.0)
        for c in b.concurrency:
            b.progress.update(task, description=f"added latency: fake {latency_ms:g} ms, c={c}")
            points.append(_point(b, latency_ms, c, ramp_ms=latency_ms))
            b.progress.advance(task)
    bursts = []
    latency_ms = max(b.fake_latencies_ms)
    b.fake_config(latency_ms=latency_ms, fault_rate=0.0)
    for c in b.burst_concurrency:
        b.progress.update(task, description=f"burst start: fake {latency_ms:g} ms, c={c}")
        bursts.append(_point(b, latency_ms, c, ramp_ms=0.0))
        b.progress.advance(task)
    return {"points": points, "burst_points": bursts}


def throughput(
    latency_numbers: dict[str, Any], c: int = 256, fake_latency_ms: float = 1000.0
) -> dict[str, Any]:
    """2. Throughput at c with the fake at 1 s, as a share of the ideal c / latency (from step 1's point)."""
    point = next(
        p
        for p in latency_numbers["points"]
        if p["concurrency"] == c and p["fake_latency_ms"] == fake_latency_ms
    )
    ideal_rps = c / (fake_latency_ms / 1000)

    def side(r: dict[str, Any]) -> dict[str, Any]:
        good = r["ok"] / max(1, r["answered"])
        steady = c / (r["latency_ms"]["mean"] / 1000) * good  # Little's law for a closed loop
        return {
            "counted_rps": r["rps"],
            "counted_share_of_ideal": round(r["rps"] * good / ideal_rps, 4),
            "steady_rps": round(steady, 2),
            "steady_share_of_ideal": round(steady / ideal_rps, 4),
            "success_share": round(good, 4),
            "mean_latency_ms": r["latency_ms"]["mean"],
        }

    service, direct = side(point["service"]), side(point["direct"])
    return {
        "concurrency": c,
        "fake_latency_ms": fake_latency_ms,
        "ideal_rps": ideal_rps,
        "service": service,
        "direct": direct,
        "service_share_of_direct": round(point["service"]["rps"] / max(1e-9, point["direct"]["rps"]), 4),
        "source": "the c=256, fake 1,000 ms point of added-latency (same wrk runs)",
    }


def faults(
    b: Bench, task: TaskID, rates: tuple[float, ...] = (0.1, 0.3), c: int = 64, latency_ms: float = 1000.0
) -> dict[str, Any]:
    """3. Faults: N requests with `rate` of upstream calls failing; the service's default retries."""
    runs = []
    for rate in rates:
        b.progress.update(task, description=f"faults: {rate:.0%} of upstream calls fail")
        b.fake_config(latency_ms=latency_ms, fault_rate=rate, seed=42)
        # Direct: the same number of calls to the fake; resets get no answer, so count at the fake.
        direct = Target("direct", b.fake_url, "/v1/chat/completions", direct_body(), unique=True)
        n = b.fault_requests
        b.fake_stats(reset=True)
        d = b.load(direct, c, quota=n, stop_when=lambda n=n: b.fake_stats()["calls"] >= n, ramp_ms=latency_ms)
        d_upstream = b.fake_stats()
        b.drain(latency_ms)
        b.fake_stats(reset=True)
        service = Target("service", b.service_url, "/v1/summaries", service_body(), unique=True)
        s = b.load(service, c, quota=b.fault_requests, ramp_ms=latency_ms)
        upstream = b.fake_stats()
        statuses = s["statuses"]
        runs.append(
            {
                "fault_rate": rate,
                "requests": b.fault_requests,
                "concurrency": c,
                "service": s,
                "upstream": upstream,
                "success_rate": round(s["ok"] / b.fault_requests, 5),
                "http_500": statuses.get(500, 0),
                "http_502": statuses.get(502, 0),
                "http_503": statuses.get(503, 0),
                "http_504": statuses.get(504, 0),
                "unanswered": b.fault_requests - s["answered"],
                "upstream_calls_per_request": round(upstream["calls"] / b.fault_requests, 3),
                "direct": d,
                "direct_upstream": d_upstream,
                "direct_success_rate": round(d_upstream["by_outcome"]["ok"] / max(1, d_upstream["calls"]), 5),
            }
        )
        r = runs[-1]
        b.note(
            f"  faults {rate:.0%}: success {r['success_rate']:.2%} (direct, no retries: "
            f"{r['direct_success_rate']:.2%})  500s {r['http_500']}  502 {r['http_502']}  503 {r['http_503']}"
            f"  504 {r['http_504']}  upstream calls/request {r['upstream_calls_per_request']}"
        )
        b.progress.advance(task)
        b.drain(latency_ms)
    b.fake_config(fault_rate=0.0)
    return {"runs": runs, "fault_mix": b.fake_config()["fault_mix"], "fake_latency_ms": latency_ms}


def cache(
    b: Bench, task: TaskID, latency_ms: float = 1000.0, hit_concurrency: tuple[int, ...] = (1, 16, 64)
) -> dict[str, Any]:
    """4. Repeat articles: cache-hit latency, and N identical concurrent requests -> upstream calls."""
    b.fake_config(latency_ms=latency_ms, fault_rate=0.0)
    body = service_body(f"cache-{uuid.uuid4().hex[:8]}")
    t0 = time.perf_counter()
    status, first = http_json(b.service_url + "/v1/summaries", orjson.loads(body), timeout_s=60)
    miss_ms = (time.perf_counter() - t0) * 1000
    hits = []
    for c in hit_concurrency:
        b.progress.update(task, description=f"cache hits: same article, c={c}")
        s = b.load(Target("service", b.service_url, "/v1/summaries", body), c, duration_s=b.point_s)
        floor = b.load(
            Target("healthz", b.service_url, "/healthz", None, method="GET"), c, duration_s=b.point_s
        )
        hits.append({"concurrency": c, "service": s, "healthz": floor})
        b.note(
            f"  cache hits c={c}: p50/p99 {s['latency_ms']['p50']:.2f}/{s['latency_ms']['p99']:.2f} ms "
            f"({s['cached_responses']}/{s['answered']} marked cached, {s['upstream_calls']} upstream calls); "
            f"/healthz p50/p99 {floor['latency_ms']['p50']:.2f}/{floor['latency_ms']['p99']:.2f} ms"
        )
        b.progress.advance(task)
    b.progress.update(task, description=f"single-flight: {b.identical_requests} identical requests at once")
    fresh = service_body(f"flight-{uuid.uuid4().hex[:8]}")
    b.fake_stats(reset=True)
    n = b.identical_requests
    flight = b.load(Target("service", b.service_url, "/v1/summaries", fresh), n, quota=n)
    upstream = b.fake_stats()
    b.note(
        f"  {n} identical concurrent requests -> {upstream['calls']} upstream call(s); "
        f"statuses {flight['statuses']}; {flight['cached_responses']} marked cached"
    )
    b.progress.advance(task)
    return {
        "fake_latency_ms": latency_ms,
        "first_request": {"status": status, "latency_ms": round(miss_ms, 2), "cached": _cached(first)},
        "hits": hits,
        "single_flight": {
            "requests": n,
            "upstream_calls": upstream["calls"],
            "load": flight,
            "upstream": upstream,
        },
    }


def _cached(answer: Any) -> bool | None:
    if isinstance(answer, dict) and isinstance(answer.get("provenance"), dict):
        return bool(answer["provenance"].get("cached"))
    return None


StepFn = Callable[[Bench, TaskID], dict[str, Any]]

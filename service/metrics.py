"""Every Prometheus metric of the service, in one registry per app (`GET /metrics`).

    newsbrief_http_request_duration_seconds{method,route,status}  histogram (route = template)
    newsbrief_http_requests_in_flight                              gauge (health and metrics excluded)
    newsbrief_rejected_requests_total{reason}                      rate_limited | overloaded
    newsbrief_llm_attempts_total{outcome}                          ok | timeout | connection_error |
                                                                   rate_limited | quota | server_error |
                                                                   client_error | circuit_open
    newsbrief_llm_tokens_total{direction}                          input | output
    newsbrief_llm_repairs_total                                    re-asks that quote errors to the model
    newsbrief_digests_total{engine,cache}                          cache = hit | miss
    newsbrief_grounding_drops_total{item}                          figure | actor | note
    newsbrief_degraded_total{reason}                               llm_failure | summary_replaced
    newsbrief_circuit_state{state}                                 1 for the current state
    newsbrief_circuit_transitions_total{state}                     entries into each state

Hot-path cost is kept to dict lookups of pre-built labelled children; nothing here
sees article text or keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.errors import NewsbriefError, Overloaded, RateLimited
from service.schema import Digest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
HTTP_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
LLM_OUTCOMES = (
    "ok",
    "timeout",
    "connection_error",
    "rate_limited",
    "quota",
    "server_error",
    "client_error",
    "bad_response",
    "circuit_open",
)
CIRCUIT_STATES = ("closed", "open", "half_open")


class _CircuitCollector(Collector):
    """Reads the breaker's state at scrape time (an open circuit turns half-open by the clock alone)."""

    def __init__(self) -> None:
        self.read: Callable[[], str] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "newsbrief_circuit_state", "LLM circuit breaker state (1 = current)", labels=["state"]
        )
        current = self.read() if self.read is not None else "closed"
        for state in CIRCUIT_STATES:
            family.add_metric([state], 1.0 if state == current else 0.0)
        yield family


class Metrics:
    """The metric objects of one app and the small functions that feed them."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self._http = Histogram(
            "newsbrief_http_request_duration_seconds",
            "HTTP request latency by route template and status",
            ["method", "route", "status"],
            buckets=HTTP_BUCKETS_S,
            registry=registry,
        )
        self._http_children: dict[tuple[str, str, int], Histogram] = {}
        self.in_flight = Gauge(
            "newsbrief_http_requests_in_flight", "Requests being served", registry=registry
        )
        rejected = Counter(
            "newsbrief_rejected_requests", "Requests refused before routing", ["reason"], registry=registry
        )
        # The reason is the refusal's problem slug (`rate_limited`, `overloaded`): one table, the classes.
        self._rejected: dict[type[NewsbriefError], Counter] = {
            cls: rejected.labels(cls.slug.replace("-", "_")) for cls in (RateLimited, Overloaded)
        }
        attempts = Counter(
            "newsbrief_llm_attempts", "LLM HTTP attempts by outcome", ["outcome"], registry=registry
        )
        self._attempts = {outcome: attempts.labels(outcome) for outcome in LLM_OUTCOMES}
        tokens = Counter("newsbrief_llm_tokens", "LLM tokens", ["direction"], registry=registry)
        self._tokens_in, self._tokens_out = tokens.labels("input"), tokens.labels("output")
        self._repairs = Counter(
            "newsbrief_llm_repairs", "Re-asks that quote errors back to the model", registry=registry
        )
        self._digests = Counter(
            "newsbrief_digests",
            "Digests served by engine and cache result",
            ["engine", "cache"],
            registry=registry,
        )
        drops = Counter(
            "newsbrief_grounding_drops", "Items dropped by grounding", ["item"], registry=registry
        )
        self._drops = {item: drops.labels(item) for item in ("figure", "actor", "note")}
        degraded = Counter("newsbrief_degraded", "Degraded digests by reason", ["reason"], registry=registry)
        self._degraded_llm, self._degraded_summary = (
            degraded.labels("llm_failure"),
            degraded.labels("summary_replaced"),
        )
        self._transitions = Counter(
            "newsbrief_circuit_transitions", "Circuit breaker state changes", ["state"], registry=registry
        )
        self._circuit = _CircuitCollector()
        registry.register(self._circuit)

    # -- wiring

    def rejected(self, refusal: NewsbriefError) -> None:
        """A request the gate refused before routing (rate limited or at capacity)."""
        self._rejected[type(refusal)].inc()

    def bind_circuit(self, read_state: Callable[[], str]) -> None:
        self._circuit.read = read_state

    def circuit_changed(self, state: str) -> None:
        self._transitions.labels(state).inc()

    def bind_in_flight(self, read: Callable[[], float]) -> None:
        self.in_flight.set_function(read)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    # -- HTTP

    def observe_http(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        child = self._http_children.get(key)
        if child is None:
            child = self._http_children[key] = self._http.labels(method, route, str(status))
        child.observe(seconds)

    # -- LLM (called from service.llm.client, once per HTTP attempt)

    def llm_attempt(self, outcome: str) -> None:
        self._attempts[outcome].inc()

    def llm_tokens(self, input_tokens: int, output_tokens: int) -> None:
        self._tokens_in.inc(input_tokens)
        self._tokens_out.inc(output_tokens)

    def llm_repair(self) -> None:
        self._repairs.inc()

    # -- digests (called by the route with the finished digest)

    def record_digest(self, digest: Digest, configured_engine: str) -> None:
        """Cache result, degradation and grounding drops, read from a finished digest.

        A cached digest repeats the warnings of the one it copies; drops and degradation
        are counted once, when the digest was computed.
        """
        p = digest.provenance
        self._digests.labels(p.engine, "hit" if p.cached else "miss").inc()
        if p.cached:
            return
        if p.degraded:
            if p.engine == "extractive" and configured_engine != "extractive":
                self._degraded_llm.inc()
            else:
                self._degraded_summary.inc()
        for warning in digest.warnings:
            if warning.startswith("dropped figure"):
                self._drops["figure"].inc()
            elif warning.startswith("dropped actor"):
                self._drops["actor"].inc()
            elif warning.startswith("removed "):
                self._drops["note"].inc()

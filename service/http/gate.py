"""The gate in front of the routes: bounded in-flight requests, API keys, rate limits, HTTP metrics.

One pure ASGI middleware, so the checks cost a few microseconds and cover every route,
including routers added later:

1. API keys: with `NEWSBRIEF_API_KEYS`, every `/v1` path (and `/metrics` when
   `NEWSBRIEF_METRICS_PUBLIC=false`) needs `Authorization: Bearer <key>` -> else 401
   (except `/v1/hooks/*`, which CMSs sign with the webhook secret instead);
   keys are compared in constant time and only a short hash of the matched key (its id)
   travels on, in `request.state.key_id`;
2. rate limit: `NEWSBRIEF_RATE_LIMIT_PER_MIN` per key (per client IP without keys) on
   `/v1` -> 429 with `Retry-After`; every `/v1` answer carries `RateLimit-Limit`,
   `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`;
3. body: a webhook's signature headers are checked before its body is read (401/404 at
   once); a body is read whole in bounded time and memory (`service/bodies.py`: 408, 413, 503);
4. in flight: more than `NEWSBRIEF_MAX_IN_FLIGHT` requests being served -> 503 at once
   with `Retry-After` (health and metrics are exempt and never counted); a request counts
   only once its body is in, so slow senders cannot fill the slots;
5. metrics: latency by method, route template and status.

`document()` adds what the gate can answer to the OpenAPI document, so every route
declares it (and every 4xx/5xx is declared as problem+json).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import NewsbriefError, Overloaded, RateLimited, Unauthorized
from service.hooks import check_before_body
from service.http import observe
from service.http.bodies import BodyReader, has_body
from service.http.problems import problem_for
from service.metrics import Metrics
from service.ratelimit.base import Decision, RateLimitStore
from service.schema import Problem
from service.settings import Settings

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Authenticated by their own signature (Standard Webhooks), not by API keys; still rate limited per IP.
SIGNED_PREFIXES = ("/v1/hooks/",)
WINDOW_S = 60.0
_UNMATCHED = "unmatched"  # route label of paths no route knows (bounded label cardinality)


def key_id(key: str) -> str:
    """A short, stable, non-reversible name for an API key (logs, quotas, job ownership)."""
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def key_table(keys: Sequence[str]) -> list[tuple[bytes, str]]:
    return [(k.encode(), key_id(k)) for k in keys]


def authenticate(authorization: bytes, keys: Sequence[tuple[bytes, str]]) -> str | None:
    """The id of the key in an `Authorization: Bearer <key>` value, or None.

    Every key is compared, in constant time, so the time taken does not tell which matched.
    """
    scheme, _, token = authorization.partition(b" ")
    token = token.strip()
    matched = None
    for key, kid in keys:
        if hmac.compare_digest(token, key):
            matched = kid
    return matched if scheme.lower() == b"bearer" else None


def _header(scope: Scope, name: bytes) -> bytes:
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return b""


class Gate:
    """Pure ASGI middleware; see the module docstring for what it checks, in order."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        metrics: Metrics,
        store: RateLimitStore,
        routes: Sequence[BaseRoute],
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.store = store
        self.routes = routes
        self.max_in_flight = settings.max_in_flight
        self.rate_limit = settings.rate_limit_per_min
        self._keys = key_table(settings.api_keys)
        self._metrics_private = bool(self._keys) and not settings.metrics_public
        self._policy = f"{self.rate_limit};w={int(WINDOW_S)}".encode()
        self._limit = str(self.rate_limit).encode()
        self.in_flight = 0
        metrics.bind_in_flight(lambda: self.in_flight)
        self.webhook_secret = settings.webhook_secret
        self.bodies = BodyReader(
            timeout_s=settings.body_timeout_s,
            max_body_bytes=settings.max_body_bytes,
            max_buffered_bytes=settings.max_buffered_body_bytes,
        )

    def _route(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is None:  # refused before routing: name it by the route it would have reached
            route = next((r for r in self.routes if r.matches(scope)[0] is not Match.NONE), None)
        return getattr(route, "path", _UNMATCHED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        status = 500
        extra: list[tuple[bytes, bytes]] = []

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if extra:
                    message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        counted = False
        try:
            refusal = await self._admit(scope, path, extra)
            if refusal is None and path not in EXEMPT_PATHS and has_body(scope):
                refusal = self._before_body(scope, path)
                if refusal is None:
                    # Read in bounded time before the request counts as in flight (service/bodies.py).
                    body_receive = await self.bodies.read(scope, receive, send_and_note)
                    if body_receive is None:
                        return  # refused (408/413/503) or the client left
                    receive = body_receive
            if refusal is not None:
                await self._refuse(refusal, scope, receive, send_and_note)
                return
            if path not in EXEMPT_PATHS:
                if self.max_in_flight and self.in_flight >= self.max_in_flight:
                    self.metrics.overloaded.inc()
                    detail = f"{self.max_in_flight} requests are already in flight; try again shortly"
                    await self._refuse(Overloaded(detail, retry_after_s=1.0), scope, receive, send_and_note)
                    return
                self.in_flight += 1
                counted = True
            await self.app(scope, receive, send_and_note)
        finally:
            if counted:
                self.in_flight -= 1
            elapsed_s = time.perf_counter() - started
            self.metrics.observe_http(scope["method"], self._route(scope), status, elapsed_s)

    async def _admit(
        self, scope: Scope, path: str, extra: list[tuple[bytes, bytes]]
    ) -> NewsbriefError | None:
        """Authentication and rate limit; the refusal to send, if any."""
        is_v1 = path.startswith("/v1/") or path == "/v1"
        if not is_v1 and not (self._metrics_private and path == "/metrics"):
            return None
        identity = None
        if self._keys and not path.startswith(SIGNED_PREFIXES):
            identity = authenticate(_header(scope, b"authorization"), self._keys)
            if identity is None:
                return Unauthorized("send a valid key as `Authorization: Bearer <key>`")
            scope.setdefault("state", {})["key_id"] = identity
            observe.annotate(key_id=identity)  # who called, on the access-log line (never the key)
        if not is_v1 or not self.rate_limit:
            return None
        if identity is None:
            client = scope.get("client")
            identity = f"ip:{client[0] if client else '-'}"
        decision = await self.store.hit(identity, self.rate_limit, WINDOW_S)
        extra += self._headers(decision)
        if decision.allowed:
            return None
        self.metrics.rate_limited.inc()
        return RateLimited(
            f"over {self.rate_limit} requests per minute; "
            f"the next one fits in {decision.retry_after_s:.1f} s",
            retry_after_s=decision.retry_after_s,
        )

    def _before_body(self, scope: Scope, path: str) -> NewsbriefError | None:
        """What a body request can be refused for from its head alone (a webhook's signature headers)."""
        if not path.startswith(SIGNED_PREFIXES):
            return None
        source = path.removeprefix(SIGNED_PREFIXES[0])
        if not source or "/" in source:
            return None  # no such route: the router answers
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            check_before_body(self.webhook_secret, source, headers)
        except NewsbriefError as exc:
            return exc
        return None

    def _headers(self, d: Decision) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", self._limit),
            (b"ratelimit-remaining", str(d.remaining).encode()),
            (b"ratelimit-reset", str(math.ceil(d.reset_s)).encode()),
            (b"ratelimit-policy", self._policy),
        ]

    @staticmethod
    async def _refuse(exc: NewsbriefError, scope: Scope, receive: Receive, send: Send) -> None:
        await problem_for(exc, scope["method"])(scope, receive, send)


_GATE_RESPONSES = {
    401: "Missing or invalid API key",
    413: "Request body too large",
    415: "Unsupported media type",
    429: "Too many requests (see Retry-After and the RateLimit-* headers)",
    503: "At capacity, LLM unavailable or circuit open (see Retry-After)",
}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the gate's answers on every operation, and every 4xx/5xx as problem+json (idempotent)."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}"))
    components.setdefault("securitySchemes", {})["bearer"] = {"type": "http", "scheme": "bearer"}
    problem_content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        is_v1 = path.startswith("/v1/")
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            statuses = set()
            if is_v1:
                statuses |= {429, 503}
                if not path.startswith(SIGNED_PREFIXES):
                    statuses.add(401)
                    op["security"] = [{"bearer": []}]
            elif path == "/metrics":
                statuses.add(401)
            elif path not in EXEMPT_PATHS:
                statuses.add(503)
            if method in {"post", "put", "patch"}:
                statuses |= {413, 415} if is_v1 else {413}
            for status in statuses:
                responses.setdefault(str(status), {"description": _GATE_RESPONSES[status]})
            for status, response in responses.items():
                if status[:1] in {"4", "5"}:
                    response["content"] = problem_content
    return schema

"""The HTTP floor: what a request meets before and after the pipeline, outermost first.

    service.http
    ├── observe      the access log: X-Request-ID, X-Overhead-Ms, one JSON line per request
    ├── drain        SIGTERM: in-flight requests finish within the grace, later ones get a 503
    ├── gate         API keys, rate limits, bounded bodies and in-flight requests, HTTP metrics
    │   ├── keys     key ids and the constant-time match of `Authorization: Bearer`
    │   └── bodies   a body is read whole, in bounded time and memory, before it counts
    ├── problems     every error as problem+json (from the exception's class), the body guard
    ├── routes       /v1/summaries, /v1/verify, /v1/prompts, /v1/schema, /healthz, /readyz, /metrics
    ├── jobs         /v1/jobs and /v1/hooks/{source}
    ├── openapi      what the gate may answer, declared on every operation
    ├── connections  below the app: uvicorn's header deadline, connection cap, problem+json on bad heads
    ├── gcpolicy     the garbage collector only when garbage can have built up
    ├── tracing      optional OpenTelemetry spans
    └── healthcheck  the container's HEALTHCHECK (standard library only)

Each module's docstring says why it is built the way it is.
"""

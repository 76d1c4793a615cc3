"""The OpenAPI document declares what the gate answers on every operation, all 4xx/5xx as problem+json."""

from __future__ import annotations

from typing import Any

from service.errors import (
    BodyTooLarge,
    CircuitOpen,
    LLMUnavailable,
    NewsbriefError,
    Overloaded,
    RateLimited,
    ShuttingDown,
    Unauthorized,
    UnsupportedMediaType,
)
from service.http.gate import EXEMPT_PATHS, SIGNED_PREFIXES
from service.schema import Problem

# What the gate (and every `/v1` route behind it) may answer besides the route's own statuses; the
# descriptions are the classes' titles.
_GATE_ERRORS: dict[int, tuple[type[NewsbriefError], ...]] = {
    401: (Unauthorized,),
    413: (BodyTooLarge,),
    415: (UnsupportedMediaType,),
    429: (RateLimited,),
    503: (Overloaded, LLMUnavailable, CircuitOpen, ShuttingDown),
}
_SEE = {429: " (see Retry-After and the RateLimit-* headers)", 503: " (see Retry-After)"}


def _description(status: int) -> str:
    return "; ".join(cls.title for cls in _GATE_ERRORS[status]) + _SEE.get(status, "")


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
                responses.setdefault(str(status), {"description": _description(status)})
            for status, response in responses.items():
                if status[:1] in {"4", "5"}:
                    response["content"] = problem_content
    return schema

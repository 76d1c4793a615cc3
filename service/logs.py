"""structlog set-up (one JSON line per event: stdout for the server, stderr for the CLI), and the
context of the request being served, which the access log (`service.http.observe`) writes out.

Any floor may add to the request's line (`annotate`, `add_llm_time`) without importing HTTP:
outside a request (a job, the CLI) these do nothing.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import structlog


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stdout),
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        cache_logger_on_first_use=True,
    )


@dataclass
class RequestContext:
    request_id: str
    started: float = field(default_factory=time.perf_counter)
    llm_s: float = 0.0
    fields: dict[str, Any] = field(default_factory=dict)

    def overhead_ms(self) -> float:
        return max(0.0, (time.perf_counter() - self.started - self.llm_s) * 1000)


request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "newsbrief_request", default=None
)


def current() -> RequestContext | None:
    return request_context.get()


def add_llm_time(seconds: float) -> None:
    ctx = request_context.get()
    if ctx is not None:
        ctx.llm_s += seconds


def annotate(**fields: Any) -> None:
    ctx = request_context.get()
    if ctx is not None:
        ctx.fields.update(fields)

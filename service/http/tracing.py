"""Optional OpenTelemetry tracing (`pip install 'newsbrief[otel]'`).

On when `NEWSBRIEF_OTEL=1` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set: a server span per
request (health and metrics excluded) exported over OTLP/HTTP, configured by the
standard `OTEL_*` variables (endpoint, headers, service name). The packages are
imported only then, so the default install does not need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from fastapi import FastAPI

from service.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

log = structlog.get_logger("newsbrief.tracing")
_EXCLUDED_URLS = "healthz,readyz,metrics"


def enabled(settings: Settings) -> bool:
    return settings.otel or bool(settings.otel_exporter_otlp_endpoint)


def instrument_app(app: FastAPI, settings: Settings, exporter: SpanExporter | None = None) -> Any:
    """Trace `app` when tracing is on; returns the tracer provider (None when off or not installed)."""
    if not enabled(settings) and exporter is None:
        return None
    # Lazy: the `otel` extra is optional.
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor  # noqa: PLC0415
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import (  # noqa: PLC0415
            BatchSpanProcessor,
            SimpleSpanProcessor,
        )
    except ImportError:
        log.warning("tracing_unavailable", hint="pip install 'newsbrief[otel]'")
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": "newsbrief"}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=provider, excluded_urls=_EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )
    log.info("tracing_on")
    return provider

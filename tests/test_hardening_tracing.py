"""Optional OpenTelemetry tracing: a server span per request, none for health and metrics."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.http.tracing import enabled, instrument_app
from service.settings import Settings


def test_tracing_is_off_by_default_and_on_by_setting() -> None:
    assert not enabled(Settings())
    assert enabled(Settings(otel=True))
    assert enabled(Settings(otel_exporter_otlp_endpoint="http://collector:4318"))


def test_a_span_per_request() -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    settings = Settings(engine="openai", openai_base_url="http://127.0.0.1:9/v1", openai_api_key="x")
    app = create_app(settings)
    exporter = InMemorySpanExporter()
    assert instrument_app(app, settings, exporter=exporter) is not None
    with TestClient(app) as client:
        assert client.get("/v1/schema", headers={"x-request-id": "traced-1"}).status_code == 200
        assert client.get("/healthz").status_code == 200
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["GET /v1/schema"]
    assert spans[0].attributes is not None
    assert spans[0].attributes.get("http.route") == "/v1/schema"

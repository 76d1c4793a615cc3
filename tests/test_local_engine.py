"""The real embedded engine (llama.cpp serving SmolLM2-135M) on the seed article, over real HTTP."""

from __future__ import annotations

import time

import httpx2
import jsonschema
import pytest

from service.settings import Settings
from tests.conftest import assert_grounded, running_service

pytestmark = pytest.mark.slow


def test_local_engine_digests_the_seed_article(seed_text: str) -> None:
    settings = Settings(engine="local", llm_timeout_s=120, deadline_s=300)
    with running_service(settings) as base_url, httpx2.Client(base_url=base_url, timeout=300) as client:
        deadline = time.monotonic() + 120
        while (ready := client.get("/readyz")).status_code != 200:
            assert ready.status_code == 503
            assert ready.headers["content-type"] == "application/problem+json"
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.2)
        assert ready.json()["engine"] == "local"
        r = client.post("/v1/summaries", json={"text": seed_text})
        assert r.status_code == 200, r.text
        digest = r.json()
        jsonschema.validate(digest, client.get("/v1/schema").json())
        provenance = digest["provenance"]
        assert provenance["engine"] == "local"
        assert provenance["model"] == "SmolLM2-135M-Instruct.Q4_1"
        assert provenance["prompt"]["version"] == 2  # production-local: candidate-guided
        assert 1 <= provenance["attempts"] <= 3
        assert provenance["usage"]["input_tokens"] > 0
        assert digest["summary"].strip()
        assert_grounded(digest, seed_text)
        for actor in digest["actors"]:
            assert actor["kind"] in {"person", "organization", "country", "group", "other"}

"""One error table, the classes: each exception carries its status, slug and title, and every
reader (problem+json, OpenAPI, jobs' stored problems, metrics) takes them from there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service import errors
from service.app import create_app
from service.errors import NewsbriefError, RateLimited, UnknownPrompt
from service.jobs.runner import problem_of
from service.settings import Settings


def _tree() -> list[type[NewsbriefError]]:
    found, pending = [], [NewsbriefError]
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_the_drawing_in_the_docstring_is_the_table_of_the_classes() -> None:
    assert errors.__doc__ is not None
    drawn = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\s+[│├└─ ]*(\w+)\s.*?(\d{3})$", errors.__doc__, re.MULTILINE)
    }
    declared = {cls.__name__: cls.status for cls in _tree() if "status" in vars(cls)}
    assert drawn == {**declared, "NewsbriefError": 500}


def test_every_problem_has_its_own_slug() -> None:
    slugs = [cls.slug for cls in _tree() if "slug" in vars(cls)]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", slug) for slug in slugs)


def test_a_failed_job_stores_the_problem_the_api_answers() -> None:
    exc = RateLimited("over 3 requests per minute", retry_after_s=2.0)
    assert problem_of(exc) == {
        "type": "https://newsbrief.dev/problems/rate-limited",
        "title": RateLimited.title,
        "status": 429,
        "detail": "over 3 requests per minute",
    }
    crashed = problem_of(ZeroDivisionError("secret internals"))
    assert crashed["status"] == 500
    assert "secret" not in crashed["detail"]


@pytest.mark.parametrize(("method", "status"), [("GET", 404), ("POST", 422)])
def test_an_unknown_prompt_in_the_path_is_404_and_in_a_body_422(method: str, status: int) -> None:
    assert UnknownPrompt("no such prompt").problem(method)["status"] == status


def test_openapi_and_answers_read_the_classes(tmp_path: Path) -> None:
    settings = Settings(engine="extractive", rate_limit_per_min=1, data_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        spec = client.get("/openapi.json").json()
        declared = spec["paths"]["/v1/summaries"]["post"]["responses"]
        assert declared["429"]["description"].startswith(RateLimited.title)
        body = {"text": "The council met on Monday. It approved a plan."}
        first, refused = client.post("/v1/summaries", json=body), client.post("/v1/summaries", json=body)
        metrics = client.get("/metrics").text
    assert first.status_code == 200
    assert refused.status_code == 429
    assert refused.json()["type"].endswith("/" + RateLimited.slug)
    assert refused.json()["title"] == RateLimited.title
    assert 'newsbrief_rejected_requests_total{reason="rate_limited"} 1.0' in metrics

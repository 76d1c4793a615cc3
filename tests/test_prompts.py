"""Prompt catalogue: lock file, immutability, labels, strict rendering, and the HTTP catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from service.errors import UnknownPrompt
from service.prompts import Catalogue, PromptCatalogueError, file_sha256, read_lock, write_lock
from service.settings import PROJECT_ROOT
from tests.conftest import ServiceFactory

PROMPTS = PROJECT_ROOT / "prompts"


def test_every_published_template_matches_the_lock_file() -> None:
    lock = read_lock(PROMPTS)
    files = sorted(PROMPTS.glob("*/v*.yaml"))
    assert files, "no templates found"
    for path in files:
        key = f"{path.parent.name}/{path.name}"
        assert key in lock, f"{key} is not in prompts.lock: run `newsbrief prompts lock`"
        assert lock[key] == file_sha256(path), f"{key} changed after publication: add a new version instead"
    assert set(lock) == {f"{p.parent.name}/{p.name}" for p in files}, "lock lists a template that is gone"


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    root = tmp_path / "prompts"
    shutil.copytree(PROMPTS, root)
    return root


def test_a_changed_published_template_is_refused(prompts_copy: Path) -> None:
    v1 = prompts_copy / "summarize" / "v1.yaml"
    v1.write_text(v1.read_text() + "\n# a small edit\n")
    with pytest.raises(PromptCatalogueError, match="published prompts never change"):
        Catalogue(prompts_copy)
    with pytest.raises(PromptCatalogueError, match="add a new version"):
        write_lock(prompts_copy)


def test_an_unlocked_template_is_refused_until_locked(prompts_copy: Path) -> None:
    published = Catalogue(prompts_copy)
    versions = published.versions("summarize")
    new = max(versions) + 1
    v1 = prompts_copy / "summarize" / "v1.yaml"
    (prompts_copy / "summarize" / f"v{new}.yaml").write_text(
        v1.read_text().replace("version: 1", f"version: {new}")
    )
    with pytest.raises(PromptCatalogueError, match="is not in"):
        Catalogue(prompts_copy)
    write_lock(prompts_copy)
    cat = Catalogue(prompts_copy)
    assert cat.versions("summarize") == [*versions, new]
    assert cat.resolve("summarize").version == published.resolve("summarize").version  # labels unchanged


def test_resolution() -> None:
    cat = Catalogue(PROMPTS)
    assert cat.resolve("summarize").version == cat.labels["summarize"]["production"]
    assert cat.resolve("summarize@1").version == 1
    # A bare name prefers the engine's own production label.
    assert cat.resolve("summarize", "local").version == cat.labels["summarize"]["production-local"]
    assert cat.resolve("summarize", "openai").version == cat.labels["summarize"]["production"]
    assert cat.resolve("summarize@canary").version == cat.labels["summarize"]["canary"]
    for bad in ("nope", "summarize@0", "summarize@42", "summarize@nolabel"):
        with pytest.raises(UnknownPrompt):
            cat.resolve(bad)


def test_rendering_fails_loudly_on_a_missing_variable() -> None:
    template = Catalogue(PROMPTS).resolve("summarize@1")
    with pytest.raises(jinja2.UndefinedError):
        template.render("user", {"article": "text"})
    full = {
        "article": "BODY",
        "title": "",
        "tag": "abc",
        "language": "English",
        "max_figures": 3,
        "max_actors": 4,
        "summary_sentences": 2,
    }
    user = template.render("user", full)
    assert "<article-abc>\nBODY\n</article-abc>" in user
    assert "BODY" not in template.render("system", full)
    assert "- it broke" in template.render("repair", {**full, "problems": ["it broke"]})


def test_catalogue_over_http(service: ServiceFactory) -> None:
    client = service()
    listing = client.get("/v1/prompts").json()
    catalogue = Catalogue(PROMPTS)
    expected = {
        "name": "summarize",
        "versions": catalogue.versions("summarize"),
        "labels": catalogue.labels["summarize"],
    }
    assert expected in listing
    assert 1 in expected["versions"]
    for version in ("1", "v1"):
        detail = client.get(f"/v1/prompts/summarize/{version}").json()
        assert detail["version"] == 1
        assert detail["sha256"] == file_sha256(PROMPTS / "summarize" / "v1.yaml")
    production = client.get("/v1/prompts/summarize/production").json()
    assert production["version"] == catalogue.labels["summarize"]["production"]
    assert "production" in production["labels"]
    schema = client.get("/v1/schema").json()
    assert schema["title"] == "Digest"
    assert "key_figures" in schema["properties"]

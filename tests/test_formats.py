"""`options.formats` (headline, dek, bullets) over real HTTP against the fake LLM.

Asked for, the short forms are written, grounded and cited; not asked for, the request sends
exactly what the published `summarize@1` template says and the digest carries null / [].
What the article does not say is repaired once, then dropped with a warning that quotes it.
The article is our own (`tests/answers.py`), not one of the evaluation set.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from service.engines.extractive import extract
from service.grounding.answer import ground_answer
from service.prompts import Catalogue
from service.schema import Options
from tests.answers import (
    FORMATS_FEW_BULLETS,
    FORMATS_GOOD,
    FORMATS_INVENTED_BULLET,
    FORMATS_INVENTED_HEADLINE,
    FORMATS_LONG_DEK,
    HARBOUR_ARTICLE,
)
from tests.conftest import ServiceFactory, wait_for
from tests.fakellm import FakeLLM, ok, server_error

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
PROBLEM = "application/problem+json"
ALL = ["headline", "dek", "bullets"]
INVENTED = "The terminal will create 300 jobs for the town."


def summarize(client: httpx2.Client, formats: list[str] | None = None, **extra: Any) -> httpx2.Response:
    body: dict[str, Any] = {"text": HARBOUR_ARTICLE} | extra
    if formats is not None:
        body["options"] = {"formats": formats}
    return client.post("/v1/summaries", json=body)


def assert_cited(items: list[dict[str, Any]], text: str = HARBOUR_ARTICLE) -> None:
    """Every item has support spans, each an exact, unpadded, non-empty span of the article."""
    for item in items:
        assert item["support"], item
        for start, end in item["support"]:
            assert 0 <= start < end <= len(text)
            assert text[start:end] == text[start:end].strip()


def only(answer: dict[str, Any], formats: list[str]) -> dict[str, Any]:
    """The answer with just the short forms `formats` asks for (the schema allows no others)."""
    return {k: v for k, v in answer.items() if k not in ALL or k in formats}


def sent_schema(call_body: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = call_body["response_format"]["json_schema"]["schema"]
    return schema


def test_asked_forms_are_written_grounded_and_cited(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.script(ok(FORMATS_GOOD))
    r = summarize(service(), ALL)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["headline"] == FORMATS_GOOD["headline"]
    assert d["dek"] == FORMATS_GOOD["dek"]
    assert [b["text"] for b in d["bullets"]] == FORMATS_GOOD["bullets"]
    assert_cited(d["bullets"])
    # "Councillors approved the plan by 17 votes to 4." is cited to the article sentence stating it.
    start, end = d["bullets"][2]["support"][0]
    assert "17 votes to 4" in HARBOUR_ARTICLE[start:end]
    assert d["warnings"] == []
    assert d["provenance"]["prompt"]["version"] == 3  # the `formats` label; production stays v1
    assert d["provenance"]["schema_version"] == "2"
    body = fake_llm.calls[0].body
    schema = sent_schema(body)
    assert schema["required"] == ["summary", "key_figures", "actors", *ALL]
    assert schema["properties"]["headline"]["maxLength"] == 100
    assert schema["properties"]["dek"]["maxLength"] == 160
    bullets = schema["properties"]["bullets"]
    assert (bullets["minItems"], bullets["maxItems"]) == (3, 5)
    system = body["messages"][0]["content"]
    assert '"headline"' in system
    assert '"dek"' in system
    assert '"bullets"' in system


def test_only_the_asked_forms_are_asked_for_and_filled(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.script(ok(only(FORMATS_GOOD, ["bullets"])))
    d = summarize(service(), ["bullets"]).json()
    assert d["headline"] is None
    assert d["dek"] is None
    assert len(d["bullets"]) == 3
    assert d["warnings"] == []
    body = fake_llm.calls[0].body
    assert set(sent_schema(body)["properties"]) == {"summary", "key_figures", "actors", "bullets"}
    system = body["messages"][0]["content"]
    assert '"bullets"' in system
    assert '"headline"' not in system
    assert '"dek"' not in system


def test_the_default_request_sends_exactly_what_summarize_1_says(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.script(ok(only(FORMATS_GOOD, [])))
    d = summarize(service()).json()
    assert (d["headline"], d["dek"], d["bullets"]) == (None, None, [])
    assert d["provenance"]["prompt"]["version"] == 1
    body = fake_llm.calls[0].body
    # The published, locked v1 file, rendered as the pipeline renders it for these options.
    v1 = Catalogue(PROMPTS).get("summarize", 1)
    variables = {
        "article": HARBOUR_ARTICLE,
        "title": "",
        "tag": hashlib.sha256(HARBOUR_ARTICLE.encode()).hexdigest()[:12],
        "language": "the language of the article",
        "max_figures": 10,
        "max_actors": 10,
        "summary_sentences": 3,
    }
    assert body["messages"] == [
        {"role": "system", "content": v1.render("system", variables)},
        {"role": "user", "content": v1.render("user", variables)},
    ]
    raw = yaml.safe_load((PROMPTS / "summarize" / "v1.yaml").read_text(encoding="utf-8"))
    assert json.dumps(sent_schema(body), sort_keys=True) == json.dumps(raw["output_schema"], sort_keys=True)
    assert body["max_tokens"] == raw["params"]["max_tokens"]
    assert len(fake_llm.calls) == 1


def test_summarize_3_without_formats_renders_what_summarize_1_renders() -> None:
    catalogue = Catalogue(PROMPTS)
    v1, v3 = catalogue.get("summarize", 1), catalogue.get("summarize", 3)
    v2, v4 = catalogue.get("summarize", 2), catalogue.get("summarize", 4)
    variables: dict[str, object] = {
        "article": "A text.",
        "title": "T",
        "tag": "abc",
        "language": "English",
        "max_figures": 4,
        "max_actors": 3,
        "summary_sentences": 2,
        "figures": [],
        "actors": [],
        "problems": ["a problem"],
    }
    for old, new in ((v1, v3), (v2, v4)):
        assert new.output_schema == old.output_schema
        for part in ("system", "user", "repair"):
            assert new.render(part, {**variables, "formats": []}) == old.render(part, variables)
        assert '"dek"' in new.render("system", {**variables, "formats": ["dek"]})


def test_the_catalogue_shows_which_versions_write_formats(service: ServiceFactory) -> None:
    client = service()
    assert client.get("/v1/prompts/summarize/1").json()["formats"] == {}
    v3 = client.get("/v1/prompts/summarize/formats").json()
    assert v3["version"] == 3
    assert set(v3["formats"]) == set(ALL)
    assert v3["formats"]["dek"]["maxLength"] == 160


@pytest.mark.parametrize("formats", [["summary"], ["headline", "title"], "headline", [1], [None]], ids=repr)
def test_an_unknown_format_is_a_422_problem(service: ServiceFactory, fake_llm: FakeLLM, formats: Any) -> None:
    r = summarize(service(), formats)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["status"] == 422
    assert fake_llm.calls == []


def test_json_object_mode_asks_for_the_forms_in_the_prompt(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    """Servers without structured outputs get no schema: the system prompt alone names the fields."""
    fake_llm.script(ok(FORMATS_GOOD))
    d = summarize(service(response_format="json_object"), ALL).json()
    assert fake_llm.calls[0].body["response_format"] == {"type": "json_object"}
    assert '"bullets": 3 to 5 bullet points' in fake_llm.calls[0].body["messages"][0]["content"]
    assert d["headline"] == FORMATS_GOOD["headline"]
    assert len(d["bullets"]) == 3


def test_a_prompt_version_without_formats_is_a_422_that_names_one_with_them(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    r = summarize(service(), ["dek"], prompt="summarize@1")
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert "summarize@3" in r.json()["detail"]
    assert fake_llm.calls == []


def test_an_invented_bullet_is_repaired_then_dropped_with_a_warning_quoting_it(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.script(ok(FORMATS_INVENTED_BULLET), ok(FORMATS_INVENTED_BULLET))
    d = summarize(service(), ALL).json()
    assert len(fake_llm.calls) == 2
    repair = fake_llm.calls[1].body["messages"][-1]["content"]
    assert INVENTED in repair
    assert [b["text"] for b in d["bullets"]] == FORMATS_GOOD["bullets"]
    assert all(INVENTED not in b["text"] for b in d["bullets"])
    dropped = [w for w in d["warnings"] if w.startswith("dropped bullet not supported")]
    assert len(dropped) == 1
    assert INVENTED in dropped[0]
    assert d["provenance"]["attempts"] == 2


def test_a_repaired_bullet_list_is_taken_whole(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    bullets = ["bullets"]
    fake_llm.script(ok(only(FORMATS_INVENTED_BULLET, bullets)), ok(only(FORMATS_GOOD, bullets)))
    d = summarize(service(), bullets).json()
    assert [b["text"] for b in d["bullets"]] == FORMATS_GOOD["bullets"]
    assert d["warnings"] == []


def test_a_headline_with_an_invented_name_and_number_is_dropped(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.script(ok(FORMATS_INVENTED_HEADLINE), ok(FORMATS_INVENTED_HEADLINE))
    d = summarize(service(), ALL).json()
    assert d["headline"] is None
    assert d["dek"] == FORMATS_GOOD["dek"]
    assert len(d["bullets"]) == 3
    (warning,) = [w for w in d["warnings"] if "headline" in w]
    assert FORMATS_INVENTED_HEADLINE["headline"] in warning
    assert "Karl Brandt" in warning
    assert "£90 million" in warning
    assert FORMATS_INVENTED_HEADLINE["headline"] in fake_llm.calls[1].body["messages"][-1]["content"]


def test_an_over_length_dek_is_dropped(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.script(ok(only(FORMATS_LONG_DEK, ["dek"])), ok(only(FORMATS_LONG_DEK, ["dek"])))
    d = summarize(service(), ["dek"]).json()
    assert d["dek"] is None
    assert len(FORMATS_LONG_DEK["dek"]) > 160
    (warning,) = d["warnings"]
    assert warning.startswith(f"dropped dek is {len(FORMATS_LONG_DEK['dek'])} characters, over the 160")
    assert FORMATS_LONG_DEK["dek"] in warning


def test_a_repaired_dek_is_kept(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.script(ok(only(FORMATS_LONG_DEK, ["dek"])), ok(only(FORMATS_GOOD, ["dek"])))
    d = summarize(service(), ["dek"]).json()
    assert d["dek"] == FORMATS_GOOD["dek"]
    assert d["warnings"] == []


def test_fewer_than_three_supported_bullets_are_returned_as_they_are(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    answer = only(FORMATS_FEW_BULLETS, ["bullets"])
    fake_llm.script(ok(answer), ok(answer))
    d = summarize(service(), ["bullets"]).json()
    assert [b["text"] for b in d["bullets"]] == [FORMATS_FEW_BULLETS["bullets"][0]]
    assert "write 3 to 5 bullets; the answer has 2" in fake_llm.calls[1].body["messages"][-1]["content"]
    assert any(FORMATS_FEW_BULLETS["bullets"][1] in w for w in d["warnings"])
    assert "only 1 bullet supported by the article (3-5 asked); none added" in d["warnings"]


def test_a_model_that_leaves_a_form_out_is_asked_again_then_warned(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    without = {k: v for k, v in FORMATS_GOOD.items() if k != "headline"}
    fake_llm.script(ok(without), ok(without))
    d = summarize(service(), ALL).json()
    assert d["headline"] is None
    assert "dropped the answer has no headline; write one" in d["warnings"]
    assert len(fake_llm.calls) == 2


def test_extractive_bullets_are_article_sentences_that_cite_themselves(service: ServiceFactory) -> None:
    d = summarize(service(engine="extractive"), ALL).json()
    assert d["provenance"]["engine"] == "extractive"
    assert d["headline"] is None
    assert d["dek"] is None
    assert len(d["bullets"]) == 3
    assert_cited(d["bullets"])
    for bullet in d["bullets"]:
        ((start, end),) = bullet["support"]
        assert " ".join(HARBOUR_ARTICLE[start:end].split()) == bullet["text"]
    assert "headline is null: the extractive engine writes none, it quotes the article" in d["warnings"]
    assert "dek is null: the extractive engine writes none, it quotes the article" in d["warnings"]


def test_the_degraded_fallback_gives_extractive_bullets(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.default(server_error(500))
    d = summarize(service(on_llm_failure="degrade"), ["bullets"]).json()
    assert d["provenance"]["degraded"] is True
    assert len(d["bullets"]) == 3
    assert_cited(d["bullets"])


def test_the_cache_key_holds_the_formats(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.script(ok(only(FORMATS_GOOD, [])), ok(only(FORMATS_GOOD, ["headline", "bullets"])))
    client = service()
    v3 = "summarize@3"  # one template for both requests: only the formats tell them apart
    plain = summarize(client, prompt=v3).json()
    assert plain["bullets"] == []
    assert plain["provenance"]["cached"] is False
    asked = summarize(client, ["bullets", "headline"], prompt=v3).json()  # not the digest without them
    assert asked["provenance"]["cached"] is False
    assert asked["headline"] == FORMATS_GOOD["headline"]
    assert len(asked["bullets"]) == 3
    assert len(fake_llm.calls) == 2
    # The same formats in another order, repeated: the same request, served from the cache.
    again = summarize(client, ["headline", "bullets", "bullets"], prompt=v3).json()
    assert again["provenance"]["cached"] is True
    assert again["headline"] == asked["headline"]
    assert again["bullets"] == asked["bullets"]
    assert len(fake_llm.calls) == 2
    assert summarize(client, prompt=v3).json()["provenance"]["cached"] is True


def test_the_jobs_path_carries_the_formats(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    fake_llm.default(ok(FORMATS_GOOD))
    client = service()
    body = {"text": HARBOUR_ARTICLE, "options": {"formats": ALL}}
    location = client.post("/v1/jobs", json=body).headers["location"]
    job = wait_for(lambda: (v := client.get(location).json())["status"] in {"succeeded", "failed"} and v)
    assert job["status"] == "succeeded", job
    assert job["digest"]["headline"] == FORMATS_GOOD["headline"]
    assert len(job["digest"]["bullets"]) == 3
    assert "headline" in sent_schema(fake_llm.calls[0].body)["required"]


def test_the_grounding_helper_process_grounds_the_forms(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    """The short forms travel to the helper process and back (pickled) as the rest of an answer."""
    fake_llm.script(ok(FORMATS_INVENTED_BULLET), ok(FORMATS_INVENTED_BULLET))
    d = summarize(service(grounding_workers=1), ALL).json()
    assert d["headline"] == FORMATS_GOOD["headline"]
    assert [b["text"] for b in d["bullets"]] == FORMATS_GOOD["bullets"]
    assert_cited(d["bullets"])
    assert any(INVENTED in w for w in d["warnings"])


def test_the_candidate_guided_version_carries_the_forms(service: ServiceFactory, fake_llm: FakeLLM) -> None:
    """summarize@4 (summarize@2 with formats, the embedded model's `formats-local`): picks by number."""
    answer = {
        "key_figures": [1],
        "actors": [1],
        "summary": FORMATS_GOOD["summary"],
        **{k: FORMATS_GOOD[k] for k in ALL},
    }
    fake_llm.script(ok(answer))
    d = summarize(service(), ALL, prompt="summarize@4").json()
    assert d["provenance"]["prompt"]["version"] == 4
    assert d["headline"] == FORMATS_GOOD["headline"]
    assert len(d["bullets"]) == 3
    assert_cited(d["bullets"])
    assert "bullets" in sent_schema(fake_llm.calls[0].body)["required"]


@pytest.mark.parametrize(
    ("headline", "holds"),
    [
        ("Port Alder council votes to build £42 million ferry terminal", True),
        ("New ferry terminal for Port Alder", True),
        ("Fishing crews block Port Alder ferry terminal", False),  # a claim the article does not make
        ("Port Alder council rejects new ferry terminal", False),  # the opposite of what it says
        ("Ferry terminal to open in 2029", False),  # a year it does not give
        ("Minister Karl Brandt opens Port Alder terminal", False),  # a person it does not name
        ("<b>Port Alder votes for ferry terminal</b>", False),  # markup
        ("Port Alder council votes to build a new ferry terminal on the east quay " * 2, False),  # > 100
    ],
)
def test_the_headline_rule(headline: str, holds: bool) -> None:
    grounded = ground_answer(HARBOUR_ARTICLE, {**FORMATS_GOOD, "headline": headline})
    assert grounded.formats is not None
    assert (grounded.formats.headline is not None) is holds
    if not holds:
        assert repr(" ".join(headline.split())) in grounded.formats.failed["headline"]


_OTHER_LANGUAGES = {
    "es": "El ayuntamiento de Puerto Aliso aprobó el martes la construcción de una nueva terminal de "
    "ferris. El proyecto costará 42 millones de euros y abrirá en 2028.",
    "fr": "Le conseil municipal de Port-Aulne a approuvé mardi la construction d'un nouveau terminal "
    "de ferries. Le projet coûtera 42 millions d'euros et doit ouvrir en 2028.",
    "de": "Der Stadtrat von Hafenberg hat am Dienstag den Bau eines neuen Fährterminals beschlossen. "
    "Das Projekt kostet 42 Millionen Euro und soll 2028 eröffnet werden.",
}


@pytest.mark.parametrize(
    ("language", "headline", "holds"),
    [
        ("es", "Puerto Aliso aprueba una nueva terminal de ferris", True),
        ("es", "La terminal de ferris costará 42 millones de euros", True),
        ("es", "Puerto Aliso rechaza la terminal de ferris", False),
        ("es", "La terminal abrirá en 2031", False),
        ("fr", "Port-Aulne approuve un nouveau terminal de ferries", True),
        ("fr", "Un terminal de ferries à 42 millions d'euros", True),
        ("fr", "Port-Aulne rejette le terminal de ferries", False),
        ("fr", "Le terminal ouvrira en 2032", False),
        ("de", "Stadtrat von Hafenberg beschließt Bau eines neuen Fährterminals", True),
        ("de", "Bau des Fährterminals kostet 42 Millionen Euro", True),
        ("de", "Fährterminal soll 2030 eröffnet werden", False),
        # A capitalised German noun in another case than the article's reads as an unknown name:
        # strict, it fails closed (README, "Headline, dek and bullets").
        ("de", "Hafenberg baut Fährterminal für 42 Millionen Euro", False),
    ],
)
def test_the_headline_rule_in_other_languages(language: str, headline: str, holds: bool) -> None:
    article = _OTHER_LANGUAGES[language]
    answer = {"summary": article.split(". ")[0] + ".", "key_figures": [], "actors": [], "headline": headline}
    grounded = ground_answer(article, answer, language=language)
    assert grounded.formats is not None
    assert (grounded.formats.headline is not None) is holds


_SENTENCES = [
    "The council of Port Alder voted on Tuesday to build a new ferry terminal.",
    "The project will cost £42 million and is due to open in 2028.",
    "Mayor Ingrid Solvang said the old terminal was too small.",
    "Councillors approved the plan by 17 votes to 4.",
    "Work on the foundations is expected to start next spring.",
]
_GAPS = st.sampled_from([" ", "  ", "\n", "\n\n", " \n ", "\t", "\u00a0"])


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(_GAPS, min_size=len(_SENTENCES), max_size=len(_SENTENCES)),
    lead=_GAPS,
    picks=st.lists(st.integers(0, len(_SENTENCES) - 1), min_size=1, max_size=5),
    marks=st.lists(st.sampled_from(["", "- ", "• ", "1. ", "  "]), min_size=5, max_size=5),
)
def test_every_bullet_support_span_is_exact_and_unpadded(
    gaps: list[str], lead: str, picks: list[int], marks: list[str]
) -> None:
    """LLM bullets (with marks and odd spacing) and extractive bullets, on articles spaced oddly."""
    article = lead + "".join(s + g for s, g in zip(_SENTENCES, gaps, strict=True))
    bullets = [marks[k % len(marks)] + _SENTENCES[i].replace(" ", "  ") for k, i in enumerate(picks)]
    grounded = ground_answer(article, {**FORMATS_GOOD, "bullets": bullets})
    assert grounded.formats is not None
    extractive = extract(article, Options(formats=["bullets"])).bullets
    assert len(extractive) == 3
    for bullet in [*grounded.formats.bullets, *extractive]:
        assert bullet.text == " ".join(bullet.text.split())
        assert not bullet.text.startswith(("-", "•"))
        assert bullet.support
        for start, end in bullet.support:
            assert 0 <= start < end <= len(article)
            assert article[start:end] == article[start:end].strip()
    assert [b.text for b in grounded.formats.bullets] == list(dict.fromkeys(_SENTENCES[i] for i in picks))

"""Long articles: token counting offline, the splitter, the merge, and a 40,000-word article over HTTP."""

from __future__ import annotations

import asyncio
import itertools
import re
import socket
import time
from typing import Any

import pytest

from service.errors import ArticleTooLong
from service.llm import tokens
from service.llm.attempts import Budget
from service.pipeline import longform
from service.pipeline.longform import Part, Planner, merge_digests, split_text
from service.prompts import Catalogue
from service.schema import Actor, Digest, KeyFigure, Options, Provenance, SummarySentence, Usage
from service.settings import Settings
from tests.answers import GOOD
from tests.conftest import ServiceFactory, assert_grounded, free_port
from tests.fakellm import Call, FakeLLM, Reply, error, ok

# ----------------------------------------------------------------------------- a long article

_FIRST = ("Amara", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Keiko")
_LAST = ("Adeyemi", "Brandt", "Costa", "Duval", "Eriksen", "Ferreira", "Gallo", "Hartmann", "Ivanova")
_DISTRICTS = ("northern", "southern", "eastern", "western", "central", "coastal")
_COPY = """\
In the {district} district, the regional council approved £{k}.{d} million for {rooms} new classrooms \
this week. Mayor {name} said the money would arrive before the winter term, and that builders had \
already surveyed the sites where the rooms will stand. Officials called it the largest local \
investment in a decade, although several residents asked at the meeting whether the timetable was \
realistic and who would pay if the work ran late.

Teachers in the district have waited years for the extra space. Classes are taught in corridors \
and in rooms that were built as storage, and parents say their children lose time moving between \
buildings. The council expects the first rooms to open within eighteen months, and it has promised \
to publish a progress report every quarter so that families can see where the money is going.

Keir Starmer, who visited a school in the district last spring, has said that buildings are only \
part of the answer and that recruiting staff matters as much. Union officials agreed, and asked the \
council to set aside part of the budget for training. The mayor said that talks with the unions \
would continue, and that no decision on salaries had been taken yet.

The plan also covers {buses} school buses, playgrounds and a new library for older pupils. Critics \
on the council said the library should have come first, because the old one closed years ago, but \
the vote passed without changes after a long debate that ran late into the evening."""


def _name(k: int) -> str:
    return f"{_FIRST[k % len(_FIRST)]} {_LAST[(k // len(_FIRST)) % len(_LAST)]}"


def long_article(seed: str, words: int = 40_000) -> str:
    """The seed article as the lead, then copies of our own filler with distinct figures and names."""
    sections, count, k = [seed.strip()], len(seed.split()), 0
    while count < words:
        k += 1
        section = _COPY.format(
            district=_DISTRICTS[k % len(_DISTRICTS)],
            k=k,
            d=k % 10,
            rooms=100 + k,
            name=_name(k),
            buses=200 + k,
        )
        sections.append(section)
        count += len(section.split())
    return "\n\n".join(sections)


_ARTICLE = re.compile(r"<article-(\w+)>\n(.*)\n</article-\1>", re.DOTALL)
_MONEY = re.compile(r"£\d+\.\d million")
_BUSES = re.compile(r"\d+ school buses")
_MAYOR = re.compile(r"Mayor ([A-Z][a-z]+ [A-Z][a-z]+)")


def _part_of(call: Call) -> str:
    match = _ARTICLE.search(call.body["messages"][1]["content"])
    assert match is not None
    return match.group(2)


def _answer_from_the_part(call: Call) -> Reply:
    """What a good model would pick from this part: its figures and actors, nothing from elsewhere."""
    text = _part_of(call)
    figures = [{"text": t, "kind": "money", "context": "school funding"} for t in _MONEY.findall(text)[:1]]
    figures += [{"text": t, "kind": "count", "context": "school buses"} for t in _BUSES.findall(text)[:1]]
    actors = [{"name": n, "kind": "person", "role": "mayor"} for n in _MAYOR.findall(text)[:1]]
    if "Keir Starmer" in text:
        actors.append({"name": "Keir Starmer", "kind": "person", "role": "visited a school"})
    summary = "The regional council approved money for new classrooms, and the mayor welcomed the plan."
    return ok({"summary": summary, "key_figures": figures, "actors": actors})


# ----------------------------------------------------------------------------- splitter


def _assert_exact(text: str, parts: list[Part], max_chars: int) -> None:
    for part in parts:
        assert text[part.start : part.end] == part.text
        assert len(part.text) <= max_chars
        assert part.text == part.text.strip()
    assert [p.start for p in parts] == sorted(p.start for p in parts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(parts))
    assert " ".join(" ".join(p.text for p in parts).split()) == " ".join(text.split())  # nothing lost


def test_split_cuts_between_paragraphs() -> None:
    paragraphs = [f"Paragraph {i} says something about item {i}. " * 3 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs) + "\n"
    parts = split_text(text, 400)
    _assert_exact(text, parts, 400)
    assert len(parts) > 1
    for part in parts:  # each part starts a paragraph and ends one
        assert part.start == 0 or text[part.start - 2 : part.start] == "\n\n"
        assert text[part.end : part.end + 2] in ("\n\n", "\n")


def test_split_giant_paragraph_at_sentence_ends() -> None:
    text = "  " + " ".join(f"Sentence number {i} reports £{i}.5 million for town {i}." for i in range(200))
    parts = split_text(text, 300)
    _assert_exact(text, parts, 300)
    assert len(parts) > 10
    assert all(p.text.endswith(".") for p in parts)
    assert parts[0].start == 2  # offsets are the article's own, leading blanks included


def test_split_giant_sentence_at_spaces_and_offset() -> None:
    text = " ".join(f"word{i}" for i in range(2000))
    parts = split_text(text, 97, offset=1000)
    for part in parts:
        assert text[part.start - 1000 : part.end - 1000] == part.text
        assert len(part.text) <= 97
        assert not part.text.startswith(" ")
    assert " ".join(p.text for p in parts) == text  # cut only at spaces: no word split


def test_split_unbreakable_run_is_cut_hard() -> None:
    text = "x" * 1000
    parts = split_text(text, 300)
    assert [len(p.text) for p in parts] == [300, 300, 300, 100]
    assert "".join(p.text for p in parts) == text


# ----------------------------------------------------------------------------- token counting


def test_tiktoken_counts_offline(seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the token counter tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    tokens.offline_encoding.cache_clear()
    exact = tokens.TiktokenCounter("gpt-4").count_sync(seed_text)
    assert 300 < exact < 400  # cl100k_base: 346 tokens for the seed article's 2,093 characters
    assert tokens.TiktokenCounter("gpt-4o-mini").count_sync(seed_text) == exact  # o200k: cl100k bound
    unknown = tokens.TiktokenCounter("fake-model")
    assert unknown.scale == tokens.OTHER_TOKENIZER_SCALE
    assert unknown.count_sync(seed_text) == -(-exact * 5 // 4)
    assert exact < tokens.estimate(seed_text) <= tokens.byte_bound(seed_text)
    assert asyncio.run(unknown.count(seed_text)) == unknown.count_sync(seed_text)


def test_counter_without_the_encoding_estimates(seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "offline_encoding", lambda: None)
    assert tokens.TiktokenCounter("gpt-4").count_sync(seed_text) == tokens.estimate(seed_text)


def test_server_counter_falls_back_when_the_server_is_gone(seed_text: str) -> None:
    counter = tokens.ServerCounter(f"http://127.0.0.1:{free_port()}/tokenize")  # nothing listens there
    assert asyncio.run(counter.count(seed_text)) == tokens.estimate(seed_text)


@pytest.mark.slow
def test_llama_cpp_server_counts_and_splits(seed_text: str) -> None:
    """The real embedded server: `/tokenize` at its root, and the local planner's parts fit its count."""
    from service.engines.local import LocalServer, model_path
    from service.engines.openai_engine import make_client
    from service.llm.client import LLMClient

    settings = Settings(engine="local")
    server = LocalServer(settings, model_path(settings))
    server.start()

    async def check() -> None:
        client = make_client(settings, base_url=server.base_url, api_key="local")
        llm = LLMClient(client, model="local", settings=settings, use_local_params=True)
        try:
            planner = Planner(settings, "local", llm)
            counter = planner.counter
            assert isinstance(counter, tokens.ServerCounter)
            assert counter.url == f"http://127.0.0.1:{server.port}/tokenize"
            deadline = time.monotonic() + 60
            while (counted := await counter.count(seed_text)) == tokens.estimate(seed_text):
                assert time.monotonic() < deadline, "the embedded server never answered /tokenize"
                await asyncio.sleep(0.2)
            assert 300 < counted < 450  # SmolLM2's own tokenizer: 357 tokens
            template = _template(2)
            budget = await planner.budget_tokens(template)
            assert 3000 < budget < settings.local_ctx_tokens
            article = long_article(seed_text, words=8_000)
            parts = await planner.split(article, None, template)
            assert len(parts) >= 2
            for part in parts:
                assert article[part.start : part.end] == part.text
                assert await counter.count(part.text) <= budget
        finally:
            await llm.aclose()

    try:
        asyncio.run(check())
    finally:
        server.stop()


# ----------------------------------------------------------------------------- planner


def _template(version: int = 1) -> Any:
    return Catalogue(Settings().prompts_dir).get("summarize", version)


def test_normal_articles_are_never_tokenized(seed_text: str) -> None:
    class Refuses:
        name = "refuses"

        async def count(self, text: str) -> int:
            raise AssertionError("a normal-size article was tokenized")

    for engine, version in (("openai", 1), ("local", 2)):
        planner = Planner(Settings(), engine, None)
        planner.counter = Refuses()
        template = _template(version)
        assert asyncio.run(planner.split(seed_text, "A headline", template)) == []
        assert planner.fits_for_sure(seed_text * 2, "A headline", template)


def test_planner_parts_fit_the_budget(seed_text: str) -> None:
    article = long_article(seed_text, words=6_000)
    planner = Planner(Settings(context_tokens=4096), "openai", None)
    planner.counter = tokens.TiktokenCounter("fake-model")
    template = _template()
    budget = asyncio.run(planner.budget_tokens(template))
    parts = asyncio.run(planner.split(article, None, template))
    assert len(parts) >= 3
    for part in parts:
        assert article[part.start : part.end] == part.text
        assert asyncio.run(planner.counter.count(part.text)) <= budget
    small = Planner(Settings(context_tokens=4096, longform_max_parts=2), "openai", None)
    small.counter = planner.counter
    with pytest.raises(ArticleTooLong, match="limit is 2 parts"):
        asyncio.run(small.split(article, None, template))


def test_context_defaults() -> None:
    assert longform.context_tokens(Settings(), "openai") == 128_000
    assert longform.context_tokens(Settings(local_ctx_tokens=4096), "local") == 4096
    assert longform.context_tokens(Settings(context_tokens=32_000), "local") == 32_000


# ----------------------------------------------------------------------------- merge


def _digest(figures: list[tuple[str, int]], actors: list[tuple[str, list[int]]], summary: str) -> Digest:
    return Digest(
        id="dg_x",
        summary=summary,
        sentences=[SummarySentence(text=summary, support=[[0, 8]] if summary == "first" else [[2, 6]])],
        key_figures=[
            KeyFigure(text=t, span=[s, s + len(t)], value=None, unit=None, kind="other", context="")
            for t, s in figures
        ],
        actors=[
            Actor(name=n, kind="person", role=None, mentions=[[s, s + len(n)] for s in starts])
            for n, starts in actors
        ],
        provenance=Provenance(
            engine="openai",
            model="m",
            prompt=None,
            attempts=1,
            usage=Usage(input_tokens=10, output_tokens=5),
            latency_ms=0,
        ),
        warnings=["summary replaced by leading sentences: x"] if summary == "second" else [],
    )


def test_merge_shifts_dedupes_and_takes_every_part_first() -> None:
    a = "Jane Roe paid 5 pounds. Jane Roe paid 7 pounds."
    b = "Jane Roe saw 9 ships and 7 pounds. John Doe agreed."
    article = f"{a}\n\n{b}"
    parts = [Part(0, a), Part(len(a) + 2, b)]
    first = _digest([("5 pounds", 14), ("7 pounds", 38)], [("Jane Roe", [0, 24])], "first")
    second = _digest([("9 ships", 13), ("7 pounds", 25)], [("jane roe", [0]), ("John Doe", [35])], "second")
    merged = merge_digests(parts, [first, second], Options(max_figures=3))
    assert [f.text for f in merged.figures] == ["5 pounds", "9 ships", "7 pounds"]  # rank by rank
    for figure in merged.figures:
        assert article[figure.span[0] : figure.span[1]] == figure.text
    assert merged.figures[2].span == [38, 46]  # the duplicate text in part 2 is dropped
    jane, john = merged.actors
    assert jane.mentions == [[0, 8], [24, 32], [len(a) + 2, len(a) + 10]]
    assert article[john.mentions[0][0] : john.mentions[0][1]] == "John Doe"
    assert [s.text for s in merged.sentences] == ["first"]
    assert merged.sentences[0].support == [[0, 8]]  # the first part starts at 0
    second_first = merge_digests([parts[1], parts[0]], [second, first], Options()).sentences[0]
    assert second_first.support == [[len(a) + 4, len(a) + 8]]  # shifted by its part's offset
    assert merged.warnings == [merged.warnings[0]]  # part 2's summary note does not apply
    assert "2 parts" in merged.warnings[0]


def test_a_part_spends_its_own_attempts_and_counts_in_the_request() -> None:
    request = Budget(max_attempts=2, deadline=time.monotonic() + 60)
    first, second = request.part(), request.part()
    for part in (first, second, second):
        part.attempted()
    first.used(10, 5)
    second.used(7, 3)
    assert (first.attempts, second.attempts) == (1, 2)
    assert first.can_attempt()
    assert not second.can_attempt()  # attempts per part: one part's repairs do not starve another
    assert (request.attempts, request.input_tokens, request.output_tokens) == (3, 17, 8)
    assert first.deadline == second.deadline == request.deadline


# ----------------------------------------------------------------------------- over HTTP


def test_a_40000_word_article_is_digested_in_parts(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    article = long_article(seed_text)
    assert len(article.split()) >= 40_000
    context = 16_384
    fake_llm.default(_answer_from_the_part)
    client = service(context_tokens=context, deadline_s=60.0)
    r = client.post("/v1/summaries", json={"text": article, "title": "Schools across the region"})
    assert r.status_code == 200, r.text
    digest = r.json()
    assert_grounded(digest, article)

    calls = fake_llm.calls
    match = re.search(r"digested in (\d+) parts", digest["warnings"][0])
    assert match is not None
    assert len(calls) == int(match.group(1)) >= 3  # one call per part, no repairs
    assert digest["provenance"]["attempts"] == len(calls)
    assert digest["provenance"]["usage"]["input_tokens"] == 100 * len(calls)

    counter = tokens.TiktokenCounter("fake-model")
    offsets = []
    for call in calls:
        body_tokens = sum(counter.count_sync(m["content"]) for m in call.body["messages"])
        assert body_tokens + call.body["max_tokens"] <= context
        offsets.append(article.index(_part_of(call)))  # every part is the article's own text
    bounds = sorted(offsets)

    def part_of(start: int) -> int:
        return sum(1 for b in bounds if b <= start) - 1

    figure_parts = {part_of(f["span"][0]) for f in digest["key_figures"]}
    assert len(digest["key_figures"]) == 10  # the cap; every part offered two figures
    assert figure_parts == set(range(len(calls)))  # every part's first pick survived the cap
    starmer = [a for a in digest["actors"] if a["name"] == "Keir Starmer"]
    assert len(starmer) == 1  # one actor, mentions merged from every part
    assert {part_of(m[0]) for m in starmer[0]["mentions"]} == set(range(len(calls)))
    assert digest["summary"].startswith("The regional council approved money")


def test_a_failing_part_fails_the_request(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    article = long_article(seed_text, words=6_000)

    def reply(call: Call) -> Reply:  # the provider refuses every part but the first (400: no retry)
        return _answer_from_the_part(call) if article.startswith(_part_of(call)) else error(400)

    fake_llm.default(reply)
    client = service(context_tokens=4096, deadline_s=60.0)
    r = client.post("/v1/summaries", json={"text": article})
    assert r.status_code == 502, r.text
    assert r.json()["type"].endswith("/llm-failed")
    assert len(fake_llm.calls) >= 2


def test_normal_article_is_one_call(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    fake_llm.default(ok(GOOD))  # a faithful answer: no repair re-ask either
    client = service(context_tokens=16_384)
    r = client.post("/v1/summaries", json={"text": seed_text})
    assert r.status_code == 200, r.text
    assert len(fake_llm.calls) == 1
    assert not any("parts" in w for w in r.json()["warnings"])


def test_an_article_needing_too_many_parts_is_a_422(
    service: ServiceFactory, fake_llm: FakeLLM, seed_text: str
) -> None:
    client = service(context_tokens=4096, longform_max_parts=2)
    r = client.post("/v1/summaries", json={"text": long_article(seed_text, words=6_000)})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "limit is 2 parts" in r.json()["detail"]
    assert fake_llm.calls == []  # refused before any LLM call


def test_candidate_guided_prompt_in_parts(service: ServiceFactory, fake_llm: FakeLLM, seed_text: str) -> None:
    """summarize@2 (the embedded model's production prompt): candidates are found in each part."""
    article = long_article(seed_text, words=5_000)
    summary = (
        "The regional council approved money for new classrooms, and the mayor welcomed the plan for schools."
    )
    fake_llm.default(lambda call: ok({"key_figures": [1, 2], "actors": [1], "summary": summary}))
    client = service(context_tokens=4096)
    r = client.post("/v1/summaries", json={"text": article, "prompt": "summarize@2"})
    assert r.status_code == 200, r.text
    digest = r.json()
    assert_grounded(digest, article)
    parts = len(fake_llm.calls)
    assert parts >= 3
    assert f"digested in {parts} parts" in digest["warnings"][0]
    assert len({f["span"][0] * parts // len(article) for f in digest["key_figures"]}) >= 2
    for call in fake_llm.calls:
        assert "Candidate figures:" in call.body["messages"][1]["content"]

"""Grounding in the helper process: the same digest as in the event loop, and a crash costs no answer."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator
from typing import Any

from service.grounding.answer import ground_answer
from service.grounding.pool import _FRAME, HELPER_NICE, Grounder, _Inbox
from tests.answers import GOOD, HALLUCINATED
from tests.conftest import SEED, ServiceFactory, assert_grounded
from tests.fakellm import FakeLLM, ok

ARTICLE = SEED.read_text(encoding="utf-8")


def _comparable(digest: dict[str, Any]) -> dict[str, Any]:
    return {k: digest[k] for k in ("summary", "sentences", "key_figures", "actors", "warnings")}


def test_helper_process_gives_the_same_digest_as_the_event_loop(
    service: ServiceFactory, fake_llm: FakeLLM
) -> None:
    fake_llm.default(ok(HALLUCINATED))
    bodies = [{"text": ARTICLE + f"\nRequest {i}.", "prompt": "summarize@1"} for i in range(3)]
    inline = service(grounding_workers=0)
    expected = [_comparable(inline.post("/v1/summaries", json=b).json()) for b in bodies]
    offloaded = service(grounding_workers=1, cache_max_entries=0)
    for body, want in zip(bodies, expected, strict=True):
        response = offloaded.post("/v1/summaries", json=body)
        assert response.status_code == 200, response.text
        assert_grounded(response.json(), body["text"])
        assert _comparable(response.json()) == want
    assert any("dropped" in w for w in expected[0]["warnings"])  # the helper really grounded something


@contextlib.asynccontextmanager
async def _started(workers: int) -> AsyncIterator[Grounder]:
    """A started Grounder with ``workers`` helpers, closed on the way out."""
    grounder = Grounder(workers)
    await grounder.start()
    try:
        yield grounder
    finally:
        grounder.close()


def _crash(helper: Any) -> None:
    """Kill a helper as a crash or the OOM killer would, and wait until it is gone."""
    helper.process.kill()
    helper.process.join(timeout=10)


async def _replaced(grounder: Grounder, dead: Any) -> Any:
    """The helper that took over from ``dead`` (it starts in the background, bounded wait)."""
    for _ in range(100):
        current = grounder._helpers[0]
        if current is not dead and current.process.is_alive():
            return current
        await asyncio.sleep(0.1)
    raise AssertionError("the dead helper was not replaced within 10 s")


def test_a_dead_helper_is_replaced_and_the_answer_still_grounded() -> None:
    async def scenario() -> None:
        async with _started(1) as grounder:
            helper = grounder._helpers[0]
            assert helper.process.pid is not None
            os.kill(helper.process.pid, signal.SIGKILL)  # as a crash or the OOM killer would
            await asyncio.sleep(0.2)
            article = ARTICLE + "\nAfter the crash."
            first = await grounder.ground(article, GOOD)  # answered in-process while the pool is rebuilt
            assert first == ground_answer(article, GOOD)
            successor = await _replaced(grounder, helper)
            second = await grounder.ground(article, GOOD)  # the new helper serves again
            assert second == first
            assert grounder._helpers[0] is successor
            assert successor.alive

    asyncio.run(scenario())


def test_no_helper_when_set_to_zero() -> None:
    async def scenario() -> None:
        grounder = Grounder(0)
        await grounder.start()
        assert grounder._helpers == []
        assert await grounder.ground(ARTICLE, GOOD) == ground_answer(ARTICLE, GOOD)
        grounder.close()

    asyncio.run(scenario())


def test_warming_an_article_in_a_dead_helper_is_harmless() -> None:
    """A warm-up is best effort: a helper that died meanwhile costs the grounding call a replacement."""

    async def scenario() -> None:
        async with _started(1) as grounder:
            helper = grounder._helpers[0]
            _crash(helper)
            article = ARTICLE + "\nWarmed after a crash."
            for _ in range(3):  # the first writes may still land in the socket buffer
                await grounder.warm(article)
            assert await grounder.ground(article, GOOD) == ground_answer(article, GOOD)

    asyncio.run(scenario())


def test_an_article_warmed_in_its_helper_grounds_as_in_process() -> None:
    """The warm-up runs in the helper that later grounds the answer, and changes nothing in it."""

    async def scenario() -> None:
        async with _started(2) as grounder:
            article = ARTICLE + "\nWarmed."
            await grounder.warm(article)
            assert grounder._helpers[hash(article) % 2].pending == {}  # one way: no reply is awaited
            grounded = await grounder.ground(article, GOOD)
            assert grounded == ground_answer(article, GOOD)
            assert grounded.sentences  # the summary was checked sentence by sentence
            verified = await grounder.verify(article, GOOD["summary"])
            assert verified.supported

    asyncio.run(scenario())


def test_the_quotes_of_a_grounded_answer_come_back_in_the_same_trip() -> None:
    """`ground(..., max_actors=)` brings the quotes for its actors; `quotes` then asks the helper nothing."""

    async def scenario() -> None:
        grounder = Grounder(1)
        await grounder.start()
        tasks: list[str] = []
        run = grounder._run

        async def recording(task: str, *args: Any) -> Any:
            tasks.append(task)
            return await run(task, *args)

        grounder._run = recording  # type: ignore[method-assign,assignment]
        try:
            article = ARTICLE + "\n“We will not wait,” Keir Starmer said."
            grounded = await grounder.ground(article, GOOD, max_actors=2)
            actors = grounded.actors[:2]
            reused = await grounder.quotes(article, actors, max_actors=2, grounded=grounded)
            assert tasks == ["ground"]
            asked = await grounder.quotes(article, actors, max_actors=2)  # the separate trip, for comparison
            assert tasks == ["ground", "quotes"]
            assert reused == asked
            assert any(q.speaker == "Keir Starmer" for q in reused[0])
            other = await grounder.quotes(article, grounded.actors[:1], max_actors=2, grounded=grounded)
            assert tasks[-1] == "quotes"  # other actors than the ones grounded with: asked again
            assert other[1][0] == grounded.actors[0]
        finally:
            grounder.close()

    asyncio.run(scenario())


def test_the_helper_answers_waiting_requests_before_warm_ups() -> None:
    """Queued at the helper: grounding, quotes, verification first (in arrival order), warm-ups last."""
    inbox = _Inbox()
    frames = [(0, b"warm-1"), (7, b"ground"), (0, b"warm-2"), (8, b"quotes"), (9, b"verify")]
    wire = b"".join(_FRAME.pack(request_id, len(body)) + body for request_id, body in frames)
    inbox.feed(wire[:5])  # a frame arrives in pieces: nothing is whole yet
    assert not inbox
    inbox.feed(wire[5:])
    order = []
    while inbox:
        order.append(inbox.pop())
    assert order == [(7, b"ground"), (8, b"quotes"), (9, b"verify"), (0, b"warm-1"), (0, b"warm-2")]


def test_a_crash_under_load_is_replaced_once() -> None:
    """Every request in flight sees the dead helper at once; one replacement, not one per request."""

    async def scenario() -> None:
        async with _started(1) as grounder:
            helper = grounder._helpers[0]
            _crash(helper)
            articles = [ARTICLE + f"\nIn flight {i}." for i in range(40)]
            grounded = await asyncio.gather(*(grounder.ground(a, GOOD) for a in articles))
            assert grounded == [ground_answer(a, GOOD) for a in articles]
            successor = await _replaced(grounder, helper)
            children = [p for p in multiprocessing.active_children() if p.name == "newsbrief-grounding"]
            assert [p.pid for p in children] == [successor.process.pid]
            assert await grounder.ground(articles[0], GOOD) == grounded[0]

    asyncio.run(scenario())


def test_a_helper_that_keeps_dying_young_is_restarted_with_a_back_off() -> None:
    """The first death is replaced at once; a successor that dies young too waits before the next."""

    async def scenario() -> None:
        async with _started(1) as grounder:
            article = ARTICLE + "\nCrash loop."
            first = grounder._helpers[0]
            _crash(first)
            assert await grounder.ground(article, GOOD) == ground_answer(article, GOOD)
            second = await _replaced(grounder, first)
            _crash(second)
            assert await grounder.ground(article, GOOD) == ground_answer(article, GOOD)
            assert 0 in grounder._replacing  # a successor is on its way, after a pause
            await asyncio.sleep(0.5)  # the pause is 1 s: nothing replaced it yet
            assert grounder._helpers[0] is second
            for _ in range(5):  # every request meanwhile grounds in-process, none spawns a helper
                assert await grounder.ground(article, GOOD) == ground_answer(article, GOOD)
            third = await _replaced(grounder, second)
            children = [p for p in multiprocessing.active_children() if p.name == "newsbrief-grounding"]
            assert [p.pid for p in children] == [third.process.pid]

    asyncio.run(scenario())


def test_the_helper_yields_the_cpu_to_the_event_loop() -> None:
    async def scenario() -> None:
        async with _started(1) as grounder:
            pid = grounder._helpers[0].process.pid
            assert pid is not None
            ours = os.getpriority(os.PRIO_PROCESS, 0)
            assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, ours + HELPER_NICE)

    asyncio.run(scenario())


QUOTED = (
    'Mayor Jane Doe defended the plan on Monday. "We will open twelve schools by 2027," she said.\n\n'
    'The council\'s finance chief, Omar Patel, was less sure. "The money is not there yet," Mr Patel told'
    " reporters."
)


def test_quotes_found_ahead_in_the_helper_are_the_quotes_found_in_process() -> None:
    """A quotes-only warm-up fills the helper's cache; the speakers it then gives are the in-process ones."""
    from service.engines.extractive import candidates
    from service.grounding.quotes import digest_quotes

    _, actors, _ = candidates(QUOTED, language="en", max_actors=10)
    expected = digest_quotes(QUOTED, actors, language="en", max_actors=10)

    async def scenario() -> None:
        async with _started(1) as grounder:
            await grounder.warm(QUOTED, quotes_only=True)
            assert grounder._helpers[0].pending == {}  # one way: no reply is awaited
            found = await grounder.quotes(QUOTED, actors, language="en", max_actors=10)
            assert found == expected
            assert [q.speaker for q in found[0]] == ["Jane Doe", "Omar Patel"]

    asyncio.run(scenario())


def test_the_extractive_engine_has_the_helper_find_the_quotes_while_its_ner_runs(
    service: ServiceFactory, monkeypatch: Any
) -> None:
    """The extractive digest sends its article to the helper for quotes before it runs its own NER."""
    sent: list[tuple[str, bool]] = []
    original = Grounder.warm

    async def recording(
        self: Grounder, article: str, *, language: str | None = None, quotes_only: bool = False
    ) -> None:
        sent.append((article, quotes_only))
        await original(self, article, language=language, quotes_only=quotes_only)

    monkeypatch.setattr(Grounder, "warm", recording)
    client = service(engine="extractive", grounding_workers=1, cache_max_entries=0)
    response = client.post("/v1/summaries", json={"text": QUOTED})
    assert response.status_code == 200, response.text
    assert sent == [(QUOTED, True)]
    assert [q["speaker"] for q in response.json()["quotes"]] == ["Jane Doe", "Omar Patel"]


def _extractive_events(service: ServiceFactory, monkeypatch: Any, workers: int) -> list[str]:
    """When the extractive digest of QUOTED asks for the speakers, against when it ranks."""
    from service.engines import extractive

    events: list[str] = []
    original_quotes, original_rank = Grounder.quotes, extractive.rank  # type: ignore[attr-defined]

    async def quotes(self: Grounder, article: str, actors: list[Any], **kwargs: Any) -> Any:
        events.append("speakers asked")
        return await original_quotes(self, article, actors, **kwargs)

    def rank(*args: Any, **kwargs: Any) -> Any:
        events.append("ranking")
        return original_rank(*args, **kwargs)

    monkeypatch.setattr(Grounder, "quotes", quotes)
    monkeypatch.setattr(extractive, "rank", rank)
    client = service(engine="extractive", grounding_workers=workers, cache_max_entries=0)
    response = client.post("/v1/summaries", json={"text": QUOTED})
    assert response.status_code == 200, response.text
    assert [q["speaker"] for q in response.json()["quotes"]] == ["Jane Doe", "Omar Patel"]
    return events


def test_the_extractive_engine_asks_for_the_speakers_as_soon_as_its_ner_has_named_the_actors(
    service: ServiceFactory, monkeypatch: Any
) -> None:
    """The speakers are asked of the helper before the extractive engine ranks its sentences (the
    ranking runs meanwhile), and the digest's quotes are the ones that call gives."""
    assert _extractive_events(service, monkeypatch, workers=1) == ["speakers asked", "ranking"]


def test_without_a_helper_the_extractive_engine_asks_for_the_speakers_after_its_ranking(
    service: ServiceFactory, monkeypatch: Any
) -> None:
    """In-process grounding (one core) would only compete with the ranking: asked after it."""
    assert _extractive_events(service, monkeypatch, workers=0) == ["ranking", "speakers asked"]

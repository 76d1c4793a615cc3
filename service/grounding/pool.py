"""Grounding in helper processes, so the event loop keeps serving HTTP and LLM I/O.

Grounding an answer (number parsing, tolerant search, name checks) is the service's
heaviest CPU work per request. With one uvicorn worker every millisecond of it delays
every other request in flight, so by default it runs in one helper process
(`NEWSBRIEF_GROUNDING_WORKERS`, 0 = in the event loop), which on a 2-core machine uses
the core the event loop leaves idle.

Each helper is a plain process on the other end of a socket pair: the event loop writes
`(task, article, work, language)` frames and reads the results back, with no executor thread in
between (a `ProcessPoolExecutor` costs the event loop's process about three times as
much CPU per call, in its queue-management thread). Frames are pickled: both ends are
this program. The warm-up (analysing an article while its LLM call runs) is sent one way,
and the helper answers the frames waiting on it most urgent first (`_Inbox`). The helper
runs at a lower CPU priority than the event loop (`HELPER_NICE`).

A helper holds no state that matters. If one dies or stops answering, it is replaced and
the requests it held are grounded in-process, so a crash costs time, never an answer. The
replacement starts once per death, however many requests saw it, in the background, and
later than at once when helpers keep dying young.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import itertools
import multiprocessing
import os
import pickle
import select
import socket
import struct
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import structlog

from service.grounding.answer import Grounded, ground_answer, verify_summary, warm_article, warm_quotes
from service.grounding.locate import article_language
from service.grounding.quotes import digest_quotes
from service.schema import Actor, Quote, Verification

log = structlog.get_logger("newsbrief.offload")

_FRAME = struct.Struct("!II")  # request id, payload length
_NO_REPLY = 0  # the request id of a frame the caller wants no answer to (ids count from 1)
_READ_BYTES = 1 << 20
# Tracked objects made and not freed since the last pass: full caches (640 articles, the word
# caches) hold several hundred thousand.
GARBAGE_BUDGET = 2_000_000
FULL_COLLECT_EVERY_S = 600.0
HELPER_NICE = 10  # added to the helper's niceness (see _serve)
_YOUNG_DEATH_S = 30.0  # a helper that dies sooner counts towards the respawn back-off
_RESPAWN_MAX_DELAY_S = 30.0
_ANSWER_TIMEOUT_S = 10.0  # grounding takes milliseconds; a helper this late is stuck
_WARM_UP_ARTICLE = "The council approved £1.6 billion for 12 schools, Mayor Jane Doe said on 3 March 2025."
_WARM_UP_ANSWER = {
    "summary": "The council approved £1.6 billion for 12 schools.",
    "key_figures": [{"text": "£1.6 billion", "kind": "money", "context": "school budget"}],
    "actors": [{"name": "Jane Doe", "kind": "person", "role": "Mayor"}],
}


def default_workers() -> int:
    """One helper when this process may use a second core, else none."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 1 if usable >= 2 else 0


def _ground(article: str, work: Any, language: str | None) -> Grounded:
    answer, max_actors = work
    grounded = ground_answer(article, answer, language=language)
    if max_actors is not None:  # the quotes for the actors a one-answer digest keeps, in the same trip
        actors = grounded.actors[:max_actors]
        grounded.quotes = (actors, _quotes(article, (actors, max_actors), language))
    return grounded


def _verify(article: str, summary: Any, language: str | None) -> Verification:
    return verify_summary(article, str(summary), language=language)


def _quotes(article: str, work: Any, language: str | None) -> tuple[list[Quote], list[Actor]]:
    actors, max_actors = work
    return digest_quotes(article, actors, language=article_language(article, language), max_actors=max_actors)


def _warm(article: str, _: Any, language: str | None) -> None:
    warm_article(article, language)


def _warm_quotes(article: str, _: Any, language: str | None) -> None:
    warm_quotes(article, language)


# What a helper can be asked: analyse an article ahead of its answer (all of it, or its quotes
# only), ground a model answer, find the quotes' speakers, or verify a summary written elsewhere.
_TASKS = {
    "warm": _warm,
    "warm_quotes": _warm_quotes,
    "ground": _ground,
    "verify": _verify,
    "quotes": _quotes,
}


class _Inbox:
    """Frames read from the event loop, answered most urgent first.

    A warm-up is work ahead of an answer that is a second away (the LLM call), so anything
    else queued (grounding an answer, quotes, a verification: a request waits on each) goes
    before it; first come, first served within each kind. A warm-up left behind costs nothing:
    the grounding call that needs its analysis makes it, and the warm-up then finds it cached.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._queue: list[tuple[int, int, int, bytes]] = []  # (urgency, arrival, request id, payload)
        self._arrivals = itertools.count()

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _FRAME.size:
            request_id, size = _FRAME.unpack_from(self._buffer)
            if len(self._buffer) < _FRAME.size + size:
                return
            payload = bytes(self._buffer[_FRAME.size : _FRAME.size + size])
            del self._buffer[: _FRAME.size + size]
            later = 1 if request_id == _NO_REPLY else 0  # only warm-ups are sent one way
            heapq.heappush(self._queue, (later, next(self._arrivals), request_id, payload))

    def __bool__(self) -> bool:
        return bool(self._queue)

    def pop(self) -> tuple[int, bytes]:
        _, _, request_id, payload = heapq.heappop(self._queue)
        return request_id, payload


def _serve(sock: socket.socket) -> None:
    """The helper process: answer frames until the event loop's end of the socket closes."""
    # The event loop is the process every request waits on, for each of its turns (HTTP in, the
    # LLM call, the answer out); the helper's work is a few milliseconds at a time and much of it
    # (warm-ups) is a second ahead of need. Wherever the two, or the helper and anything else the
    # host runs, want one core, the helper yields: c=64 added p99 lower in 6 of 6 alternated pairs.
    with contextlib.suppress(OSError):
        os.nice(HELPER_NICE)
    ground_answer(_WARM_UP_ARTICLE, _WARM_UP_ANSWER)  # compile the patterns before the first request
    # Grounding makes no reference cycles (a full pass after 1,500 articles finds 0 objects), while
    # the caches hold hundreds of analysed articles: every automatic pass walked them, 10% of the
    # helper's CPU and pauses of up to 140 ms that every request queued here waits out. So the
    # collector runs only once the objects made and not freed pass a budget well above what full
    # caches hold, or on a slow clock, and then over everything (`service.http.gcpolicy` for the
    # event loop's process).
    gc.collect()
    gc.disable()
    collected_at = time.monotonic()
    inbox = _Inbox()
    with sock:
        while True:
            # Wait for a whole frame when nothing is queued; else take in whatever has arrived.
            while not inbox or select.select([sock], [], [], 0)[0]:
                data = sock.recv(_READ_BYTES)
                if not data:
                    return  # the event loop's end closed: nobody is waiting for the rest
                inbox.feed(data)
                if inbox:
                    break  # one read per task at most, so a steady stream cannot starve the work
            now = time.monotonic()
            if gc.get_count()[0] >= GARBAGE_BUDGET or now - collected_at >= FULL_COLLECT_EVERY_S:
                gc.collect()
                collected_at = now
            request_id, payload = inbox.pop()
            task, article, work, language = pickle.loads(payload)  # noqa: S301 - our own process
            try:
                reply: tuple[bool, Any] = (True, _TASKS[task](article, work, language))
            except Exception as exc:  # reported to the caller, which grounds in-process instead
                reply = (False, repr(exc))
            if request_id == _NO_REPLY:
                continue
            answer = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
            sock.sendall(_FRAME.pack(request_id, len(answer)) + answer)


class HelperUnavailable(Exception):
    """The helper died or hung: replace it, and ground in-process meanwhile."""


class _GroundingFailed(Exception):
    """The helper raised on this input (it is fine): ground in-process, which reports the error."""


@dataclass
class _Helper:
    process: BaseProcess
    sock: socket.socket  # our end; the writer's transport owns it, we only shut it down
    writer: asyncio.StreamWriter
    reader_task: asyncio.Task[None] | None = None
    pending: dict[int, asyncio.Future[tuple[bool, Any]]] = field(default_factory=dict)
    alive: bool = True

    def fail_pending(self) -> None:
        self.alive = False
        for future in self.pending.values():
            if not future.done():
                future.set_exception(HelperUnavailable("the grounding helper stopped"))
        self.pending.clear()

    def stop(self, *, graceful: bool) -> None:
        """Graceful: the helper sees its socket close and exits; otherwise it is killed at once."""
        self.fail_pending()
        if self.reader_task is not None:
            self.reader_task.cancel()
        with contextlib.suppress(OSError):  # now, not on the loop's next turn: the helper reads EOF and exits
            self.sock.shutdown(socket.SHUT_RDWR)
        self.writer.close()
        if not graceful and self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2.0)


class Grounder:
    """`await grounder.ground(article, answer, language=...)`: in a helper process when there is one."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._helpers: list[_Helper] = []
        self._ids = itertools.count(1)
        self._replacing: dict[int, asyncio.Task[None]] = {}  # helper index -> its successor starting
        self._started_at: dict[int, float] = {}  # helper index -> when its helper was last started
        self._quick_deaths: dict[int, int] = {}  # helper index -> helpers in a row that died young
        self._closed = False
        # forkserver: helpers start from a clean interpreter, not a fork of a process that
        # already runs an event loop and client threads.
        self._context = multiprocessing.get_context("forkserver")

    async def start(self) -> None:
        if self.workers > 0:
            # The fork server imports grounding once; each helper forked from it starts warm.
            self._context.set_forkserver_preload(["service.grounding.answer"])
        for index in range(self.workers):
            self._started_at[index] = time.monotonic()
            try:
                helper = await self._serving()
            except (HelperUnavailable, _GroundingFailed, OSError) as exc:
                # e.g. a launcher script without a `__main__` guard, which the helper re-imports
                log.warning("grounding_helper_unavailable", error=repr(exc), action="grounding in-process")
                self.close()
                self.workers = 0
                return
            self._helpers.append(helper)
        if self._helpers:
            log.info("grounding_helpers_ready", workers=len(self._helpers))

    async def _serving(self) -> _Helper:
        """A new helper that has answered one grounding (one that fails to is stopped, the error raised)."""
        helper = await self._spawn()
        try:
            await self._call(helper, "ground", _WARM_UP_ARTICLE, (_WARM_UP_ANSWER, None), None)
        except BaseException:
            helper.stop(graceful=False)
            raise
        return helper

    async def _spawn(self) -> _Helper:
        ours, theirs = socket.socketpair()
        process = self._context.Process(
            target=_serve, args=(theirs,), name="newsbrief-grounding", daemon=True
        )
        process.start()
        theirs.close()
        try:
            reader, writer = await asyncio.open_unix_connection(sock=ours)
        except BaseException:  # cancelled (closing) or failed: never leave the process behind
            process.kill()
            process.join(timeout=2.0)
            ours.close()
            raise
        helper = _Helper(process, ours, writer)
        helper.reader_task = asyncio.create_task(self._read(helper, reader))
        return helper

    async def _read(self, helper: _Helper, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                request_id, size = _FRAME.unpack(await reader.readexactly(_FRAME.size))
                reply = pickle.loads(await reader.readexactly(size))  # noqa: S301 - our own process
                future = helper.pending.pop(request_id, None)
                if future is not None and not future.done():
                    future.set_result(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            helper.fail_pending()

    async def _call(self, helper: _Helper, task: str, article: str, work: Any, language: str | None) -> Any:
        request_id = next(self._ids)
        future: asyncio.Future[tuple[bool, Any]] = asyncio.get_running_loop().create_future()
        helper.pending[request_id] = future
        payload = pickle.dumps((task, article, work, language), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            helper.writer.write(_FRAME.pack(request_id, len(payload)) + payload)
            await helper.writer.drain()
            async with asyncio.timeout(_ANSWER_TIMEOUT_S):
                ok, value = await future
        except (ConnectionError, TimeoutError) as exc:
            helper.pending.pop(request_id, None)
            raise HelperUnavailable(repr(exc)) from exc
        if not ok:
            raise _GroundingFailed(str(value))
        return value

    async def _run(self, task: str, article: str, work: Any, language: str | None) -> Any:
        """`_TASKS[task]` in a helper (in-process when there is none, or it failed on this input)."""
        if not self._helpers:
            return _TASKS[task](article, work, language)
        # One article, one helper: its warm-up and its grounding meet the same caches.
        index = hash(article) % len(self._helpers)
        helper = self._helpers[index]
        try:
            if not helper.alive:
                raise HelperUnavailable("the grounding helper stopped")
            return await self._call(helper, task, article, work, language)
        except _GroundingFailed:
            return _TASKS[task](article, work, language)
        except HelperUnavailable as exc:
            self._replace(index, helper, exc)
            return _TASKS[task](article, work, language)

    @property
    def in_helpers(self) -> bool:
        """Is the work done in helper processes (on another core), not in this one?"""
        return bool(self._helpers)

    async def warm(self, article: str, *, language: str | None = None, quotes_only: bool = False) -> None:
        """Analyse the article in its helper while the LLM answers (nothing to gain in-process).

        ``quotes_only``: find its quotes only, as the extractive engine asks while its NER runs, so
        the digest's ``quotes`` call waits for the speakers alone. Best effort: a helper that fails
        here is replaced by the call that follows.
        """
        if not self._helpers:
            return
        helper = self._helpers[hash(article) % len(self._helpers)]
        if helper.alive:
            # One way: the helper works through its frames in order, so the grounding call that
            # follows finds the analysis done; no reply frame, no future (event-loop CPU).
            task = "warm_quotes" if quotes_only else "warm"
            payload = pickle.dumps((task, article, None, language), protocol=pickle.HIGHEST_PROTOCOL)
            with contextlib.suppress(ConnectionError):
                helper.writer.write(_FRAME.pack(_NO_REPLY, len(payload)) + payload)
                await helper.writer.drain()

    async def ground(
        self,
        article: str,
        answer: dict[str, Any],
        *,
        language: str | None = None,
        max_actors: int | None = None,
    ) -> Grounded:
        """A model answer grounded in the article (figures, actors, summary sentences).

        With ``max_actors``, also the quotes for its first ``max_actors`` actors (``Grounded.quotes``),
        which ``quotes`` then answers without another trip to the helper.
        """
        grounded: Grounded = await self._run("ground", article, (answer, max_actors), language)
        return grounded

    async def quotes(
        self,
        article: str,
        actors: list[Actor],
        *,
        language: str | None = None,
        max_actors: int,
        grounded: Grounded | None = None,
    ) -> tuple[list[Quote], list[Actor]]:
        """The article's quotes with their speakers, and the actors with new speakers added (capped).

        Reuses what ``ground(..., max_actors=...)`` found when ``grounded`` holds it for these actors.
        """
        if grounded is not None and grounded.quotes is not None and grounded.quotes[0] == actors:
            return grounded.quotes[1]
        found: tuple[list[Quote], list[Actor]] = await self._run(
            "quotes", article, (actors, max_actors), language
        )
        return found

    async def verify(self, article: str, summary: str, *, language: str | None = None) -> Verification:
        """A summary written elsewhere, checked sentence by sentence against the article."""
        verification: Verification = await self._run("verify", article, summary, language)
        return verification

    def _replace(self, index: int, helper: _Helper, exc: HelperUnavailable) -> None:
        """Once per dead helper, however many requests saw it die at the same moment (at c=256, all
        of them): stop it and start one successor in the background. The requests do not wait for
        it; they ground in-process until it serves."""
        if self._closed or index in self._replacing or self._helpers[index] is not helper:
            return  # being replaced, or already replaced
        log.warning("grounding_helper_failed", error=str(exc), action="replaced; answer grounded in-process")
        helper.stop(graceful=False)
        lived_s = time.monotonic() - self._started_at.get(index, 0.0)
        quick = self._quick_deaths.get(index, 0) + 1 if lived_s < _YOUNG_DEATH_S else 0
        self._quick_deaths[index] = quick
        # A helper that keeps dying young (a bad deploy, memory pressure) is not restarted in a
        # tight loop: 0 s for the first, then 1, 2, 4 ... up to 30 s between attempts.
        delay_s = 0.0 if quick <= 1 else min(_RESPAWN_MAX_DELAY_S, 2.0 ** (quick - 2))
        task = asyncio.get_running_loop().create_task(self._respawn(index, delay_s))
        self._replacing[index] = task
        task.add_done_callback(lambda _: self._replacing.pop(index, None))

    async def _respawn(self, index: int, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        self._started_at[index] = time.monotonic()  # a start that fails counts as a young death
        try:
            successor = await self._serving()
        except (HelperUnavailable, _GroundingFailed, OSError) as exc:
            log.warning("grounding_helper_unavailable", error=repr(exc), action="grounding in-process")
            return  # the next request that finds the old helper dead tries again
        if self._closed:
            successor.stop(graceful=False)
            return
        self._helpers[index] = successor
        log.info("grounding_helper_replaced", index=index, after_s=round(delay_s, 1))

    def close(self) -> None:
        self._closed = True
        for task in self._replacing.values():
            task.cancel()
        helpers, self._helpers = self._helpers, []
        for helper in helpers:
            helper.stop(graceful=True)

"""Grounding in a helper process, so the event loop keeps serving HTTP and LLM I/O.

Grounding an answer (number parsing, tolerant search, name checks) is the service's
heaviest CPU work per request, about a third of it. With one uvicorn worker every
millisecond of it delays every other request in flight, so by default it runs in one
helper process (`NEWSBRIEF_GROUNDING_WORKERS`, 0 = in the event loop), which on a
2-core machine uses the core the event loop leaves idle.

The helper only ever receives an article and a parsed answer and returns a `Grounded`;
it holds no state that matters. If it dies, the pool is rebuilt and that request is
grounded in-process, so a crash costs time, never an answer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import structlog

from service.assemble import Grounded, ground_answer

log = structlog.get_logger("newsbrief.offload")

_WARM_UP_ARTICLE = "The council approved £1.6 billion for 12 schools, Mayor Jane Doe said on 3 March 2025."
_WARM_UP_ANSWER = {
    "summary": "The council approved £1.6 billion for 12 schools.",
    "key_figures": [{"text": "£1.6 billion", "kind": "money", "context": "school budget"}],
    "actors": [{"name": "Jane Doe", "kind": "person", "role": "Mayor"}],
}


def default_workers() -> int:
    """One helper when the process may use a second core, else none."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 1 if usable >= 2 else 0


def _warm_up() -> None:
    ground_answer(_WARM_UP_ARTICLE, _WARM_UP_ANSWER)  # compiles the regexes before the first request


class Grounder:
    """`await grounder.ground(article, answer)`: in the helper process when there is one."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: the helper starts from a clean interpreter, not a fork of a process
        # that already runs an event loop and client threads.
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up)

    async def start(self) -> None:
        if self.workers <= 0:
            return
        self._pool = self._new_pool()
        await self._run(ground_answer, _WARM_UP_ARTICLE, _WARM_UP_ANSWER)  # fork and import now
        log.info("grounding_workers_ready", workers=self.workers)

    async def _run(self, *call: Any) -> Grounded:
        assert self._pool is not None
        result: Grounded = await asyncio.get_running_loop().run_in_executor(self._pool, *call)
        return result

    async def ground(self, article: str, answer: dict[str, Any]) -> Grounded:
        if self._pool is None:
            return ground_answer(article, answer)
        try:
            return await self._run(ground_answer, article, answer)
        except BrokenProcessPool:
            log.warning("grounding_worker_died", action="restarted; this answer grounded in-process")
            broken, self._pool = self._pool, self._new_pool()
            broken.shutdown(wait=False, cancel_futures=True)
            return ground_answer(article, answer)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

"""Background tasks that live for a block or an object: start, then cancel and await, in one place.

A task that is cancelled must also be awaited, or its end (and any error it raised) is never
seen and asyncio logs "Task was destroyed but it is pending". `cancel_and_wait` does both for any number
of tasks; `alongside` runs a coroutine for the duration of an `async with` block;
`start_from_thread` starts one on the event loop from a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any


async def cancel_and_wait(*tasks: asyncio.Task[Any] | None, errors: tuple[type[Exception], ...] = ()) -> None:
    """Cancel every task, then await each; its cancellation (and `errors`) end here, all else is raised."""
    live = [task for task in tasks if task is not None]
    for task in live:
        task.cancel()
    for task in live:
        with contextlib.suppress(asyncio.CancelledError, *errors):
            await task


@contextlib.asynccontextmanager
async def alongside(
    work: Coroutine[Any, Any, Any], *, name: str | None = None
) -> AsyncIterator[asyncio.Task[Any]]:
    """Run `work` as a task while the block runs; it is cancelled and awaited when the block exits."""
    task = asyncio.create_task(work, name=name)
    try:
        yield task
    finally:
        await cancel_and_wait(task)


HAND_OVER_S = 0.05  # how long a worker thread waits for the event loop to take a task it starts


def start_from_thread(
    loop: asyncio.AbstractEventLoop,
    work: Callable[[], Coroutine[Any, Any, Any]],
    into: list[asyncio.Task[Any]],
) -> None:
    """From a worker thread: start ``work()`` as a task on ``loop`` (appended to ``into``), and
    return once its first step has run (it has sent its request) or ``HAND_OVER_S`` has passed.

    Waiting hands the GIL to the event loop: a thread that went on computing would hold it, and
    the loop would start the task only when the thread ends or the interpreter switches (5 ms).
    """
    started = threading.Event()

    def start() -> None:
        into.append(loop.create_task(work()))
        loop.call_soon(started.set)  # after the task's first step, which call_soon queued first

    loop.call_soon_threadsafe(start)
    started.wait(HAND_OVER_S)

"""Background tasks that live for a block or an object: start, then cancel and await, in one place.

A task that is cancelled must also be awaited, or its end (and any error it raised) is never
seen and asyncio logs "Task was destroyed but it is pending". `cancel_and_wait` does both for any number
of tasks; `alongside` runs a coroutine for the duration of an `async with` block.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
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

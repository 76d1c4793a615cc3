"""`service.tasks`: a background task is cancelled and awaited, never left pending."""

from __future__ import annotations

import asyncio

import pytest

from service.tasks import alongside, cancel_and_wait


async def _forever(log: list[str]) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        log.append("ended")


def test_cancel_and_wait_ends_every_task_before_returning() -> None:
    async def run() -> tuple[list[str], bool]:
        log: list[str] = []
        tasks = [asyncio.create_task(_forever(log)) for _ in range(3)]
        await asyncio.sleep(0)
        await cancel_and_wait(*tasks, None)
        return log, all(t.done() for t in tasks)

    assert asyncio.run(run()) == (["ended"] * 3, True)


def test_cancel_and_wait_raises_what_a_task_raised_unless_told_to_expect_it() -> None:
    async def fails() -> None:
        raise ValueError("broken")

    async def run(expected: tuple[type[Exception], ...]) -> None:
        task = asyncio.create_task(fails())
        await asyncio.sleep(0)
        await cancel_and_wait(task, errors=expected)

    asyncio.run(run((ValueError,)))
    with pytest.raises(ValueError, match="broken"):
        asyncio.run(run(()))


def test_alongside_stops_its_task_when_the_block_fails() -> None:
    log: list[str] = []
    started: list[asyncio.Task[None]] = []

    async def run() -> None:
        async with alongside(_forever(log)) as task:
            started.append(task)
            await asyncio.sleep(0)
            raise RuntimeError("the block failed")

    with pytest.raises(RuntimeError, match="the block failed"):
        asyncio.run(run())
    assert log == ["ended"]
    assert started[0].done()

"""The garbage collector runs when garbage can have built up, and automatically again after the app."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

from service.http.gcpolicy import QUIET_IN_FLIGHT, paced_collections


class _Node:
    """An object in a reference cycle: only the collector can free it."""

    def __init__(self) -> None:
        self.me = self


def _collections(
    scenario: Any,
    *,
    check_every_s: float,
    garbage_budget: int,
    full_every_s: float,
    full_at_latest_s: float = 3600,
    in_flight: Any = lambda: 0,
) -> tuple[int, Any]:
    """Run ``scenario()`` inside the paced block; full collections counted, and what it returned."""
    runs = [0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            runs[0] += 1

    async def main() -> Any:
        async with paced_collections(
            check_every_s=check_every_s,
            garbage_budget=garbage_budget,
            full_every_s=full_every_s,
            full_at_latest_s=full_at_latest_s,
            in_flight=in_flight,
        ):
            assert not gc.isenabled()
            gc.callbacks.append(count)
            try:
                return await scenario()
            finally:
                gc.callbacks.remove(count)

    gc.unfreeze()  # the block freezes start-up objects; keep this test's process as it was
    try:
        result = asyncio.run(main())
    finally:
        gc.unfreeze()
    assert gc.isenabled()
    return runs[0], result


def test_nothing_is_collected_while_little_is_kept() -> None:
    async def idle() -> None:
        await asyncio.sleep(0.3)

    runs, _ = _collections(idle, check_every_s=0.01, garbage_budget=10**9, full_every_s=3600)
    assert runs == 0


def test_cyclic_garbage_past_the_budget_is_collected() -> None:
    async def make_garbage() -> bool:
        probe = _Node()
        gone = weakref.ref(probe)
        del probe
        for _ in range(5_000):  # kept cycles: the count of tracked objects grows past the budget
            _Node()
        for _ in range(500):  # bounded wait: the pacer looks every 10 ms
            if gone() is None:
                return True
            await asyncio.sleep(0.01)
        return False

    runs, freed = _collections(make_garbage, check_every_s=0.01, garbage_budget=2_000, full_every_s=3600)
    assert freed
    assert runs >= 1


def test_everything_is_collected_on_the_clock_as_well() -> None:
    async def idle() -> None:
        await asyncio.sleep(0.35)

    runs, _ = _collections(idle, check_every_s=0.01, garbage_budget=10**9, full_every_s=0.1)
    assert runs >= 2  # about every 100 ms (no upper bound: a loaded machine may stretch the sleep)


def test_the_clock_waits_for_a_quiet_moment_under_load_up_to_its_latest() -> None:
    """Busy: no pass on the short clock, one on the long one; quiet: the short clock runs."""
    busy = [QUIET_IN_FLIGHT + 1]

    async def load_then_quiet() -> tuple[int, int]:
        before = gc.get_stats()[2]["collections"]
        await asyncio.sleep(0.3)  # busy, 0.3 s: the 0.05 s clock would have fired 6 times
        during_load = gc.get_stats()[2]["collections"] - before
        busy[0] = 0
        await asyncio.sleep(0.3)
        return during_load, gc.get_stats()[2]["collections"] - before

    runs, (during_load, total) = _collections(
        load_then_quiet,
        check_every_s=0.01,
        garbage_budget=10**9,
        full_every_s=0.05,
        full_at_latest_s=3600,
        in_flight=lambda: busy[0],
    )
    assert during_load == 0
    assert total >= 2
    assert runs == total

    async def always_busy() -> None:
        await asyncio.sleep(0.35)

    runs, _ = _collections(
        always_busy,
        check_every_s=0.01,
        garbage_budget=10**9,
        full_every_s=0.01,
        full_at_latest_s=0.1,
        in_flight=lambda: 10**6,
    )
    assert runs >= 2  # the latest bound holds whatever the load

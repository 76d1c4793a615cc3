"""When the garbage collector runs: when garbage can have built up, never in the middle of requests.

The hot path makes no reference cycles (refcounting frees everything it allocates), so a
collection finds almost nothing, and what it costs is a walk over every object alive then:
with a few hundred requests in flight that is tens of thousands of objects, tens of
milliseconds during which no request moves (the p99 of bench/run.py). CPython's automatic
collections come every few hundred allocations and walk exactly those in-flight objects.

So automatic collection is off while the app runs. Every 100 ms the pacer reads how many
tracked objects were made and not freed since the last collection (``gc.get_count()[0]``):
in steady state that stays near the number in flight, and it grows only when something is
kept, such as cyclic garbage (error paths: tracebacks). Everything is collected when it passes
``GARBAGE_BUDGET`` (bounding the cyclic garbage that can wait to about that many objects)
and at least every ``FULL_EVERY_S`` (bounding how long a cycle holding a big buffer can live).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator

from service.tasks import alongside

CHECK_EVERY_S = 0.1
GARBAGE_BUDGET = 200_000  # tracked objects made and not freed since the last collection
FULL_EVERY_S = 60.0


async def _pace(check_every_s: float, garbage_budget: int, full_every_s: float) -> None:
    loop = asyncio.get_running_loop()
    last_full = loop.time()
    while True:
        await asyncio.sleep(check_every_s)
        if gc.get_count()[0] >= garbage_budget or loop.time() - last_full >= full_every_s:
            gc.collect()
            last_full = loop.time()


@contextlib.asynccontextmanager
async def paced_collections(
    check_every_s: float = CHECK_EVERY_S,
    garbage_budget: int = GARBAGE_BUDGET,
    full_every_s: float = FULL_EVERY_S,
) -> AsyncIterator[None]:
    """Freeze what start-up built, then collect only as the rule above says until the block exits."""
    gc.collect()
    gc.freeze()  # start-up objects live as long as the process: out of every later pass
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        async with alongside(_pace(check_every_s, garbage_budget, full_every_s), name="newsbrief-gc"):
            yield
    finally:
        if was_enabled:
            gc.enable()

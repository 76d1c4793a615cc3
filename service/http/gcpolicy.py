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
and on a clock (bounding how long a cycle holding a big buffer can live): every
``FULL_EVERY_S`` at a quiet moment (at most ``QUIET_IN_FLIGHT`` requests in flight), and after
``FULL_AT_LATEST_S`` whatever the load. Under steady load a pass on the clock walked ~120,000
objects for 123 ms (c=256, bench/run.py's service): long enough for a quarter of the requests of
a second to bunch up behind it, and a closed loop keeps such a bunch together round after round.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Callable

from service.tasks import alongside

CHECK_EVERY_S = 0.1
GARBAGE_BUDGET = 200_000  # tracked objects made and not freed since the last collection
FULL_EVERY_S = 60.0  # ... when at most QUIET_IN_FLIGHT requests are in flight
FULL_AT_LATEST_S = 600.0  # ... whatever the load
QUIET_IN_FLIGHT = 4


def _idle() -> int:
    return 0


async def _pace(
    check_every_s: float,
    garbage_budget: int,
    full_every_s: float,
    full_at_latest_s: float,
    in_flight: Callable[[], int],
) -> None:
    loop = asyncio.get_running_loop()
    last_full = loop.time()
    while True:
        await asyncio.sleep(check_every_s)
        since_s = loop.time() - last_full
        due = since_s >= full_at_latest_s or (since_s >= full_every_s and in_flight() <= QUIET_IN_FLIGHT)
        if due or gc.get_count()[0] >= garbage_budget:
            gc.collect()
            last_full = loop.time()


@contextlib.asynccontextmanager
async def paced_collections(
    check_every_s: float = CHECK_EVERY_S,
    garbage_budget: int = GARBAGE_BUDGET,
    full_every_s: float = FULL_EVERY_S,
    full_at_latest_s: float = FULL_AT_LATEST_S,
    in_flight: Callable[[], int] = _idle,
) -> AsyncIterator[None]:
    """Freeze what start-up built, then collect only as the rule above says until the block exits."""
    gc.collect()
    gc.freeze()  # start-up objects live as long as the process: out of every later pass
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        async with alongside(
            _pace(check_every_s, garbage_budget, full_every_s, full_at_latest_s, in_flight),
            name="newsbrief-gc",
        ):
            yield
    finally:
        if was_enabled:
            gc.enable()

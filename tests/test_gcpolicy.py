"""The garbage collector runs on a clock while the app runs, and automatically again after."""

from __future__ import annotations

import asyncio
import gc

from service.http.gcpolicy import paced_collections


def test_collections_are_paced_while_the_app_runs_and_automatic_after() -> None:
    async def scenario() -> dict[int, int]:
        runs: dict[int, int] = {0: 0, 1: 0, 2: 0}

        def count(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                runs[info["generation"]] += 1

        async with paced_collections(young_every_s=0.01, full_every_s=0.1):
            assert not gc.isenabled()
            gc.callbacks.append(count)
            try:
                await asyncio.sleep(0.35)
            finally:
                gc.callbacks.remove(count)
        assert gc.isenabled()
        return runs

    gc.unfreeze()  # the context freezes start-up objects; keep this test's process as it was
    try:
        runs = asyncio.run(scenario())
    finally:
        gc.unfreeze()
    assert runs[0] >= 10  # the youngest generation about every 10 ms
    assert 2 <= runs[2] <= 5  # everything about every 100 ms

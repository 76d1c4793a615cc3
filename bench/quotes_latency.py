"""Time the rule-based quotes take per article: finding them, and giving them the digest's actors.

For each article of ``bench/gold/quotes.jsonl`` (texts from ``../shared/data``), the extractive
engine's actors are made once (not timed), then ``find_quotes`` (marks, attribution) and
``digest_quotes`` (speakers resolved to actors, new speakers added; its per-article caches cleared
first, so every run is cold) are timed ``--repeat`` times; the article's figure is the best of its
runs (the CPU time it needs, without the waits of a loaded machine). p50/p95/max over the articles,
in milliseconds, one core, this process only.

``digest_quotes_ms`` is what the quotes add where nothing finds them ahead (the extractive engine,
or a host with one core: no grounding helper). ``after_warm_ms`` is ``digest_quotes`` with the
article's quotes already found, as on the LLM engines: there the grounding helper finds them while
the model answers (``service.grounding.answer.warm_article``), and the answer waits only for the
speakers (the helper's round trip is not in this figure).

``extractive_wait_ms`` is what the extractive digest waits for its quotes through a real grounding
helper process (``Grounder(1)``, as a 2-core host runs it): the time from the end of
``extractive.extract`` (NER, ranking; in a thread, as the pipeline runs it) to the quotes' return,
round trip included. ``speakers_early`` is what the pipeline does: the article is sent to the helper
for its quotes before ``extract`` starts, and their speakers are asked for as soon as ``extract``
has its actors (its ``on_actors``), while it still ranks sentences and figures. ``ahead``: the
article was sent ahead, the speakers asked after ``extract`` (the pipeline before 2026-12-04);
``not_ahead``: nothing was sent ahead, so the helper finds the quotes in the call. The
``speakers_early`` figure includes the time the worker thread waits for the event loop to take the
request (``service.tasks.start_from_thread``), which lengthens ``extract``.
Each run uses a fresh article text (a numbered line appended), so every cache is cold; best of
``--helper-repeat`` runs per article. Needs 2 usable cores.

    .venv/bin/python bench/quotes_latency.py [--repeat 25] [--helper-repeat 5] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import anyio.to_thread  # noqa: E402

from service.engines.extractive import candidates, extract  # noqa: E402
from service.grounding.pool import Grounder  # noqa: E402
from service.grounding.quotes import article_quotes, digest_quotes  # noqa: E402
from service.nlp.quote_marks import clear_caches  # noqa: E402
from service.nlp.quotes import find_quotes  # noqa: E402
from service.schema import Actor, Options  # noqa: E402
from service.tasks import alongside, start_from_thread  # noqa: E402

MAX_ACTORS = 10  # Options.max_actors' default


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _helper_waits(texts: list[str], repeat: int) -> dict[str, list[float]]:
    """Per article, the best of ``repeat`` waits for the quotes after ``extract``, ahead and not."""
    grounder = Grounder(1)
    await grounder.start()
    if not grounder._helpers:
        raise SystemExit("no grounding helper started (extractive_wait_ms needs one)")
    modes = ("speakers_early", "ahead", "not_ahead")
    waits: dict[str, list[float]] = {mode: [] for mode in modes}
    loop = asyncio.get_running_loop()
    try:
        for n, text in enumerate(texts, 1):
            runs: dict[str, list[float]] = {mode: [] for mode in modes}
            for k in range(repeat):
                for mode, values in runs.items():
                    article = f"{text}\n\nRun {k} {mode}."  # a new text: nothing cached anywhere
                    early: list[asyncio.Task[Any]] = []
                    handed: list[float] = []  # the worker thread's wait while the loop takes the task

                    def ask(
                        actors: list[Actor],
                        article: str = article,
                        early: list[Any] = early,
                        handed: list[float] = handed,
                    ) -> None:
                        began = time.perf_counter()
                        start_from_thread(
                            loop, lambda: grounder.quotes(article, actors, max_actors=MAX_ACTORS), early
                        )
                        handed.append(time.perf_counter() - began)

                    on_actors = ask if mode == "speakers_early" else None
                    run_extract = functools.partial(
                        anyio.to_thread.run_sync,
                        functools.partial(extract, article, Options(), on_actors=on_actors),
                    )
                    if mode != "not_ahead":
                        async with alongside(grounder.warm(article, quotes_only=True)):
                            digest = await run_extract()
                    else:
                        digest = await run_extract()
                    started = time.perf_counter()
                    if early:
                        await early[0]
                    else:
                        await grounder.quotes(article, digest.actors, max_actors=MAX_ACTORS)
                    values.append((time.perf_counter() - started + sum(handed)) * 1000)
            for mode, values in runs.items():
                waits[mode].append(min(values))
            print(f"\r[{n}/{len(texts)}] articles through the helper", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    finally:
        grounder.close()
    return waits


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--gold", type=Path, default=ROOT / "bench" / "gold" / "quotes.jsonl")
    parser.add_argument("--repeat", type=int, default=25, help="timed runs per article")
    parser.add_argument("--helper-repeat", type=int, default=5, help="runs per article through the helper")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "quotes-latency.json")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
    texts: dict[tuple[str, str], str] = {}
    for source in {row["source"] for row in rows}:
        for line in (args.data / source).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts[(source, row["id"])] = row["article"]
    find_ms: list[float] = []
    digest_ms: list[float] = []
    warm_ms: list[float] = []
    chars = []
    for row in rows:
        text = texts[(row["source"], row["id"])]
        chars.append(len(text))
        _, actors, _ = candidates(text, language="en", max_actors=MAX_ACTORS)
        finds, digests, warms = [], [], []
        for _ in range(args.repeat):
            clear_caches()  # the per-article caches of marks, pieces and sentence ends: cold
            started = time.perf_counter()
            find_quotes(text, "en")
            finds.append((time.perf_counter() - started) * 1000)
            article_quotes.cache_clear()
            clear_caches()
            started = time.perf_counter()
            digest_quotes(text, actors, language="en", max_actors=MAX_ACTORS)
            digests.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()  # found: only the speakers are left
            digest_quotes(text, actors, language="en", max_actors=MAX_ACTORS)
            warms.append((time.perf_counter() - started) * 1000)
        find_ms.append(min(finds))
        digest_ms.append(min(digests))
        warm_ms.append(min(warms))
        print(f"\r[{len(chars)}/{len(rows)}] articles in process", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    waits = asyncio.run(_helper_waits([texts[(r["source"], r["id"])] for r in rows], args.helper_repeat))

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50": round(_percentile(values, 0.5), 3),
            "p95": round(_percentile(values, 0.95), 3),
            "max": round(max(values), 3),
        }

    result = {
        "what": "per-article time of the rule-based quotes (best of --repeat cold runs), ms",
        "command": f"bench/quotes_latency.py --repeat {args.repeat} --helper-repeat {args.helper_repeat}",
        "articles": len(rows),
        "chars_p50": int(statistics.median(chars)),
        "chars_max": max(chars),
        "find_quotes_ms": summary(find_ms),
        "digest_quotes_ms": summary(digest_ms),
        "after_warm_ms": summary(warm_ms),
        "extractive_wait_ms": {mode: summary(values) for mode, values in waits.items()},
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What headline, dek and bullets cost on an article digested in parts, against the fake LLM.

    .venv/bin/python bench/longform_formats.py [--runs 30:4096,30:8192,120:16384,120:32768] [--repeats N]

The article is the project's own long read of `tests/test_longform_formats.py` (a lead, then
SECTIONS sections of ~190 words: 30 are ~5,800 words), the model the scriptable fake LLM
answering at once with a faithful answer per part (its first sentence as summary; the forms the
call's schema asks for, bullets the part's own sentences), so no answer needs a repair. For each
run SECTIONS:CONTEXT (`NEWSBRIEF_CONTEXT_TOKENS`):

* over HTTP (the real service, cache off, the default grounding helper): LLM calls, attempts and
  `provenance.latency_ms` of `--repeats` requests, without formats (`summarize` = v1), with all
  three (`summarize` resolves to `formats` = v3), and v3 named without formats, which tells
  the cost of the forms from the cost of the template (v3's larger `max_tokens` leaves less room
  per part, so at a small context it needs more parts);
* grounding, in this process: each part's answer grounded with and without its forms
  (`ground_answer`, warm article analysis as the helper has it), best of `--repeats`, summed over
  the parts; plus `merge_parts`;
* the article tokens one part may hold (`Planner.budget_tokens`) for summarize@1-4: the formats
  versions (3, 4) allow longer answers than 1, 2, and a part keeps room for two;
* the extractive engine (no parts: it reads the whole article) with and without the three forms,
  best of `--repeats`: its bullets are its top-ranked sentences of the whole article.

Writes `bench/results/longform-formats.json` with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402

from service.engines.extractive import extract  # noqa: E402
from service.grounding.answer import ground_answer, warm_article  # noqa: E402
from service.llm import tokens  # noqa: E402
from service.pipeline import formats as short_forms  # noqa: E402
from service.pipeline.longform import Part, Planner  # noqa: E402
from service.prompts import Catalogue  # noqa: E402
from service.schema import Digest, Format, Options, Provenance, Usage  # noqa: E402
from service.settings import Settings  # noqa: E402
from tests.conftest import running_service  # noqa: E402
from tests.fakellm import Call, FakeLLM, Reply, ok  # noqa: E402
from tests.test_longform_formats import DEK, HEADLINE, first_sentences, long_read  # noqa: E402
from tests.test_longform_formats import faithful as faithful_answer  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "longform-formats.json"
ALL: list[Format] = ["headline", "dek", "bullets"]
CASES = {"none (v1)": (None, []), "all three (v3)": (None, ALL), "none, v3 named": ("summarize@3", [])}


def _faithful(call: Call) -> Reply:
    return ok(faithful_answer(call))


def _over_http(article: str, context_tokens: int, repeats: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with FakeLLM() as fake:
        fake.default(_faithful)
        settings = Settings(
            engine="openai",
            openai_base_url=fake.base_url,
            openai_api_key="bench",
            model="fake-model",
            context_tokens=context_tokens,
            cache_max_entries=0,  # every request computed
            deadline_s=120.0,
            log_level="warning",
        )
        with running_service(settings) as base, httpx2.Client(base_url=base, timeout=120.0) as client:
            for name, (prompt, formats) in CASES.items():
                body: dict[str, Any] = {"text": article, "options": {"formats": formats}}
                if prompt:
                    body["prompt"] = prompt
                client.post("/v1/summaries", json=body).raise_for_status()  # warm-up
                latencies, calls, attempts, bullets = [], [], [], []
                for _ in range(repeats):
                    before = len(fake.calls)
                    r = client.post("/v1/summaries", json=body)
                    r.raise_for_status()
                    d = r.json()
                    latencies.append(d["provenance"]["latency_ms"])
                    calls.append(len(fake.calls) - before)
                    attempts.append(d["provenance"]["attempts"])
                    bullets.append(len(d["bullets"]))
                out[name] = {
                    "llm_calls": statistics.median(calls),
                    "attempts": statistics.median(attempts),
                    "latency_ms_p50": statistics.median(latencies),
                    "latency_ms_min": min(latencies),
                    "headline": d["headline"] is not None,
                    "dek": d["dek"] is not None,
                    "bullets": statistics.median(bullets),
                }
    return out


def _parts(article: str, context_tokens: int) -> list[Part]:
    planner = Planner(Settings(context_tokens=context_tokens), "openai", None)
    planner.counter = tokens.TiktokenCounter("fake-model")
    template = Catalogue(Settings().prompts_dir).get("summarize", 3)
    return asyncio.run(planner.split(article, None, template))


def _best_ms(fn: Any, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def _grounding(article: str, context_tokens: int, repeats: int) -> dict[str, Any]:
    parts = _parts(article, context_tokens)
    plain_ms = forms_ms = 0.0
    digests = []
    for k, part in enumerate(parts):
        asked = short_forms.for_part(ALL, k)
        summary = first_sentences(part.text, 1)[0]
        answer: dict[str, Any] = {"summary": summary, "key_figures": [], "actors": []}
        with_forms = dict(answer)
        if "headline" in asked:
            with_forms.update(headline=HEADLINE, dek=DEK)
        if "bullets" in asked:
            with_forms["bullets"] = first_sentences(part.text, 3)
        warm_article(part.text)
        plain_ms += _best_ms(lambda: ground_answer(part.text, answer), repeats)  # noqa: B023
        forms_ms += _best_ms(lambda: ground_answer(part.text, with_forms), repeats)  # noqa: B023
        grounded = ground_answer(part.text, with_forms).formats
        digests.append(
            Digest(
                id="dg_bench",
                summary="s",
                sentences=[],
                key_figures=[],
                actors=[],
                bullets=grounded.bullets if grounded else [],
                provenance=Provenance(
                    engine="openai",
                    model="m",
                    prompt=None,
                    attempts=1,
                    usage=Usage(input_tokens=0, output_tokens=0),
                    latency_ms=0,
                ),
                warnings=[],
            )
        )
    starts, texts = [p.start for p in parts], [p.text for p in parts]
    merge_ms = _best_ms(lambda: short_forms.merge_parts(starts, texts, digests, ALL), repeats)
    return {
        "parts": len(parts),
        "parts_asked_for_forms": len([k for k in range(len(parts)) if short_forms.for_part(ALL, k)]),
        "grounding_ms_without_forms": round(plain_ms, 2),
        "grounding_ms_with_forms": round(forms_ms, 2),
        "extra_grounding_ms": round(forms_ms - plain_ms, 2),
        "merge_parts_ms": round(merge_ms, 3),
    }


def _budgets(context_tokens: int) -> dict[str, int]:
    planner = Planner(Settings(context_tokens=context_tokens), "openai", None)
    planner.counter = tokens.TiktokenCounter("fake-model")
    catalogue = Catalogue(Settings().prompts_dir)
    return {
        f"summarize@{v}": asyncio.run(planner.budget_tokens(catalogue.get("summarize", v)))
        for v in (1, 2, 3, 4)
    }


def _extractive(article: str, repeats: int) -> dict[str, Any]:
    bullets = extract(article, Options(formats=ALL)).bullets
    return {
        "ms_without_forms": round(_best_ms(lambda: extract(article, Options()), repeats), 1),
        "ms_with_forms": round(_best_ms(lambda: extract(article, Options(formats=ALL)), repeats), 1),
        "bullets": len(bullets),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", default="30:4096,30:8192,120:16384,120:32768", help="SECTIONS:CONTEXT,...")
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    report: dict[str, Any] = {
        "command": "bench/longform_formats.py " + " ".join(sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "runs": {},
    }
    for run in args.runs.split(","):
        sections, context = (int(x) for x in run.split(":"))
        article = long_read(sections)
        result = {
            "article": {"words": len(article.split()), "chars": len(article)},
            "context_tokens": context,
            "part_budget_tokens": _budgets(context),
            "grounding": _grounding(article, context, args.repeats),
            "http": _over_http(article, context, args.repeats),
            "extractive": _extractive(article, args.repeats),
        }
        report["runs"][run] = result
        print(f"{sections} sections, NEWSBRIEF_CONTEXT_TOKENS={context}")
        print(json.dumps(result, indent=2))
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""API fuzzing: schemathesis against the service's own OpenAPI document, the fake LLM behind it.

    .venv/bin/python -m tests.fuzz.run_schemathesis [--max-examples 150] [--workers 2] [--seed 1]

Starts the fake OpenAI-compatible server and the real app (API keys on, rate limit off) on
loopback, runs `schemathesis run` with every check (server errors, status codes, content
types, response schemas and headers, negative/positive data, auth that must not be ignored,
unsupported methods), and fails when schemathesis fails or generated too few cases. A CI
step of its own (`.ci/run`), not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from service.settings import Settings
from tests.conftest import running_service
from tests.fakellm import FakeLLM, ok

KEY = "fuzz-key-0123456789"
# A schema-valid answer for any article: no figures or actors to ground, a summary with no facts.
ANSWER = {"summary": "The article reports the news.", "key_figures": [], "actors": []}
MIN_CASES = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--max-examples", type=int, default=200, help="cases per operation and phase")
    # One worker: hypothesis parses lambda sources with `ast` from worker threads, which CPython
    # 3.11.7 can fail with "AST constructor recursion depth mismatch".
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-cases", type=int, default=MIN_CASES)
    args = parser.parse_args()
    cli = Path(sys.executable).parent / "schemathesis"
    with FakeLLM() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.default(ok(ANSWER))
        settings = Settings(
            engine="openai",
            openai_base_url=fake.base_url,
            openai_api_key="fuzz",
            model="fake-model",
            api_keys=(KEY,),
            rate_limit_per_min=0,
            llm_backoff_initial_s=0.0,
            llm_backoff_max_s=0.0,
            llm_timeout_s=10.0,
            data_dir=Path(tmp) / "data",
            log_level="warning",
        )
        report = Path(tmp) / "report.json"
        with running_service(settings) as base:
            command = [
                str(cli),
                "--config-file",
                str(Path(__file__).with_name("schemathesis.toml")),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {KEY}",
                "--max-examples",
                str(args.max_examples),
                "--workers",
                str(args.workers),
                "--seed",
                str(args.seed),
                "--request-timeout",
                "30",
                "--report",
                "json",
                "--report-json-path",
                str(report),
                "--no-color",
            ]
            started = time.monotonic()
            result = subprocess.run(command, check=False, cwd=tmp)  # its caches stay out of the tree
            elapsed_s = time.monotonic() - started
        cases = _count_cases(report)
    print(f"==> schemathesis: exit {result.returncode}, {cases} test cases in {elapsed_s:.0f} s")
    if result.returncode != 0:
        return result.returncode
    if cases < args.min_cases:
        print(f"==> too few test cases: {cases} < {args.min_cases}", file=sys.stderr)
        return 1
    return 0


def _count_cases(report: Path) -> int:
    if not report.is_file():
        return 0
    cases: int = json.loads(report.read_text())["test_cases"]["generated"]
    return cases


if __name__ == "__main__":
    raise SystemExit(main())

"""The fast fake OpenAI-compatible server for benchmarks, in its own process (`tests/fakellm/fast.py`).

    .venv/bin/python bench/fake_llm.py --port 9100 --latency-ms 1000 --fault-rate 0.1 \\
        --fault-mix 429=1,500=1,reset=1 --answer tests/answers.py:GOOD

`--help` lists the options; `GET /stats`, `POST /stats/reset` and `GET|POST /config` are
described in `tests/fakellm/fast.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakellm.fast import main

if __name__ == "__main__":
    main()

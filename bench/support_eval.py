"""Evaluate the support checker on the dev set that ``bench/support_devset.py`` builds.

    .venv/bin/python bench/support_eval.py [--devset PATH] [--out PATH] [--split dev|heldout|all]

Reads the dev set (built first, with the default seed, if the file is missing), checks every
labelled row with ``service.nlp.support.check_sentence`` and reports, per part (dev, held-out)
and per style (cnndm, xsum, bbc): precision, recall and F1 of "unsupported" detection and
balanced accuracy ((share of positives passed + share of negatives caught) / 2); per mutation
type: the share caught (negatives) or passed (positives).  Writes a JSON file (default
``bench/results/support-eval.json``) with the machine, the command and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support_devset import DATA, DEFAULT_OUT, generate  # noqa: E402
from service.grounding.support.check import THRESHOLD, check_sentence  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "support-eval.json"


def _metrics(pairs: list[tuple[int, bool]]) -> dict[str, float | int]:
    """``pairs`` of (label, supported): detection metrics with "unsupported" as the positive class."""
    tp = sum(1 for label, ok in pairs if label == 0 and not ok)
    fn = sum(1 for label, ok in pairs if label == 0 and ok)
    fp = sum(1 for label, ok in pairs if label == 1 and not ok)
    tn = sum(1 for label, ok in pairs if label == 1 and ok)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    return {
        "rows": len(pairs),
        "negatives": tp + fn,
        "positives": tn + fp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "positives_passed": round(specificity, 4),
        "balanced_accuracy": round((recall + specificity) / 2, 4),
    }


def _load(path: Path) -> tuple[dict[str, str], list[dict[str, Any]]]:
    articles: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["type"] == "article":
                articles[record["id"]] = record["text"]
            else:
                rows.append(record)
    return articles, rows


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() or "unknown"


def evaluate(articles: dict[str, str], rows: list[dict[str, Any]], split: str) -> dict[str, Any]:
    """Check every row of ``split`` and aggregate."""
    groups: dict[tuple[str, str], list[tuple[int, bool]]] = defaultdict(list)
    mutations: dict[tuple[str, str, str], list[bool]] = defaultdict(list)
    diagnostic: dict[str, list[bool]] = defaultdict(list)
    chosen = [r for r in rows if split == "all" or r["split"] == split]
    started = time.perf_counter()
    for row in tqdm(chosen, desc=f"checking ({split})", unit="row", mininterval=1.0):
        verdict = check_sentence(articles[row["article"]], row["sentence"], language="en")
        if row["label"] < 0:
            diagnostic[f"{row['split']}/{row['mutation']}"].append(verdict.supported)
            continue
        pair = (row["label"], verdict.supported)
        for part in (row["split"], "all") if split == "all" else (row["split"],):
            groups[(part, row["style"])].append(pair)
            groups[(part, "all")].append(pair)
            correct = verdict.supported == (row["label"] == 1)
            mutations[(part, row["style"], row["mutation"])].append(correct)
    elapsed_s = time.perf_counter() - started
    return {
        "metrics": {f"{part}/{style}": _metrics(pairs) for (part, style), pairs in sorted(groups.items())},
        "mutations": {
            f"{part}/{style}/{mutation}": {"rows": len(v), "correct": round(sum(v) / len(v), 4)}
            for (part, style, mutation), v in sorted(mutations.items())
        },
        "diagnostic_supported_share": {
            key: {"rows": len(v), "supported": round(sum(v) / len(v), 4)}
            for key, v in sorted(diagnostic.items())
        },
        "rows_checked": len(chosen),
        "elapsed_s": round(elapsed_s, 2),
    }


def _table(result: dict[str, Any]) -> str:
    lines = [f"{'part/style':18} {'rows':>6} {'prec':>6} {'rec':>6} {'F1':>6} {'pos ok':>7} {'bal acc':>8}"]
    for key, m in result["metrics"].items():
        lines.append(
            f"{key:18} {m['rows']:6} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}"
            f" {m['positives_passed']:7.3f} {m['balanced_accuracy']:8.3f}"
        )
    lines.append("")
    lines.append(f"{'part/style/mutation (share correct: caught or passed)':52} {'rows':>6} {'correct':>8}")
    for key, m in result["mutations"].items():
        lines.append(f"{key:52} {m['rows']:6} {m['correct']:8.3f}")
    for key, m in result["diagnostic_supported_share"].items():
        lines.append(f"{key + ' (unlabelled: share passed)':52} {m['rows']:6} {m['supported']:8.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--seed", type=int, default=10, help="seed used when the dev set has to be built")
    args = parser.parse_args()
    if not args.devset.exists():
        args.devset.parent.mkdir(parents=True, exist_ok=True)
        with args.devset.open("w", encoding="utf-8") as handle:
            for record in generate(DATA / "frank.jsonl", DATA / "bbc.jsonl", args.seed):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    articles, rows = _load(args.devset)
    result = evaluate(articles, rows, args.split)
    print(_table(result))
    report = {
        "command": " ".join([".venv/bin/python", "bench/support_eval.py", *sys.argv[1:]]),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "threshold": THRESHOLD,
        "devset": str(args.devset.relative_to(ROOT))
        if args.devset.is_relative_to(ROOT)
        else str(args.devset),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

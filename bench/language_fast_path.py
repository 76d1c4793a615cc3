"""Does the function-word fast path of language detection ever disagree with the model?

For every article of ``../shared/data`` (BBC and FRANK, English) and the service's own es/de/fr/it/
pt/nl test sentences repeated to article length, ``language._clear_language`` on the sample the
grounding reads (600 characters) is compared with py3langid's answer on the same sample. Reports how
often the fast path answers, how often it disagrees (the floor is 0), and the time of each.

    .venv/bin/python bench/language_fast_path.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.nlp import language  # noqa: E402

SAMPLE_CHARS = 600  # what grounding reads (service.grounding.locate._DETECT_CHARS)
# Short texts of our own in other languages, repeated: the fast path must not claim them.
OWN = {
    "es": "El Ayuntamiento aprobó el martes un nuevo presupuesto tras un largo debate con la oposición. ",
    "de": "Der Stadtrat hat am Dienstag nach langer Debatte einen neuen Haushalt beschlossen. ",
    "fr": "Le conseil municipal a approuvé mardi un nouveau budget après un long débat avec l'opposition. ",
    "it": "Il consiglio comunale ha approvato martedì un nuovo bilancio dopo un lungo dibattito. ",
    "pt": "A câmara municipal aprovou na terça-feira um novo orçamento depois de um longo debate. ",
    "nl": "De gemeenteraad heeft dinsdag na een lang debat een nieuwe begroting goedgekeurd. ",
    "ca": "L'Ajuntament va aprovar dimarts un nou pressupost després d'un llarg debat amb l'oposició. ",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "language-fast-path.json")
    args = parser.parse_args()
    samples = [
        (json.loads(line)["article"][:SAMPLE_CHARS], None)
        for f in ("bbc.jsonl", "frank.jsonl")
        for line in (args.data / f).read_text(encoding="utf-8").splitlines()
    ]
    samples += [((text * 8)[:SAMPLE_CHARS], code) for code, text in OWN.items()]
    answered = disagreed = 0
    fast_s = model_s = 0.0
    for n, (sample, _) in enumerate(samples, 1):
        t = time.perf_counter()
        fast = language._clear_language(sample)
        fast_s += time.perf_counter() - t
        t = time.perf_counter()
        model = language.detect_by_model(sample)
        model_s += time.perf_counter() - t
        if fast is not None:
            answered += 1
            if fast != model:
                disagreed += 1
                print(f"  disagree: fast {fast}, model {model}: {sample[:60]!r}")
        if n % 500 == 0:
            print(f"\r[{n}/{len(samples)}]", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    result = {
        "what": "language fast path (function words) vs py3langid on 600-character samples",
        "samples": len(samples),
        "fast_path_answered": answered,
        "disagreements": disagreed,
        "fast_path_ms_mean": round(fast_s / len(samples) * 1000, 4),
        "model_ms_mean": round(model_s / len(samples) * 1000, 4),
    }
    print(json.dumps(result, indent=2))
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

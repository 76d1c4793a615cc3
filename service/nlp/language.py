"""Detect an article's language offline (py3langid's bundled model; nothing is downloaded).

``detect(text)`` answers an ISO 639-1 code ("en", "es", "de", "fr", ...), falling back to
``default`` for text too short or too mixed to call.  ``primary(tag)`` reduces a BCP 47 tag
("pt-BR", "de_AT") to its primary language subtag.
"""

from __future__ import annotations

import re
import threading
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

_SAMPLE_CHARS = 3000  # the first paragraphs are plenty, and the model's cost grows with length
_MIN_LETTERS = 12
_MIN_CONFIDENCE = 0.5
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_LOCK = threading.Lock()


@cache
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process (about 0.2 s)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def primary(tag: str | None) -> str | None:
    """The lower-case primary subtag of a BCP 47 tag ("pt-BR" -> "pt"); None if it is not one."""
    match = _TAG.match((tag or "").strip())
    return match.group(1).lower() if match else None


def detect(text: str, *, default: str = "en") -> str:
    """ISO 639-1 code of the language ``text`` is written in, or ``default`` when unsure."""
    sample = text[:_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return default
    with _LOCK:  # build the model once even when threads race for it
        identifier = _identifier()
    language, confidence = identifier.classify(sample)
    return str(language) if float(confidence) >= _MIN_CONFIDENCE else default

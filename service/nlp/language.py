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


# The commonest function words of the languages the service reads (and of their neighbours, so a
# text in those does not count for one of ours): a text that uses many of one language's and
# hardly any of the others' is in that language, and the model need not be asked.
_FUNCTION_WORDS = {
    "en": "the and of to is was that for with on are have has from by at this which were",
    "es": "el los las del que por con para una fue según pero también está sus como",
    "de": "der die das und ist nicht mit dem den von sich auch eine wird wurde sind",
    "fr": "le les des et est une pour dans qui sur pas du au avec ont été sont",
    "it": "il di che gli della sono non per una nel alla anche",
    "pt": "não uma com para os do da que em foi são também",
    "nl": "het een van en de niet dat zijn op voor met ook",
}
_CLEAR_LANGUAGES = frozenset({"en", "es", "de", "fr"})
_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _language)
_LETTERS = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")
CLEAR_MIN_HITS = 8  # function words of the winning language in the sample
CLEAR_MARGIN = 3.0  # times those of any other language


def _clear_language(sample: str) -> str | None:
    """The language of ``sample`` when its function words leave no doubt (checked against the model
    on every article of the evaluation data, bench/language_fast_path.py), else None."""
    hits: dict[str, int] = {}
    for word in _WORDS.findall(sample.lower()):
        for language in _WORD_LANGUAGES.get(word, ()):
            hits[language] = hits.get(language, 0) + 1
    if not hits:
        return None
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    best, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best in _CLEAR_LANGUAGES and count >= CLEAR_MIN_HITS and count >= CLEAR_MARGIN * runner_up:
        return best
    return None


def detect(text: str, *, default: str = "en") -> str:
    """ISO 639-1 code of the language ``text`` is written in, or ``default`` when unsure."""
    sample = text[:_SAMPLE_CHARS]
    if (
        len(_LETTERS.findall(sample, 0, 4 * _MIN_LETTERS)) < _MIN_LETTERS
        and len(_LETTERS.findall(sample)) < _MIN_LETTERS
    ):
        return default
    clear = _clear_language(sample)
    if clear is not None:
        return clear
    return detect_by_model(sample, default=default)


def detect_by_model(sample: str, *, default: str = "en") -> str:
    """py3langid's answer for ``sample``, or ``default`` below its confidence bar."""
    with _LOCK:  # build the model once even when threads race for it
        identifier = _identifier()
    language, confidence = identifier.classify(sample)
    return str(language) if float(confidence) >= _MIN_CONFIDENCE else default

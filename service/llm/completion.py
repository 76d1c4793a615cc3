"""What an upstream answer is: the body of a 2xx answer read as a chat completion, or `BadCompletion`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class ChatResult:
    content: str
    model: str
    truncated: bool


class BadCompletion(Exception):
    """The HTTP body of a 2xx answer is not a chat completion (cut short, not JSON, wrong shape).

    A transient upstream fault like a 5xx: retried within the budget, then a 502.
    """


class AnswerTooLarge(BadCompletion):
    """The answer is over `NEWSBRIEF_LLM_MAX_ANSWER_BYTES` (raised by the transport as it streams)."""


@dataclass(frozen=True)
class Completion:
    content: str
    model: str | None
    truncated: bool
    input_tokens: int
    output_tokens: int


def _tokens(usage: dict[str, Any], name: str) -> int:
    value = usage.get(name) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadCompletion(f"usage.{name} is not a count")
    return value


def parse_completion(raw: bytes) -> Completion:
    """The first choice of a chat completion body; raises `BadCompletion` for anything else."""
    try:
        completion = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadCompletion("the body is not JSON") from exc
    if not isinstance(completion, dict):
        raise BadCompletion("the body is not a JSON object")
    choices = completion.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadCompletion("choices is not a list of objects")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise BadCompletion("choices[0].message is not an object")
    content = message.get("content") or ""
    usage = completion.get("usage") or {}
    model = completion.get("model")
    if not isinstance(content, str) or not isinstance(model, str | None) or not isinstance(usage, dict):
        raise BadCompletion("content, model or usage has the wrong type")
    return Completion(
        content=content,
        model=model,
        truncated=choice.get("finish_reason") == "length",
        input_tokens=_tokens(usage, "prompt_tokens"),
        output_tokens=_tokens(usage, "completion_tokens"),
    )

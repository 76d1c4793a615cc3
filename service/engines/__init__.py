"""Where digests come from, registered by name in one place (as `service.hooks` does for CMSs).

    openai      any OpenAI-compatible endpoint through one `AsyncOpenAI` client (`openai_engine`)
    local       the embedded llama.cpp server on loopback, through the same client (`local`)
    extractive  rules, no LLM: ranked sentences, rule-found figures, NER actors (`extractive`)

`ENGINES` maps each name (`service.schema.EngineName`, the one spelling) to the function that
builds the engine from the settings; `build` builds the configured one. To add an engine, add
its module and a row here.
"""

from __future__ import annotations

from collections.abc import Callable

from service.engines import extractive, local, openai_engine
from service.engines.base import Engine
from service.schema import EngineName
from service.settings import Settings

ENGINES: dict[EngineName, Callable[[Settings], Engine]] = {
    "openai": openai_engine.build,
    "local": local.build,
    "extractive": extractive.build,
}


def build(settings: Settings) -> Engine:
    """The engine `NEWSBRIEF_ENGINE` names (`auto`: openai with an endpoint or key, else local)."""
    return ENGINES[settings.resolved_engine()](settings)


__all__ = ["ENGINES", "Engine", "build"]

"""What an engine is: a name, the model it reports, its LLM client (None: rules only), its readiness."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.schema import EngineName

if TYPE_CHECKING:
    from service.engines.local import LocalServer
    from service.llm.client import LLMClient


@dataclass
class Engine:
    """What produces digests in this process."""

    name: EngineName
    model: str
    llm: LLMClient | None
    ready: bool = True
    server: LocalServer | None = None  # the embedded model server to start (the `local` engine)

"""The attempt budget of one request: attempts, wall clock and tokens, shared by retries and repairs.

Every LLM call of a request draws on one `Budget`: the transient retries inside
`service.llm.client` and the pipeline's re-asks (malformed JSON, schema violations,
grounding failures), so `NEWSBRIEF_LLM_MAX_ATTEMPTS` counts every call and attempts never stack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from service.settings import Settings


@dataclass
class Budget:
    """Attempts and wall-clock left for one request; shared by retries and repairs."""

    max_attempts: int
    deadline: float  # time.monotonic() value
    attempts: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    @classmethod
    def start(cls, settings: Settings) -> Budget:
        return cls(settings.llm_max_attempts, time.monotonic() + settings.request_deadline_s)

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def can_attempt(self) -> bool:
        return self.attempts < self.max_attempts and self.remaining_s() > 0

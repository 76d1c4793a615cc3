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
    parent: Budget | None = None  # the whole request's, when this one is for a part of a long article

    @classmethod
    def start(cls, settings: Settings) -> Budget:
        return cls(settings.llm_max_attempts, time.monotonic() + settings.request_deadline_s)

    def part(self) -> Budget:
        """The budget of one part of a long article: as many attempts, the same deadline; what the
        part spends counts in this budget too, so the request's provenance adds up by itself."""
        return Budget(self.max_attempts, self.deadline, parent=self)

    def attempted(self) -> None:
        """One LLM call is being made."""
        budget: Budget | None = self
        while budget is not None:
            budget.attempts += 1
            budget = budget.parent

    def used(self, input_tokens: int, output_tokens: int) -> None:
        """The tokens an answer reports."""
        budget: Budget | None = self
        while budget is not None:
            budget.input_tokens += input_tokens
            budget.output_tokens += output_tokens
            budget = budget.parent

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def can_attempt(self) -> bool:
        return self.attempts < self.max_attempts and self.remaining_s() > 0

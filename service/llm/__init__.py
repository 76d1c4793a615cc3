"""The one OpenAI-compatible client wrapper and what wraps it: retries, breaker, tokens, upstream quota."""

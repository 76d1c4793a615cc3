"""The upstream quota (LLM requests and tokens per window): the seam, in memory, in Redis."""

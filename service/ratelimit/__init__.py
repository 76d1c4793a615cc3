"""Per-client rate limits: the seam, in memory, in Redis."""

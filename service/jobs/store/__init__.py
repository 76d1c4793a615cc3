"""The durable state of the job system: the seam, SQLite (embedded), Redis (shared)."""

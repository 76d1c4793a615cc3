"""The digest cache: the seam and single-flight, in memory, in Redis."""

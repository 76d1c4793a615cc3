"""Who runs which job: the Redis stream queue (the embedded queue lives with the runner)."""

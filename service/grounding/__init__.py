"""Locate what an answer says in its article: figures, actors, summary support; the helper-process pool."""

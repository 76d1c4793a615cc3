"""Deterministic language tools for the extractive engine.

``language`` detects an article's language; ``sentences`` cuts it into sentence spans;
``rank`` scores sentences (lead-biased TF-IDF centrality) and picks the summary; ``numbers``
holds every number rule (English, Spanish, German, French) and ``figures`` ranks the numbers
it finds; ``ner`` runs the language's spaCy recognizer and ``actors`` (with ``countries`` and
``roles``) merges its entities into actors.  Nothing here downloads anything at run
time; spaCy pipelines load lazily, once per process.
"""

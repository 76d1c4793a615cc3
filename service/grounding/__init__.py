"""Nothing leaves that the article does not say: locate what an answer says in its article.

    service.grounding
    ├── locate   figures (by text, or by value and unit), actors and their mentions, the names and
    │            numbers of a summary that the article lacks; tolerant search with exact spans
    ├── answer   a model answer grounded: figures, actors, supported summary sentences
    ├── formats  its short forms (headline, dek, bullets) judged like summary sentences
    ├── quotes   the article's quotes, with speakers among the digest's actors
    ├── support/ does the article state what a summary sentence says, and where (the checker)
    └── pool     the helper processes that ground off the event loop

The number rules it applies, in every language, are `service.nlp.numbers`.
"""

"""Scripted model answers for the seed article (tests/conftest.py loads the article)."""

from __future__ import annotations

from typing import Any

GOOD: dict[str, Any] = {
    "summary": (
        "Around 20 countries are considering joining a coalition of the willing led by the UK and "
        "France to support Ukraine. The UK announced a £1.6 billion missile deal."
    ),
    "key_figures": [
        {"text": "£1.6 billion", "kind": "money", "context": "UK missile deal for Ukraine"},
        {"text": "around 20 countries", "kind": "count", "context": "countries considering joining"},
    ],
    "actors": [
        {"name": "Keir Starmer", "kind": "person", "role": "UK Prime Minister"},
        {"name": "European Commission", "kind": "organization", "role": "met on defence strategy"},
        {"name": "Russia", "kind": "country", "role": "opposes outside involvement"},
    ],
}

# One invented figure and one invented actor beside grounded ones.
HALLUCINATED: dict[str, Any] = {
    **GOOD,
    "key_figures": [*GOOD["key_figures"], {"text": "£2 billion", "kind": "money", "context": "air defence"}],
    "actors": [*GOOD["actors"], {"name": "Emmanuel Macron", "kind": "person", "role": "French President"}],
}

# A summary naming a person and a number the article does not contain.
BAD_SUMMARY: dict[str, Any] = {
    **GOOD,
    "summary": "Emmanuel Macron pledged £5 billion to Ukraine on behalf of 31 countries.",
}

SCHEMA_INVALID: dict[str, Any] = {
    **GOOD,
    "key_figures": [{"text": "£1.6 billion", "kind": "amount", "context": "deal"}],
}

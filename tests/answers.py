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


# An article of our own for the short forms (`options.formats`), and answers about it.
HARBOUR_ARTICLE = (
    "Harbour town approves new ferry terminal\n\n"
    "The council of Port Alder voted on Tuesday to build a new ferry terminal on the east quay. "
    "The project will cost £42 million and is due to open in 2028. "
    "Mayor Ingrid Solvang said the old terminal could no longer handle the summer crowds. "
    "Councillors approved the plan by 17 votes to 4 after a debate that lasted six hours. "
    "The terminal will have room for two ferries at once and a covered waiting hall. "
    "Local fishing crews had opposed an earlier design because it took space from the harbour. "
    "The new plan keeps the fishing berths on the west quay, the council said. "
    "Work on the foundations is expected to start next spring."
)

FORMATS_GOOD: dict[str, Any] = {
    "summary": (
        "The council of Port Alder voted to build a new ferry terminal on the east quay. "
        "The project will cost £42 million and is due to open in 2028."
    ),
    "key_figures": [{"text": "£42 million", "kind": "money", "context": "cost of the terminal"}],
    "actors": [{"name": "Ingrid Solvang", "kind": "person", "role": "Mayor of Port Alder"}],
    "headline": "Port Alder council votes to build £42 million ferry terminal",
    "dek": "The new terminal on the east quay will cost £42 million and is due to open in 2028.",
    "bullets": [
        "The council voted to build a new ferry terminal on the east quay.",
        "The project will cost £42 million and is due to open in 2028.",
        "Councillors approved the plan by 17 votes to 4.",
    ],
}

# One bullet the article does not support (a number and a claim it never makes).
FORMATS_INVENTED_BULLET: dict[str, Any] = {
    **FORMATS_GOOD,
    "bullets": [
        *FORMATS_GOOD["bullets"],
        "The terminal will create 300 jobs for the town.",
    ],
}

# A headline naming a person and a figure the article does not contain.
FORMATS_INVENTED_HEADLINE: dict[str, Any] = {
    **FORMATS_GOOD,
    "headline": "Minister Karl Brandt pledges £90 million for Port Alder ferries",
}

# A dek longer than the 160 characters a dek may have (every word of it in the article).
FORMATS_LONG_DEK: dict[str, Any] = {
    **FORMATS_GOOD,
    "dek": (
        "The council of Port Alder voted on Tuesday to build a new ferry terminal on the east quay, "
        "which will cost £42 million, is due to open in 2028 and will have room for two ferries."
    ),
}

# Only two bullets, one of them invented: one survives, and nothing is added to make three.
FORMATS_FEW_BULLETS: dict[str, Any] = {
    **FORMATS_GOOD,
    "bullets": [
        "The project will cost £42 million and is due to open in 2028.",
        "The mayor promised free ferry tickets for every resident.",
    ],
}

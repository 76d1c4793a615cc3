"""Re-export of ``service.nlp.numbers``, where every number rule of every language lives.

Kept so that ``from service.numbers import parse_number`` goes on working; new code imports
``service.nlp.numbers``.
"""

from __future__ import annotations

from service.nlp.numbers import Kind, ParsedNumber, find_numbers, parse_number, scan_numbers

__all__ = ["Kind", "ParsedNumber", "find_numbers", "parse_number", "scan_numbers"]

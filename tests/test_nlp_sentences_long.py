"""Long text through the sentence segmenter: bounded pysbd input, same sentences as short text.

pysbd's cost is quadratic in its input, so ``service.nlp.sentences`` feeds it windows of
bounded size.  These tests count what pysbd is given (no timing: that is
``bench/sentences_scaling.py``) and check that windows change no sentence.
"""

from __future__ import annotations

import random
from typing import Any

import pysbd  # type: ignore[import-untyped]
import pytest

from service.nlp import sentences
from service.nlp.sentences import split

_SUBJECTS = ["The council", "Mr. Smith", "The U.S. economy", "Dr. Jones", "Shares", "The union", "Exports"]
_VERBS = ["rose", "said it grew", "fell by 3.5%", "met officials on Jan. 5", "cost £1.6 billion", "left"]
_PLACES = ["on Tuesday", "after 10 a.m. on Monday", "in St. Louis last year", "by about 2.75 points"]
_FINALS = [".", "!", "?", "."]


def _sentences(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_PLACES)} in case {i}{rng.choice(_FINALS)}"
        for i in range(count)
    ]


@pytest.fixture
def pysbd_inputs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of the texts pysbd segments during the test."""
    lengths: list[int] = []
    real = pysbd.Segmenter.segment

    def spy(self: Any, text: str) -> Any:
        lengths.append(len(text))
        return real(self, text)

    monkeypatch.setattr(pysbd.Segmenter, "segment", spy)
    return lengths


@pytest.mark.parametrize("chars", [10_000, 50_000, 200_000])
def test_a_long_single_line_reaches_pysbd_in_bounded_windows(chars: int, pysbd_inputs: list[int]) -> None:
    line = " ".join(_sentences(chars // 40, seed=chars))[:chars]
    found = split(line)
    assert found
    assert max(pysbd_inputs) <= sentences._WINDOW_CHARS
    # Windows overlap by at most one window's look-ahead: the work is linear in the length.
    assert sum(pysbd_inputs) <= 1.6 * len(line)


def test_a_long_line_without_sentence_ends_is_one_sentence(pysbd_inputs: list[int]) -> None:
    line = " ".join(["word"] * 40_000)  # 200,000 characters, no full stop
    found = split(line)
    assert [(s.start, s.end) for s in found] == [(0, len(line))]
    assert max(pysbd_inputs) <= sentences._WINDOW_CHARS
    assert sum(pysbd_inputs) <= 1.6 * len(line)


def test_a_long_line_without_spaces_still_goes_in_windows(pysbd_inputs: list[int]) -> None:
    line = "字" * 30_000
    assert [(s.start, s.end) for s in split(line)] == [(0, len(line))]
    assert max(pysbd_inputs) <= sentences._WINDOW_CHARS


@pytest.mark.parametrize("seed", range(5))
def test_windows_cut_no_sentence_and_merge_none(seed: int) -> None:
    expected = _sentences(600, seed)  # about 30,000 characters on one line
    line = " ".join(expected)
    assert [s.text(line) for s in split(line)] == expected


def test_windows_agree_with_segmenting_paragraph_by_paragraph() -> None:
    expected = _sentences(300, seed=99)
    paragraphs = "\n\n".join(" ".join(expected[i : i + 5]) for i in range(0, len(expected), 5))
    line = " ".join(expected)
    assert [s.text(line) for s in split(line)] == [s.text(paragraphs) for s in split(paragraphs)]


def test_a_closing_quote_left_alone_joins_its_sentence() -> None:
    text = "He said: 'We will win.' ' Then he left."
    assert all(any(c.isalnum() for c in s.text(text)) for s in split(text))
